package dev.tributary.runtime.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector's offsets on their way to the store: the trackers of its tasks feed acknowledged
 * offsets in, {@link #commit()} writes them as one atomic batch. Offsets that could not be written
 * stay pending and go out with the next commit, so a store outage delays commits but loses none.
 *
 * <p>Readers see the store overlaid with pending offsets, so a task restarted while the store is
 * down still resumes after everything Pulsar has acknowledged. Thread-safe.
 */
public final class ConnectorOffsets implements OffsetReader {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorOffsets.class);
    private final String connector;
    private final OffsetStore store;
    private final Map<SourcePartition, SourceOffset> pending = new LinkedHashMap<>();
    private final Object commitLock = new Object();
    private final List<OffsetTracker> trackers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Map<SourcePartition, SourceOffset>>> listeners = new CopyOnWriteArrayList<>();
    /** Whether each task writes through a scope of its own (a worker group), else connector-wide. */
    private final boolean scoped;
    private final Map<OffsetTracker, String> trackerScopes = new ConcurrentHashMap<>();
    // Guarded by this: which scope wrote each pending partition last, and each scope's current writer.
    private final Map<SourcePartition, String> pendingScopes = new HashMap<>();
    private final Map<String, ScopedOffsetWriter> writers = new HashMap<>();

    /** Offsets written connector-wide, as one worker that runs every task of the connector does. */
    public ConnectorOffsets(String connector, OffsetStore store) {
        this(connector, store, false);
    }

    /**
     * @param scoped true in a worker group: each task writes through {@link OffsetStore#openWriter}
     *     with its own scope, claimed when it registers, so that a task that was moved to another
     *     worker fences the one it replaced (a zombie commits nothing after its successor started)
     */
    public ConnectorOffsets(String connector, OffsetStore store, boolean scoped) {
        this.connector = requireNonNull(connector, "connector is null");
        this.store = requireNonNull(store, "store is null");
        this.scoped = scoped;
    }

    /** The scope of task {@code id} in a worker group. */
    public static String taskScope(int id) {
        return "task-" + id;
    }

    /**
     * As {@link #register(OffsetTracker)} for the task whose scope is {@code scope}; when scoped,
     * claims the scope first (fencing any earlier writer of it, here or on another worker).
     *
     * @throws dev.tributary.api.offset.OffsetStoreException when the claim cannot be made
     */
    public void register(OffsetTracker tracker, String scope) {
        requireNonNull(scope, "scope is null");
        if (scoped) {
            ScopedOffsetWriter writer = store.openWriter(connector, scope);
            ScopedOffsetWriter previous;
            synchronized (this) {
                previous = writers.put(scope, writer);
            }
            if (previous != null) {
                previous.close();
            }
            trackerScopes.put(requireNonNull(tracker, "tracker is null"), scope);
        }
        register(tracker);
    }

    /** Drains {@code tracker} at every commit, until {@link #unregister} drains it one last time. */
    public void register(OffsetTracker tracker) {
        trackers.add(requireNonNull(tracker, "tracker is null"));
    }

    /** Takes the tracker's last acknowledged offsets into pending, and stops draining it. */
    public void unregister(OffsetTracker tracker) {
        add(tracker.takeCommittable(), trackerScopes.get(tracker));
        trackers.remove(tracker);
        trackerScopes.remove(tracker);
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

    private synchronized void add(Map<SourcePartition, SourceOffset> offsets, String scope) {
        pending.putAll(offsets);
        if (scope != null) {
            offsets.keySet().forEach(partition -> pendingScopes.put(partition, scope));
        }
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
                add(tracker.takeCommittable(), trackerScopes.get(tracker));
            }
            Map<SourcePartition, SourceOffset> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return Map.of();
                }
                batch = Map.copyOf(pending);
            }
            if (scoped) {
                return commitScoped(batch);
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

    /**
     * Writes each scope's part of {@code batch} through that scope's writer; a scope whose writer
     * fails keeps its offsets pending, and the others are written all the same. The first failure
     * is thrown after. One exception: a scope whose writer was fenced and whose task no longer runs
     * here (it was moved, and its stop-time commit came after its successor claimed the scope) can
     * never commit those offsets; they are dropped with a warning instead of being retried for
     * good, as the successor resumes from the store's offsets (at-least-once).
     */
    private Map<SourcePartition, SourceOffset> commitScoped(Map<SourcePartition, SourceOffset> batch) {
        Map<String, Map<SourcePartition, SourceOffset>> byScope = new HashMap<>();
        Map<String, ScopedOffsetWriter> current;
        synchronized (this) {
            batch.forEach((partition, offset) -> byScope.computeIfAbsent(pendingScopes.get(partition),
                    k -> new LinkedHashMap<>()).put(partition, offset));
            current = new HashMap<>(writers);
        }
        Map<SourcePartition, SourceOffset> written = new LinkedHashMap<>();
        Map<ScopedOffsetWriter, Map<SourcePartition, SourceOffset>> fenced = new HashMap<>();
        RuntimeException failure = null;
        for (Map.Entry<String, Map<SourcePartition, SourceOffset>> part : byScope.entrySet()) {
            ScopedOffsetWriter writer = part.getKey() == null ? null : current.get(part.getKey());
            try {
                if (writer == null) {
                    throw new OffsetStoreException("connector " + connector + ": no writer holds the scope of "
                            + part.getValue().size() + " pending offset(s); they are kept pending");
                }
                writer.write(part.getValue());
                written.putAll(part.getValue());
            } catch (OffsetWriterFencedException e) {
                if (trackerScopes.containsValue(part.getKey())) {
                    // Its task still runs here: the failure shows in its status until the worker stops it.
                    failure = firstOrSuppressed(failure, e);
                } else {
                    fenced.put(writer, part.getValue());
                }
            } catch (RuntimeException e) {
                failure = firstOrSuppressed(failure, e);
            }
        }
        Map<String, Integer> dropped = new LinkedHashMap<>();
        synchronized (this) {
            written.forEach((partition, offset) -> {
                if (pending.remove(partition, offset)) {
                    pendingScopes.remove(partition);
                }
            });
            fenced.forEach((writer, offsets) -> {
                // Unless the task started here again meanwhile, with a writer of its own that may still commit them.
                if (writers.get(writer.scope()) == writer && !trackerScopes.containsValue(writer.scope())) {
                    offsets.forEach((partition, offset) -> {
                        if (writer.scope().equals(pendingScopes.get(partition)) && pending.remove(partition, offset)) {
                            pendingScopes.remove(partition);
                            dropped.merge(writer.scope(), 1, Integer::sum);
                        }
                    });
                }
            });
            // A scope with no task left here and nothing pending gives up its writer.
            writers.entrySet().removeIf(e -> {
                boolean idle = !trackerScopes.containsValue(e.getKey()) && !pendingScopes.containsValue(e.getKey());
                if (idle) {
                    e.getValue().close();
                }
                return idle;
            });
        }
        dropped.forEach((scope, count) -> LOG.warn("connector {}: the offset store refused the commit of scope {}"
                + " (the last acknowledged offsets of {} partition(s)): another worker claimed the scope and runs that"
                + " task now, from the offsets in the store, so records acknowledged here since the last commit are"
                + " written again there; not retried", connector, scope, count));
        if (!written.isEmpty()) {
            for (Consumer<Map<SourcePartition, SourceOffset>> listener : listeners) {
                listener.accept(written);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return written;
    }

    private static RuntimeException firstOrSuppressed(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
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
