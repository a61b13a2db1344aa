package dev.tributary.bench.replay;

/**
 * Kinesis's read limits of one shard: 5 GetRecords calls a second, and 2 MiB a second. Both are
 * token buckets holding one second's worth. A call is admitted while both have something left; its
 * bytes are then taken even if that drives the byte bucket into debt, as Kinesis serves a 10 MiB
 * response and then throttles the shard for the next seconds. Rejected calls cost nothing.
 *
 * <p>Thread-safe; the caller passes the time, so tests can move it.
 */
final class ShardThrottle {
    static final int CALLS_PER_SECOND = 5;
    static final long BYTES_PER_SECOND = 2L << 20;

    private double calls = CALLS_PER_SECOND;
    private double bytes = BYTES_PER_SECOND;
    private long lastNanos;

    ShardThrottle(long nowNanos) {
        this.lastNanos = nowNanos;
    }

    /** Admits a call at {@code nowNanos}, or returns false when the shard is over a limit. */
    synchronized boolean tryAcquire(long nowNanos) {
        refill(nowNanos);
        if (calls < 1 || bytes <= 0) {
            return false;
        }
        calls -= 1;
        return true;
    }

    /** Takes the bytes an admitted call served. */
    synchronized void served(long servedBytes) {
        bytes -= servedBytes;
    }

    private void refill(long nowNanos) {
        double seconds = Math.max(0, nowNanos - lastNanos) / 1e9;
        lastNanos = Math.max(lastNanos, nowNanos);
        calls = Math.min(CALLS_PER_SECOND, calls + seconds * CALLS_PER_SECOND);
        bytes = Math.min(BYTES_PER_SECOND, bytes + seconds * BYTES_PER_SECOND);
    }
}
