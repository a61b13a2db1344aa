package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.sink.FencingClient;
import java.time.Clock;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * What every connector and task of a worker share, grouped so that constructors stay short.
 *
 * @param config the worker's settings
 * @param plugins the installed connectors and stores
 * @param offsetStore where committed offsets live
 * @param pulsar the worker's Pulsar client: every producer and consumer but the fence producers
 * @param fencing the client of the exactly-once fence producers, built on first use
 * @param metrics the worker's metrics
 * @param clock the time source, replaceable in tests
 * @param workerId this worker's id in statuses, such as {@code 127.0.0.1:8083}
 */
public record WorkerServices(
        WorkerConfig config, PluginRegistry plugins, OffsetStore offsetStore, PulsarClient pulsar,
        FencingClient fencing, MetricsRegistry metrics, Clock clock, String workerId) {
    public WorkerServices {
        requireNonNull(config, "config is null");
        requireNonNull(plugins, "plugins is null");
        requireNonNull(offsetStore, "offsetStore is null");
        requireNonNull(pulsar, "pulsar is null");
        requireNonNull(fencing, "fencing is null");
        requireNonNull(metrics, "metrics is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(workerId, "workerId is null");
    }
}
