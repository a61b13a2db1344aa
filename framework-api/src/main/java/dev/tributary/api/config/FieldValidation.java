package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of validating one field.
 *
 * @param name the key
 * @param value the value as given or defaulted, masked when sensitive; null when unset
 * @param errors the problems, each a phrase such as {@code "must be at least 1"}
 * @param recommendedValues values to offer, such as an enum's words
 */
@Stable
public record FieldValidation(String name, String value, List<String> errors, List<String> recommendedValues) {
    public FieldValidation {
        Objects.requireNonNull(name, "name is null");
        errors = List.copyOf(errors);
        recommendedValues = List.copyOf(recommendedValues);
    }
}
