package dev.tributary.runtime.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nano-time source that moves only when a test says so. */
final class ManualNanoTime implements LongSupplier {
    // Far from zero, so that code which wrongly assumes time starts at 0 shows up.
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
