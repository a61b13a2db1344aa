package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.WorkerHttp;
import dev.tributary.testing.services.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once delivery (issue #15) on a real standalone with transactions on, checked with the
 * shared delivery checker, whose reader, like any consumer by default, reads committed messages
 * only: SIGKILLs of the worker at seeded random moments, a broker restart, and a paused old worker
 * (a zombie) that wakes up after its successor took its tasks over. Each must deliver every record
 * once: nothing lost, no duplicate, order per task kept.
 */
class ExactlyOnceIT {
    private static final int TASKS = 2;
    // Short, so that the successor of a killed worker waits little for the open transaction it left.
    private static final String TRANSACTION_TIMEOUT_MS = "4000";
    private static PulsarStandalone pulsar;

    // Kept when a test fails: its failure message points at the worker logs in it.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @BeforeAll
    static void start() {
        pulsar = PulsarStandalone.withTransactions();
    }

    @Test
    void fiveSigkillsAtRandomMomentsWhileRecordsKeepArrivingLoseNothingAndRepeatNothing() throws Exception {
        int count = 6_000;
        long seed = Long.getLong("tributary.test.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("ExactlyOnceIT: kill moments from seed " + seed + " (-Dtributary.test.seed to repeat)");
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/eos-kill-" + run;
        Path worker = workerConfig("kill", run);
        Path connector = datagen("eos-kill", topic, count, 400);

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            for (int kill = 1; kill <= 5; kill++) {
                WorkerProcess process = WorkerProcess.start(worker, List.of(connector), Map.of(),
                        dir.resolve("life-" + kill + ".log"));
                int before = reader.messages().size();
                // Records of this life are committed: the worker is past its claim and writing.
                reader.readUntil(m -> m.size() >= before + 200, Duration.ofSeconds(90));
                Thread.sleep(200 + random.nextInt(2_500));
                process.kill();
                System.out.println("ExactlyOnceIT: SIGKILL " + kill + " with " + reader.messages().size() + " read");
            }
            assertThat(reader.messages().size()).as("the kills came while records kept arriving").isLessThan(count);

            WorkerProcess last = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("last.log"));
            reader.readUntil(m -> ids(m).size() >= count, Duration.ofSeconds(180));
            // A moment more, so that a copy committed after the last new id is counted too.
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(3));
            assertThat(last.terminate()).isIn(0, 143);
            Report report = DatagenAccounting.expected(count, TASKS).check(messages, DatagenAccounting::delivered);
            System.out.println("ExactlyOnceIT: 5 SIGKILLs: " + report);
            assertThat(report.exact()).as("every id, in order per task: %s; seed %s; logs in %s", report, seed, dir)
                    .isTrue();
            assertThat(report.duplicates()).as("no duplicate: %s; seed %s; logs in %s", report, seed, dir).isZero();
        }
    }

    @Test
    void aBrokerRestartMidStreamLosesNothingAndRepeatsNothing() throws Exception {
        int count = 6_000;
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/eos-restart-" + run;
        Map<String, String> worker = new HashMap<>(workerKeys(run));
        worker.put("data.dir", dir.resolve("data").toString());
        // Two subscriptions: one reads across the restart; the other reads nothing until after it. A
        // consumer whose acknowledgement was lost in the restart gets that message again, which says
        // nothing about what was written, so the check uses the second.
        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(worker));
                PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
                PulsarTopicReader after = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(Map.of("name", "eos-restart", "connector.class", "datagen",
                    "tasks.max", Integer.toString(TASKS), "topic", topic, "count", Integer.toString(count),
                    "rate", "1000", "record.size", "64"));
            reader.readUntil(m -> m.size() >= count / 4, Duration.ofSeconds(60));

            pulsar.restart();

            reader.readUntil(m -> ids(m).size() >= count, Duration.ofSeconds(180));
            after.readUntil(m -> ids(m).size() >= count, Duration.ofSeconds(60));
            List<Message<byte[]>> messages = after.readUntil(m -> false, Duration.ofSeconds(3));
            Report report = DatagenAccounting.expected(count, TASKS).check(messages, DatagenAccounting::delivered);
            Report seen = DatagenAccounting.expected(count, TASKS).check(reader.messages(), DatagenAccounting::delivered);
            System.out.println("ExactlyOnceIT: broker restart: " + report + "; the subscription read across the restart got "
                    + seen.duplicates() + " duplicate(s) " + seen.duplicateIds());
            assertThat(report.exact()).as("every id, in order per task: %s", report).isTrue();
            assertThat(report.duplicates()).as("no duplicate: %s", report).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(runtime.worker().status("eos-restart")).hasValueSatisfying(s ->
                            assertThat(s.tasks()).extracting(t -> t.state()).containsOnly(State.RUNNING)));
        }
    }

    /**
     * A worker is paused (SIGSTOP) with transactions open; a second worker takes the connector over
     * from the same offsets. When the first wakes up (SIGCONT), its tasks' commits are refused (their
     * fence was taken), they fail without restarting, and the output holds no duplicate.
     */
    @Test
    void aPausedOldWorkerThatWakesUpAfterItsSuccessorStartedCommitsNothing() throws Exception {
        int count = 4_000;
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/eos-zombie-" + run;
        Path connector = datagen("eos-zombie", topic, count, 400);
        WorkerProcess zombie = WorkerProcess.start(workerConfig("zombie-a", run), List.of(connector), Map.of(),
                dir.resolve("zombie.log"));
        WorkerProcess successor = null;
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            reader.readUntil(m -> m.size() >= 400, Duration.ofSeconds(90));
            signal("STOP", zombie.pid());
            int atPause = reader.messages().size();

            successor = WorkerProcess.start(workerConfig("zombie-b", run), List.of(connector), Map.of(),
                    dir.resolve("successor.log"));
            reader.readUntil(m -> m.size() >= atPause + 400, Duration.ofSeconds(90));
            signal("CONT", zombie.pid());
            WorkerProcess old = zombie;
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(old.output()).contains("was fenced and will not be restarted here"));

            reader.readUntil(m -> ids(m).size() >= count, Duration.ofSeconds(180));
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(3));
            Report report = DatagenAccounting.expected(count, TASKS).check(messages, DatagenAccounting::delivered);
            System.out.println("ExactlyOnceIT: zombie: " + report);
            assertThat(report.exact()).as("every id, in order per task: %s; logs in %s", report, dir).isTrue();
            assertThat(report.duplicates()).as("no duplicate: %s; logs in %s", report, dir).isZero();
        } finally {
            signal("CONT", zombie.pid());
            zombie.kill();
            if (successor != null) {
                successor.kill();
            }
        }
    }

    /**
     * A group of 3 workers with exactly-once delivery runs a datagen connector of 3 tasks, one per
     * worker; one worker is killed with SIGKILL mid-stream. Its task moves to another worker, which
     * takes the task's fence over, waits for the killed copy's open transaction to end and resumes
     * from the last commit: nothing lost, nothing repeated.
     */
    @Test
    void aTaskMovedToAnotherWorkerOfAGroupAfterAKillRepeatsNothing() throws Exception {
        int count = 6_000;
        int tasks = 3;
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/eos-group-" + run;
        List<Integer> ports = FreePorts.allocate(3);
        List<WorkerProcess> workers = new ArrayList<>();
        WorkerHttp http = new WorkerHttp();
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            for (int i = 0; i < 3; i++) {
                StringBuilder text = new StringBuilder();
                workerKeys(run).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                text.append("listeners=http://127.0.0.1:").append(ports.get(i)).append('\n')
                        .append("group.id=eos-").append(run).append('\n')
                        .append("group.admin.url=").append(pulsar.adminUrl()).append('\n')
                        .append("group.membership.check.interval.ms=500\n")
                        .append("data.dir=").append(dir.resolve("data-group-" + i)).append('\n');
                Path config = write("worker-group-" + i + ".properties", text.toString().replace(
                        "listeners=http://127.0.0.1:0\n", ""));
                workers.add(WorkerProcess.start(config, List.of(), Map.of(), dir.resolve("group-" + i + ".log")));
            }
            String a = "http://127.0.0.1:" + ports.get(0);
            Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                    .until(() -> http.get(a + "/connectors").statusCode() == 200);
            HttpResponse<String> created = http.send("PUT", a + "/connectors/eos-group/config",
                    "{\"connector.class\":\"datagen\",\"tasks.max\":\"" + tasks + "\",\"topic\":\"" + topic
                            + "\",\"count\":\"" + count + "\",\"rate\":\"600\",\"record.size\":\"100\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() ->
                    assertThat(taskWorkers(http, a)).as("one task per worker").hasSize(3));

            reader.readUntil(m -> m.size() >= count / 4, Duration.ofSeconds(120));
            String victim = "127.0.0.1:" + ports.get(1);
            workers.get(1).kill();
            Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() ->
                    assertThat(taskWorkers(http, a)).as("the killed worker's task moved").doesNotContain(victim)
                            .isNotEmpty());

            reader.readUntil(m -> ids(m).size() >= count, Duration.ofSeconds(180));
            List<Message<byte[]>> messages = reader.readUntil(m -> false, Duration.ofSeconds(3));
            Report report = DatagenAccounting.expected(count, tasks).check(messages, DatagenAccounting::delivered);
            System.out.println("ExactlyOnceIT: group kill: " + report);
            assertThat(report.exact()).as("every id, in order per task: %s; logs in %s", report, dir).isTrue();
            assertThat(report.duplicates()).as("no duplicate: %s; logs in %s", report, dir).isZero();
        } finally {
            for (WorkerProcess worker : workers) {
                worker.kill();
            }
        }
    }

    /** The workers that run a task of connector eos-group, each of them RUNNING, as worker {@code via} sees it. */
    private static Set<String> taskWorkers(WorkerHttp http, String via) throws Exception {
        JsonNode status = new ObjectMapper().readTree(http.get(via + "/connectors/eos-group/status").body());
        assertThat(status.path("tasks")).hasSize(3);
        Set<String> result = new HashSet<>();
        for (JsonNode task : status.path("tasks")) {
            assertThat(task.path("state").asText()).isEqualTo("RUNNING");
            result.add(task.path("worker_id").asText());
        }
        return result;
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private Map<String, String> workerKeys(String run) {
        return Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "offset.store", "pulsar",
                "offset.pulsar.topic", "persistent://public/default/eos-offsets-" + run,
                "offset.flush.interval.ms", "300",
                "exactly.once.source.support", "enabled",
                "exactly.once.transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    }

    private Path workerConfig(String name, String run) throws Exception {
        StringBuilder text = new StringBuilder();
        workerKeys(run).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        text.append("data.dir=").append(dir.resolve("data-" + name)).append('\n');
        return write("worker-" + name + ".properties", text.toString());
    }

    private Path datagen(String name, String topic, int count, int rate) throws Exception {
        return write(name + ".properties", "name=" + name + "\n"
                + "connector.class=datagen\n"
                + "tasks.max=" + TASKS + "\n"
                + "topic=" + topic + "\n"
                + "count=" + count + "\n"
                + "rate=" + rate + "\n"
                + "record.size=100\n");
    }

    private static Set<String> ids(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
