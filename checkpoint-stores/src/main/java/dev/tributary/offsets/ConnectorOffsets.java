package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One connector's committed offsets, immutable. Stores replace it whole on every change, so a
 * reader holding one sees each batch entirely or not at all.
 *
 * @param offsets the offset of each partition; copied and made immutable
 */
record ConnectorOffsets(Map<SourcePartition, SourceOffset> offsets) {
    static final ConnectorOffsets NONE = new ConnectorOffsets(Map.of());

    ConnectorOffsets {
        offsets = Map.copyOf(requireNonNull(offsets, "offsets is null"));
    }

    /** These offsets with {@code batch} applied over them; this very instance when the batch is empty. */
    ConnectorOffsets withWritten(Map<SourcePartition, SourceOffset> batch) {
        if (batch.isEmpty()) {
            return this;
        }
        Map<SourcePartition, SourceOffset> next = new HashMap<>(offsets);
        next.putAll(batch);
        return new ConnectorOffsets(next);
    }

    /** These offsets without {@code partitions}; this very instance when none of them has an offset. */
    ConnectorOffsets withRemoved(Collection<SourcePartition> partitions) {
        Map<SourcePartition, SourceOffset> next = new HashMap<>(offsets);
        boolean changed = false;
        for (SourcePartition partition : partitions) {
            changed |= next.remove(partition) != null;
        }
        return changed ? new ConnectorOffsets(next) : this;
    }

    /** The offsets of those {@code partitions} that have one. */
    Map<SourcePartition, SourceOffset> select(Collection<SourcePartition> partitions) {
        Map<SourcePartition, SourceOffset> found = new HashMap<>();
        for (SourcePartition partition : partitions) {
            SourceOffset offset = offsets.get(requireNonNull(partition, "partitions holds a null"));
            if (offset != null) {
                found.put(partition, offset);
            }
        }
        return Map.copyOf(found);
    }

    boolean isEmpty() {
        return offsets.isEmpty();
    }
}
