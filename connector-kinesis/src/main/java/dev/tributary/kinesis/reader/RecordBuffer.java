package dev.tributary.kinesis.reader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The records a task has fetched and not yet handed to the runtime, bounded by a count of
 * Kinesis records ({@code receiveQueueSize}) and by bytes. A fetch reserves room for its records
 * before it starts, so the bound holds however many fetches are in flight. When the runtime is
 * slow to take records (Pulsar is slow), reservations fail and fetching pauses: backpressure.
 *
 * <p>The count bounds fetches in flight and records waiting together, so that many fetches can
 * overlap while Kinesis is the slower side. While Pulsar is the slower side, waiting records buy
 * nothing but memory (and the collector's time: every record still waiting at a young collection is
 * copied), so a fetch also waits while the records already waiting would last the task about two
 * fetch round trips: {@code 2 x} the rate the task takes records {@code x} the time a fetch takes,
 * at least {@code readyFloor}. Then a fetch started when the waiting records fall below that lands
 * before they run out, and the task is never starved for it.
 *
 * <p>{@link #drain} hands over whole batches, about {@code takeRecords} Kinesis records at a time,
 * so that the task holds no more than that outside the buffer while it waits on Pulsar.
 *
 * <p>Thread-safe. {@link #drain} is called by the task thread; the rest by the fetcher.
 */
final class RecordBuffer {
    /** How long the task's take rate is measured over before it updates the estimate. */
    private static final long RATE_WINDOW_NANOS = 100_000_000L;

    private final int maxRecords;
    private final long maxBytes;
    private final int takeRecords;
    private final int readyFloor;
    private final LongSupplier nanoTime;
    private final Runnable onSpace;
    private final ArrayDeque<ShardBatch> batches = new ArrayDeque<>();
    private int queuedRecords;
    private int reservedRecords;
    private long queuedBytes;
    private boolean woken;
    private long windowStartNanos;
    private long windowRecords;
    /** Records the task takes per nanosecond, smoothed; 0 until a window has passed. */
    private double takeRate;

    /**
     * @param maxRecords the most Kinesis records waiting or reserved by fetches in flight
     * @param maxBytes the most bytes waiting; a fetch starts only below it
     * @param takeRecords about how many Kinesis records one {@link #drain} hands over (whole batches, at least one)
     * @param readyFloor the fewest waiting records at which fetches may pause for the task to catch up
     * @param nanoTime the clock of the take rate
     * @param onSpace called after the task took records
     */
    RecordBuffer(int maxRecords, long maxBytes, int takeRecords, int readyFloor, LongSupplier nanoTime,
            Runnable onSpace) {
        if (maxRecords < 1 || maxBytes < 1 || takeRecords < 1 || readyFloor < 1) {
            throw new IllegalArgumentException("buffer bounds must be positive");
        }
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.takeRecords = takeRecords;
        this.readyFloor = readyFloor;
        this.nanoTime = nanoTime;
        this.onSpace = onSpace;
        this.windowStartNanos = nanoTime.getAsLong();
    }

    /**
     * Reserves room for up to {@code wanted} Kinesis records; returns how many were granted (maybe 0).
     *
     * @param fetchNanos about how long a fetch takes now, from its start to its records in the buffer
     */
    synchronized int reserve(int wanted, long fetchNanos) {
        if (queuedBytes >= maxBytes || queuedRecords >= readyLimit(fetchNanos)) {
            return 0;
        }
        int granted = Math.max(0, Math.min(wanted, maxRecords - queuedRecords - reservedRecords));
        reservedRecords += granted;
        return granted;
    }

    /**
     * The waiting records at which no fetch starts: what the task takes in two fetch round trips,
     * at least {@code readyFloor}, at most {@code maxRecords}.
     */
    synchronized int readyLimit(long fetchNanos) {
        double twoRoundTrips = 2 * takeRate * Math.max(0, fetchNanos);
        return (int) Math.min(maxRecords, Math.max(readyFloor, Math.ceil(twoRoundTrips)));
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
            taken = new ArrayList<>();
            int records = 0;
            while (!batches.isEmpty() && records < takeRecords) {
                ShardBatch batch = batches.pollFirst();
                taken.add(batch);
                records += batch.kinesisRecords();
                queuedRecords -= batch.kinesisRecords();
                queuedBytes -= batch.bytes();
            }
            measureTake(records);
        }
        onSpace.run();
        return taken;
    }

    /** Folds records just taken into the take rate, one window of at least 100 ms at a time. */
    private void measureTake(int records) {
        windowRecords += records;
        long now = nanoTime.getAsLong();
        long elapsed = now - windowStartNanos;
        if (elapsed >= RATE_WINDOW_NANOS) {
            double rate = (double) windowRecords / elapsed;
            takeRate = takeRate == 0 ? rate : 0.7 * takeRate + 0.3 * rate;
            windowStartNanos = now;
            windowRecords = 0;
        }
    }

    /** Makes a waiting {@link #drain} return, for example when the task stops. */
    synchronized void wakeUp() {
        woken = true;
        notifyAll();
    }
}
