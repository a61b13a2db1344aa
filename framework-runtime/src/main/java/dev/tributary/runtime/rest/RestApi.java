package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.Herder;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The worker's REST API, which follows Kafka Connect's paths, verbs, status codes and JSON shapes
 * so that Connect tooling works against it; {@code docs/rest-api.md} lists every endpoint.
 *
 * <p>Built in two steps, because the worker's id comes from the listener's port: the constructor
 * adds what needs no worker ({@code /}, {@code /health}, {@code /connector-plugins},
 * {@code /admin/loggers}), and {@link #attach} adds {@code /connectors} once the worker exists.
 * Until then {@code /health} answers 503 "starting".
 *
 * <p>Threads: handlers run on the server's threads; {@link #attach} may be called from any thread, once.
 */
public final class RestApi {
    private final WorkerHttpServer server;
    private final PluginRegistry plugins;
    private final RouteGuard guard = new RouteGuard();
    private final ConnectorConfigPolicy policy;
    private final AtomicReference<Herder> herder = new AtomicReference<>();

    /**
     * Adds the routes that need no worker to {@code server}, under the default
     * {@link ConnectorConfigPolicy}.
     *
     * @param version the runtime's version, shown by {@code GET /}
     */
    public RestApi(WorkerHttpServer server, PluginRegistry plugins, String version) {
        this(server, plugins, version, ConnectorConfigPolicy.DEFAULT);
    }

    /**
     * Adds the routes that need no worker to {@code server}.
     *
     * @param version the runtime's version, shown by {@code GET /}
     * @param policy what configs sent over REST may point the worker at: every config change is
     *     held to it, and validation reports what it refuses
     */
    public RestApi(WorkerHttpServer server, PluginRegistry plugins, String version, ConnectorConfigPolicy policy) {
        this(server, plugins, version, policy, new ConnectorValidator(plugins));
    }

    /**
     * As {@link #RestApi(WorkerHttpServer, PluginRegistry, String, ConnectorConfigPolicy)}, validating
     * configs as the worker's herder will, such as against the worker's exactly-once settings.
     */
    public RestApi(WorkerHttpServer server, PluginRegistry plugins, String version, ConnectorConfigPolicy policy,
            ConnectorValidator validator) {
        this.server = requireNonNull(server, "server is null");
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.policy = requireNonNull(policy, "policy is null");
        new RootResource(herder::get, version).register(server, guard);
        new ConnectorPluginsResource(plugins, policy, validator).register(server, guard);
        LoggersResource.forThisJvm().register(server, guard);
    }

    /**
     * Adds the {@code /connectors} routes, served by {@code worker}; every config change that
     * arrives over REST is first held to the policy.
     *
     * @throws IllegalStateException when a worker is attached already
     */
    public void attach(Herder worker) {
        requireNonNull(worker, "worker is null");
        if (!herder.compareAndSet(null, worker)) {
            throw new IllegalStateException("a worker is attached to the REST API already");
        }
        Herder checked = new PolicyCheckedHerder(worker, policy, this::schemaOf);
        new ConnectorsResource(checked).register(server, guard);
        new ConnectorOffsetsResource(checked).register(server, guard);
    }

    private Optional<ConfigSchema> schemaOf(String connectorClass) {
        if (plugins.findConnector(connectorClass).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(plugins.newConnector(connectorClass).configSchema());
    }
}
