package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A one-minute exponentially weighted moving rate, per second, as Unix load averages and
 * Dropwizard meters compute it: events are counted for {@value #TICK_SECONDS}-second ticks, and
 * each tick moves the rate {@code 1 - e^(-5/60)} of the way towards that tick's rate. The first
 * tick sets the rate outright. Thread-safe; {@link #mark} is lock-free and does not allocate.
 */
final class MovingRate {
    static final int TICK_SECONDS = 5;
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(TICK_SECONDS);
    static final double ALPHA = 1 - Math.exp(-TICK_SECONDS / 60.0);

    private final LongSupplier nanoTime;
    private final LongAdder uncounted = new LongAdder();
    private final AtomicLong lastTick;
    // Written only by the thread that won the tick's compare-and-set.
    private volatile double ratePerSecond;
    private volatile boolean initialized;

    MovingRate(LongSupplier nanoTime) {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.lastTick = new AtomicLong(nanoTime.getAsLong());
    }

    void mark(long events) {
        tickIfDue();
        uncounted.add(events);
    }

    double perSecond() {
        tickIfDue();
        return ratePerSecond;
    }

    private void tickIfDue() {
        long previous = lastTick.get();
        long age = nanoTime.getAsLong() - previous;
        if (age >= TICK_NANOS) {
            long ticks = age / TICK_NANOS;
            if (lastTick.compareAndSet(previous, previous + ticks * TICK_NANOS)) {
                tick(ticks);
            }
        }
    }

    private void tick(long ticks) {
        double tickRate = (double) uncounted.sumThenReset() / TICK_SECONDS;
        double rate = initialized ? ratePerSecond + ALPHA * (tickRate - ratePerSecond) : tickRate;
        initialized = true;
        // The ticks after the first saw no events: each only decays the rate.
        ratePerSecond = rate * Math.pow(1 - ALPHA, ticks - 1);
    }
}
