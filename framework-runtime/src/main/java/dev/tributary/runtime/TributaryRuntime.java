package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.http.BasicAuthCredentials;
import dev.tributary.runtime.http.ListenerAddress;
import dev.tributary.runtime.http.ListenerSecurity;
import dev.tributary.runtime.http.MetricsEndpoint;
import dev.tributary.runtime.http.TlsKeystore;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.rest.RestApi;
import dev.tributary.runtime.sink.FencingClient;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.ManagedHerder;
import dev.tributary.runtime.worker.StandaloneHerder;
import dev.tributary.runtime.worker.WorkerConfig;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker with its HTTP listener: the REST API, {@code /metrics}, and the connectors its
 * herder keeps, which {@link #start} brings back in their last target state. The composition root
 * of the runtime: {@link WorkerModule} wires the services every mode shares, one module per mode
 * ({@link StandaloneModule} now) wires the herder and its {@link dev.tributary.runtime.worker.Worker},
 * and {@link #shutDown} alone owns the order in which they stop: the herder (connectors stop and
 * commit their offsets), then the listener, then the offset store, then the Pulsar clients.
 */
public final class TributaryRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TributaryRuntime.class);

    private final ManagedHerder herder;
    private final WorkerHttpServer http;
    private final OffsetStore offsetStore;
    private final PulsarClient pulsar;
    private final FencingClient fencing;
    private final PluginRegistry plugins;
    private boolean closed;

    private TributaryRuntime(ManagedHerder herder, WorkerHttpServer http, OffsetStore offsetStore, PulsarClient pulsar,
            FencingClient fencing, PluginRegistry plugins) {
        this.herder = herder;
        this.http = http;
        this.offsetStore = offsetStore;
        this.pulsar = pulsar;
        this.fencing = fencing;
        this.plugins = plugins;
    }

    /**
     * Builds and starts a worker.
     *
     * @throws ConfigException when a setting is wrong (bad listener, unknown offset store, ...)
     */
    public static TributaryRuntime start(WorkerConfig config) {
        requireNonNull(config, "config is null");
        return start(config, PluginRegistry.discover(config.pluginPath()));
    }

    /**
     * Builds and starts a worker with plugins already found, so that a caller that validated
     * connector configs against them does not scan the plugin directories twice.
     *
     * @throws ConfigException when a setting is wrong (bad listener, unknown offset store, ...)
     */
    public static TributaryRuntime start(WorkerConfig config, PluginRegistry plugins) {
        return start(config, plugins, Set.of());
    }

    /**
     * As {@link #start(WorkerConfig, PluginRegistry)}, for a caller that will then start the
     * connectors named in {@code givenAtStart} with configs of its own: stored connectors of those
     * names wait for those configs instead of starting with the stored ones.
     */
    public static TributaryRuntime start(WorkerConfig config, PluginRegistry plugins, Set<String> givenAtStart) {
        requireNonNull(config, "config is null");
        requireNonNull(plugins, "plugins is null");
        requireNonNull(givenAtStart, "givenAtStart is null");
        Injector shared;
        OffsetStore store;
        try {
            shared = Guice.createInjector(new WorkerModule(config, plugins));
            store = shared.getInstance(OffsetStore.class);
        } catch (ProvisionException e) {
            throw unwrap(e);
        }
        PulsarClient pulsar;
        try {
            pulsar = shared.getInstance(PulsarClient.class);
        } catch (ProvisionException e) {
            shutDown(null, null, store, null, null);
            throw unwrap(e);
        }
        // Builds no client until an exactly-once task opens its fence.
        FencingClient fencing = shared.getInstance(FencingClient.class);
        MetricsRegistry metrics = shared.getInstance(MetricsRegistry.class);
        WorkerHttpServer http;
        RestApi rest;
        try {
            http = new WorkerHttpServer(ListenerAddress.parse(config.listeners()), security(config));
            MetricsEndpoint.register(http, metrics);
            rest = new RestApi(http, plugins, version(), config.connectorPolicy(),
                    new ConnectorValidator(plugins, config.exactlyOnce()));
            http.start();
        } catch (RuntimeException e) {
            shutDown(null, null, store, pulsar, fencing);
            throw e instanceof IllegalArgumentException ? new ConfigException(e.getMessage()) : e;
        }
        String workerId = http.baseUri().getHost() + ":" + http.port();
        ManagedHerder herder;
        try {
            herder = shared.createChildInjector(modeModule(config, workerId, http.baseUri()))
                    .getInstance(ManagedHerder.class);
        } catch (ProvisionException e) {
            shutDown(null, http, store, pulsar, fencing);
            throw unwrap(e);
        } catch (RuntimeException e) {
            shutDown(null, http, store, pulsar, fencing);
            throw e;
        }
        try {
            rest.attach(herder);
            herder.start(givenAtStart);
        } catch (RuntimeException e) {
            shutDown(herder, http, store, pulsar, fencing);
            throw e;
        }
        LOG.info("worker {} started {} s after its JVM: Pulsar {}, offset store {}, listening on {}{}", workerId,
                String.format(java.util.Locale.ROOT, "%.1f",
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0),
                config.pulsarServiceUrl(), config.offsetStore(), http.baseUri(),
                config.restBasicAuthFile().isPresent() ? " (basic authentication on)" : "");
        return new TributaryRuntime(herder, http, store, pulsar, fencing, plugins);
    }

    /**
     * The module of the worker's mode, installed over {@link WorkerModule} once the listener is up.
     * Standalone, unless {@code group.id} is set: then a {@link DistributedModule} binds
     * {@link ManagedHerder} to the group's herder over the same {@link dev.tributary.runtime.worker.Worker}.
     */
    private static Module modeModule(WorkerConfig config, String workerId, URI restUrl) {
        if (config.groupId().isPresent()) {
            return new DistributedModule(workerId, restUrl.toString().replaceAll("/+$", ""));
        }
        return new StandaloneModule(workerId);
    }

    /**
     * Stops what was started, in the one order the runtime stops in: the herder (its connectors
     * stop, their offsets are committed, its worker and config store close), then the listener,
     * then the offset store, then the Pulsar clients (the fence producers' first). What was not
     * started yet is null. Each step runs even when an earlier one failed.
     */
    private static void shutDown(ManagedHerder herder, WorkerHttpServer http, OffsetStore store, PulsarClient pulsar,
            FencingClient fencing) {
        try {
            if (herder != null) {
                herder.close();
            }
        } finally {
            try {
                if (http != null) {
                    http.stop();
                }
            } finally {
                try {
                    if (store != null) {
                        store.close();
                    }
                } finally {
                    // Neither close throws for a client that fails to close: each logs it.
                    if (fencing != null) {
                        fencing.close();
                    }
                    if (pulsar != null) {
                        closeQuietly(pulsar);
                    }
                }
            }
        }
    }

    /** TLS and basic authentication of the listener, both off unless configured, and its Host and Origin checks. */
    static ListenerSecurity security(WorkerConfig config) {
        ListenerAddress listener = ListenerAddress.parse(config.listeners());
        Optional<SSLContext> tls = listener.isHttps()
                ? config.restKeystore().map(TlsKeystore::sslContext) : Optional.empty();
        if (!listener.isHttps() && config.restKeystore().isPresent()) {
            LOG.warn("{} is set, but listeners ({}) is not https://; the key store is not used",
                    WorkerConfig.REST_SSL_KEYSTORE_LOCATION, config.listeners());
        }
        return new ListenerSecurity(tls, config.restBasicAuthFile().map(BasicAuthCredentials::load),
                config.restAllowedOrigins());
    }

    /** The runtime's version from its jar's manifest; {@code dev} when run from classes. */
    static String version() {
        return Objects.requireNonNullElse(TributaryRuntime.class.getPackage().getImplementationVersion(), "dev");
    }

    private static void closeQuietly(PulsarClient pulsar) {
        try {
            pulsar.close();
        } catch (PulsarClientException e) {
            LOG.warn("closing the Pulsar client failed: {}", e.getMessage());
        }
    }

    private static RuntimeException unwrap(ProvisionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        return e;
    }

    /**
     * The standalone herder: what embedding programs and tests start connectors through. The name
     * predates the split of the herder from the task-running worker.
     *
     * @throws IllegalStateException when the worker runs in another mode
     */
    public StandaloneHerder worker() {
        if (herder instanceof StandaloneHerder standalone) {
            return standalone;
        }
        throw new IllegalStateException("this worker does not run in standalone mode; use herder()");
    }

    /** The herder that REST talks to, whatever the mode. */
    public ManagedHerder herder() {
        return herder;
    }

    public PluginRegistry plugins() {
        return plugins;
    }

    /** Where REST and /metrics listen. */
    public URI baseUri() {
        return http.baseUri();
    }

    /** Stops the worker: see {@link #shutDown} for the order. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutDown(herder, http, offsetStore, pulsar, fencing);
        } finally {
            LOG.info("worker stopped");
        }
    }
}
