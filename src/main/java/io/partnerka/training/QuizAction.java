package io.partnerka.training;

import io.partnerka.conversation.ChatAction;
import io.partnerka.conversation.ChatContext;
import org.springframework.stereotype.Component;

/** The answer buttons of a test: {@code tq:<attempt>:<question>:<option shown>} and {@code …:d} for Done. */
@Component
class QuizAction implements ChatAction {

    private final Quizzes quizzes;

    QuizAction(Quizzes quizzes) {
        this.quizzes = quizzes;
    }

    @Override
    public String callbackPrefix() {
        return Quizzes.PREFIX;
    }

    @Override
    public void run(ChatContext ctx, String args) {
        quizzes.press(ctx, args);
    }
}
