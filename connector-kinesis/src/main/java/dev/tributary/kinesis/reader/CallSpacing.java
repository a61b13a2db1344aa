package dev.tributary.kinesis.reader;

/**
 * How long a shard that has caught up waits before its next GetRecords call. A shard whose
 * records of one {@code pollInterval} fit in one call waits the whole interval, as the KCL does.
 * A busier shard used to wait the interval too and then catch up with calls back to back; it is
 * now called n times per interval, evenly, with n the fewest calls that carry the interval's
 * records with each call at most {@link #FILL_PERCENT}% full (so that the rate's jitter does not
 * leave a call behind). That is the burst's calls spread out, up to a quarter more of them; a
 * record then waits in the stream a fraction of the interval instead of up to all of it, and in
 * the connector behind one call's records instead of behind a burst of them.
 *
 * <p>The rate is the shard's own over its last cycle: the records fetched by the calls that
 * started after its previous caught-up call, up to and including this one, over the time between
 * the two calls' starts. The previous caught-up call read the shard to its tip, so these are the
 * records that arrived in between, whatever slowed the cycle down (a backoff, a full buffer); a
 * rate that changes is followed one cycle later.
 */
final class CallSpacing {
    /** How full a spread call is meant to be at most, in percent of what it may ask for. */
    static final int FILL_PERCENT = 80;

    private CallSpacing() {
    }

    /**
     * The wait after a caught-up response with records, from the start of its call.
     *
     * @param pollIntervalNanos the configured {@code pollInterval}
     * @param cycleRecords the Kinesis records fetched since the previous caught-up call, this call's included
     * @param cycleNanos the time from the start of the previous caught-up call to the start of this one,
     *     or 0 when there was none
     * @param recordsPerCall how many records the shard's next call may ask for
     * @return {@code pollIntervalNanos}, or an even share of it
     */
    static long caughtUpWait(long pollIntervalNanos, long cycleRecords, long cycleNanos, int recordsPerCall) {
        if (cycleNanos <= 0 || cycleRecords <= 0 || recordsPerCall <= 0) {
            return pollIntervalNanos;
        }
        double perInterval = (double) cycleRecords * pollIntervalNanos / cycleNanos;
        if (perInterval <= recordsPerCall) {
            return pollIntervalNanos;
        }
        long calls = (long) Math.ceil(perInterval / (recordsPerCall * (FILL_PERCENT / 100.0)));
        return pollIntervalNanos / calls;
    }
}
