package dev.tributary.kinesis.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a JSON object whose values are all strings, such as {@code {"accessKey":"...","secretKey":"..."}}.
 * The JDK has no JSON reader, and the AWS SDK's is internal. Error messages give the position of
 * the problem but never quote the text, which may hold secrets.
 */
final class JsonStringObject {
    private final String text;
    private int pos;

    private JsonStringObject(String text) {
        this.text = text;
    }

    /**
     * The object's members in the order written.
     *
     * @throws IllegalArgumentException with a message such as {@code "is not a JSON object: expected ':'
     *     at character 12"}, which quotes nothing from {@code text}
     */
    static Map<String, String> parse(String text) {
        return new JsonStringObject(text).object();
    }

    private Map<String, String> object() {
        skipWhitespace();
        if (peek() != '{') {
            throw error("it does not start with '{'");
        }
        pos++;
        Map<String, String> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a key in double quotes");
                }
                String key = string();
                skipWhitespace();
                if (peek() != ':') {
                    throw error("expected ':'");
                }
                pos++;
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a value in double quotes (every value must be a JSON string)");
                }
                String value = string();
                if (members.putIfAbsent(key, value) != null) {
                    throw new IllegalArgumentException("is not a valid JSON object: it has the same key twice");
                }
                skipWhitespace();
                int c = peek();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }
        skipWhitespace();
        if (pos < text.length()) {
            throw error("there is more text after the closing '}'");
        }
        return Collections.unmodifiableMap(members);
    }

    /** Reads a string whose opening quote is at {@code pos}. */
    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("a string is not closed with '\"'");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("a string holds a line break or another control character; escape it");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("a string is not closed with '\"'");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicodeEscape());
                default -> {
                    pos--;
                    throw error("a string has an unknown escape after '\\'");
                }
            }
        }
    }

    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error("a \\u escape needs four hex digits");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos), 16);
            if (digit < 0) {
                throw error("a \\u escape needs four hex digits");
            }
            value = value * 16 + digit;
            pos++;
        }
        return (char) value;
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String problem) {
        String where = pos >= text.length() ? "at the end" : "at character " + (pos + 1);
        return new IllegalArgumentException("is not a valid JSON object: " + problem + " " + where);
    }
}
