package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.http.MetricsEndpoint;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.Worker;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.runtime.worker.WorkerServices;
import java.net.URI;
import java.time.Clock;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running standalone worker with its HTTP listener. Built by {@link #start}; {@link #close}
 * stops connectors (committing offsets), then the listener, the offset store and the client.
 */
public final class TributaryRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TributaryRuntime.class);

    private final Worker worker;
    private final WorkerHttpServer http;
    private final OffsetStore offsetStore;
    private final PulsarClient pulsar;
    private final PluginRegistry plugins;
    private boolean closed;

    private TributaryRuntime(Worker worker, WorkerHttpServer http, OffsetStore offsetStore, PulsarClient pulsar,
            PluginRegistry plugins) {
        this.worker = worker;
        this.http = http;
        this.offsetStore = offsetStore;
        this.pulsar = pulsar;
        this.plugins = plugins;
    }

    /**
     * Builds and starts a worker.
     *
     * @throws ConfigException when a setting is wrong (bad listener, unknown offset store, ...)
     */
    public static TributaryRuntime start(WorkerConfig config) {
        requireNonNull(config, "config is null");
        Injector injector;
        OffsetStore store;
        PluginRegistry plugins;
        try {
            injector = Guice.createInjector(new WorkerModule(config));
            plugins = injector.getInstance(PluginRegistry.class);
            store = injector.getInstance(OffsetStore.class);
        } catch (ProvisionException e) {
            throw unwrap(e);
        }
        PulsarClient pulsar = injector.getInstance(PulsarClient.class);
        MetricsRegistry metrics = injector.getInstance(MetricsRegistry.class);
        WorkerHttpServer http;
        try {
            http = new WorkerHttpServer(config.listeners());
        } catch (IllegalArgumentException e) {
            store.close();
            throw new ConfigException(e.getMessage());
        }
        MetricsEndpoint.register(http, metrics);
        http.start();
        String workerId = http.baseUri().getHost() + ":" + http.port();
        Worker worker = new Worker(new WorkerServices(config, plugins, store, pulsar, metrics,
                injector.getInstance(Clock.class), workerId));
        LOG.info("worker {} started: Pulsar {}, offset store {}, listening on {}", workerId,
                config.pulsarServiceUrl(), config.offsetStore(), http.baseUri());
        return new TributaryRuntime(worker, http, store, pulsar, plugins);
    }

    private static RuntimeException unwrap(ProvisionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return e;
    }

    public Worker worker() {
        return worker;
    }

    public PluginRegistry plugins() {
        return plugins;
    }

    /** Where REST and /metrics listen. */
    public URI baseUri() {
        return http.baseUri();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            worker.close();
        } finally {
            http.stop();
            offsetStore.close();
            try {
                pulsar.close();
            } catch (PulsarClientException e) {
                LOG.warn("closing the Pulsar client failed: {}", e.getMessage());
            }
            LOG.info("worker stopped");
        }
    }
}
