package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A config declared as data: its fields, and rules across fields. It validates a config,
 * reporting every problem at once, and reads a valid one into a {@link Config}. The runtime also
 * generates the configuration reference from it.
 *
 * <p>Immutable and thread-safe.
 */
@Stable
public final class ConfigSchema {
    /** Unknown keys listed one by one; the rest are counted in one more line. */
    static final int MAX_REPORTED_UNKNOWN_KEYS = 100;
    /** Unknown keys that get a "did you mean" hint; the hint costs an edit distance per field. */
    static final int MAX_HINTED_UNKNOWN_KEYS = 20;
    /** Longer keys are no typo of a field, and get no hint. */
    static final int MAX_HINTED_KEY_LENGTH = 128;
    private static final String UNKNOWN_KEY =
            "is not a known key; see the configuration reference for the keys this accepts";

    private final Map<String, ConfigField> fields;
    private final List<ConfigRule> rules;

    private ConfigSchema(Map<String, ConfigField> fields, List<ConfigRule> rules) {
        this.fields = fields;
        this.rules = List.copyOf(rules);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fields, in declaration order. */
    public List<ConfigField> fields() {
        return List.copyOf(fields.values());
    }

    public Optional<ConfigField> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /**
     * Checks {@code config}: every field's text against its type and validators, the rules,
     * required fields, and unknown keys (with a "did you mean" hint for the first
     * 20; the first 100 are listed,
     * one more result counts the rest). Blank text counts as unset, as in Pulsar IO config files
     * that write {@code startAtTime: " "}.
     */
    public ConfigValidation validate(Map<String, String> config) {
        return evaluate(config).validation;
    }

    /**
     * Validates {@code config} and reads it.
     *
     * @throws ConfigException with one line per problem when the config is invalid
     */
    public Config parse(Map<String, String> config) {
        Evaluation evaluation = evaluate(config);
        if (!evaluation.validation.isValid()) {
            throw new ConfigException(evaluation.validation.errorLines());
        }
        return evaluation.config;
    }

    private record Evaluation(ConfigValidation validation, Config config) {
    }

    private Evaluation evaluate(Map<String, String> config) {
        Objects.requireNonNull(config, "config is null");
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        Map<String, String> shown = new LinkedHashMap<>();
        for (ConfigField field : fields.values()) {
            errors.put(field.name(), new ArrayList<>());
            String given = config.get(field.name());
            boolean set = given != null && !given.isBlank();
            String text = set ? given : field.defaultValue();
            if (text == null) {
                if (field.required()) {
                    errors.get(field.name()).add("is required" + hint(field));
                }
                continue;
            }
            shown.put(field.name(), field.sensitive() ? Password.HIDDEN : text);
            ConfigValues.Read read = ConfigValues.read(field, text);
            if (read.ok()) {
                values.put(field.name(), read.value());
            } else {
                errors.get(field.name()).add(ConfigValues.display(field, text) + " " + read.error());
            }
        }
        Config parsed = new Config(this, values, Map.copyOf(withoutNulls(config)));
        for (ConfigRule rule : rules) {
            rule.check(parsed, (field, problem) ->
                    errors.computeIfAbsent(field, k -> new ArrayList<>()).add(problem));
        }
        List<FieldValidation> results = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : errors.entrySet()) {
            ConfigField field = fields.get(e.getKey());
            results.add(new FieldValidation(e.getKey(), shown.get(e.getKey()), e.getValue(),
                    field == null ? List.of() : field.recommendedValues()));
        }
        int unknown = 0;
        List<String> unreported = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (fields.containsKey(key)) {
                continue;
            }
            unknown++;
            if (unknown <= MAX_REPORTED_UNKNOWN_KEYS) {
                results.add(new FieldValidation(key, null, List.of(unknown <= MAX_HINTED_UNKNOWN_KEYS
                        ? unknownKey(key) : UNKNOWN_KEY), List.of()));
            } else {
                unreported.add(key);
            }
        }
        if (!unreported.isEmpty()) {
            // One line stands for the rest, so that the answer stays small whatever was sent.
            results.add(new FieldValidation(unreported.get(0), null, List.of("is not a known key, and neither are "
                    + (unreported.size() - 1) + " more keys after it; only the first " + MAX_REPORTED_UNKNOWN_KEYS
                    + " unknown keys are listed one by one"), List.of()));
        }
        return new Evaluation(new ConfigValidation(results), parsed);
    }

    private static Map<String, String> withoutNulls(Map<String, String> config) {
        Map<String, String> copy = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return copy;
    }

    private static String hint(ConfigField field) {
        String doc = field.documentation();
        int end = doc.indexOf(". ");
        String first = (end < 0 ? doc : doc.substring(0, end + 1)).trim();
        return first.isEmpty() ? "" : " (" + first + ")";
    }

    private String unknownKey(String key) {
        return closestKey(key, fields.keySet()).map(n -> "is not a known key; did you mean " + n + "?")
                .orElse(UNKNOWN_KEY);
    }

    /**
     * The candidate that a mistyped {@code key} was probably meant to be, for "did you mean"
     * hints: the closest one, ignoring case, if it is at most 2 edits away (or a quarter of its
     * length, for long keys). Keys longer than 128 characters get no
     * hint, and each comparison stops once it passes the allowed distance, so the cost is bounded
     * whatever a caller sends.
     */
    public static Optional<String> closestKey(String key, java.util.Collection<String> candidates) {
        if (key.length() > MAX_HINTED_KEY_LENGTH) {
            return Optional.empty();
        }
        String lowerKey = key.toLowerCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int limit = Math.max(2, c.length() / 4);
            int d = distance(c.toLowerCase(java.util.Locale.ROOT), lowerKey, limit);
            if (d <= limit && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        return distance(a, b, Integer.MAX_VALUE - 1);
    }

    /**
     * Levenshtein distance when it is at most {@code limit}; otherwise some number above
     * {@code limit}, found without finishing the table.
     */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) {
                // Every later row is at least this row's minimum.
                return limit + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Builds a {@link ConfigSchema}. */
    public static final class Builder {
        private final Map<String, ConfigField> fields = new LinkedHashMap<>();
        private final List<ConfigRule> rules = new ArrayList<>();

        private Builder() {
        }

        public Builder field(ConfigField field) {
            Objects.requireNonNull(field, "field is null");
            if (fields.putIfAbsent(field.name(), field) != null) {
                throw new IllegalArgumentException("config field " + field.name() + " is declared twice");
            }
            return this;
        }

        /** Adds a check across fields. */
        public Builder rule(ConfigRule rule) {
            rules.add(Objects.requireNonNull(rule, "rule is null"));
            return this;
        }

        /** Adds every field and rule of {@code other}, for example the runtime's keys to a connector's. */
        public Builder include(ConfigSchema other) {
            other.fields.values().forEach(this::field);
            rules.addAll(other.rules);
            return this;
        }

        public ConfigSchema build() {
            return new ConfigSchema(new LinkedHashMap<>(fields), rules);
        }
    }
}
