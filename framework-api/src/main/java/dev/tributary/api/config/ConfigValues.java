package dev.tributary.api.config;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads a field's text as its type and runs its validators. */
final class ConfigValues {
    private ConfigValues() {
    }

    /** A value read from text, or the reason it could not be. */
    record Read(Object value, String error) {
        static Read ok(Object value) {
            return new Read(value, null);
        }

        static Read error(String error) {
            return new Read(null, error);
        }

        boolean ok() {
            return error == null;
        }

        void ifError(Consumer<String> action) {
            if (error != null) {
                action.accept(error);
            }
        }
    }

    /**
     * Reads {@code text}, which is not blank, as {@code field}'s type, then validates it.
     * Messages describe the problem only; the caller adds the field name and the value.
     */
    static Read read(ConfigField field, String text) {
        Object value;
        try {
            value = parse(field, text.trim());
        } catch (IllegalArgumentException e) {
            return Read.error(e.getMessage());
        }
        Object checked = value instanceof Password p ? p.value() : value;
        for (Validator validator : field.validators()) {
            Optional<String> problem = validator.check(checked);
            if (problem.isPresent()) {
                return Read.error(problem.get());
            }
        }
        return Read.ok(value);
    }

    private static Object parse(ConfigField field, String text) {
        return switch (field.type()) {
            case STRING -> text;
            case PASSWORD -> new Password(text);
            case INT -> {
                try {
                    yield Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a whole number from " + Integer.MIN_VALUE
                            + " to " + Integer.MAX_VALUE);
                }
            }
            case LONG -> {
                try {
                    yield Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a whole number");
                }
            }
            case DOUBLE -> {
                try {
                    double d = Double.parseDouble(text);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    yield d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a number");
                }
            }
            case BOOLEAN -> {
                if (text.equalsIgnoreCase("true")) {
                    yield Boolean.TRUE;
                }
                if (text.equalsIgnoreCase("false")) {
                    yield Boolean.FALSE;
                }
                throw new IllegalArgumentException("is not true or false");
            }
            case ENUM -> field.enumValues().stream()
                    .filter(v -> v.equalsIgnoreCase(text))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("is not one of "
                            + String.join(", ", field.enumValues())));
            case LIST -> Arrays.stream(text.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList();
            case DURATION -> DurationText.parse(text);
            case TIMESTAMP -> parseInstant(text);
        };
    }

    private static Instant parseInstant(String text) {
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("is not a timestamp; write it in ISO-8601, such as"
                        + " 2019-03-05T19:28:58.000Z, or as epoch milliseconds");
            }
        }
    }

    /** How a value appears in messages: quoted, or masked when the field is sensitive. */
    static String display(ConfigField field, String text) {
        return field != null && field.sensitive() ? Password.HIDDEN : "'" + text + "'";
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
