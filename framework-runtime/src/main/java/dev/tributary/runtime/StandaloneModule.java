package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.sink.FencingClient;
import dev.tributary.runtime.worker.ConnectorConfigStore;
import dev.tributary.runtime.worker.FileConnectorConfigStore;
import dev.tributary.runtime.worker.ManagedHerder;
import dev.tributary.runtime.worker.StandaloneHerder;
import dev.tributary.runtime.worker.Worker;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.runtime.worker.WorkerServices;
import java.time.Clock;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * Standalone mode: connector configs and target states in {@code data.dir/connectors.json}, and
 * this process runs every connector and all its tasks. Installed in a child of the
 * {@link WorkerModule} injector once the listener is up, as the worker's id is its address.
 */
final class StandaloneModule extends AbstractModule {
    private final String workerId;

    /** @param workerId this worker's id in statuses: the listener's {@code host:port} */
    StandaloneModule(String workerId) {
        this.workerId = requireNonNull(workerId, "workerId is null");
    }

    @Provides
    @Singleton
    WorkerServices services(WorkerConfig config, PluginRegistry plugins, OffsetStore offsetStore,
            PulsarClient pulsar, FencingClient fencing, MetricsRegistry metrics, Clock clock) {
        return new WorkerServices(config, plugins, offsetStore, pulsar, fencing, metrics, clock, workerId);
    }

    @Provides
    @Singleton
    Worker worker(WorkerServices services) {
        return new Worker(services);
    }

    @Provides
    @Singleton
    ConnectorConfigStore connectorConfigStore(WorkerConfig config) {
        return new FileConnectorConfigStore(config.dataDir().resolve(FileConnectorConfigStore.FILE_NAME));
    }

    @Provides
    @Singleton
    StandaloneHerder standaloneHerder(Worker worker, WorkerServices services, ConnectorConfigStore store) {
        return new StandaloneHerder(worker, services, store);
    }

    @Provides
    @Singleton
    ManagedHerder herder(StandaloneHerder herder) {
        return herder;
    }
}
