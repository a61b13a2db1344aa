package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.List;

/**
 * What one fetch from one shard produced, ready for the runtime.
 *
 * @param partition the shard's partition
 * @param records the records, in shard order (KPL aggregates already unpacked)
 * @param kinesisRecords how many Kinesis records they came from, for the receive queue's count
 * @param bytes the payload bytes, for the receive queue's byte cap
 * @param endOffset the shard's end, committed after these records, or null while the shard goes on
 */
public record ShardBatch(SourcePartition partition, List<SourceRecord> records, int kinesisRecords, long bytes, SourceOffset endOffset) {
    public ShardBatch {
        requireNonNull(partition, "partition is null");
        records = List.copyOf(records);
    }
}
