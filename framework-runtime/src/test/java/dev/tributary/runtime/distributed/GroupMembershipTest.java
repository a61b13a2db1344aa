package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.auth.AuthenticationDisabled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The member list as the broker's stats give it, from a fake admin API; nothing here needs a broker. */
class GroupMembershipTest {
    private static final GroupTopics TOPICS = GroupTopics.of("g", "t/n");

    private volatile String stats = "{}";
    private HttpServer server;
    private static PulsarClient client;
    private GroupMembership membership;

    @BeforeAll
    static void client() throws IOException {
        // Never connects: members() only asks the admin API.
        client = PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1").build();
    }

    @AfterAll
    static void closeClient() throws IOException {
        client.close();
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/v2/persistent/t/n/coordination/stats", exchange -> {
            byte[] body = stats.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        GroupAdmin admin = new GroupAdmin("http://127.0.0.1:" + server.getAddress().getPort(),
                new AuthenticationDisabled(), Duration.ofSeconds(5));
        membership = new GroupMembership(client, admin, TOPICS, new Member("w-a", "http://a:8083"), new GroupMembership.Listener() {
            @Override
            public void elected() {
            }

            @Override
            public void deposed() {
            }

            @Override
            public void cutOff() {
            }

            @Override
            public void reconnected() {
            }
        }, Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() throws Exception {
        membership.close();
        server.stop(0);
    }

    private static String consumers(String... names) {
        StringBuilder list = new StringBuilder();
        for (String name : names) {
            list.append(list.length() == 0 ? "" : ",").append("{\"consumerName\":\"").append(name).append("\"}");
        }
        return "{\"subscriptions\":{\"members\":{\"consumers\":[" + list + "]}}}";
    }

    @Test
    void theMembersAreTheSubscriptionsConsumersThatAreMembersSortedById() {
        stats = consumers(new Member("w-c", "http://c:8083").consumerName(), "some-tool",
                new Member("w-a", "http://a:8083").consumerName(), new Member("w-b", "http://b:8083").consumerName());

        assertThat(membership.members()).containsExactly(new Member("w-a", "http://a:8083"),
                new Member("w-b", "http://b:8083"), new Member("w-c", "http://c:8083"));
    }

    @Test
    void aWorkerListedTwiceCountsOnce() {
        // A restarted worker whose old connection the broker has not dropped yet.
        stats = consumers(new Member("w-a", "http://a2:8083").consumerName(),
                new Member("w-a", "http://a1:8083").consumerName());

        assertThat(membership.members()).containsExactly(new Member("w-a", "http://a2:8083"));
    }

    @Test
    void noSubscriptionYetMeansNoMembers() {
        stats = "{\"subscriptions\":{}}";
        assertThat(membership.members()).isEmpty();
        assertThat(membership.isLeader()).isFalse();
        assertThat(membership.isConnected()).isFalse();
    }
}
