package dev.tributary.offsets;

/** Takes secrets out of text that a store puts in a message, such as a driver's own error text. */
final class Redaction {
    static final String HIDDEN = "[hidden]";

    private Redaction() {
    }

    /** {@code text} with every occurrence of each non-empty secret replaced by {@value #HIDDEN}. */
    static String redact(String text, String... secrets) {
        String result = String.valueOf(text);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, HIDDEN);
            }
        }
        return result;
    }
}
