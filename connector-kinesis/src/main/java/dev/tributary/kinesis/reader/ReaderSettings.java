package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.kinesis.proxy.StartPosition;
import java.time.Duration;

/**
 * How a task reads its shards.
 *
 * @param initialPosition where a shard with no committed offset and no parents starts
 * @param receiveQueueSize the most Kinesis records fetched and not yet handed to the runtime
 * @param receiveQueueBytes the most bytes fetched and not yet handed to the runtime
 * @param maxRecordsPerFetch the limit of one GetRecords call
 * @param maxConcurrentFetches the most calls in flight for the task
 * @param pollInterval the wait before fetching again from a shard that is caught up
 * @param backoffTime the base of the jittered wait after throttling or a server error
 * @param paceShardReads whether calls to a shard that is behind are spaced to stay within
 *     {@link #MIN_FETCH_SPACING} and {@link #SHARD_BYTES_PER_SECOND}
 * @param maxBytesPerFetch about how many bytes one GetRecords response may hold: each call asks for
 *     as many records as fit, by the sizes the shard's last responses had (see {@link FetchSizer})
 */
public record ReaderSettings(
        StartPosition initialPosition, int receiveQueueSize, long receiveQueueBytes, int maxRecordsPerFetch,
        int maxConcurrentFetches, Duration pollInterval, Duration backoffTime, boolean paceShardReads,
        long maxBytesPerFetch) {
    /** Kinesis allows five GetRecords calls per second per shard. */
    public static final Duration MIN_FETCH_SPACING = Duration.ofMillis(200);
    /** Kinesis serves at most 2 MB per second per shard. */
    public static final long SHARD_BYTES_PER_SECOND = 2L * 1024 * 1024;
    /**
     * The default of {@link #maxBytesPerFetch}: about what the default 1,000 records of 1 KiB take
     * (900 of them fit, with what a response adds to each), so that at that size calls are about as
     * many as without it, while larger records no longer make responses of up to 10 MB. The
     * connector's own reader collects a response in small pieces whatever this is; with the SDK's,
     * 256 KiB would keep its response buffer out of G1's humongous objects, but at 1 KiB records it
     * makes four times the calls, which cost 28% more CPU per GB in the benchmark's latency scenario.
     */
    public static final long DEFAULT_MAX_BYTES_PER_FETCH = 1024L * 1024;

    public ReaderSettings {
        requireNonNull(initialPosition, "initialPosition is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(backoffTime, "backoffTime is null");
        if (receiveQueueSize < 1 || maxRecordsPerFetch < 1 || maxConcurrentFetches < 1 || receiveQueueBytes < 1
                || maxBytesPerFetch < 1) {
            throw new IllegalArgumentException("queue sizes and limits must be positive");
        }
    }

    /** Settings with the default {@link #maxBytesPerFetch}. */
    public ReaderSettings(StartPosition initialPosition, int receiveQueueSize, long receiveQueueBytes,
            int maxRecordsPerFetch, int maxConcurrentFetches, Duration pollInterval, Duration backoffTime,
            boolean paceShardReads) {
        this(initialPosition, receiveQueueSize, receiveQueueBytes, maxRecordsPerFetch, maxConcurrentFetches, pollInterval,
                backoffTime, paceShardReads, DEFAULT_MAX_BYTES_PER_FETCH);
    }

    /** Settings that keep to Kinesis's per-shard read limits, as {@code paceShardReads} does by default. */
    public ReaderSettings(StartPosition initialPosition, int receiveQueueSize, long receiveQueueBytes,
            int maxRecordsPerFetch, int maxConcurrentFetches, Duration pollInterval, Duration backoffTime) {
        this(initialPosition, receiveQueueSize, receiveQueueBytes, maxRecordsPerFetch, maxConcurrentFetches, pollInterval,
                backoffTime, true, DEFAULT_MAX_BYTES_PER_FETCH);
    }
}
