package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupAdminTest {
    /** A fake admin API: answers each "METHOD path" with a status and body, and records the calls. */
    private final Map<String, Map.Entry<Integer, String>> answers = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private GroupAdmin admin;

    @BeforeEach
    void startFakeAdminApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String call = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            calls.add(call);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Map.Entry<Integer, String> answer = answers.getOrDefault(call, Map.entry(204, ""));
            byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.getKey(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        admin = new GroupAdmin("http://127.0.0.1:" + server.getAddress().getPort() + "/",
                AuthenticationFactory.token("secret-token"), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopFakeAdminApi() {
        server.stop(0);
    }

    @Test
    void anExistingNamespaceGetsItsPoliciesAndARoleThatMayNotSetThemOnlyAWarning() {
        answers.put("PUT /admin/v2/namespaces/acme/connect", Map.entry(409, "{\"reason\":\"exists\"}"));
        answers.put("POST /admin/v2/namespaces/acme/connect/inactiveTopicPolicies", Map.entry(403, "denied"));

        admin.ensureNamespace("acme/connect");

        assertThat(calls).containsExactly("PUT /admin/v2/namespaces/acme/connect",
                "POST /admin/v2/namespaces/acme/connect/inactiveTopicPolicies",
                "PUT /admin/v2/namespaces/acme/connect/compactionThreshold");
    }

    @Test
    void aNamespaceThatCannotBeMadeIsAnErrorThatNamesTheFixAndNoSecret() {
        answers.put("PUT /admin/v2/namespaces/acme/connect", Map.entry(401, "token secret-token is not valid"));

        assertThatThrownBy(() -> admin.ensureNamespace("acme/connect")).isInstanceOf(GroupAdminException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("pulsar.auth.plugin")
                .hasMessageNotContaining("secret-token");
    }

    @Test
    void aNewTopicIsCompactedOnceAndAnExistingOneIsLeftAlone() {
        answers.put("PUT /admin/v2/persistent/t/n/old", Map.entry(409, ""));

        assertThat(admin.ensureCompactedTopic("persistent://t/n/new")).isTrue();
        assertThat(admin.ensureCompactedTopic("persistent://t/n/old")).isFalse();

        assertThat(calls).containsExactly("PUT /admin/v2/persistent/t/n/new", "PUT /admin/v2/persistent/t/n/new/compaction",
                "PUT /admin/v2/persistent/t/n/old");
        // The worker's Pulsar credentials go with every admin call.
        assertThat(authorizations).containsOnly("Bearer secret-token");
    }

    @Test
    void aCompactionAlreadyRunningWhenMembersStartTogetherIsNoError() {
        // Seen with three workers started at once: all three creates succeeded, two compactions got 409.
        answers.put("PUT /admin/v2/persistent/t/n/configs/compaction", Map.entry(409, "{\"reason\":\"Compaction already in progress\"}"));
        answers.put("PUT /admin/v2/persistent/t/n/status/compaction", Map.entry(500, "broken"));

        assertThat(admin.ensureCompactedTopic("persistent://t/n/configs")).isTrue();
        assertThatThrownBy(() -> admin.ensureCompactedTopic("persistent://t/n/status"))
                .isInstanceOf(GroupAdminException.class).hasMessageContaining("start the first compaction");
    }

    @Test
    void consumerNamesComeFromTheSubscriptionsStatsAndAMissingTopicHasNone() {
        answers.put("GET /admin/v2/persistent/t/n/coordination/stats", Map.entry(200, """
                {"subscriptions":{"members":{"consumers":[{"consumerName":"w-a http%3A%2F%2Fa"},{"consumerName":"w-b x"},
                {"noName":true}]},"other":{"consumers":[{"consumerName":"not-me"}]}}}"""));

        assertThat(admin.consumerNames("persistent://t/n/coordination", "members")).containsExactly("w-a http%3A%2F%2Fa",
                "w-b x");
        assertThat(admin.consumerNames("persistent://t/n/missing", "members")).isEmpty();
    }

    @Test
    void anUnreachableAdminApiNamesTheSetting() {
        server.stop(0);
        assertThatThrownBy(() -> admin.consumerNames("persistent://t/n/c", "members"))
                .isInstanceOf(GroupAdminException.class).hasMessageContaining("group.admin.url");
    }
    @Test
    void theAdminUrlIsDerivedOnlyFromADefaultPort() {
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://broker.example:6650")).contains("http://broker.example:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://broker.example")).contains("http://broker.example:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar+ssl://broker.example:6651/")).contains("https://broker.example:8443");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://b1:6650,b2:6650")).contains("http://b1:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://[::1]:6650")).contains("http://[::1]:8080");

        assertThat(GroupAdmin.defaultAdminUrl("pulsar://127.0.0.1:41353")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl("pulsar+ssl://broker:6650")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl("http://broker:8080")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl(null)).isEmpty();
    }

    @Test
    void aTopicBecomesItsAdminPathWithEachPartEncoded() {
        assertThat(GroupAdmin.topicPath("persistent://public/tributary-g/configs"))
                .isEqualTo("persistent/public/tributary-g/configs");
        assertThat(GroupAdmin.topicPath("persistent://t/n/a b")).isEqualTo("persistent/t/n/a%20b");
    }
}
