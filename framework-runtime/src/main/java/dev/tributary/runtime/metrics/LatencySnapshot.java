package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A latency distribution as read at one scrape, in seconds.
 *
 * @param count observations since the recorder was created (cumulative)
 * @param sumSeconds their total (cumulative)
 * @param quantiles quantiles over the sliding window; {@code NaN} when the window is empty
 * @param maxSeconds the largest observation in the sliding window; 0 when it is empty
 */
record LatencySnapshot(long count, double sumSeconds, List<Quantile> quantiles, double maxSeconds) {
    LatencySnapshot {
        quantiles = List.copyOf(requireNonNull(quantiles, "quantiles is null"));
    }

    /** One quantile, such as 0.99, and its value in seconds. */
    record Quantile(double quantile, double seconds) {
    }
}
