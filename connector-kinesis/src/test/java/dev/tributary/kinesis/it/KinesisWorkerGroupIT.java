package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerHttp;
import dev.tributary.testing.services.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 with Kinesis connectors in a group of worker processes, while records keep arriving in
 * two streams: (1) two Kinesis connectors of 3 tasks and a datagen connector of 3 tasks spread over
 * 3 workers, each running at least one task; (2) a fourth worker joins and takes its share, the
 * spread staying balanced; (3) a rolling restart of all four (SIGTERM, start again, wait until the
 * group is healthy, next). Every record of the three topics is accounted for with the shared checker.
 *
 * <p>One test method, so that the services, the streams and the workers are shared by the three steps.
 */
@ExtendWith(TestServices.class)
class KinesisWorkerGroupIT {
    private static final int TASKS = 3;
    private static final int DATAGEN_COUNT = 6_000;
    private static final List<String> CONNECTORS = List.of("kinesis-a", "kinesis-b", "gen");
    private static final ObjectMapper JSON = new ObjectMapper();

    // Kept when a test fails: its failure message points at the worker logs in it.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final WorkerHttp http = new WorkerHttp();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final List<Path> configs = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void stopWorkers() throws Exception {
        WorkerProcess.killAll(workers, !passed, 6000);
    }

    @Test
    void kinesisConnectorsSpreadOverAGroupThatGrowsAndIsRestartedWorkerByWorkerLoseNothing(PulsarStandalone pulsar,
            KinesisMock kinesis) throws Exception {
        String run = Long.toString(System.nanoTime());
        String streamA = "group-a-" + run;
        String streamB = "group-b-" + run;
        kinesis.createStream(streamA, TASKS);
        kinesis.createStream(streamB, TASKS);
        ports.addAll(FreePorts.allocate(4));
        for (int i = 0; i < 4; i++) {
            configs.add(write("worker-" + i + ".properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                    + "group.id=kinesis-it-" + run + "\n"
                    + "group.admin.url=" + pulsar.adminUrl() + "\n"
                    + "group.membership.check.interval.ms=500\n"
                    + "offset.store=pulsar\n"
                    + "offset.pulsar.topic=persistent://public/default/kinesis-group-offsets-" + run + "\n"
                    + "offset.flush.interval.ms=300\n"
                    + "connector.policy.allowed.hosts=127.0.0.1\n"
                    + "listeners=http://127.0.0.1:" + ports.get(i) + "\n"
                    + "data.dir=" + dir.resolve("data-" + i) + "\n"));
        }
        for (int i = 0; i < 3; i++) {
            start(i, "first");
        }
        for (int i = 0; i < 3; i++) {
            awaitRest(i);
        }

        Map<String, String> topics = Map.of("kinesis-a", KinesisItSupport.topic("group-a"),
                "kinesis-b", KinesisItSupport.topic("group-b"), "gen", KinesisItSupport.topic("group-gen"));
        try (KinesisLoad loadA = new KinesisLoad(kinesis, streamA, 20, 10, Duration.ofMillis(200), 100).start();
             KinesisLoad loadB = new KinesisLoad(kinesis, streamB, 20, 10, Duration.ofMillis(200), 100).start();
             PulsarTopicReader readerA = new PulsarTopicReader(pulsar.serviceUrl(), topics.get("kinesis-a"));
             PulsarTopicReader readerB = new PulsarTopicReader(pulsar.serviceUrl(), topics.get("kinesis-b"));
             PulsarTopicReader readerGen = new PulsarTopicReader(pulsar.serviceUrl(), topics.get("gen"))) {
            // Created through three different workers.
            create(0, "kinesis-a", kinesisConnector("kinesis-a", kinesis, streamA, topics.get("kinesis-a")));
            create(1, "kinesis-b", kinesisConnector("kinesis-b", kinesis, streamB, topics.get("kinesis-b")));
            create(2, "gen", Map.of("connector.class", "datagen", "tasks.max", Integer.toString(TASKS),
                    "topic", topics.get("gen"), "count", Integer.toString(DATAGEN_COUNT), "rate", "40",
                    "record.size", "100"));

            // (1) Three workers, nine tasks: every worker runs some.
            Map<String, Integer> spread = awaitHealthy(3, 2);
            System.out.println("KinesisWorkerGroupIT: 3 workers: tasks per worker " + spread);
            readerA.readUntil(m -> m.size() >= 100, Duration.ofSeconds(60));
            readerB.readUntil(m -> m.size() >= 100, Duration.ofSeconds(60));
            readerGen.readUntil(m -> m.size() >= 100, Duration.ofSeconds(60));
            assertThat(readerA.messages()).as("kinesis-a delivers").hasSizeGreaterThanOrEqualTo(100);
            assertThat(readerB.messages()).as("kinesis-b delivers").hasSizeGreaterThanOrEqualTo(100);

            // (2) A fourth worker joins and takes its share.
            start(3, "first");
            awaitRest(3);
            spread = awaitHealthy(4, 3);
            System.out.println("KinesisWorkerGroupIT: 4 workers: tasks per worker " + spread);
            assertThat(spread.get(workerId(3))).as("the joiner runs tasks: %s", spread).isPositive();

            // (3) Rolling restart: each worker stops cleanly, comes back, and the group heals before the next.
            for (int i = 0; i < 4; i++) {
                long began = System.nanoTime();
                int exit = workers.get(i).terminate();
                // 143 (128 + SIGTERM) is how a JVM exits once its shutdown hooks ran on SIGTERM.
                assertThat(exit).as("worker %s stopped cleanly on SIGTERM; see %s", workerId(i), dir).isIn(0, 143);
                start(i, "restart");
                awaitRest(i);
                spread = awaitHealthy(4, (i + 1) % 4);
                System.out.println("KinesisWorkerGroupIT: restarted " + workerId(i) + " in "
                        + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms: tasks per worker " + spread);
            }

            DeliveryAccounting accountingA = loadA.stop();
            DeliveryAccounting accountingB = loadB.stop();
            Report reportA = finish(readerA, accountingA, KinesisLoad::describe, "kinesis-a");
            Report reportB = finish(readerB, accountingB, KinesisLoad::describe, "kinesis-b");
            readerGen.readUntil(KinesisWorkerGroupIT.distinctDatagen(DATAGEN_COUNT), Duration.ofSeconds(180));
            Report reportGen = finish(readerGen, DatagenAccounting.expected(DATAGEN_COUNT, TASKS),
                    DatagenAccounting::delivered, "gen");
            int written = reportA.written() + reportB.written() + reportGen.written();
            int duplicates = reportA.duplicates() + reportB.duplicates() + reportGen.duplicates();
            // A clean stop commits before it leaves; a task moved back to a restarted worker may start
            // before its previous owner's stop-time commit (the pulsar store then fences that commit), so
            // it repeats at most what one flush interval delivered. Far below a tenth of the records.
            assertThat(duplicates).as("duplicates bounded: %s / %s / %s", reportA, reportB, reportGen)
                    .isLessThan(written / 10);
        }
        passed = true;
    }

    private Report finish(PulsarTopicReader reader, DeliveryAccounting accounting,
            java.util.function.Function<Message<byte[]>, DeliveryAccounting.Delivered> describe, String name)
            throws Exception {
        if (!name.equals("gen")) {
            int count = accounting.writtenCount();
            reader.readUntil(m -> m.size() >= count && m.stream().map(x -> describe.apply(x).id()).distinct()
                    .count() >= count, Duration.ofSeconds(180));
        }
        List<Message<byte[]>> messages = reader.readToEnd(Duration.ofSeconds(30));
        Report report = accounting.check(messages, describe);
        System.out.println("KinesisWorkerGroupIT: " + name + ": " + report);
        assertThat(report.exact()).as("%s: every record in Pulsar, in order per key: %s; logs in %s", name, report, dir)
                .isTrue();
        return report;
    }

    private static java.util.function.Predicate<List<Message<byte[]>>> distinctDatagen(int count) {
        return m -> m.size() >= count && m.stream().map(x -> x.getProperty("datagen.id")).distinct().count() >= count;
    }

    private static Map<String, String> kinesisConnector(String name, KinesisMock kinesis, String stream, String topic) {
        Map<String, String> config = KinesisItSupport.connector(name, kinesis, stream, topic);
        config.remove("name");
        config.put("tasks.max", Integer.toString(TASKS));
        return config;
    }

    /**
     * Waits until every connector and all its tasks are RUNNING on live members, every one of
     * {@code members} workers runs at least one task and the spread is balanced (no worker runs two
     * or more tasks more than another), as seen through worker {@code via}; returns tasks per worker.
     */
    private Map<String, Integer> awaitHealthy(int members, int via) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            expected.add(workerId(i));
        }
        Map<String, Integer> result = new TreeMap<>();
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> {
                    Map<String, Integer> perWorker = new TreeMap<>();
                    expected.forEach(w -> perWorker.put(w, 0));
                    for (String connector : CONNECTORS) {
                        JsonNode status = JSON.readTree(http.get(rest(via) + "/connectors/" + connector + "/status").body());
                        assertThat(status.path("connector").path("state").asText()).as(connector).isEqualTo("RUNNING");
                        assertThat(status.path("tasks")).as(connector).hasSize(TASKS);
                        for (JsonNode task : status.path("tasks")) {
                            assertThat(task.path("state").asText()).as("%s", task).isEqualTo("RUNNING");
                            String worker = task.path("worker_id").asText();
                            assertThat(expected).as("%s runs on a member", task).contains(worker);
                            perWorker.merge(worker, 1, Integer::sum);
                        }
                    }
                    int least = Collections.min(perWorker.values());
                    int most = Collections.max(perWorker.values());
                    assertThat(least).as("every worker runs a task: %s", perWorker).isPositive();
                    assertThat(most - least).as("balanced: %s", perWorker).isLessThanOrEqualTo(1);
                    result.clear();
                    result.putAll(perWorker);
                });
        return result;
    }

    private void start(int index, String phase) throws Exception {
        WorkerProcess worker = WorkerProcess.start(configs.get(index), List.of(), Map.of(),
                dir.resolve("worker-" + index + "-" + phase + ".log"));
        if (index < workers.size()) {
            workers.set(index, worker);
        } else {
            workers.add(worker);
        }
    }

    private void awaitRest(int index) {
        Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> http.get(rest(index) + "/connectors").statusCode() == 200);
    }

    private void create(int via, String name, Map<String, String> config) throws Exception {
        HttpResponse<String> created = http.send("PUT", rest(via) + "/connectors/" + name + "/config",
                JSON.writeValueAsString(config));
        assertThat(created.statusCode()).as("create %s: %s", name, created.body()).isEqualTo(201);
    }

    private String rest(int index) {
        return "http://127.0.0.1:" + ports.get(index);
    }

    private String workerId(int index) {
        return "127.0.0.1:" + ports.get(index);
    }


    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
