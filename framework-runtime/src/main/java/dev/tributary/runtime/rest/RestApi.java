package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.Herder;
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
    private final RouteGuard guard = new RouteGuard();
    private final AtomicReference<Herder> herder = new AtomicReference<>();

    /**
     * Adds the routes that need no worker to {@code server}.
     *
     * @param version the runtime's version, shown by {@code GET /}
     */
    public RestApi(WorkerHttpServer server, PluginRegistry plugins, String version) {
        this.server = requireNonNull(server, "server is null");
        requireNonNull(plugins, "plugins is null");
        new RootResource(herder::get, version).register(server, guard);
        new ConnectorPluginsResource(plugins).register(server, guard);
        LoggersResource.forThisJvm().register(server, guard);
    }

    /**
     * Adds the {@code /connectors} routes, served by {@code worker}.
     *
     * @throws IllegalStateException when a worker is attached already
     */
    public void attach(Herder worker) {
        requireNonNull(worker, "worker is null");
        if (!herder.compareAndSet(null, worker)) {
            throw new IllegalStateException("a worker is attached to the REST API already");
        }
        new ConnectorsResource(worker).register(server, guard);
        new ConnectorOffsetsResource(worker).register(server, guard);
    }
}
