package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
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
import dev.tributary.runtime.worker.FileConnectorConfigStore;
import dev.tributary.runtime.worker.StandaloneHerder;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.runtime.worker.WorkerServices;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running standalone worker with its HTTP listener: the REST API, {@code /metrics}, and the
 * connectors kept in {@code data.dir/connectors.json}, which {@link #start} brings back in their
 * last target state. Built by {@link #start}; {@link #close} stops connectors (committing
 * offsets), then the listener, the offset store and the client.
 */
public final class TributaryRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TributaryRuntime.class);

    private final StandaloneHerder worker;
    private final WorkerHttpServer http;
    private final OffsetStore offsetStore;
    private final PulsarClient pulsar;
    private final PluginRegistry plugins;
    private boolean closed;

    private TributaryRuntime(StandaloneHerder worker, WorkerHttpServer http, OffsetStore offsetStore, PulsarClient pulsar,
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
        Injector injector;
        OffsetStore store;
        try {
            injector = Guice.createInjector(new WorkerModule(config, plugins));
            store = injector.getInstance(OffsetStore.class);
        } catch (ProvisionException e) {
            throw unwrap(e);
        }
        PulsarClient pulsar = injector.getInstance(PulsarClient.class);
        MetricsRegistry metrics = injector.getInstance(MetricsRegistry.class);
        WorkerHttpServer http;
        RestApi rest;
        try {
            http = new WorkerHttpServer(ListenerAddress.parse(config.listeners()), security(config));
            MetricsEndpoint.register(http, metrics);
            rest = new RestApi(http, plugins, version(), config.connectorPolicy());
            http.start();
        } catch (RuntimeException e) {
            store.close();
            closeQuietly(pulsar);
            throw e instanceof IllegalArgumentException ? new ConfigException(e.getMessage()) : e;
        }
        String workerId = http.baseUri().getHost() + ":" + http.port();
        StandaloneHerder worker;
        try {
            worker = new StandaloneHerder(new WorkerServices(config, plugins, store, pulsar, metrics,
                    injector.getInstance(Clock.class), workerId),
                    new FileConnectorConfigStore(config.dataDir().resolve(FileConnectorConfigStore.FILE_NAME)));
        } catch (RuntimeException e) {
            http.stop();
            store.close();
            closeQuietly(pulsar);
            throw e;
        }
        try {
            rest.attach(worker);
            worker.restore(givenAtStart);
        } catch (RuntimeException e) {
            worker.close();
            http.stop();
            store.close();
            closeQuietly(pulsar);
            throw e;
        }
        LOG.info("worker {} started: Pulsar {}, offset store {}, listening on {}{}", workerId,
                config.pulsarServiceUrl(), config.offsetStore(), http.baseUri(),
                config.restBasicAuthFile().isPresent() ? " (basic authentication on)" : "");
        return new TributaryRuntime(worker, http, store, pulsar, plugins);
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

    public StandaloneHerder worker() {
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
