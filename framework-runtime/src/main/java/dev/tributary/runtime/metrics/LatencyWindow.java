package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

/**
 * A latency recorder whose quantiles and maximum cover a sliding window, while its count and sum
 * are cumulative.
 *
 * <p>Writers record into an HdrHistogram {@link Recorder}, which is wait-free and does not
 * allocate. Every {@value #SLOT_SECONDS} seconds its interval histogram is moved into one of
 * {@value #SLOTS} slots; a snapshot merges the slots of the current and the previous five
 * periods, so quantiles describe the last 50 to 60 seconds. The move happens on the first
 * {@link #record} or {@link #snapshot} after a period ends, so values land in the period they
 * were recorded in even when nobody scrapes for a while.
 *
 * <p>Values are tracked in microseconds with 3 significant digits up to 10 minutes; larger values
 * are clamped to 10 minutes in the histogram (the sum keeps their true value). Thread-safe.
 */
final class LatencyWindow {
    static final int SLOT_SECONDS = 10;
    static final int SLOTS = 6;
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(SLOT_SECONDS);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final LongSupplier nanoTime;
    private final List<Double> quantiles;
    private final LongAdder count = new LongAdder();
    // A double sum of nanos is exact for 104 days of total latency and, unlike a long, never wraps.
    private final DoubleAdder sumNanos = new DoubleAdder();
    private final Recorder recorder = new Recorder(1, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    private final long origin;
    private volatile long nextRotationNanos;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock. The recorder holds values of recorderPeriod only.
    private long recorderPeriod;
    private Histogram interval;
    // Packed: a slot costs memory for the buckets it uses, not for the whole 10-minute range.
    private final Histogram[] slots = new Histogram[SLOTS];
    private final long[] slotPeriods = new long[SLOTS];
    private final Histogram merged = newSlot();

    LatencyWindow(LongSupplier nanoTime, List<Double> quantiles) {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.quantiles = List.copyOf(requireNonNull(quantiles, "quantiles is null"));
        this.origin = nanoTime.getAsLong();
        this.nextRotationNanos = origin + SLOT_NANOS;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = newSlot();
        }
        Arrays.fill(slotPeriods, Long.MIN_VALUE);
    }

    /** Records one latency; negative values count as zero. Never blocks; once a period, the caller also rotates. */
    void record(long nanos) {
        long value = Math.max(0, nanos);
        count.increment();
        sumNanos.add(value);
        long now = nanoTime.getAsLong();
        // Whoever loses the race skips the rotation; the winner or the next caller does it.
        if (now - nextRotationNanos >= 0 && lock.tryLock()) {
            try {
                rotate(now);
            } finally {
                lock.unlock();
            }
        }
        recorder.recordValue(Math.min(value / 1_000, HIGHEST_TRACKABLE_MICROS));
    }

    LatencySnapshot snapshot() {
        long observations = count.sum();
        double sumSeconds = sumNanos.sum() / 1e9;
        List<LatencySnapshot.Quantile> values = new ArrayList<>(quantiles.size());
        double maxSeconds;
        lock.lock();
        try {
            rotate(nanoTime.getAsLong());
            merged.reset();
            for (int i = 0; i < SLOTS; i++) {
                if (inWindow(slotPeriods[i])) {
                    merged.add(slots[i]);
                }
            }
            boolean empty = merged.getTotalCount() == 0;
            for (double quantile : quantiles) {
                double seconds = empty ? Double.NaN : merged.getValueAtPercentile(quantile * 100.0) / 1e6;
                values.add(new LatencySnapshot.Quantile(quantile, seconds));
            }
            maxSeconds = empty ? 0 : merged.getMaxValue() / 1e6;
        } finally {
            lock.unlock();
        }
        return new LatencySnapshot(observations, sumSeconds, values, maxSeconds);
    }

    // Called with the lock held.
    private void rotate(long now) {
        long period = Math.floorDiv(now - origin, SLOT_NANOS);
        interval = recorder.getIntervalHistogram(interval);
        // Values from a period already outside the window are dropped, not stored.
        if (interval.getTotalCount() > 0 && inWindow(recorderPeriod, Math.max(period, recorderPeriod))) {
            slotFor(recorderPeriod).add(interval);
        }
        recorderPeriod = Math.max(recorderPeriod, period);
        nextRotationNanos = origin + (recorderPeriod + 1) * SLOT_NANOS;
    }

    private boolean inWindow(long slotPeriod) {
        return inWindow(slotPeriod, recorderPeriod);
    }

    private static boolean inWindow(long slotPeriod, long currentPeriod) {
        return slotPeriod != Long.MIN_VALUE && slotPeriod > currentPeriod - SLOTS && slotPeriod <= currentPeriod;
    }

    private Histogram slotFor(long period) {
        int index = (int) Math.floorMod(period, (long) SLOTS);
        if (slotPeriods[index] != period) {
            slots[index].reset();
            slotPeriods[index] = period;
        }
        return slots[index];
    }

    private static Histogram newSlot() {
        return new PackedHistogram(1, HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }
}
