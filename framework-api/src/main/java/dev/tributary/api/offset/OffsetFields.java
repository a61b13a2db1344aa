package dev.tributary.api.offset;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks and copies the fields of a partition or an offset into a canonical, immutable form: a map
 * over two arrays sorted by key. The runtime makes one offset per record, so the form is built for
 * that: {@link #canonical(String, String, Object, Object...)} sorts a few pairs in place, with no
 * intermediate map, and a canonical map passed again is taken as it is, not copied.
 */
final class OffsetFields {
    private OffsetFields() {
    }

    /**
     * Returns a sorted, unmodifiable copy in which every whole number is a {@code Long}, so that
     * values read back from a store equal the values written. Allowed values are String, Long
     * (or a smaller integral type), Double, Float and Boolean. A map this class made is returned as is.
     */
    static Map<String, Object> canonical(String what, Map<String, ?> fields) {
        // The message is built only on failure: this runs for every record.
        if (fields == null) {
            throw new NullPointerException(what + " is null");
        }
        if (fields instanceof Fields canonical) {
            return canonical;
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException(what + " has no fields");
        }
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            sorted.put(e.getKey(), value(what, e.getKey(), e.getValue()));
        }
        String[] keys = sorted.keySet().toArray(new String[0]);
        return new Fields(keys, sorted.values().toArray());
    }

    /** As {@link #canonical(String, Map)} for key, value pairs; a later pair of the same key wins. */
    static Map<String, Object> canonical(String what, String key, Object value, Object... more) {
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in key, value pairs");
        }
        int size = 1 + more.length / 2;
        String[] keys = new String[size];
        Object[] values = new Object[size];
        int n = 0;
        for (int i = -2; i < more.length; i += 2) {
            String k = i < 0 ? key : (String) more[i];
            Object v = i < 0 ? value : more[i + 1];
            v = value(what, k, v);
            // Insertion sort: offsets and partitions have a handful of fields.
            int at = n;
            while (at > 0 && keys[at - 1].compareTo(k) > 0) {
                at--;
            }
            if (at > 0 && keys[at - 1].equals(k)) {
                values[at - 1] = v;
                continue;
            }
            System.arraycopy(keys, at, keys, at + 1, n - at);
            System.arraycopy(values, at, values, at + 1, n - at);
            keys[at] = k;
            values[at] = v;
            n++;
        }
        return new Fields(n == size ? keys : Arrays.copyOf(keys, n), n == size ? values : Arrays.copyOf(values, n));
    }

    /** Checks one field: its key is not null, its value of an allowed type, returned as stored. */
    private static Object value(String what, String key, Object value) {
        // The message is built only on failure: this runs for every field of every record's offset.
        if (key == null) {
            throw new NullPointerException(what + " has a null key");
        }
        if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        throw new IllegalArgumentException(what + " field '" + key + "' has a value of type "
                + (value == null ? "null" : value.getClass().getName())
                + "; use a String, a whole number, a Double or a Boolean");
    }

    /** An immutable map over keys sorted by their natural order and their values; iterates in key order. */
    private static final class Fields extends AbstractMap<String, Object> {
        private final String[] keys;
        private final Object[] values;

        Fields(String[] keys, Object[] values) {
            this.keys = keys;
            this.values = values;
        }

        private int indexOf(Object key) {
            if (key instanceof String k) {
                for (int i = 0; i < keys.length; i++) {
                    if (keys[i].equals(k)) {
                        return i;
                    }
                }
            }
            return -1;
        }

        @Override
        public Object get(Object key) {
            int i = indexOf(key);
            return i < 0 ? null : values[i];
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public int size() {
            return keys.length;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < keys.length;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= keys.length) {
                                throw new NoSuchElementException();
                            }
                            int i = next++;
                            return new SimpleImmutableEntry<>(keys[i], values[i]);
                        }
                    };
                }

                @Override
                public int size() {
                    return keys.length;
                }
            };
        }
    }
}
