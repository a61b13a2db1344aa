package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
import java.util.Map;

/**
 * A position within a {@link SourcePartition}: for Kinesis {@code {sequenceNumber,
 * subSequenceNumber}}. The runtime commits the offset of the last record that Pulsar has
 * acknowledged, with every record before it in the same partition; a task resumes from it.
 *
 * @param fields the offset's fields; copied, sorted by key and made immutable
 */
@Stable
public record SourceOffset(Map<String, Object> fields) {
    public SourceOffset {
        fields = OffsetFields.canonical("source offset", fields);
    }

    /** Shorthand, as in {@code SourceOffset.of("sequenceNumber", seq, "subSequenceNumber", 0L)}. */
    public static SourceOffset of(String key, Object value, Object... more) {
        return new SourceOffset(OffsetFields.canonical("source offset", key, value, more));
    }

    /** The value of a field as a String, or null when the offset has no such field. */
    public String getString(String key) {
        Object value = fields.get(key);
        return value == null ? null : value.toString();
    }

    /** The value of a whole-number field, or {@code fallback} when the offset has no such field. */
    public long getLong(String key, long fallback) {
        Object value = fields.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Long l) {
            return l;
        }
        throw new IllegalStateException("offset field '" + key + "' is " + value + ", not a whole number");
    }

    /** The value of a boolean field, or {@code fallback} when the offset has no such field. */
    public boolean getBoolean(String key, boolean fallback) {
        Object value = fields.get(key);
        return value instanceof Boolean b ? b : fallback;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
