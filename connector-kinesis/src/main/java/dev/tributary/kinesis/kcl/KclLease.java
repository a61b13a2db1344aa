package dev.tributary.kinesis.kcl;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * One lease of a KCL lease table: the shard it covers and the checkpoint the application reached in
 * it.
 *
 * @param leaseKey the item's key as stored: the shard id, or for a multi-stream application
 *     {@code account:stream:creationEpochSeconds:shardId}
 * @param stream the stream for a multi-stream lease; empty for a single-stream application, whose
 *     table does not name its stream
 * @param streamCreationEpochSeconds the stream's creation time a multi-stream lease key records, 0 if none
 * @param parentShardIds the shards this one was split or merged from, as the KCL recorded them
 */
public record KclLease(String leaseKey, Optional<String> stream, long streamCreationEpochSeconds, String shardId,
        KclCheckpoint checkpoint, Set<String> parentShardIds) {
    public KclLease {
        requireNonNull(leaseKey, "leaseKey is null");
        requireNonNull(stream, "stream is null");
        requireNonNull(shardId, "shardId is null");
        requireNonNull(checkpoint, "checkpoint is null");
        parentShardIds = Set.copyOf(parentShardIds);
    }
}
