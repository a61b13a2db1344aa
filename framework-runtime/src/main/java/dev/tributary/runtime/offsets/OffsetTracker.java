package dev.tributary.runtime.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks the records of one task from hand-off to Pulsar until acknowledgement, and yields for
 * each source partition the offset of the last record of its contiguous acknowledged prefix:
 * the only offset that may be committed without risking the loss of an earlier record.
 *
 * <p>{@link #track} is called from the task thread in the order records were polled;
 * {@link Tracked#ack()} from Pulsar's I/O threads in any order; {@link #takeCommittable()} from
 * the committer. Memory is one small entry per record in flight.
 */
public final class OffsetTracker {
    private final Map<SourcePartition, PartitionQueue> partitions = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();

    /** A record handed to Pulsar and not yet known to be acknowledged. */
    public interface Tracked {
        /** Pulsar has acknowledged the record. Idempotent. */
        void ack();
    }

    /** Starts tracking a record of {@code partition} whose offset is {@code offset}. */
    public Tracked track(SourcePartition partition, SourceOffset offset) {
        requireNonNull(partition, "partition is null");
        requireNonNull(offset, "offset is null");
        PartitionQueue queue = partitions.computeIfAbsent(partition, p -> new PartitionQueue());
        inFlight.incrementAndGet();
        return queue.add(offset);
    }

    /**
     * For every partition whose acknowledged prefix grew since the last call, the offset at its
     * end. Each offset is returned once; the caller owns committing it.
     */
    public Map<SourcePartition, SourceOffset> takeCommittable() {
        Map<SourcePartition, SourceOffset> result = new LinkedHashMap<>();
        partitions.forEach((partition, queue) -> {
            SourceOffset offset = queue.takeCommittable();
            if (offset != null) {
                result.put(partition, offset);
            }
        });
        return result;
    }

    /** Records handed to Pulsar and not yet acknowledged. */
    public long inFlight() {
        return inFlight.get();
    }

    private final class PartitionQueue {
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private SourceOffset committable;

        synchronized Entry add(SourceOffset offset) {
            Entry entry = new Entry(this, offset);
            entries.addLast(entry);
            return entry;
        }

        synchronized void acked(Entry entry) {
            if (entry.acked) {
                return;
            }
            entry.acked = true;
            inFlight.decrementAndGet();
            // Acks of one producer arrive in order, so this loop usually moves one step.
            while (!entries.isEmpty() && entries.peekFirst().acked) {
                committable = entries.pollFirst().offset;
            }
        }

        synchronized SourceOffset takeCommittable() {
            SourceOffset result = committable;
            committable = null;
            return result;
        }
    }

    private static final class Entry implements Tracked {
        private final PartitionQueue queue;
        private final SourceOffset offset;
        private boolean acked;

        Entry(PartitionQueue queue, SourceOffset offset) {
            this.queue = queue;
            this.offset = offset;
        }

        @Override
        public void ack() {
            queue.acked(this);
        }
    }
}
