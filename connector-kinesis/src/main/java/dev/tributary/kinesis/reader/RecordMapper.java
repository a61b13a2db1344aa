package dev.tributary.kinesis.reader;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.UserRecord;
import dev.tributary.kinesis.proxy.KinesisRecord;

/** Turns one (de-aggregated) Kinesis record into the record the runtime writes to Pulsar. */
public interface RecordMapper {
    /**
     * @param partition the shard's partition
     * @param shardId the shard
     * @param record the Kinesis record, as fetched
     * @param user the user record (the record itself when it was not a KPL aggregate)
     * @param millisBehindLatest how far behind the shard's tip the fetch was
     */
    default SourceRecord map(SourcePartition partition, String shardId, KinesisRecord record, UserRecord user,
            long millisBehindLatest) {
        return map(partition, shardId, record, user, millisBehindLatest, KinesisOffsets.UNKNOWN_CREATION);
    }

    /**
     * As {@link #map(SourcePartition, String, KinesisRecord, UserRecord, long)}, with the stream's
     * creation time (epoch millis, or {@link KinesisOffsets#UNKNOWN_CREATION}) in the record's offset.
     */
    SourceRecord map(SourcePartition partition, String shardId, KinesisRecord record, UserRecord user,
            long millisBehindLatest, long streamCreatedAt);
}
