package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
import java.util.Map;

/**
 * Where records come from, in a source's own terms: for Kinesis {@code {stream, shard}}. Offsets
 * are tracked and committed per partition, and records of one partition keep their order.
 *
 * <p>Fields are Strings, whole numbers (held as {@code Long}), Doubles or Booleans, so that every
 * offset store can keep them and give back an equal value.
 *
 * @param fields the partition's fields; copied, sorted by key and made immutable
 */
@Stable
public record SourcePartition(Map<String, Object> fields) {
    public SourcePartition {
        fields = OffsetFields.canonical("source partition", fields);
    }

    /** Shorthand for a partition with string fields, as in {@code SourcePartition.of("stream", s, "shard", id)}. */
    public static SourcePartition of(String key, Object value, Object... more) {
        return new SourcePartition(OffsetFields.canonical("source partition", key, value, more));
    }

    /** The value of a string field, or null when the partition has no such field. */
    public String getString(String key) {
        Object value = fields.get(key);
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
