package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.runtime.http.Request;
import dev.tributary.runtime.http.Response;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.worker.Herder;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code GET /} (the version, as Kafka Connect's {@code ServerInfo}) and {@code GET /health} (as
 * Kafka Connect's KIP-1017 health check: 200 healthy, 503 while starting, 500 when the worker does
 * not apply changes).
 */
final class RootResource {
    /** How long the health check waits for the worker to apply a no-op change, as Kafka Connect's. */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<Herder> herder;
    private final String version;

    /**
     * @param herder the worker, or null while it is still being built
     * @param version the runtime's version
     */
    RootResource(Supplier<Herder> herder, String version) {
        this.herder = requireNonNull(herder, "herder is null");
        this.version = requireNonNull(version, "version is null");
    }

    void register(WorkerHttpServer server, RouteGuard guard) {
        server.route("GET", "/", guard.wrap(this::serverInfo));
        server.route("GET", "/health", guard.wrap(this::health));
    }

    Response serverInfo(Request request) {
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("version", version).put("commit", "unknown");
        // Kafka Connect tools read this field; a Pulsar worker belongs to no Kafka cluster.
        info.putNull("kafka_cluster_id");
        return RestJson.json(200, info);
    }

    Response health(Request request) {
        Herder current = herder.get();
        if (current == null || !current.isReady()) {
            return status(503, "starting", "Worker is still starting up.");
        }
        if (!current.isResponsive(HEALTH_TIMEOUT)) {
            return status(500, "unhealthy",
                    "Worker was unable to handle this request and may be unable to handle other requests.");
        }
        return status(200, "healthy", "Worker has completed startup and is ready to handle requests.");
    }

    private static Response status(int code, String status, String message) {
        return RestJson.json(code, JsonNodeFactory.instance.objectNode().put("status", status).put("message", message));
    }
}
