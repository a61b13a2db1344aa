package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.metrics.MetricsRegistry;

/** Serves {@code GET /metrics}: the registry's scrape, in the Prometheus text format 0.0.4. */
public final class MetricsEndpoint {
    public static final String PATH = "/metrics";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsEndpoint() {
    }

    /** Adds the route to {@code server}; each request scrapes {@code registry} afresh. */
    public static void register(WorkerHttpServer server, MetricsRegistry registry) {
        requireNonNull(server, "server is null");
        requireNonNull(registry, "registry is null");
        server.route("GET", PATH, request -> Response.text(200, CONTENT_TYPE, registry.scrape()));
    }
}
