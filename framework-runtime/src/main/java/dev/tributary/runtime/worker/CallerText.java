package dev.tributary.runtime.worker;

/**
 * Text a caller sent, such as a connector name from a URL or a value in a request body, as an
 * error message may echo it: cut after a bound and with control characters escaped, so that a
 * message stays one short line whatever was sent. The REST layer quotes through it too.
 */
public final class CallerText {
    static final int MAX_LENGTH = 100;

    private CallerText() {
    }

    /** {@code text} cut after {@value #MAX_LENGTH} characters; {@code "null"} for null. */
    static String shown(String text) {
        return text == null ? "null" : shown(text, MAX_LENGTH);
    }

    /**
     * {@code text} with control characters written as backslash-u escapes and, when longer than
     * {@code max}, cut there and followed by {@code ... (N characters)}.
     */
    public static String shown(String text, int max) {
        int shown = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(shown + 24);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > max) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }
}
