package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A shard as ListShards describes it.
 *
 * @param shardId the shard's id
 * @param parentShardId the shard it was split from or merged from, or null
 * @param adjacentParentShardId the second parent of a merge, or null
 * @param endingSequenceNumber set once the shard is closed (after a reshard); null while open
 */
public record ShardInfo(String shardId, String parentShardId, String adjacentParentShardId, String endingSequenceNumber) {
    public ShardInfo {
        requireNonNull(shardId, "shardId is null");
    }

    /** The shard's parents: none, one (a split or an old reshard) or two (a merge). */
    public List<String> parents() {
        List<String> parents = new ArrayList<>(2);
        if (parentShardId != null) {
            parents.add(parentShardId);
        }
        if (adjacentParentShardId != null) {
            parents.add(adjacentParentShardId);
        }
        return parents;
    }

    public boolean isClosed() {
        return endingSequenceNumber != null;
    }
}
