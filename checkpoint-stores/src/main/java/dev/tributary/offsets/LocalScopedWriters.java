package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Scoped writers for a store that only one process can use at a time (the file store holds a
 * lock on its file; the memory store lives in its process), so fencing within the process is
 * fencing everywhere. Every scope writes into the connector's one offset map through the store's
 * connector-wide methods: the merged view is that map, and "later" is the order in which the
 * store applied the calls.
 *
 * <p>A claim and each write of a scope hold the scope's lock, so no write of a fenced writer can
 * land after the claim that fenced it.
 */
final class LocalScopedWriters {
    /** A scope's current claim: the generation of the writer that may write. */
    private static final class Claim {
        long generation;
    }

    private final OffsetStore store;
    private final String storeName;
    private final ConcurrentMap<List<String>, Claim> claims = new ConcurrentHashMap<>();

    /**
     * @param store the store whose connector-wide methods the writers call
     * @param storeName the store as messages name it, such as {@code "offset file /data/offsets.json"}
     */
    LocalScopedWriters(OffsetStore store, String storeName) {
        this.store = requireNonNull(store, "store is null");
        this.storeName = requireNonNull(storeName, "storeName is null");
    }

    ScopedOffsetWriter open(String connector, String scope) {
        requireNonNull(connector, "connector is null");
        ScopedOffsetWriter.checkScope(scope);
        Claim claim = claims.computeIfAbsent(List.of(connector, scope), key -> new Claim());
        synchronized (claim) {
            claim.generation++;
            return new Writer(connector, scope, claim, claim.generation);
        }
    }

    private final class Writer implements ScopedOffsetWriter {
        private final String connector;
        private final String scope;
        private final Claim claim;
        private final long generation;
        private volatile boolean closed;

        Writer(String connector, String scope, Claim claim, long generation) {
            this.connector = connector;
            this.scope = scope;
            this.claim = claim;
            this.generation = generation;
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
        public void write(Map<SourcePartition, SourceOffset> offsets) {
            Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(offsets, "offsets is null"));
            synchronized (claim) {
                ensureUsable();
                if (!copy.isEmpty()) {
                    store.write(connector, copy);
                }
            }
        }

        @Override
        public void remove(Collection<SourcePartition> partitions) {
            List<SourcePartition> copy = List.copyOf(requireNonNull(partitions, "partitions is null"));
            synchronized (claim) {
                ensureUsable();
                if (!copy.isEmpty()) {
                    store.remove(connector, copy);
                }
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        private void ensureUsable() {
            if (closed) {
                throw new OffsetStoreException("the offset writer of connector '" + connector + "', scope '" + scope
                        + "' is closed; open a new one with openWriter");
            }
            if (claim.generation != generation) {
                throw new OffsetWriterFencedException("scope '" + scope + "' of connector '" + connector + "' in " + storeName
                        + " was taken over by a newer writer, so this writer is fenced (replaced) and may no longer"
                        + " write its offsets; stop this copy of the task, the new writer runs it now");
            }
        }
    }
}
