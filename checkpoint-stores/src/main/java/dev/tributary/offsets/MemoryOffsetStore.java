package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps offsets in this JVM's memory only, for tests and for trying Tributary out. A restart
 * forgets every offset, so each connector then starts again from its initial position.
 *
 * <p>Scopes ({@link #openWriter}): a scope's writes and removals go into the connector's one
 * offset map, in call order, as connector-wide ones do; fencing is within the process, which is
 * the only one that can see this store.
 *
 * <p>Threads: thread-safe. Writes for different connectors run concurrently. Each change replaces
 * the connector's offsets with a new immutable copy, so a reader sees a batch whole or not at all.
 *
 * <p>Errors: a closed store throws {@link OffsetStoreException}; nothing else can fail. A write
 * whose batch cannot be read (for example a map that throws while iterated) changes nothing.
 */
public final class MemoryOffsetStore implements OffsetStore {
    private final ConcurrentMap<String, ConnectorOffsets> offsets = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final LocalScopedWriters scopes = new LocalScopedWriters(this, "the memory offset store");

    @Override
    public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> wanted = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        return offsets.getOrDefault(connector, ConnectorOffsets.NONE).select(wanted);
    }

    @Override
    public Map<SourcePartition, SourceOffset> readAll(String connector) {
        requireNonNull(connector, "connector is null");
        ensureOpen();
        return offsets.getOrDefault(connector, ConnectorOffsets.NONE).offsets();
    }

    @Override
    public void write(String connector, Map<SourcePartition, SourceOffset> batch) {
        requireNonNull(connector, "connector is null");
        // Copied before anything changes, so a batch that fails while being read changes nothing.
        Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(batch, "batch is null"));
        ensureOpen();
        if (!copy.isEmpty()) {
            offsets.compute(connector, (name, current) ->
                    (current == null ? ConnectorOffsets.NONE : current).withWritten(copy));
        }
    }

    @Override
    public void remove(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> gone = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        offsets.computeIfPresent(connector, (name, current) -> {
            ConnectorOffsets left = current.withRemoved(gone);
            // A connector is listed only while it has offsets.
            return left.isEmpty() ? null : left;
        });
    }

    /** True: only this process can use this store, and it fences within itself. */
    @Override
    public boolean fencesScopes() {
        return true;
    }

    @Override
    public ScopedOffsetWriter openWriter(String connector, String scope) {
        ensureOpen();
        return scopes.open(connector, scope);
    }

    @Override
    public Set<String> connectors() {
        ensureOpen();
        return Set.copyOf(offsets.keySet());
    }

    /** Forgets every offset. Idempotent. */
    @Override
    public void close() {
        closed = true;
        offsets.clear();
    }

    private void ensureOpen() {
        if (closed) {
            throw new OffsetStoreException("the memory offset store is closed; this is a bug in the worker,"
                    + " which uses a store only until it closes it");
        }
    }
}
