package dev.tributary.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.sink.BrokerTransactions;
import dev.tributary.runtime.sink.FencingClient;
import dev.tributary.runtime.sink.PulsarClients;
import dev.tributary.runtime.worker.ChosenOffsetStore;
import dev.tributary.runtime.worker.WorkerConfig;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.SizeUnit;

/** Wires a worker's shared services from its config. The composition root of the runtime. */
final class WorkerModule extends AbstractModule {
    private final WorkerConfig config;
    private final PluginRegistry plugins;

    /** @param plugins the plugins already found (the CLI scans them to validate connector files first) */
    WorkerModule(WorkerConfig config, PluginRegistry plugins) {
        this.config = requireNonNull(config, "config is null");
        this.plugins = requireNonNull(plugins, "plugins is null");
    }

    @Override
    protected void configure() {
        bind(WorkerConfig.class).toInstance(config);
        bind(PluginRegistry.class).toInstance(plugins);
        bind(Clock.class).toInstance(Clock.systemUTC());
    }

    @Provides
    @Singleton
    MetricsRegistry metrics() {
        return new MetricsRegistry();
    }

    /** Opens the chosen store after validating its keys, which users write as {@code offset.<store>.<key>}. */
    @Provides
    @Singleton
    OffsetStore offsetStore(WorkerConfig config, PluginRegistry plugins) {
        return ChosenOffsetStore.of(config, plugins).open();
    }

    @Provides
    @Singleton
    PulsarClient pulsar(WorkerConfig config) {
        return newPulsarClient(config);
    }

    /**
     * The client of the exactly-once fence producers: one of their own, so that a fenced copy of a
     * task cuts off no other producer or consumer (see {@link FencingClient}); built on first use.
     */
    @Provides
    @Singleton
    FencingClient fencing(WorkerConfig config) {
        return new FencingClient(() -> newPulsarClientWithoutTransactions(config));
    }

    /**
     * A client for the worker's Pulsar. Building one does not connect: the first producer does,
     * except with exactly-once enabled, where the client has transactions on and opens and aborts
     * one transaction to check the broker.
     *
     * @throws ConfigException naming {@code exactly.once.source.support} and
     *         {@code transactionCoordinatorEnabled} when exactly-once is enabled and the broker has no
     *         transactions
     * @throws ConfigException naming {@code pulsar.auth.plugin} when the authentication plugin cannot
     *         be loaded with its params, else {@code pulsar.service.url} when the client cannot be built
     */
    static PulsarClient newPulsarClient(WorkerConfig config) {
        return newPulsarClient(config, config.exactlyOnce().enabled());
    }

    /**
     * As {@link #newPulsarClient(WorkerConfig)}, but without transactions whatever
     * {@code exactly.once.source.support} says: for a client that never opens one.
     */
    static PulsarClient newPulsarClientWithoutTransactions(WorkerConfig config) {
        return newPulsarClient(config, false);
    }

    private static PulsarClient newPulsarClient(WorkerConfig config, boolean transactions) {
        try {
            var builder = PulsarClient.builder()
                    .serviceUrl(config.pulsarServiceUrl())
                    .memoryLimit(config.clientMemoryLimitBytes(), SizeUnit.BYTES)
                    // The client keeps whole seconds; the schema asks for at least one.
                    .keepAliveInterval((int) Math.max(1, config.clientKeepAlive().toSeconds()), TimeUnit.SECONDS)
                    .operationTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE,
                            config.clientOperationTimeout().toMillis())), TimeUnit.MILLISECONDS);
            if (!config.pulsarAuthPlugin().isBlank()) {
                String params = config.pulsarAuthParams() == null ? "" : config.pulsarAuthParams().value();
                builder.authentication(config.pulsarAuthPlugin(), params);
            }
            if (!transactions) {
                return PulsarClients.build(builder);
            }
            // Checked here, at start-up: a broker without transactions stops the worker with the setting to change.
            return BrokerTransactions.connect(builder, config.pulsarServiceUrl(), config.exactlyOnceTransactionTimeout());
        } catch (PulsarClientException.UnsupportedAuthenticationException e) {
            // Its message may echo the params; the plugin's class name is no secret.
            throw new ConfigException(WorkerConfig.PULSAR_AUTH_PLUGIN + ": cannot load the authentication plugin '"
                    + config.pulsarAuthPlugin() + "' with its " + WorkerConfig.PULSAR_AUTH_PARAMS
                    + "; check the class name (such as org.apache.pulsar.client.impl.auth.AuthenticationToken)"
                    + " and the params' format");
        } catch (PulsarClientException e) {
            // The client's message may echo auth params, so only the URL and the kind of problem are shown.
            throw new ConfigException(WorkerConfig.PULSAR_SERVICE_URL + ": cannot create a Pulsar client for '"
                    + config.pulsarServiceUrl() + "' (" + e.getClass().getSimpleName()
                    + "); check the URL and " + WorkerConfig.PULSAR_AUTH_PLUGIN);
        }
    }
}
