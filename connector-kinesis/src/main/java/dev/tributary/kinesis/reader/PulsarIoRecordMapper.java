package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.UserRecord;
import dev.tributary.kinesis.proxy.KinesisRecord;
import java.util.Map;
import java.util.Set;

/**
 * Maps records the way Pulsar IO's Kinesis source does: the key is the partition key (or the
 * shard id), the value is the payload's bytes unchanged, the event time is the approximate
 * arrival time, and the properties are the chosen {@code kinesis.*} ones.
 */
public final class PulsarIoRecordMapper implements RecordMapper {
    public static final String ARRIVAL_TIMESTAMP = "kinesis.arrival.timestamp";
    public static final String ENCRYPTION_TYPE = "kinesis.encryption.type";
    public static final String PARTITION_KEY = "kinesis.partition.key";
    public static final String SEQUENCE_NUMBER = "kinesis.sequence.number";
    public static final String SUB_SEQUENCE_NUMBER = "kinesis.sub.sequence.number";
    public static final String SHARD_ID = "kinesis.shard.id";
    public static final String MILLIS_BEHIND_LATEST = "kinesis.millis.behind.latest";
    public static final String STREAM_NAME = "kinesis.stream.name";

    private final boolean keyIsShardId;
    private final String topic;
    // Which properties to set, looked up once here rather than in a set for every record.
    private final int count;
    private final boolean withArrivalTimestamp;
    private final boolean withEncryptionType;
    private final boolean withPartitionKey;
    private final boolean withSequenceNumber;
    private final boolean withSubSequenceNumber;
    private final boolean withShardId;
    private final boolean withMillisBehindLatest;
    private final boolean withStreamName;

    /**
     * @param keyIsShardId whether the message key is the shard id rather than the partition key
     * @param properties which {@code kinesis.*} properties to set
     * @param topic the destination topic, or null for the connector's {@code topic}
     */
    public PulsarIoRecordMapper(boolean keyIsShardId, Set<String> properties, String topic) {
        this.keyIsShardId = keyIsShardId;
        Set<String> chosen = Set.copyOf(requireNonNull(properties, "properties is null"));
        this.topic = topic;
        this.count = chosen.size();
        this.withArrivalTimestamp = chosen.contains(ARRIVAL_TIMESTAMP);
        this.withEncryptionType = chosen.contains(ENCRYPTION_TYPE);
        this.withPartitionKey = chosen.contains(PARTITION_KEY);
        this.withSequenceNumber = chosen.contains(SEQUENCE_NUMBER);
        this.withSubSequenceNumber = chosen.contains(SUB_SEQUENCE_NUMBER);
        this.withShardId = chosen.contains(SHARD_ID);
        this.withMillisBehindLatest = chosen.contains(MILLIS_BEHIND_LATEST);
        this.withStreamName = chosen.contains(STREAM_NAME);
    }

    @Override
    public SourceRecord map(SourcePartition partition, String shardId, KinesisRecord record, UserRecord user,
            long millisBehindLatest, long streamCreatedAt) {
        // Built immutable in one go: SourceRecord's copy of an immutable map is the map itself, so the
        // hot path allocates the properties once, not twice.
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] props = new Map.Entry[count];
        int n = 0;
        if (withArrivalTimestamp && record.arrival() != null) {
            props[n++] = Map.entry(ARRIVAL_TIMESTAMP, IsoInstant.format(record.arrival()));
        }
        if (withEncryptionType && record.encryptionType() != null) {
            props[n++] = Map.entry(ENCRYPTION_TYPE, record.encryptionType());
        }
        if (withPartitionKey) {
            props[n++] = Map.entry(PARTITION_KEY, user.partitionKey());
        }
        if (withSequenceNumber) {
            props[n++] = Map.entry(SEQUENCE_NUMBER, record.sequenceNumber());
        }
        if (withSubSequenceNumber) {
            props[n++] = Map.entry(SUB_SEQUENCE_NUMBER, Long.toString(user.subSequenceNumber()));
        }
        if (withShardId) {
            props[n++] = Map.entry(SHARD_ID, shardId);
        }
        if (withMillisBehindLatest) {
            props[n++] = Map.entry(MILLIS_BEHIND_LATEST, Long.toString(millisBehindLatest));
        }
        if (withStreamName) {
            props[n++] = Map.entry(STREAM_NAME, partition.getString(KinesisOffsets.STREAM));
        }
        return new SourceRecord(partition, KinesisOffsets.offset(record.sequenceNumber(), user.subSequenceNumber(), streamCreatedAt),
                topic, keyIsShardId ? shardId : user.partitionKey(), user.data(),
                Map.ofEntries(n == props.length ? props : java.util.Arrays.copyOf(props, n)), record.arrival());
    }
}
