package dev.tributary.runtime.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One connector's offsets on their way to the store: the trackers of its tasks feed acknowledged
 * offsets in, {@link #commit()} writes them as one atomic batch. Offsets that could not be written
 * stay pending and go out with the next commit, so a store outage delays commits but loses none.
 *
 * <p>Readers see the store overlaid with pending offsets, so a task restarted while the store is
 * down still resumes after everything Pulsar has acknowledged. Thread-safe.
 */
public final class ConnectorOffsets implements OffsetReader {
    private final String connector;
    private final OffsetStore store;
    private final Map<SourcePartition, SourceOffset> pending = new LinkedHashMap<>();
    private final Object commitLock = new Object();
    private final List<OffsetTracker> trackers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Map<SourcePartition, SourceOffset>>> listeners = new CopyOnWriteArrayList<>();

    public ConnectorOffsets(String connector, OffsetStore store) {
        this.connector = requireNonNull(connector, "connector is null");
        this.store = requireNonNull(store, "store is null");
    }

    /** Drains {@code tracker} at every commit, until {@link #unregister} drains it one last time. */
    public void register(OffsetTracker tracker) {
        trackers.add(requireNonNull(tracker, "tracker is null"));
    }

    /** Takes the tracker's last acknowledged offsets into pending, and stops draining it. */
    public void unregister(OffsetTracker tracker) {
        add(tracker.takeCommittable());
        trackers.remove(tracker);
    }

    /** Calls {@code listener} with each batch once it is durable in the store. */
    public void addCommitListener(Consumer<Map<SourcePartition, SourceOffset>> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    public void removeCommitListener(Consumer<Map<SourcePartition, SourceOffset>> listener) {
        listeners.remove(listener);
    }

    /** Adds acknowledged offsets; a later offset for the same partition replaces an earlier one. */
    public synchronized void add(Map<SourcePartition, SourceOffset> offsets) {
        pending.putAll(offsets);
    }

    /** How many partitions have offsets waiting to be written. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    /**
     * Takes what the registered trackers have acknowledged, and writes every pending offset as one
     * batch. Returns what was written (empty when nothing was pending). On failure the offsets
     * stay pending and the store's exception is thrown.
     */
    public Map<SourcePartition, SourceOffset> commit() {
        synchronized (commitLock) {
            for (OffsetTracker tracker : trackers) {
                add(tracker.takeCommittable());
            }
            Map<SourcePartition, SourceOffset> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return Map.of();
                }
                batch = Map.copyOf(pending);
            }
            store.write(connector, batch);
            synchronized (this) {
                // Drop only what was written unchanged; a partition that moved on meanwhile stays pending.
                batch.forEach((partition, offset) -> pending.remove(partition, offset));
            }
            for (Consumer<Map<SourcePartition, SourceOffset>> listener : listeners) {
                listener.accept(batch);
            }
            return batch;
        }
    }

    @Override
    public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
        Map<SourcePartition, SourceOffset> result = new LinkedHashMap<>(store.read(connector, partitions));
        synchronized (this) {
            for (SourcePartition partition : partitions) {
                SourceOffset newer = pending.get(partition);
                if (newer != null) {
                    result.put(partition, newer);
                }
            }
        }
        return result;
    }

    @Override
    public Map<SourcePartition, SourceOffset> allOffsets() {
        Map<SourcePartition, SourceOffset> result = new LinkedHashMap<>(store.readAll(connector));
        synchronized (this) {
            result.putAll(pending);
        }
        return result;
    }
}
