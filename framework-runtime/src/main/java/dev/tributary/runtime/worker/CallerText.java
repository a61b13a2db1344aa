package dev.tributary.runtime.worker;

/**
 * Text a caller sent, such as a connector name from a URL, as an error message may echo it:
 * cut after {@value #MAX_LENGTH} characters and with control characters escaped, so that a
 * message stays one short line whatever was sent.
 */
final class CallerText {
    static final int MAX_LENGTH = 100;

    private CallerText() {
    }

    static String shown(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 24);
        int shown = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_LENGTH) {
            out.append("... (").append(text.length()).append(" characters)");
        }
        return out.toString();
    }
}
