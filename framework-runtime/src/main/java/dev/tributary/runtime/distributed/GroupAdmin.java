package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationDataProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of Pulsar's admin REST API that a worker group needs: create its namespace and
 * topics with policies under which nothing the group needs is ever deleted, and list the
 * consumers of the members' subscription and the one of them that is active.
 *
 * <p>Plain HTTP through the JDK's client, as the pulsar offset store does, rather than the Pulsar
 * admin client, whose dependencies (Guava, Jersey, Avro) do not converge with the runtime's.
 *
 * <p>Thread-safe; every call blocks for at most the timeout given at construction.
 */
public final class GroupAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(GroupAdmin.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Bytes of backlog after which the broker compacts a group topic by itself. Group records are
     * small and few, so compaction stays cheap; it only bounds how much a new member reads.
     */
    static final long COMPACTION_THRESHOLD_BYTES = 1024 * 1024;

    /** {@code pulsar[+ssl]://host[:port][,host[:port]...][/]}: scheme, first host, its port. */
    private static final Pattern SERVICE_URL =
            Pattern.compile("pulsar(\\+ssl)?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?(?:,[^/]*)?/?");

    private final String adminUrl;
    private final Authentication authentication;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param adminUrl the broker's (or proxy's) HTTP service URL, such as {@code http://127.0.0.1:8080}
     * @param authentication the worker's Pulsar authentication, started; its HTTP headers go with every call
     * @param timeout how long one call may take
     */
    public GroupAdmin(String adminUrl, Authentication authentication, Duration timeout) {
        this.adminUrl = requireNonNull(adminUrl, "adminUrl is null").replaceAll("/+$", "");
        this.authentication = requireNonNull(authentication, "authentication is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The admin URL that goes with a broker service URL when, and only when, the service URL uses
     * Pulsar's default port, so that the broker's default HTTP port is a sound guess:
     * {@code pulsar://host:6650} (or no port) gives {@code http://host:8080}, and
     * {@code pulsar+ssl://host:6651} gives {@code https://host:8443}. Of several hosts, the first
     * (any broker answers admin calls for any topic). Empty for any other port, or a URL that is
     * not a Pulsar URL: then the admin URL must be configured.
     */
    public static Optional<String> defaultAdminUrl(String serviceUrl) {
        if (serviceUrl == null) {
            return Optional.empty();
        }
        Matcher url = SERVICE_URL.matcher(serviceUrl.trim());
        if (!url.matches()) {
            return Optional.empty();
        }
        boolean tls = url.group(1) != null;
        String port = url.group(3);
        if (port != null && !port.equals(tls ? "6651" : "6650")) {
            return Optional.empty();
        }
        return Optional.of((tls ? "https://" : "http://") + url.group(2) + (tls ? ":8443" : ":8080"));
    }

    /**
     * Creates the group's namespace when it is missing, then sets its policies: inactive topics
     * are never deleted (a broker's default deletes a topic a minute after its last client left,
     * with its messages), and topics are compacted past {@link #COMPACTION_THRESHOLD_BYTES}.
     *
     * @throws GroupAdminException when the namespace cannot be created or the policies cannot be set
     */
    public void ensureNamespace(String namespace) {
        String path = "namespaces/" + encodePath(namespace);
        HttpResponse<String> created = call("PUT", path, "");
        boolean existed = created.statusCode() == 409;
        if (!existed) {
            expectSuccess(created, "create namespace " + namespace);
            LOG.info("created the worker group's namespace {}", namespace);
        }
        setPolicy(path + "/inactiveTopicPolicies", "{\"inactiveTopicDeleteMode\":\"delete_when_no_subscriptions\","
                + "\"maxInactiveDurationSeconds\":3600,\"deleteWhileInactive\":false}", "POST",
                "keep the inactive topics of namespace " + namespace, existed);
        setPolicy(path + "/compactionThreshold", Long.toString(COMPACTION_THRESHOLD_BYTES), "PUT",
                "set the compaction threshold of namespace " + namespace, existed);
    }

    /**
     * Sets a namespace policy. In a namespace the operator made, a role that may not set policies
     * gets a WARN, not an error: the operator may have set them already.
     */
    private void setPolicy(String path, String body, String method, String what, boolean operatorsNamespace) {
        HttpResponse<String> response = call(method, path, body);
        if (operatorsNamespace && (response.statusCode() == 401 || response.statusCode() == 403)) {
            LOG.warn("could not {} (HTTP {}): this role may not set namespace policies. Make sure that the namespace "
                    + "never deletes inactive topics (inactiveTopicPolicies deleteWhileInactive=false, or "
                    + "brokerDeleteInactiveTopicsEnabled=false) and compacts its topics, or the group loses its state",
                    what, response.statusCode());
            return;
        }
        expectSuccess(response, what);
    }

    /**
     * Creates a non-partitioned topic when it is missing and compacts it once at once, so that the
     * broker's compaction cursor holds every record from then on until a compaction took it in.
     * An existing topic is left as it is.
     *
     * @return whether the topic was created
     */
    public boolean ensureCompactedTopic(String topic) {
        String path = topicPath(topic);
        HttpResponse<String> created = call("PUT", path, "");
        if (created.statusCode() == 409) {
            return false;
        }
        expectSuccess(created, "create topic " + topic);
        HttpResponse<String> compaction = call("PUT", path + "/compaction", "");
        // Members that start together may all see the create succeed (the broker does not always
        // answer 409 to a concurrent create); the broker then answers 409 to every compaction but the
        // first, since one is running. A running compaction is what this call wants.
        if (compaction.statusCode() != 409) {
            expectSuccess(compaction, "start the first compaction of topic " + topic);
        }
        LOG.info("created the worker group's topic {}", topic);
        return true;
    }

    /** Creates a non-partitioned topic when it is missing. */
    public void ensureTopic(String topic) {
        HttpResponse<String> created = call("PUT", topicPath(topic), "");
        if (created.statusCode() != 409) {
            expectSuccess(created, "create topic " + topic);
        }
    }

    /**
     * The names of the consumers connected to {@code subscription} of {@code topic} now, as the
     * broker sees them; empty when the topic or subscription does not exist.
     */
    public List<String> consumerNames(String topic, String subscription) {
        List<String> names = new ArrayList<>();
        for (JsonNode consumer : subscriptionStats(topic, subscription).path("consumers")) {
            JsonNode name = consumer.get("consumerName");
            if (name != null && name.isTextual()) {
                names.add(name.asText());
            }
        }
        return names;
    }

    /**
     * The name of the consumer the broker has made active on the failover {@code subscription} of
     * {@code topic} now; empty when the subscription has no consumer, or does not exist.
     */
    public Optional<String> activeConsumerName(String topic, String subscription) {
        JsonNode name = subscriptionStats(topic, subscription).get("activeConsumerName");
        return name != null && name.isTextual() ? Optional.of(name.asText()) : Optional.empty();
    }

    /** The stats of one subscription of a topic; a missing node when the topic or subscription does not exist. */
    private JsonNode subscriptionStats(String topic, String subscription) {
        HttpResponse<String> stats = call("GET", topicPath(topic) + "/stats", null);
        if (stats.statusCode() == 404) {
            return MAPPER.missingNode();
        }
        expectSuccess(stats, "read the stats of topic " + topic);
        try {
            return MAPPER.readTree(stats.body()).path("subscriptions").path(subscription);
        } catch (IOException e) {
            throw new GroupAdminException("the stats of topic " + topic + " from " + adminUrl + " are not JSON; check"
                    + " that group.admin.url names a Pulsar broker's HTTP port");
        }
    }

    /** {@code persistent://tenant/ns/name} as the admin API's {@code persistent/tenant/ns/name}. */
    static String topicPath(String topic) {
        if (!topic.startsWith("persistent://")) {
            throw new IllegalArgumentException("not a persistent topic: " + topic);
        }
        return "persistent/" + encodePath(topic.substring("persistent://".length()));
    }

    private static String encodePath(String path) {
        StringBuilder encoded = new StringBuilder();
        for (String part : path.split("/")) {
            if (encoded.length() > 0) {
                encoded.append('/');
            }
            encoded.append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return encoded.toString();
    }

    private HttpResponse<String> call(String method, String path, String body) {
        URI uri = URI.create(adminUrl + "/admin/v2/" + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        authenticate(request, uri);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new GroupAdminException("could not reach the Pulsar admin API at " + adminUrl + " ("
                    + e.getClass().getSimpleName() + "); check group.admin.url and that the broker is up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GroupAdminException("interrupted while calling the Pulsar admin API at " + adminUrl, e);
        }
    }

    private void authenticate(HttpRequest.Builder request, URI uri) {
        try {
            AuthenticationDataProvider data = authentication.getAuthData(uri.getHost());
            if (data.hasDataForHttp()) {
                for (Map.Entry<String, String> header : data.getHttpHeaders()) {
                    request.header(header.getKey(), header.getValue());
                }
            }
        } catch (Exception e) {
            // The plugin's own message may quote its parameters.
            throw new GroupAdminException("pulsar.auth.plugin: could not authenticate to the Pulsar admin API at "
                    + adminUrl + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void expectSuccess(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String fix = status == 401 || status == 403
                ? "check pulsar.auth.plugin and pulsar.auth.params, and that this role may administer the namespace"
                : "check group.admin.url and group.namespace";
        throw new GroupAdminException("could not " + what + " through " + adminUrl + " (HTTP " + status + "); " + fix);
    }
}
