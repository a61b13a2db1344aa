package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker processes in one group (issue #13): a connector created through worker A runs
 * through worker C with its tasks spread over all three; SIGKILL of a worker that runs a task
 * mid-stream moves its task, and every record arrives, in order per task.
 */
@ExtendWith(TestServices.class)
class WorkerGroupProcessesIT {
    private static final int TASKS = 3;
    private static final int COUNT = 9_000;
    private static final String CONNECTOR = "group-gen";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private boolean passed;

    @AfterEach
    void stopWorkers() throws Exception {
        for (WorkerProcess worker : workers) {
            if (worker.isAlive()) {
                worker.kill();
            }
            if (!passed) {
                // The temporary directory goes with the test: show why a worker misbehaved.
                String log = worker.output();
                System.out.println("---- worker log ----\n" + log.substring(Math.max(0, log.length() - 6000)));
            }
        }
    }

    @Test
    void aConnectorCreatedOnOneWorkerRunsOnAllThreeAndSurvivesTheKillOfOne(PulsarStandalone pulsar) throws Exception {
        String run = Long.toString(System.nanoTime());
        String topic = "persistent://public/default/group-it-" + run;
        List<Integer> ports = FreePorts.allocate(3);
        for (int i = 0; i < 3; i++) {
            Path config = write("worker-" + i + ".properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                    + "group.id=it-" + run + "\n"
                    + "group.admin.url=" + pulsar.adminUrl() + "\n"
                    + "group.membership.check.interval.ms=500\n"
                    + "offset.pulsar.topic=persistent://public/default/group-it-offsets-" + run + "\n"
                    + "listeners=http://127.0.0.1:" + ports.get(i) + "\n"
                    + "data.dir=" + dir.resolve("data-" + i) + "\n"
                    + "offset.flush.interval.ms=300\n");
            workers.add(WorkerProcess.start(config, List.of(), Map.of(), dir.resolve("worker-" + i + ".log")));
        }
        String a = "http://127.0.0.1:" + ports.get(0);
        String c = "http://127.0.0.1:" + ports.get(2);
        Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> get(a + "/connectors").statusCode() == 200 && get(c + "/connectors").statusCode() == 200);

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            HttpResponse<String> created = send("PUT", a + "/connectors/" + CONNECTOR + "/config", JSON.writeValueAsString(
                    Map.of("connector.class", "datagen", "tasks.max", Integer.toString(TASKS), "topic", topic,
                            "count", Integer.toString(COUNT), "rate", "600", "record.size", "100")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            // Visible and running through worker C, one task on each worker.
            Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
                JsonNode status = JSON.readTree(get(c + "/connectors/" + CONNECTOR + "/status").body());
                assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
                assertThat(status.path("tasks")).hasSize(TASKS);
                Set<String> taskWorkers = new HashSet<>();
                for (JsonNode task : status.path("tasks")) {
                    assertThat(task.path("state").asText()).isEqualTo("RUNNING");
                    taskWorkers.add(task.path("worker_id").asText());
                }
                assertThat(taskWorkers).as("every worker runs a task").hasSize(3);
            });
            assertThat(JSON.readTree(get(c + "/connectors").body()).toString()).contains(CONNECTOR);

            reader.readUntil(m -> m.size() >= COUNT / 4, Duration.ofSeconds(120));
            // Kill worker B (index 1): A and C stay, so both can be asked afterwards.
            String victim = "127.0.0.1:" + ports.get(1);
            workers.get(1).kill();
            int seenAtKill = reader.messages().size();
            assertThat(seenAtKill).as("killed mid-stream").isLessThan(COUNT);

            Awaitility.await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
                JsonNode status = JSON.readTree(get(a + "/connectors/" + CONNECTOR + "/status").body());
                for (JsonNode task : status.path("tasks")) {
                    assertThat(task.path("worker_id").asText()).isNotEqualTo(victim);
                    assertThat(task.path("state").asText()).isIn("RUNNING");
                }
            });

            reader.readUntil(m -> distinctIds(m).size() >= COUNT, Duration.ofSeconds(180));
            var messages = reader.readToEnd(Duration.ofSeconds(30));
            Report report = DatagenAccounting.expected(COUNT, TASKS).check(messages, DatagenAccounting::delivered);
            System.out.println("WorkerGroupProcessesIT: " + report + "; " + seenAtKill + " read at the kill");
            assertThat(report.exact()).as("every id in Pulsar, in order per task: %s; logs in %s", report, dir).isTrue();
        }
        passed = true;
    }

    private static Set<String> distinctIds(List<org.apache.pulsar.client.api.Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
