package dev.tributary.runtime.datagen;

/**
 * When each record of a task's run is due under a steady rate: record {@code k} of the run (counting
 * from 0) is due {@code k / rate} seconds after the run started, so the first is due at once. A rate
 * of 0 makes every record due at once.
 *
 * @param ratePerSecond records per second, or 0 for no limit
 */
record RateSchedule(double ratePerSecond) {
    private static final double NANOS_PER_SECOND = 1e9;

    RateSchedule {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a finite number of at least 0, not " + ratePerSecond);
        }
    }

    /**
     * How many records of the run are due {@code elapsedNanos} after it started: at least 1, and
     * exactly those {@code k} whose {@link #dueAtNanos} is at most {@code elapsedNanos}.
     */
    long dueCount(long elapsedNanos) {
        if (ratePerSecond == 0) {
            return Long.MAX_VALUE;
        }
        long elapsed = Math.max(0, elapsedNanos);
        double estimate = Math.floor(elapsed * ratePerSecond / NANOS_PER_SECOND) + 1;
        if (estimate >= Long.MAX_VALUE / 2) {
            return Long.MAX_VALUE;
        }
        // Rounding can put the estimate one off; settling it on dueAtNanos keeps the two in agreement.
        long due = (long) estimate;
        while (dueAtNanos(due) <= elapsed && dueAtNanos(due) < Long.MAX_VALUE) {
            due++;
        }
        while (due > 1 && dueAtNanos(due - 1) > elapsed) {
            due--;
        }
        return due;
    }

    /** How many nanoseconds after the run started record {@code k} of the run is due. */
    long dueAtNanos(long k) {
        if (ratePerSecond == 0) {
            return 0;
        }
        double at = Math.ceil(k * NANOS_PER_SECOND / ratePerSecond);
        return at >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) at;
    }
}
