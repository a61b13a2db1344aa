package dev.tributary.api.offset;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The writer {@link OffsetStore#openWriter} returns for a store that cannot fence: it passes
 * every call to the store's connector-wide methods, so the latest call wins, and it fences no one.
 */
final class UnfencedScopedWriter implements ScopedOffsetWriter {
    private final OffsetStore store;
    private final String connector;
    private final String scope;
    private volatile boolean closed;

    UnfencedScopedWriter(OffsetStore store, String connector, String scope) {
        this.store = requireNonNull(store, "store is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.scope = ScopedOffsetWriter.checkScope(scope);
    }

    @Override
    public String connector() {
        return connector;
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public synchronized void write(Map<SourcePartition, SourceOffset> offsets) {
        Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(offsets, "offsets is null"));
        ensureOpen();
        if (!copy.isEmpty()) {
            store.write(connector, copy);
        }
    }

    @Override
    public synchronized void remove(Collection<SourcePartition> partitions) {
        List<SourcePartition> copy = List.copyOf(requireNonNull(partitions, "partitions is null"));
        ensureOpen();
        if (!copy.isEmpty()) {
            store.remove(connector, copy);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new OffsetStoreException("the offset writer of connector '" + connector + "', scope '" + scope
                    + "' is closed; open a new one with OffsetStore.openWriter");
        }
    }
}
