package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.metrics.MetricsRegistry;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Serves {@code GET /metrics}: the registry's snapshots, written by the Prometheus client in the
 * format the request's {@code Accept} header asks for, as the client's own HTTP server chooses it:
 * OpenMetrics 1.0 for {@code application/openmetrics-text}, else the text format 0.0.4. A request
 * for the protobuf format gets text too, since the worker does not carry the protobuf writer.
 */
public final class MetricsEndpoint {
    public static final String PATH = "/metrics";
    /** The content type of the text format 0.0.4, served when the request asks for nothing else. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    // The client's defaults, not its system properties or prometheus.properties: the worker is configured in one place.
    private static final ExpositionFormats FORMATS = ExpositionFormats.init(PrometheusProperties.builder().build());

    private MetricsEndpoint() {
    }

    /** Adds the route to {@code server}; each request reads {@code registry} afresh. */
    public static void register(WorkerHttpServer server, MetricsRegistry registry) {
        requireNonNull(server, "server is null");
        requireNonNull(registry, "registry is null");
        server.route("GET", PATH, request -> scrape(registry, request));
    }

    private static Response scrape(MetricsRegistry registry, Request request) {
        List<String> accepts = request.headers().getOrDefault("accept", List.of());
        String accept = accepts.isEmpty() ? null : String.join(",", accepts);
        ExpositionFormatWriter writer = FORMATS.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = FORMATS.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            writer.write(body, registry.snapshots(), EscapingScheme.fromAcceptHeader(accept));
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream cannot fail", e);
        }
        return new Response(200, writer.getContentType(), body.toByteArray());
    }
}
