package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One record read from a source, on its way to Pulsar.
 *
 * <p>The value is written to Pulsar as these exact bytes. To keep the hot path free of copies,
 * the record takes ownership of the array: the task must not change it afterwards.
 *
 * @param partition where the record comes from; records of one partition keep their order
 * @param offset the position to resume after, once this record and all before it are in Pulsar
 * @param topic the destination topic, or null for the connector's configured {@code topic}
 * @param key the message key, or null for none
 * @param value the payload, written unchanged; may be empty, never null
 * @param properties message properties; copied
 * @param eventTime when the event happened at the source, or null when unknown
 */
@Stable
public record SourceRecord(
        SourcePartition partition,
        SourceOffset offset,
        String topic,
        String key,
        byte[] value,
        Map<String, String> properties,
        Instant eventTime) {

    public SourceRecord {
        Objects.requireNonNull(partition, "partition is null");
        Objects.requireNonNull(offset, "offset is null");
        Objects.requireNonNull(value, "value is null");
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** A record for the connector's configured topic, with no properties. */
    public SourceRecord(SourcePartition partition, SourceOffset offset, String key, byte[] value, Instant eventTime) {
        this(partition, offset, null, key, value, Map.of(), eventTime);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceRecord r
                && partition.equals(r.partition)
                && offset.equals(r.offset)
                && Objects.equals(topic, r.topic)
                && Objects.equals(key, r.key)
                && Arrays.equals(value, r.value)
                && properties.equals(r.properties)
                && Objects.equals(eventTime, r.eventTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, offset, topic, key, Arrays.hashCode(value), properties, eventTime);
    }

    @Override
    public String toString() {
        return "SourceRecord[partition=" + partition + ", offset=" + offset + ", topic=" + topic
                + ", key=" + key + ", value=" + value.length + " bytes, properties=" + properties
                + ", eventTime=" + eventTime + "]";
    }
}
