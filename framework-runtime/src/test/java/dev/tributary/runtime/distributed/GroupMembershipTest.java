package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
    private static final Member SELF = new Member("w-a", "http://a:8083");
    private static final Member OTHER = new Member("w-b", "http://b:8083");

    /** What the listener was told, in order. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    private volatile String stats = "{}";
    private volatile int status = 200;
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
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        GroupAdmin admin = new GroupAdmin("http://127.0.0.1:" + server.getAddress().getPort(),
                new AuthenticationDisabled(), Duration.ofSeconds(5));
        membership = new GroupMembership(client, admin, TOPICS, SELF, new GroupMembership.Listener() {
            @Override
            public void elected() {
                events.add("elected");
            }

            @Override
            public void deposed() {
                events.add("deposed");
            }

            @Override
            public void cutOff() {
                events.add("cutOff");
            }

            @Override
            public void reconnected() {
                events.add("reconnected");
            }
        }, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        membership.close();
        server.stop(0);
    }

    private static String active(Member member) {
        return "{\"subscriptions\":{\"members\":{\"activeConsumerName\":\"" + member.consumerName() + "\","
                + "\"consumers\":[{\"consumerName\":\"" + SELF.consumerName() + "\"},{\"consumerName\":\""
                + OTHER.consumerName() + "\"}]}}}";
    }

    private void checkLeadership() throws Exception {
        membership.checkLeadership().get(10, TimeUnit.SECONDS);
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

    @Test
    void aWorkerTheBrokerListsAsActiveLeadsThoughNoEventSaidSo() throws Exception {
        stats = active(SELF);

        checkLeadership();

        assertThat(events).containsExactly("elected");
        assertThat(membership.isLeader()).isTrue();
        // Asking again changes nothing: the listener hears of each change once.
        checkLeadership();
        assertThat(events).containsExactly("elected");
    }

    @Test
    void aLeaderTheBrokerNoLongerListsAsActiveIsDeposedThoughNoEventSaidSo() throws Exception {
        stats = active(SELF);
        checkLeadership();

        stats = active(OTHER);
        checkLeadership();

        assertThat(events).containsExactly("elected", "deposed");
        assertThat(membership.isLeader()).isFalse();
        checkLeadership();
        assertThat(events).containsExactly("elected", "deposed");
    }

    @Test
    void noAnswerFromTheBrokerChangesNothing() throws Exception {
        stats = active(SELF);
        checkLeadership();

        stats = "{\"subscriptions\":{}}";
        checkLeadership();
        stats = "not json";
        checkLeadership();
        status = 503;
        checkLeadership();

        assertThat(events).containsExactly("elected");
        assertThat(membership.isLeader()).isTrue();
    }

    @Test
    void aFencedLeaderThatTheBrokerStillListsAsActiveIsElectedAgain() throws Exception {
        stats = active(SELF);
        checkLeadership();

        membership.fenced();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).containsExactly("elected", "deposed", "elected");
        assertThat(membership.isLeader()).isTrue();
    }

    @Test
    void aFencedLeaderThatTheBrokerNoLongerListsStepsDownForGood() throws Exception {
        stats = active(SELF);
        checkLeadership();
        stats = active(OTHER);

        membership.fenced();
        // The fence's own check ran before this one, on the same threads.
        checkLeadership();

        assertThat(events).containsExactly("elected", "deposed");
        assertThat(membership.isLeader()).isFalse();
    }

    @Test
    void aClosedMembershipFollowsNothing() throws Exception {
        stats = active(SELF);
        membership.close();

        membership.fenced();
        checkLeadership();

        assertThat(events).isEmpty();
        assertThat(membership.isLeader()).isFalse();
    }
}
