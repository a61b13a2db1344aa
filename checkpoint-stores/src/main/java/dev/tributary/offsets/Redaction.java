package dev.tributary.offsets;

/**
 * Takes secrets out of text that a store puts in a message, such as a driver's own error text. A
 * secret is masked where it stands as a whole value, not where it is part of a longer run of letters
 * and digits, as the runtime's SecretMasking does: a one-letter password must not turn
 * {@code ConnectException} into {@code ConnectE[hidden]ception}.
 */
final class Redaction {
    static final String HIDDEN = "[hidden]";

    private Redaction() {
    }

    /** {@code text} with each non-empty secret replaced by {@value #HIDDEN} wherever it stands alone. */
    static String redact(String text, String... secrets) {
        String result = String.valueOf(text);
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = replaceWhole(result, secret);
            }
        }
        return result;
    }

    private static String replaceWhole(String text, String secret) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        int at;
        while ((at = text.indexOf(secret, from)) >= 0) {
            int end = at + secret.length();
            boolean joinedBefore = at > 0 && Character.isLetterOrDigit(text.charAt(at - 1))
                    && Character.isLetterOrDigit(secret.charAt(0));
            boolean joinedAfter = end < text.length() && Character.isLetterOrDigit(text.charAt(end))
                    && Character.isLetterOrDigit(secret.charAt(secret.length() - 1));
            if (joinedBefore || joinedAfter) {
                from = at + 1;
            } else {
                out.append(text, copied, at).append(HIDDEN);
                copied = end;
                from = end;
            }
        }
        return out.append(text, copied, text.length()).toString();
    }
}
