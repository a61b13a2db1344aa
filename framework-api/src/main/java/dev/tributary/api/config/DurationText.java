package dev.tributary.api.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations as users write them: {@code 500ms}, {@code 30s}, {@code PT30S}, or milliseconds. */
final class DurationText {
    /**
     * The longest duration a field takes: about 292 years, so that the runtime can hold any
     * duration in milliseconds or nanoseconds ({@link Duration#toNanos()}) without overflow.
     */
    static final Duration MAX = Duration.ofDays(106_751);

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final String TOO_LONG = "is longer than the longest duration, " + format(MAX)
            + "; write a shorter one";

    private DurationText() {
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            d = read(text, t);
        } catch (NumberFormatException | ArithmeticException e) {
            // Only digits too many for a long, or an amount of a unit too large for a Duration, get here.
            throw new IllegalArgumentException(TOO_LONG);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("is negative; a duration is 0 or more, such as 500ms or 30s");
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(TOO_LONG);
        }
        return d;
    }

    private static Duration read(String text, String t) {
        if (t.chars().allMatch(Character::isDigit) && !t.isEmpty()) {
            return Duration.ofMillis(Long.parseLong(t));
        }
        Matcher m = WITH_UNIT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            if (e.getCause() instanceof ArithmeticException overflow) {
                throw overflow;
            }
            throw new IllegalArgumentException("is not a duration; write it as 500ms, 30s, 5m, 1h, PT30S,"
                    + " or a number of milliseconds");
        }
    }

    /** The shortest exact form: {@code 30s} rather than {@code 30000ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0 && ms != 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
