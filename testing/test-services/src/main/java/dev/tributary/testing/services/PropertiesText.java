package dev.tributary.testing.services;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites {@code key=value} lines in a properties file's text, keeping its comments and order,
 * so that a generated config differs from the shipped one only where a test needs it to.
 */
final class PropertiesText {
    private PropertiesText() {
    }

    /** Replaces each key's existing line, and appends the keys that the text did not have. */
    static String withOverrides(String text, Map<String, String> overrides) {
        Map<String, String> pending = new LinkedHashMap<>(overrides);
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String key = keyOf(line);
            if (key != null && pending.containsKey(key)) {
                out.add(key + "=" + pending.remove(key));
            } else if (key != null && overrides.containsKey(key)) {
                continue; // a duplicate of a key already replaced: the loader would let it win
            } else {
                out.add(line);
            }
        }
        StringBuilder result = new StringBuilder(String.join("\n", out));
        if (!pending.isEmpty()) {
            if (result.length() > 0 && result.charAt(result.length() - 1) != '\n') {
                result.append('\n');
            }
            result.append("# Added for tests\n");
            pending.forEach((k, v) -> result.append(k).append('=').append(v).append('\n'));
        }
        return result.toString();
    }

    private static String keyOf(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        int eq = trimmed.indexOf('=');
        return (eq < 0 ? trimmed : trimmed.substring(0, eq)).strip();
    }
}
