package dev.tributary.api.config;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads a field's text as its type and runs its validators. */
final class ConfigValues {
    /** The most items a LIST field takes, so that one value cannot cost unbounded memory and checks. */
    static final int MAX_LIST_ITEMS = 1000;

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
                    throw new IllegalArgumentException("is not a whole number " + wholeRange(field,
                            Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
            }
            case LONG -> {
                try {
                    yield Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a whole number " + wholeRange(field,
                            Long.MIN_VALUE, Long.MAX_VALUE));
                }
            }
            case DOUBLE -> {
                double d;
                try {
                    d = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a number" + rangeHint(field));
                }
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("is not a finite number" + rangeHint(field));
                }
                yield d;
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
            case LIST -> {
                List<String> items = Arrays.stream(text.split(","))
                        .map(String::trim)
                        .filter(item -> !item.isEmpty())
                        .toList();
                if (items.size() > MAX_LIST_ITEMS) {
                    throw new IllegalArgumentException("has " + items.size() + " items; a list takes at most "
                            + MAX_LIST_ITEMS);
                }
                yield items;
            }
            case DURATION -> DurationText.parse(text);
            case TIMESTAMP -> parseInstant(text);
        };
    }

    private static Instant parseInstant(String text) {
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is too large for epoch milliseconds; the largest is "
                        + Long.MAX_VALUE + ", or write the time in ISO-8601, such as 2019-03-05T19:28:58.000Z");
            }
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

    /**
     * The range a whole number must be in, for a text that is not one: the type's bounds narrowed
     * by the field's {@link Validators#between} validators, so that the message states the real
     * bounds rather than the type's.
     */
    private static String wholeRange(ConfigField field, long typeMin, long typeMax) {
        double lo = typeMin;
        double hi = typeMax;
        for (Validator validator : field.validators()) {
            if (validator instanceof Validators.Range range) {
                lo = Math.max(lo, Math.ceil(range.min()));
                hi = Math.min(hi, Math.floor(range.max()));
            }
        }
        return "from " + (lo <= typeMin ? Long.toString(typeMin) : Validators.format(lo)) + " to " + (hi >= typeMax ? Long.toString(typeMax) : Validators.format(hi));
    }

    /** "; it must be from 0 to 1" when the field declares a range, else nothing. */
    private static String rangeHint(ConfigField field) {
        return field.validators().stream()
                .filter(Validators.Range.class::isInstance)
                .map(v -> "; it must be " + v.describe())
                .findFirst()
                .orElse("");
    }

    /** How a value appears in messages: quoted, or masked when the field is sensitive. */
    static String display(ConfigField field, String text) {
        return field != null && field.sensitive() ? Password.HIDDEN : "'" + printable(text) + "'";
    }

    /** The longest part of a value that a message quotes. */
    static final int MAX_SHOWN_LENGTH = 200;

    /**
     * {@code text} as a message may quote it: control characters written as a backslash, u and four hex digits,
     * and cut after {@value #MAX_SHOWN_LENGTH} characters, so that a message stays one short line
     * whatever was sent.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_SHOWN_LENGTH) + 16);
        int shown = Math.min(text.length(), MAX_SHOWN_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_SHOWN_LENGTH) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
