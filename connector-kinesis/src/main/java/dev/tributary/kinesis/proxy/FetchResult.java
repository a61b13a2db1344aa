package dev.tributary.kinesis.proxy;

import java.util.List;

/**
 * What one GetRecords call (or one fan-out event) returned.
 *
 * @param records the records, in shard order
 * @param nextIterator the iterator for the next call (the continuation sequence number for fan-out), or
 *     null when the shard is closed and every record has been returned
 * @param millisBehindLatest how far the read is behind the tip of the shard
 */
public record FetchResult(List<KinesisRecord> records, String nextIterator, long millisBehindLatest) {
    public FetchResult {
        records = List.copyOf(records);
    }

    /** True when the shard has ended: no further records will ever come. */
    public boolean shardEnded() {
        return nextIterator == null;
    }
}
