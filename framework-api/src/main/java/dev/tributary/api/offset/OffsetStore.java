package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Keeps committed offsets, per connector and per source partition. Implementations are created
 * by an {@link OffsetStoreProvider} found with {@link java.util.ServiceLoader}.
 *
 * <p>Threads: the runtime calls a store from several threads at once (one committer per
 * connector, readers at task start and from REST), so implementations are thread-safe. Writes
 * for different connectors may run concurrently.
 *
 * <p>Errors: a failure throws {@link OffsetStoreException}. A failed write has changed nothing;
 * the runtime keeps the offsets and tries again, so no acknowledged record is lost.
 */
@Stable
public interface OffsetStore extends AutoCloseable {
    /** The committed offsets of those {@code partitions} of {@code connector} that have one. */
    Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions);

    /** Every committed offset of {@code connector}; empty when it has none. */
    Map<SourcePartition, SourceOffset> readAll(String connector);

    /**
     * Writes a batch of offsets for {@code connector} atomically: after a crash at any point,
     * a reader sees either the whole batch or none of it. Returns once the batch is durable.
     */
    void write(String connector, Map<SourcePartition, SourceOffset> offsets);

    /** Removes the offsets of {@code partitions} of {@code connector}, atomically. */
    void remove(String connector, Collection<SourcePartition> partitions);

    /** The connectors that have at least one committed offset. */
    Set<String> connectors();

    /** Releases the store's resources. Offsets already written stay written. */
    @Override
    void close();
}
