package dev.tributary.kinesis.reader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records a task has fetched and not yet handed to the runtime, bounded by a count of
 * Kinesis records ({@code receiveQueueSize}) and by bytes. A fetch reserves room for its records
 * before it starts, so the bound holds however many fetches are in flight. When the runtime is
 * slow to take records (Pulsar is slow), reservations fail and fetching pauses: backpressure.
 *
 * <p>Thread-safe. {@link #drain} is called by the task thread; the rest by the fetcher.
 */
final class RecordBuffer {
    private final int maxRecords;
    private final long maxBytes;
    private final Runnable onSpace;
    private final ArrayDeque<ShardBatch> batches = new ArrayDeque<>();
    private int queuedRecords;
    private int reservedRecords;
    private long queuedBytes;
    private boolean woken;

    RecordBuffer(int maxRecords, long maxBytes, Runnable onSpace) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.onSpace = onSpace;
    }

    /** Reserves room for up to {@code wanted} Kinesis records; returns how many were granted (maybe 0). */
    synchronized int reserve(int wanted) {
        if (queuedBytes >= maxBytes) {
            return 0;
        }
        int granted = Math.max(0, Math.min(wanted, maxRecords - queuedRecords - reservedRecords));
        reservedRecords += granted;
        return granted;
    }

    /** Releases a reservation that a fetch did not use. */
    synchronized void cancel(int reserved) {
        reservedRecords -= reserved;
    }

    /** Queues a fetch's batch in place of its reservation. */
    synchronized void add(ShardBatch batch, int reserved) {
        reservedRecords -= reserved;
        batches.addLast(batch);
        queuedRecords += batch.kinesisRecords();
        queuedBytes += batch.bytes();
        notifyAll();
    }

    /** Kinesis records queued now. */
    synchronized int queuedRecords() {
        return queuedRecords;
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    /**
     * Takes every queued batch, waiting up to {@code timeoutMillis} for one to arrive. Returns an
     * empty list on timeout or when interrupted by {@link #wakeUp}.
     */
    List<ShardBatch> drain(long timeoutMillis) throws InterruptedException {
        List<ShardBatch> taken;
        synchronized (this) {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (batches.isEmpty()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return List.of();
                }
                wait(left);
                if (batches.isEmpty() && woken) {
                    woken = false;
                    return List.of();
                }
            }
            taken = new ArrayList<>(batches);
            batches.clear();
            queuedRecords = 0;
            queuedBytes = 0;
        }
        onSpace.run();
        return taken;
    }

    /** Makes a waiting {@link #drain} return, for example when the task stops. */
    synchronized void wakeUp() {
        woken = true;
        notifyAll();
    }
}
