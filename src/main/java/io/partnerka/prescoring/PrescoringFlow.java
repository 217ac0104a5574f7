package io.partnerka.prescoring;

import io.partnerka.conversation.ChatContext;
import io.partnerka.conversation.Content;
import io.partnerka.conversation.Flow;
import io.partnerka.conversation.FlowDefinition;
import io.partnerka.conversation.Input;
import io.partnerka.partner.ApplicationAnswers;
import io.partnerka.partner.Partners;
import io.partnerka.partner.Partners.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The prescoring questionnaire from {@code messages/prescoring.yml}, asked right after the application form. */
@Component
class PrescoringFlow implements Flow, ApplicationAnswers {

    private final Questionnaire questionnaire;
    private final Partners partners;
    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    PrescoringFlow(Content content, Partners partners, JdbcClient jdbc) {
        this.questionnaire = content.read("prescoring.yml", Questionnaire.class);
        this.questionnaire.validate();
        this.partners = partners;
        this.jdbc = jdbc;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public FlowDefinition<?> definition() {
        FlowDefinition<Map> flow = FlowDefinition.of("prescoring", Map.class);
        int n = questionnaire.questions().size();
        for (int i = 0; i < n; i++) {
            Questionnaire.Question q = questionnaire.questions().get(i);
            int number = i + 1;
            flow.ask(q.id(),
                    ctx -> ctx.text("prescoring.question", "n", number, "total", n,
                            "text", new io.partnerka.conversation.Messages.Trusted(Questionnaire.pick(q.text(), ctx.language()))),
                    Input.choice(ctx -> q.answers().stream()
                            .map(a -> Input.Option.literal(a.id(), Questionnaire.pick(a.text(), ctx.language()))).toList()));
        }
        return flow.complete((ctx, answers) -> finish(ctx, (Map<String, String>) answers));
    }

    private void finish(ChatContext ctx, Map<String, String> answers) {
        Map<String, String> chosen = new LinkedHashMap<>();
        questionnaire.questions().forEach(q -> chosen.put(q.id(), answers.get(q.id())));
        int score = questionnaire.score(chosen);
        Outcome outcome = score < questionnaire.rejectBelow() ? Outcome.REJECT
                : score >= questionnaire.approveAt() && questionnaire.autoApprove() ? Outcome.APPROVE : Outcome.REVIEW;
        jdbc.sql("INSERT INTO prescoring_result (user_id, answers, score, outcome) VALUES (?, ?::jsonb, ?, ?)")
                .params(ctx.userId(), json.writeValueAsString(chosen), score, outcome.name()).update();
        ctx.say("prescoring.done");
        partners.prescored(ctx.userId(), score, outcome, Questionnaire.pick(questionnaire.rejectReason(), ctx.language()));
    }

    /** The latest answers as "question — answer" lines for the manager's card. */
    @Override
    public String summary(long userId, String language) {
        return jdbc.sql("SELECT answers FROM prescoring_result WHERE user_id = ? ORDER BY id DESC LIMIT 1").param(userId)
                .query(String.class).optional()
                .map(raw -> {
                    Map<String, String> chosen = json.readValue(raw, new TypeReference<LinkedHashMap<String, String>>() { });
                    StringBuilder out = new StringBuilder();
                    for (Questionnaire.Question q : questionnaire.questions()) {
                        String answer = q.answers().stream().filter(a -> a.id().equals(chosen.get(q.id()))).findFirst()
                                .map(a -> Questionnaire.pick(a.text(), language)).orElse("—");
                        out.append("• ").append(io.partnerka.conversation.Messages.escape(Questionnaire.pick(q.text(), language)))
                                .append(" — <i>").append(io.partnerka.conversation.Messages.escape(answer)).append("</i>\n");
                    }
                    return out.toString().strip();
                }).orElse("—");
    }
}
