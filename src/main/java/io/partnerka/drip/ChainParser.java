package io.partnerka.drip;

import io.partnerka.conversation.Content;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates the chain files {@code messages/drip/*.yml}. A file is one chain:
 *
 * <pre>{@code
 * id: onboarding              # optional, defaults to the file name
 * trigger: approved           # see Drips.EVENTS; "inactive" and "application-unfinished" need "after"
 * after: 14d                  # only for the scanned triggers
 * only-approved: true         # default true: the chain stops when the person is no longer an approved partner
 * partner-types: [company]    # optional filters (empty = everyone); leaving them stops the chain
 * segments: []
 * stop-when: [first-client]   # conditions that end the chain
 * steps:
 *   - id: welcome
 *     delay: 1h               # after entering / after the previous step
 *     skip-if: training-started
 *     text: { ru: "...", en: "..." }        # Telegram HTML, every configured language; {name} = the person's name
 *     button:
 *       label: { ru: "...", en: "..." }
 *       command: training     # exactly one of: command, flow, callback, menu, url
 * }</pre>
 *
 * Unknown keys, a missing language, bad HTML, an unknown condition or trigger, two buttons or none are errors that
 * name the file and the step.
 */
final class ChainParser {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    static final Set<String> SCANNED_TRIGGERS = Set.of(Drips.INACTIVE, Drips.APPLICATION_UNFINISHED);
    private static final int MAX_TEXT = 4000;

    private final JsonMapper mapper = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .build();
    private final List<String> languages;
    private final Set<String> extraConditions;

    /**
     * @param languages       every language a text and a label must exist in
     * @param extraConditions names of {@link DripCondition} beans (besides facts and built-ins)
     */
    ChainParser(List<String> languages, Set<String> extraConditions) {
        this.languages = List.copyOf(languages);
        this.extraConditions = Set.copyOf(extraConditions);
    }

    /** What was read: the valid chains and every problem found (a chain with a problem is left out). */
    record Result(Map<String, Chain> chains, List<String> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    Result parse(Content content) {
        Map<String, JsonNode> trees = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (String file : content.list("drip")) {
            try {
                trees.put(file, content.tree(file));
            } catch (Content.ContentException e) {
                errors.add(e.getMessage());
            }
        }
        Result result = parse(trees);
        errors.addAll(result.errors());
        return new Result(result.chains(), errors);
    }

    /** Chain files by name (e.g. "drip/onboarding.yml") as YAML trees. */
    Result parse(Map<String, JsonNode> files) {
        Map<String, Chain> chains = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        files.forEach((file, tree) -> {
            List<String> problems = new ArrayList<>();
            Chain chain = parse(file, tree, problems);
            if (chain != null && chains.containsKey(chain.id())) {
                problems.add(file + ": the chain id '" + chain.id() + "' is also used by " + chains.get(chain.id()).file());
            }
            if (problems.isEmpty() && chain != null) chains.put(chain.id(), chain); else errors.addAll(problems);
        });
        return new Result(chains, errors);
    }

    Chain parse(String file, JsonNode tree, List<String> problems) {
        ChainFile f;
        try {
            f = mapper.treeToValue(tree, ChainFile.class);
        } catch (JacksonException e) {
            problems.add(file + ": " + e.getOriginalMessage());
            return null;
        }
        if (f == null) {
            problems.add(file + ": empty file");
            return null;
        }
        String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.yml$", "");
        String id = f.id() == null ? base : f.id();
        String where = file + " (chain " + id + ")";
        if (!ID.matcher(id).matches()) problems.add(where + ": the id must be lower-case letters, digits and '-' (at most 40)");
        if (f.trigger() == null || !Drips.EVENTS.contains(f.trigger())) {
            problems.add(where + ": trigger must be one of " + Drips.EVENTS + ", not " + f.trigger());
        }
        Duration after = null;
        if (SCANNED_TRIGGERS.contains(f.trigger())) {
            if (f.after() == null) problems.add(where + ": the trigger " + f.trigger() + " needs 'after' (e.g. 14d)");
            else after = duration(f.after(), where + ": after", problems);
            if (after != null && after.isNegative()) problems.add(where + ": after must not be negative");
        } else if (f.after() != null) {
            problems.add(where + ": 'after' only applies to the triggers " + SCANNED_TRIGGERS);
        }
        boolean onlyApproved = f.onlyApproved() == null || f.onlyApproved();
        if (Drips.APPLICATION_UNFINISHED.equals(f.trigger()) && onlyApproved) {
            problems.add(where + ": an application reminder goes to people who are not partners yet: set only-approved: false");
        }
        if (f.steps() == null || f.steps().isEmpty()) {
            problems.add(where + ": a chain needs at least one step");
            return null;
        }
        Set<String> stepIds = new LinkedHashSet<>();
        for (StepFile s : f.steps()) {
            if (s != null && s.id() != null && !stepIds.add(s.id())) problems.add(where + ": two steps named " + s.id());
        }
        List<Chain.Step> steps = new ArrayList<>();
        for (int i = 0; i < f.steps().size(); i++) {
            Chain.Step step = step(where, i, f.steps().get(i), stepIds, f.trigger(), problems);
            if (step != null) steps.add(step);
        }
        List<String> stopWhen = list(f.stopWhen());
        for (String c : stopWhen) checkCondition(where + ": stop-when", c, stepIds, f.trigger(), problems);
        return new Chain(id, file, f.trigger(), after, onlyApproved, new LinkedHashSet<>(list(f.partnerTypes())),
                new LinkedHashSet<>(list(f.segments())), stopWhen, steps);
    }

    private Chain.Step step(String where, int index, StepFile s, Set<String> stepIds, String trigger, List<String> problems) {
        if (s == null || s.id() == null || !ID.matcher(s.id()).matches()) {
            problems.add(where + ": step " + (index + 1) + " needs an id (lower-case letters, digits, '-')");
            return null;
        }
        String at = where + ", step " + s.id();
        Duration delay = s.delay() == null ? Duration.ZERO : duration(s.delay(), at + ": delay", problems);
        if (delay != null && delay.isNegative()) problems.add(at + ": delay must not be negative");
        Map<String, String> text = texts(at + ": text", s.text(), MAX_TEXT, problems);
        if (s.button() == null) {
            problems.add(at + ": every message has exactly one button (one message — one action)");
            return null;
        }
        Map<String, String> label = texts(at + ": button label", s.button().label(), 64, problems);
        Target target = target(at, s.button(), problems);
        List<String> skipIf = list(s.skipIf());
        for (String c : skipIf) checkCondition(at + ": skip-if", c, stepIds, trigger, problems);
        return new Chain.Step(s.id(), delay, text, label, target, skipIf);
    }

    private Target target(String at, ButtonFile b, List<String> problems) {
        List<Target> given = new ArrayList<>();
        if (b.command() != null) given.add(new Target(Target.Kind.COMMAND, b.command().replaceFirst("^/", "")));
        if (b.flow() != null) given.add(new Target(Target.Kind.FLOW, b.flow()));
        if (b.callback() != null) given.add(new Target(Target.Kind.CALLBACK, b.callback()));
        if (b.menu() != null) given.add(new Target(Target.Kind.MENU, b.menu()));
        if (b.url() != null) given.add(new Target(Target.Kind.URL, b.url()));
        if (given.size() != 1) {
            problems.add(at + ": the button needs exactly one of command, flow, callback, menu, url");
            return null;
        }
        Target t = given.get(0);
        if (t.value().isBlank()) problems.add(at + ": the button's " + t.kind().name().toLowerCase() + " is empty");
        if (t.kind() == Target.Kind.URL && !t.value().matches("https?://\\S+|tg://\\S+")) {
            problems.add(at + ": the button's url must start with https:// (or tg://)");
        }
        if (t.kind() == Target.Kind.CALLBACK && (t.value().startsWith(DripClickAction.PREFIX + ":")
                || t.value().length() > 40 || t.value().contains("#"))) {
            problems.add(at + ": the callback " + t.value() + " cannot be used (at most 40 characters, no '#', not drip's own)");
        }
        return t;
    }

    private Map<String, String> texts(String at, Map<String, String> given, int max, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (given == null) {
            problems.add(at + " is missing (needed in " + languages + ")");
            return out;
        }
        for (String lang : languages) {
            String t = given.get(lang);
            if (t == null || t.isBlank()) {
                problems.add(at + " is missing in " + lang);
                continue;
            }
            t = t.strip();
            if (t.length() > max) problems.add(at + " in " + lang + " is longer than " + max + " characters");
            String html = TelegramHtml.problem(t);
            if (html != null) problems.add(at + " in " + lang + ": " + html);
            out.put(lang, t);
        }
        for (String lang : given.keySet()) {
            if (!languages.contains(lang)) problems.add(at + ": unknown language " + lang + " (languages: " + languages + ")");
        }
        return out;
    }

    private void checkCondition(String at, String name, Set<String> stepIds, String trigger, List<String> problems) {
        if (name == null || name.isBlank()) {
            problems.add(at + ": an empty condition");
        } else if (name.startsWith(Conditions.CLICKED_PREFIX)) {
            String step = name.substring(Conditions.CLICKED_PREFIX.length());
            if (!stepIds.contains(step)) problems.add(at + ": " + name + " refers to no step of this chain");
        } else if (!Conditions.BUILT_IN.contains(name) && !Drips.EVENTS.contains(name) && !extraConditions.contains(name)) {
            problems.add(at + ": unknown condition " + name + " (built in: " + Conditions.BUILT_IN + ", clicked:<step>, "
                    + "facts: " + Drips.EVENTS + (extraConditions.isEmpty() ? "" : ", checks: " + extraConditions) + ")");
        }
    }

    private static Duration duration(String text, String at, List<String> problems) {
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }

    private static List<String> list(List<String> l) {
        return l == null ? List.of() : l.stream().filter(x -> x != null && !x.isBlank()).map(String::strip).toList();
    }

    /** The file as written. */
    record ChainFile(String id, String trigger, String after, Boolean onlyApproved, List<String> partnerTypes,
                     List<String> segments, List<String> stopWhen, List<StepFile> steps) {
    }

    record StepFile(String id, String delay, Map<String, String> text, ButtonFile button, List<String> skipIf) {
    }

    record ButtonFile(Map<String, String> label, String command, String flow, String callback, String menu, String url) {
    }
}
