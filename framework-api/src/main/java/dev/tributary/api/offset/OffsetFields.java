package dev.tributary.api.offset;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Checks and copies the fields of a partition or an offset into a canonical, immutable form. */
final class OffsetFields {
    private OffsetFields() {
    }

    /**
     * Returns a sorted, unmodifiable copy in which every whole number is a {@code Long}, so that
     * values read back from a store equal the values written. Allowed values are String, Long
     * (or a smaller integral type), Double, Float and Boolean.
     */
    static Map<String, Object> canonical(String what, Map<String, ?> fields) {
        Objects.requireNonNull(fields, what + " is null");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException(what + " has no fields");
        }
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), what + " has a null key");
            Object value = e.getValue();
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                value = ((Number) value).longValue();
            } else if (value instanceof Float f) {
                value = f.doubleValue();
            } else if (!(value instanceof String || value instanceof Long || value instanceof Double
                    || value instanceof Boolean)) {
                throw new IllegalArgumentException(what + " field '" + key + "' has a value of type "
                        + (value == null ? "null" : value.getClass().getName())
                        + "; use a String, a whole number, a Double or a Boolean");
            }
            copy.put(key, value);
        }
        return Collections.unmodifiableMap(copy);
    }
}
