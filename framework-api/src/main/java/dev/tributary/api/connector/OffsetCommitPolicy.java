package dev.tributary.api.connector;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.annotation.Stable;
import java.time.Duration;

/**
 * How often a connector's offsets are committed, and how a failed commit is retried before it
 * is left for the next interval (it is never dropped: the offsets stay pending).
 *
 * @param interval the time between commits
 * @param retries immediate retries of a failed commit
 * @param retryBackoff the wait before each retry
 */
@Stable
public record OffsetCommitPolicy(Duration interval, int retries, Duration retryBackoff) {
    public OffsetCommitPolicy {
        requireNonNull(interval, "interval is null");
        requireNonNull(retryBackoff, "retryBackoff is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative");
        }
    }
}
