package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a connector's committed offsets, so that a task can resume where the last one stopped.
 * Calls block on the offset store and may be made from any thread.
 */
@Stable
public interface OffsetReader {
    /** The committed offset of {@code partition}, or empty when none has been committed. */
    default Optional<SourceOffset> offset(SourcePartition partition) {
        return Optional.ofNullable(offsets(java.util.List.of(partition)).get(partition));
    }

    /** The committed offsets of those {@code partitions} that have one. */
    Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions);

    /** Every committed offset of this connector, for example to find the shards already finished. */
    Map<SourcePartition, SourceOffset> allOffsets();
}
