package dev.tributary.kinesis;

import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.StreamRef;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.ShardAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads the shards still to read over the tasks. A shard whose end is committed is never
 * assigned again. A child waits for those of its parents that Kinesis still lists and that are
 * not finished; a parent that has expired (past the stream's retention) is not waited for.
 */
final class ShardAssigner {
    private ShardAssigner() {
    }

    /**
     * @param shards every stream's shards, as listed
     * @param finished the shards whose end is committed (of this stream, not an earlier one of the
     *     same name), as {@code stream/shardId}
     * @param maxTasks the most tasks to use
     * @return one list of assignments per task; at least one list, which may be empty
     */
    static List<List<ShardAssignment>> assign(Map<StreamRef, List<ShardInfo>> shards, Set<String> finished, int maxTasks) {
        return assign(shards, Map.of(), finished, maxTasks);
    }

    /**
     * As {@link #assign(Map, Set, int)}, with each stream's creation time (epoch millis, by stream
     * name; a stream left out has an unknown one) in its assignments.
     */
    static List<List<ShardAssignment>> assign(Map<StreamRef, List<ShardInfo>> shards, Map<String, Long> createdAt,
            Set<String> finished, int maxTasks) {
        List<ShardAssignment> live = new ArrayList<>();
        for (Map.Entry<StreamRef, List<ShardInfo>> stream : shards.entrySet()) {
            String name = stream.getKey().name();
            String arn = stream.getKey().arn() == null ? "" : stream.getKey().arn();
            long created = createdAt.getOrDefault(name, KinesisOffsets.UNKNOWN_CREATION);
            Set<String> listed = new HashSet<>();
            stream.getValue().forEach(s -> listed.add(s.shardId()));
            for (ShardInfo shard : stream.getValue()) {
                if (finished.contains(name + "/" + shard.shardId())) {
                    continue;
                }
                List<String> waitFor = shard.parents().stream()
                        .filter(listed::contains)
                        .filter(p -> !finished.contains(name + "/" + p))
                        .toList();
                live.add(new ShardAssignment(name, arn, shard.shardId(), !shard.parents().isEmpty(), waitFor, created,
                        !shard.isClosed()));
            }
        }
        live.sort(Comparator.comparing(ShardAssignment::stream).thenComparing(ShardAssignment::shardId));
        int tasks = Math.max(1, Math.min(maxTasks, live.size()));
        List<List<ShardAssignment>> result = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            result.add(new ArrayList<>());
        }
        for (int i = 0; i < live.size(); i++) {
            result.get(i % tasks).add(live.get(i));
        }
        return result;
    }
}
