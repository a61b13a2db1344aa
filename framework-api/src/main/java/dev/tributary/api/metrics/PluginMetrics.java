package dev.tributary.api.metrics;

import dev.tributary.api.annotation.Stable;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Metrics that a task reports about its own work, such as per-shard lag. The runtime reads each
 * supplier when metrics are scraped, so the plugin keeps its own counters and the hot path pays
 * nothing here. The runtime exposes them at {@code /metrics} as {@code tributary_<name>}, with
 * the labels given plus {@code connector} and {@code task}, and removes a task's metrics when the
 * task stops.
 *
 * <p>Names match {@code [a-z][a-z0-9_]*} and start with the plugin's own prefix, such as
 * {@code kinesis_shard_millis_behind_latest}. Thread-safe.
 */
@Stable
public interface PluginMetrics {
    /** A value that goes up and down, such as a lag. Registering the same name and labels again replaces it. */
    void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value);

    /**
     * A total that only grows, such as records fetched. Name it with the {@code _total} suffix;
     * a name without it is exposed with it. Registering the same name and labels again replaces it.
     */
    void counter(String name, String help, Map<String, String> labels, DoubleSupplier total);

    /** Removes the metric with this name and labels, such as a finished shard's. */
    void remove(String name, Map<String, String> labels);

    /** Metrics that go nowhere, for contexts without a metrics system. */
    static PluginMetrics none() {
        return NoMetrics.INSTANCE;
    }
}
