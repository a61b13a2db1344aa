package dev.tributary.bench.replay;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;

/**
 * When each record arrives, and so which records a shard holds at a given moment. Every shard of a
 * stream fills in step: record {@code i} arrives {@code i * payloadBytes / bytesPerSecond} seconds
 * after arrivals start. At a rate of 0 every record arrives at the start, stamped 1 ms apart so that
 * the last one's timestamp is the start, as if written during the seconds before.
 *
 * <p>Epoch times come from {@code nanoTime} anchored once to the wall clock, so that arrival
 * timestamps and availability follow the same (in tests, hand-moved) clock. Thread-safe.
 */
final class Arrivals {
    private static final long NOT_STARTED = Long.MIN_VALUE;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final LongSupplier nanoTime;
    private final long bytesPerSecond;
    private final long anchorNanos;
    private final long anchorEpochMillis;
    private volatile long startNanos = NOT_STARTED;

    Arrivals(LongSupplier nanoTime, long bytesPerSecond) {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.bytesPerSecond = bytesPerSecond;
        this.anchorNanos = nanoTime.getAsLong();
        this.anchorEpochMillis = System.currentTimeMillis();
    }

    /** Starts arrivals now; false when they had started already. */
    synchronized boolean start() {
        if (startNanos != NOT_STARTED) {
            return false;
        }
        startNanos = nanoTime.getAsLong();
        return true;
    }

    boolean started() {
        return startNanos != NOT_STARTED;
    }

    long nowNanos() {
        return nanoTime.getAsLong();
    }

    long epochMillis(long nanos) {
        return anchorEpochMillis + Math.floorDiv(nanos - anchorNanos, NANOS_PER_MILLI);
    }

    /** How many records each shard of {@code stream} holds at {@code nowNanos}. */
    long available(ReplayStream stream, long nowNanos) {
        long start = startNanos;
        if (start == NOT_STARTED || nowNanos < start) {
            return 0;
        }
        if (bytesPerSecond == 0) {
            return stream.recordsPerShard();
        }
        double arrived = (nowNanos - start) / intervalNanos(stream) + 1;
        return arrived >= stream.recordsPerShard() ? stream.recordsPerShard() : (long) arrived;
    }

    /**
     * When record {@code index} arrived, in {@code System.nanoTime()} terms: arrivals' start plus its
     * place in the schedule, or their start at a rate of 0; arrivals must have started.
     */
    long arrivalNanos(ReplayStream stream, long index) {
        long start = startNanos;
        if (start == NOT_STARTED) {
            throw new IllegalStateException("arrivals have not started");
        }
        return bytesPerSecond == 0 ? start : start + (long) (index * intervalNanos(stream));
    }

    /** The ApproximateArrivalTimestamp of record {@code index}, in epoch milliseconds; arrivals must have started. */
    long arrivalMillis(ReplayStream stream, long index) {
        long start = startNanos;
        if (start == NOT_STARTED) {
            throw new IllegalStateException("arrivals have not started");
        }
        if (bytesPerSecond == 0) {
            return epochMillis(start) - (stream.recordsPerShard() - 1 - index);
        }
        return epochMillis(start + (long) (index * intervalNanos(stream)));
    }

    /**
     * The index of the first record that arrives at or after {@code epochMillis}, or the shard's
     * record count when none does; 0 before arrivals start, since every record arrives later.
     */
    long firstArrivingAtOrAfter(ReplayStream stream, long epochMillis) {
        if (!started()) {
            return 0;
        }
        long low = 0;
        long high = stream.recordsPerShard();
        while (low < high) {
            long mid = (low + high) >>> 1;
            if (arrivalMillis(stream, mid) >= epochMillis) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** How far a reader about to read {@code next} is behind the tip: 0 once it has read every arrived record. */
    long millisBehindLatest(ReplayStream stream, long next, long available, long nowNanos) {
        if (next >= available) {
            return 0;
        }
        return Math.max(0, epochMillis(nowNanos) - arrivalMillis(stream, next));
    }

    private double intervalNanos(ReplayStream stream) {
        return stream.payloadBytes() * 1e9 / bytesPerSecond;
    }
}
