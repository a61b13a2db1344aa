package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of validating a whole config: every field's result, including keys that the
 * schema does not know. Every problem is reported at once, never just the first.
 *
 * @param fields one result per declared field in declaration order, then one per unknown key
 */
@Stable
public record ConfigValidation(List<FieldValidation> fields) {
    public ConfigValidation {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields is null"));
    }

    /** How many problems were found. */
    public int errorCount() {
        return fields.stream().mapToInt(f -> f.errors().size()).sum();
    }

    public boolean isValid() {
        return errorCount() == 0;
    }

    /** One readable line per problem, such as {@code "receiveQueueSize: 'abc' is not a whole number"}. */
    public List<String> errorLines() {
        return fields.stream()
                .flatMap(f -> f.errors().stream().map(e -> f.name() + ": " + e))
                .toList();
    }
}
