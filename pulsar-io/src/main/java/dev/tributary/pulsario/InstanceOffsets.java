package dev.tributary.pulsario;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.Map;

/**
 * The offsets of one source instance: it reads the whole source's offsets (all instances'), and
 * writes those of the partitions its task owns. The one place that knows how the store is
 * written to, so that moving to per-instance scopes changes this class alone.
 *
 * <p>Threads: reads from any thread; writes from the instance's committer only.
 */
final class InstanceOffsets implements OffsetReader, AutoCloseable {
    private final OffsetStore store;
    private final String connector;

    InstanceOffsets(OffsetStore store, InstanceIdentity identity) {
        this.store = requireNonNull(store, "store is null");
        this.connector = requireNonNull(identity, "identity is null").connectorKey();
    }

    @Override
    public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
        return store.read(connector, partitions);
    }

    @Override
    public Map<SourcePartition, SourceOffset> allOffsets() {
        return store.readAll(connector);
    }

    /**
     * Writes acknowledged offsets atomically.
     *
     * @throws dev.tributary.api.offset.OffsetStoreException when the store failed; nothing was written
     */
    void write(Map<SourcePartition, SourceOffset> offsets) {
        store.write(connector, offsets);
    }

    @Override
    public void close() {
        store.close();
    }
}
