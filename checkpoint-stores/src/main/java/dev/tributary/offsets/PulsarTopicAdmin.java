package dev.tributary.offsets;

import dev.tributary.api.offset.OffsetStoreException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationDataProvider;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pulsar store's topic through the broker's admin REST API when it is missing: a
 * non-partitioned topic with a compaction threshold, compacted once at once so that the broker's
 * compaction cursor holds every offset record until a compaction has taken it in.
 *
 * <p>Three REST calls over the JDK's HTTP client, rather than the Pulsar admin client, whose
 * dependencies (Avro, Guava, Jersey) would have to converge with every module that loads this plugin.
 */
final class PulsarTopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(PulsarTopicAdmin.class);

    private final PulsarOffsetStore.Settings settings;
    private final HttpClient http;
    private final String topicPath;

    PulsarTopicAdmin(PulsarOffsetStore.Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.operationTimeout()).build();
        this.topicPath = topicPath(settings.topic());
    }

    /** {@code persistent://tenant/ns/name} as the admin API's {@code persistent/tenant/ns/name}. */
    static String topicPath(String topic) {
        String[] parts = topic.substring("persistent://".length()).split("/");
        StringBuilder path = new StringBuilder("persistent");
        for (String part : parts) {
            path.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    /**
     * Creates the topic when it does not exist yet, with its compaction settings. An existing
     * topic keeps the settings it has.
     *
     * @throws OffsetStoreException when the admin API cannot be reached or refuses
     */
    void createIfMissing() {
        HttpResponse<String> created = call("PUT", "", "");
        if (created.statusCode() == 409) {
            return;
        }
        expectSuccess(created, "create offset topic " + settings.topic());
        LOG.info("created offset topic {}", settings.topic());
        if (settings.compactionThreshold() > 0) {
            HttpResponse<String> threshold = call("POST", "/compactionThreshold",
                    Long.toString(settings.compactionThreshold()));
            if (threshold.statusCode() / 100 != 2) {
                // Topic policies may be off on this cluster; the namespace's compaction policy then applies.
                LOG.warn("could not set the compaction threshold of {} (HTTP {}: {}); set one on its namespace",
                        settings.topic(), threshold.statusCode(), firstLine(threshold.body()));
            }
        }
        expectSuccess(call("PUT", "/compaction", ""), "start the first compaction of offset topic " + settings.topic());
    }

    private HttpResponse<String> call(String method, String suffix, String body) {
        URI uri = URI.create(settings.adminUrl().replaceAll("/+$", "") + "/admin/v2/" + topicPath + suffix);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.operationTimeout())
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        authenticate(request, uri);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OffsetStoreException("could not reach the Pulsar admin API at " + settings.adminUrl() + " ("
                    + e.getClass().getSimpleName() + "); check offset.pulsar.admin.url, or leave it empty and"
                    + " create the topic yourself", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OffsetStoreException("interrupted while creating offset topic " + settings.topic(), e);
        }
    }

    /** Adds the authentication plugin's HTTP headers, such as a token's {@code Authorization}. */
    private void authenticate(HttpRequest.Builder request, URI uri) {
        if (settings.authPlugin().isBlank()) {
            return;
        }
        try (Authentication auth = AuthenticationFactory.create(settings.authPlugin(), settings.authParams().value())) {
            auth.start();
            AuthenticationDataProvider data = auth.getAuthData(uri.getHost());
            if (data.hasDataForHttp()) {
                for (Map.Entry<String, String> header : data.getHttpHeaders()) {
                    request.header(header.getKey(), header.getValue());
                }
            }
        } catch (PulsarClientException e) {
            throw new OffsetStoreException("offset.pulsar.auth.plugin: could not authenticate to the Pulsar admin"
                    + " API (" + PulsarOffsetStore.describe(e, settings) + ")", e);
        } catch (Exception e) {
            throw new OffsetStoreException("offset.pulsar.auth.plugin: could not authenticate to the Pulsar admin"
                    + " API (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private void expectSuccess(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            String fix = response.statusCode() == 401 || response.statusCode() == 403
                    ? "check offset.pulsar.auth.plugin and offset.pulsar.auth.params"
                    : "check offset.pulsar.admin.url and offset.pulsar.topic, or leave admin.url empty and create"
                            + " the topic yourself";
            throw new OffsetStoreException("could not " + what + " through " + settings.adminUrl() + " (HTTP "
                    + response.statusCode() + ": " + Redaction.redact(firstLine(response.body()),
                            settings.authParams().value()) + "); " + fix);
        }
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
