package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.worker.State;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.TcpFaultProxy;
import dev.tributary.testing.services.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.impl.auth.AuthenticationDisabled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three (then four) in-process members of one group against a real Pulsar standalone. Each
 * member has its own client, through a TCP fault proxy of its own, so a test can cut one off.
 * Each test uses a group of its own.
 */
@ExtendWith(TestServices.class)
class WorkerGroupIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Two Kinesis-like connectors of three tasks and a datagen of one, as the acceptance test has. */
    private static final Map<String, Integer> CONNECTORS = Map.of("kinesis-a", 3, "kinesis-b", 3, "datagen", 1);

    private final List<TestMember> members = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private PulsarStandalone pulsar;
    private GroupTopics topics;
    private GroupAdmin admin;

    @BeforeEach
    void group(PulsarStandalone broker) {
        pulsar = broker;
        topics = GroupTopics.of("it-" + UUID.randomUUID().toString().substring(0, 8), "");
        // The worker's own timeout for these calls (DistributedModule's JOIN_TIMEOUT): a test no stricter than the product.
        admin = new GroupAdmin(pulsar.adminUrl(), new AuthenticationDisabled(), Duration.ofSeconds(60));
    }

    @AfterEach
    void closeAll() {
        for (TestMember member : members) {
            member.closeQuietly();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Best effort: the next test uses a group of its own.
            }
        }
    }

    /** What one member was told to run, checked as it is told: never a start of what runs, nor a stop of what does not. */
    private static final class Work implements AssignmentTailer.Listener {
        final Set<ConnectorTaskId> tasks = ConcurrentHashMap.newKeySet();
        final Set<String> connectors = ConcurrentHashMap.newKeySet();
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        volatile long generation;
        /** How long a stop takes, as a real task's flush and commit do. */
        volatile long stopMillis;
        /** When each task last finished stopping and last started here, in System.nanoTime(). */
        final Map<ConnectorTaskId, Long> stoppedAt = new ConcurrentHashMap<>();
        final Map<ConnectorTaskId, Long> startedAt = new ConcurrentHashMap<>();

        @Override
        public void apply(Assignment assignment, AssignmentDiff diff) {
            if (!diff.stopTasks().isEmpty() && stopMillis > 0) {
                try {
                    Thread.sleep(stopMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            diff.stopTasks().forEach(t -> stoppedAt.put(t, System.nanoTime()));
            diff.startTasks().forEach(t -> startedAt.put(t, System.nanoTime()));
            diff.stopTasks().forEach(t -> check(tasks.remove(t), "stop of a task not running: " + t));
            diff.stopConnectors().forEach(c -> check(connectors.remove(c), "stop of a connector not running: " + c));
            diff.startTasks().forEach(t -> check(tasks.add(t), "start of a task already running: " + t));
            diff.startConnectors().forEach(c -> check(connectors.add(c), "start of a connector already running: " + c));
            generation = assignment.generation();
        }

        private void check(boolean ok, String violation) {
            if (!ok) {
                violations.add(violation);
            }
        }
    }

    private final class TestMember {
        final String id;
        final TcpFaultProxy proxy;
        final PulsarClient client;
        final PulsarClient publisherClient;
        final Work work = new Work();
        final GroupMember group;

        TestMember(String id) throws PulsarClientException {
            this.id = id;
            URI broker = URI.create(pulsar.serviceUrl());
            this.proxy = TcpFaultProxy.start(broker.getHost(), broker.getPort());
            this.client = proxiedClient();
            // The publisher's client goes through the same proxy, so that a cut cuts the whole worker off.
            this.publisherClient = proxiedClient();
            this.group = GroupMember.start(client, publisherClient, admin, new GroupMember.Settings(topics,
                    new Member(id, "http://" + id + ":8083"), Duration.ofMillis(500), Duration.ofMillis(200),
                    Duration.ofSeconds(30)), work);
        }

        private PulsarClient proxiedClient() throws PulsarClientException {
            return PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:" + proxy.port())
                    .operationTimeout(10, TimeUnit.SECONDS)
                    .startingBackoffInterval(100, TimeUnit.MILLISECONDS)
                    .maxBackoffInterval(1, TimeUnit.SECONDS)
                    .build();
        }

        /**
         * Closes both clients, as a dead process's connections close: the publisher's first, so
         * that the leader cannot publish once more between the two.
         */
        void closeClients() throws PulsarClientException {
            publisherClient.close();
            client.close();
        }

        boolean leads() {
            return group.membership().isLeader() && group.leader().isActive();
        }

        void closeQuietly() {
            try {
                group.close();
            } catch (RuntimeException e) {
                // Its client may be closed already.
            }
            try {
                client.close();
            } catch (PulsarClientException e) {
                // Best effort.
            }
            proxy.close();
        }
    }

    private TestMember join(String id) throws PulsarClientException {
        TestMember member = new TestMember(id);
        members.add(member);
        return member;
    }

    private void createConnectors() throws Exception {
        admin.ensureNamespace(topics.namespace());
        admin.ensureCompactedTopic(topics.configs());
        try (PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
                GroupTopicWriter writer = GroupTopicWriter.open(client, topics.configs(), new GroupRecordCodec()).get()) {
            for (Map.Entry<String, Integer> c : CONNECTORS.entrySet()) {
                writer.put(new ConnectorConfig(c.getKey(), Map.of("connector.class", "test"))).get();
                List<Map<String, String>> tasks = new ArrayList<>();
                for (int i = 0; i < c.getValue(); i++) {
                    tasks.add(Map.of("task", Integer.toString(i)));
                }
                writer.put(new TaskConfigs(c.getKey(), 1, tasks)).get();
            }
        }
    }

    private TestMember leader(List<TestMember> among) {
        List<TestMember> leaders = among.stream().filter(TestMember::leads).toList();
        assertThat(leaders).as("leaders").hasSize(1);
        return leaders.get(0);
    }

    /** Every live member runs what the latest assignment gives it, every task runs once, and the spread is even. */
    private Assignment converged(List<TestMember> live) {
        Assignment assignment = live.get(0).group.assignment();
        Set<String> ids = live.stream().map(m -> m.id).collect(Collectors.toSet());
        assertThat(assignment.workers().keySet()).as("assigned workers").isEqualTo(ids);
        List<ConnectorTaskId> all = new ArrayList<>();
        for (TestMember member : live) {
            assertThat(member.group.assignment()).as("the view of " + member.id).isEqualTo(assignment);
            assertThat(member.work.tasks).as("tasks of " + member.id).isEqualTo(assignment.of(member.id).tasks());
            assertThat(member.work.connectors).as("connectors of " + member.id)
                    .isEqualTo(assignment.of(member.id).connectors());
            all.addAll(member.work.tasks);
        }
        assertThat(all).hasSize(CONNECTORS.values().stream().mapToInt(Integer::intValue).sum()).doesNotHaveDuplicates();
        IntSummaryStatisticsCheck.balanced(live.stream().map(m -> m.work.tasks.size()).toList());
        IntSummaryStatisticsCheck.balanced(live.stream().map(m -> m.work.connectors.size()).toList());
        return assignment;
    }

    private static final class IntSummaryStatisticsCheck {
        static void balanced(List<Integer> counts) {
            assertThat(Collections.max(counts) - Collections.min(counts)).as("spread of " + counts).isLessThanOrEqualTo(1);
        }
    }

    private static void assertNoViolations(List<TestMember> all) {
        for (TestMember member : all) {
            assertThat(member.work.violations).as("violations of " + member.id).isEmpty();
        }
    }

    @Test
    void threeMembersConvergeBalancedAndTheLeadFailsOverWhenTheLeadersClientCloses() throws Exception {
        createConnectors();
        List<TestMember> live = new ArrayList<>(List.of(join("w-a"), join("w-b"), join("w-c")));

        await().atMost(PATIENCE).untilAsserted(() -> {
            leader(live);
            converged(live);
        });
        assertThat(live).allSatisfy(m -> assertThat(m.work.tasks).isNotEmpty());
        Assignment before = converged(live);
        TestMember oldLeader = leader(live);

        oldLeader.closeClients();
        live.remove(oldLeader);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(leader(live)).isNotSameAs(oldLeader);
            converged(live);
        });
        Assignment after = converged(live);
        assertThat(after.generation()).isGreaterThan(before.generation());
        assertThat(after.leader()).isEqualTo(leader(live).id);
        // Only the departed member's work moved.
        for (TestMember survivor : live) {
            assertThat(after.of(survivor.id).tasks()).containsAll(before.of(survivor.id).tasks());
        }
        // The member whose client closed lost its connection, and stopped its work on its own.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(oldLeader.work.tasks).isEmpty());
        assertNoViolations(members);
    }

    /**
     * The cut drops the member's connections, which the broker sees at once; while it lasts, the
     * member's reconnections are refused, or hang (a black hole) until healed.
     */
    @ParameterizedTest
    @EnumSource(TcpFaultProxy.Outage.class)
    void aLeaderCutOffByTheNetworkIsReplacedStopsItsWorkAndRejoinsWhenHealed(TcpFaultProxy.Outage outage)
            throws Exception {
        createConnectors();
        List<TestMember> all = List.of(join("w-a"), join("w-b"), join("w-c"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            leader(all);
            converged(all);
        });
        TestMember cut = leader(all);
        List<TestMember> live = new ArrayList<>(all);
        live.remove(cut);

        cut.proxy.cut(outage);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(cut.work.tasks).as("the cut-off member's tasks").isEmpty();
            assertThat(cut.work.connectors).isEmpty();
            assertThat(cut.group.membership().isLeader()).isFalse();
            leader(live);
            converged(live);
        });

        cut.proxy.heal();

        await().atMost(PATIENCE).untilAsserted(() -> {
            leader(all);
            converged(all);
        });
        assertNoViolations(all);
    }

    @Test
    void aJoiningMemberTakesItsShareAndTheOthersKeepTheRest() throws Exception {
        createConnectors();
        List<TestMember> live = new ArrayList<>(List.of(join("w-a"), join("w-b"), join("w-c")));
        await().atMost(PATIENCE).untilAsserted(() -> converged(live));
        Assignment before = converged(live);
        // Stopping takes a while, as a flush and commit do: the joiner must not start a task before its giver stopped it.
        live.forEach(m -> m.work.stopMillis = 500);

        live.add(join("w-d"));

        await().atMost(PATIENCE).untilAsserted(() -> converged(live));
        Assignment after = converged(live);
        int tasks = CONNECTORS.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(after.of("w-d").tasks()).hasSize(tasks / 4);
        int moved = 0;
        for (int i = 0; i < 3; i++) {
            String id = List.of("w-a", "w-b", "w-c").get(i);
            TestMember giver = live.get(i);
            assertThat(before.of(id).tasks()).containsAll(after.of(id).tasks());
            moved += before.of(id).tasks().size() - after.of(id).tasks().size();
            for (ConnectorTaskId task : after.of("w-d").tasks()) {
                if (before.of(id).tasks().contains(task)) {
                    assertThat(live.get(3).work.startedAt.get(task))
                            .as("%s started on w-d after %s stopped it", task, id)
                            .isGreaterThan(giver.work.stoppedAt.get(task));
                }
            }
        }
        assertThat(moved).as("tasks moved").isEqualTo(after.of("w-d").tasks().size());
        assertNoViolations(members);
    }

    @Test
    void aConnectorWrittenThroughOneMemberIsReadByEveryMemberAndAssigned() throws Exception {
        createConnectors();
        List<TestMember> live = List.of(join("w-a"), join("w-b"), join("w-c"));
        await().atMost(PATIENCE).untilAsserted(() -> converged(live));
        TestMember a = live.get(0);
        TestMember c = live.get(2);

        a.group.configWriter().put(new ConnectorConfig("late", Map.of("connector.class", "test"))).get();
        a.group.configWriter().put(new TaskConfigs("late", 1, List.of(Map.of(), Map.of()))).get();
        c.group.statusWriter().put(new GroupRecord.TaskStatusRecord(new ConnectorTaskId("late", 0),
                State.RUNNING, "w-c", 2, Optional.empty())).get();

        await().atMost(PATIENCE).untilAsserted(() -> {
            for (TestMember member : live) {
                assertThat(member.group.configs().get(GroupRecord.connectorKey("late"))).isPresent();
                assertThat(member.group.status().all(GroupRecord.TaskStatusRecord.class)).containsKey("task-status/0/late");
            }
            Assignment assignment = c.group.assignment();
            assertThat(assignment.ownerOf(new ConnectorTaskId("late", 1))).isPresent();
            assertThat(assignment.ownerOf("late")).isPresent();
            List<ConnectorTaskId> running = new ArrayList<>();
            live.forEach(m -> running.addAll(m.work.tasks));
            assertThat(running).contains(new ConnectorTaskId("late", 0), new ConnectorTaskId("late", 1));
            IntSummaryStatisticsCheck.balanced(live.stream().map(m -> m.work.tasks.size()).toList());
        });
        assertNoViolations(live);
    }

    /**
     * A publisher of a worker the broker never made active takes the assignments topic over (as a
     * worker does that acted on an activation the broker took back). The leader's next publish is
     * fenced; since the broker still lists it as the active member, it takes the topic back and
     * goes on assigning, rather than leaving the group with no one publishing.
     */
    @Test
    void aLeaderFencedByAWorkerTheBrokerDidNotMakeActiveTakesTheTopicBack() throws Exception {
        createConnectors();
        TestMember a = join("w-a");
        List<TestMember> live = List.of(a);
        await().atMost(PATIENCE).untilAsserted(() -> {
            leader(live);
            converged(live);
        });
        long before = a.group.assignment().generation();
        AssignmentPublisher intruder = AssignmentPublisher.open(assignmentsTopicAndClient(), topics, "w-stale",
                new GroupRecordCodec()).get(30, TimeUnit.SECONDS);
        closeables.add(intruder);

        a.group.configWriter().put(new ConnectorConfig("late", Map.of("connector.class", "test"))).get();
        a.group.configWriter().put(new TaskConfigs("late", 1, List.of(Map.of(), Map.of()))).get();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(a.leads()).as("w-a leads and publishes").isTrue();
            Assignment assignment = a.group.assignment();
            assertThat(assignment.leader()).isEqualTo("w-a");
            assertThat(assignment.generation()).isGreaterThan(before);
            assertThat(a.work.tasks).contains(new ConnectorTaskId("late", 0), new ConnectorTaskId("late", 1));
        });
        // Nothing moved and nothing cut it off: a take-over must not cost the leader its connection.
        assertThat(a.work.stoppedAt).as("tasks w-a stopped").isEmpty();
        assertNoViolations(live);
    }

    @Test
    void theGroupsTopicsAreKeptAndCompactedFromTheStart() throws Exception {
        join("w-a");
        HttpClient http = HttpClient.newHttpClient();
        String namespace = pulsar.adminUrl() + "/admin/v2/namespaces/" + topics.namespace();

        JsonNode inactive = get(http, namespace + "/inactiveTopicPolicies");
        assertThat(inactive.path("deleteWhileInactive").asBoolean(true)).as(inactive.toString()).isFalse();
        assertThat(get(http, namespace + "/compactionThreshold").asLong()).isEqualTo(GroupAdmin.COMPACTION_THRESHOLD_BYTES);
        for (String topic : topics.compacted()) {
            // The broker's compaction cursor exists from the first record on, so nothing is trimmed before it is compacted.
            JsonNode stats = get(http, pulsar.adminUrl() + "/admin/v2/" + GroupAdmin.topicPath(topic) + "/stats");
            assertThat(stats.path("subscriptions").has("__compaction")).as(topic + ": " + stats).isTrue();
        }
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    /** Makes sure the group's compacted assignments topic exists; returns a client of its own, closed after the test. */
    private PulsarClient assignmentsTopicAndClient() throws Exception {
        admin.ensureNamespace(topics.namespace());
        admin.ensureCompactedTopic(topics.assignments());
        PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
        closeables.add(client);
        return client;
    }

    @Test
    void aDeposedLeadersPublishIsRefused() throws Exception {
        GroupRecordCodec codec = new GroupRecordCodec();
        PulsarClient first = assignmentsTopicAndClient();
        PulsarClient second = assignmentsTopicAndClient();
        AssignmentPublisher deposed = AssignmentPublisher.open(first, topics, "w-old", codec).get(30, TimeUnit.SECONDS);
        Assignment published = deposed.publish(Assignment.NONE, new TreeMap<>(), Map.of());

        AssignmentPublisher successor = AssignmentPublisher.open(second, topics, "w-new", codec).get(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> deposed.publish(published, new TreeMap<>(), Map.of()))
                .isInstanceOf(AssignmentFencedException.class).hasMessageContaining("w-old");
        GroupTopicView view = GroupTopicView.open(second, topics.assignments(), codec).get(30, TimeUnit.SECONDS);
        closeables.add(view);
        Assignment next = successor.publish(GroupLeader.latest(view), new TreeMap<>(), Map.of());
        assertThat(next.generation()).isGreaterThan(published.generation());
        assertThat(next.leader()).isEqualTo("w-new");
        view.refresh().get(30, TimeUnit.SECONDS);
        assertThat(GroupLeader.latest(view)).isEqualTo(next);
    }

    /**
     * A new leader whose assignments view has not applied the last assignment yet (here: no view at
     * all, the previous assignment given as none) still numbers its first one above every
     * generation published: two assignments of one generation would leave the members that applied
     * the first one ignoring the second.
     */
    @Test
    void aNewLeaderNumbersItsAssignmentAboveTheLastPublishedEvenWithoutItsView() throws Exception {
        GroupRecordCodec codec = new GroupRecordCodec();
        PulsarClient first = assignmentsTopicAndClient();
        PulsarClient second = assignmentsTopicAndClient();
        AssignmentPublisher old = AssignmentPublisher.open(first, topics, "w-old", codec).get(30, TimeUnit.SECONDS);
        Assignment last = Assignment.NONE;
        for (int i = 0; i < 3; i++) {
            last = old.publish(last, new TreeMap<>(), Map.of());
        }

        AssignmentPublisher successor = AssignmentPublisher.open(second, topics, "w-new", codec).get(30, TimeUnit.SECONDS);
        Assignment next = successor.publish(Assignment.NONE, new TreeMap<>(), Map.of());

        assertThat(last.generation()).isEqualTo(3);
        assertThat(next.generation()).isEqualTo(4);
    }

    @Test
    void garbageOnAGroupTopicIsSkippedAndTheViewKeepsWorking() throws Exception {
        GroupRecordCodec codec = new GroupRecordCodec();
        admin.ensureNamespace(topics.namespace());
        admin.ensureCompactedTopic(topics.configs());
        PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
        closeables.add(client);
        GroupTopicView view = GroupTopicView.open(client, topics.configs(), codec).get(30, TimeUnit.SECONDS);
        closeables.add(view);
        Map<String, Integer> changes = new HashMap<>();
        view.listen((key, record) -> changes.merge(key, 1, Integer::sum));
        try (Producer<byte[]> raw = client.newProducer(Schema.BYTES).topic(topics.configs()).create();
                GroupTopicWriter writer = GroupTopicWriter.open(client, topics.configs(), codec).get()) {
            writer.put(new ConnectorConfig("x", Map.of("a", "1"))).get();
            raw.newMessage().key(GroupRecord.connectorKey("x")).value("{not json".getBytes(StandardCharsets.UTF_8)).send();
            writer.put(new ConnectorConfig("y", Map.of("b", "2"))).get();
            view.refresh().get(30, TimeUnit.SECONDS);
            assertThat(view.all(ConnectorConfig.class)).containsOnlyKeys("connector/x", "connector/y");
            assertThat(view.get("connector/x")).contains(new ConnectorConfig("x", Map.of("a", "1")));
            assertThat(view.skipped()).isEqualTo(1);

            writer.delete(GroupRecord.connectorKey("x")).get();
            view.refresh().get(30, TimeUnit.SECONDS);
            assertThat(view.all(ConnectorConfig.class)).containsOnlyKeys("connector/y");
        }
        SortedSet<String> seen = new TreeSet<>(changes.keySet());
        assertThat(seen).containsExactly("connector/x", "connector/y");
    }
}
