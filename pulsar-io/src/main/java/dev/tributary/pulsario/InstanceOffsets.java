package dev.tributary.pulsario;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.Map;

/**
 * The offsets of one source instance: it reads the whole source's offsets (every instance's,
 * merged by the store), and writes those of the partitions its task owns through a
 * {@link ScopedOffsetWriter} of its own scope, {@code task-<i>}. Opening the writer claims the
 * scope, so a restarted or moved instance {@code i} fences the old instance {@code i} and no
 * other; instances of one source never fence each other, and after a rescale each partition's
 * offset is that of its latest writer, whichever instance it was.
 *
 * <p>Threads: reads from any thread; writes from the instance's committer only.
 */
final class InstanceOffsets implements OffsetReader, AutoCloseable {
    private final OffsetStore store;
    private final String connector;
    private final ScopedOffsetWriter writer;

    /**
     * Claims the instance's scope; blocks while the store writes the claim.
     *
     * @throws dev.tributary.api.offset.OffsetStoreException when the claim could not be made
     */
    InstanceOffsets(OffsetStore store, InstanceIdentity identity) {
        this.store = requireNonNull(store, "store is null");
        this.connector = requireNonNull(identity, "identity is null").connectorKey();
        this.writer = store.openWriter(connector, identity.scope());
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
     * @throws dev.tributary.api.offset.OffsetStoreException when the store failed (nothing was
     *     written), or a newer instance of the same number has taken the scope over
     */
    void write(Map<SourcePartition, SourceOffset> offsets) {
        writer.write(offsets);
    }

    /** Closes the writer and the store; the offsets written stay. */
    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            store.close();
        }
    }
}
