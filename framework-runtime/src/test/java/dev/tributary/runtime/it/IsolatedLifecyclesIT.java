package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.runtime.worker.FileConnectorConfigStore;
import dev.tributary.runtime.worker.StallPlugin;
import dev.tributary.runtime.worker.StoredConnector;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.testing.services.WorkerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker run as its own JVM, as an operator runs it, with connectors that cannot start: stored
 * configs that no longer start never keep it from starting, and a connector stuck in its start
 * holds up no other connector. No Pulsar is needed: no record is ever written.
 */
class IsolatedLifecyclesIT {
    private static final Pattern LISTENING = Pattern.compile("REST and metrics on (http://127\\.0\\.0\\.1:\\d+)");
    private static final String SECRET = "pw-" + System.nanoTime();

    @TempDir
    Path dir;

    @Test
    void aWorkerRestartedWithStoredConfigsThatCannotStartComesUpAndTheyCanBeFixedOrDeleted() throws Exception {
        Path worker = workerFile();
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(dir.resolve("data/" + FileConnectorConfigStore.FILE_NAME))) {
            // Issue 19's reproduction: datagen sizes a list by tasks.max.
            store.put("huge", new StoredConnector(datagen("huge", "2147483647"), TargetState.STARTED));
            store.put("gone", new StoredConnector(Map.of("name", "gone", "connector.class", "nosuch", "topic", "t",
                    "password", SECRET), TargetState.STARTED));
        }

        WorkerProcess first = WorkerProcess.start(worker, List.of(), Map.of(), dir.resolve("first.log"));
        try {
            RestCalls rest = new RestCalls(baseOf(first));
            assertThat(rest.get("/health").status()).isEqualTo(200);
            JsonNode huge = rest.get("/connectors/huge/status").json().path("connector");
            assertThat(huge.path("state").asText()).isEqualTo("FAILED");
            assertThat(huge.path("trace").asText()).containsAnyOf("tasks.max", "OutOfMemoryError");
            RestCalls.Reply gone = rest.get("/connectors/gone/status");
            assertThat(gone.json().path("connector").path("state").asText()).isEqualTo("FAILED");
            assertThat(gone.json().path("connector").path("trace").asText()).contains("nosuch");
            assertThat(rest.get("/connectors/gone").body()).doesNotContain(SECRET);

            assertThat(rest.send("DELETE", "/connectors/gone", null).status()).isEqualTo(204);
            assertThat(rest.send("PUT", "/connectors/huge/config", json(datagen("huge", "1"))).status()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    rest.get("/connectors/huge/status").json().path("connector").path("state").asText().equals("RUNNING"));
        } finally {
            first.terminate();
        }
        assertThat(first.output()).doesNotContain(SECRET);

        WorkerProcess second = WorkerProcess.start(worker, List.of(), Map.of(), dir.resolve("second.log"));
        try {
            RestCalls rest = new RestCalls(baseOf(second));
            assertThat(rest.get("/connectors").body()).isEqualTo("[\"huge\"]");
            assertThat(rest.get("/connectors/huge/status").json().path("connector").path("state").asText())
                    .isEqualTo("RUNNING");
        } finally {
            second.terminate();
        }
    }

    @Test
    void aConnectorStuckInItsStartDelaysAnotherConnectorsCreateAndDeleteByLessThanOneSecond() throws Exception {
        Path plugins = dir.resolve("plugins");
        StallPlugin.build(plugins, dir.resolve("work"));
        Path markers = Files.createDirectories(dir.resolve("markers"));
        WorkerProcess process = WorkerProcess.start(workerFile("plugin.path=" + plugins + "\n"), List.of(), Map.of(),
                dir.resolve("worker.log"));
        try {
            RestCalls rest = new RestCalls(baseOf(process));
            Map<String, String> stuck = new LinkedHashMap<>(Map.of("name", "stuck", "connector.class", "stall",
                    "topic", "t", StallPlugin.DIR, markers.toString()));
            assertThat(rest.send("POST", "/connectors", "{\"name\":\"stuck\",\"config\":" + json(stuck) + "}").status())
                    .isEqualTo(201);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(markers.resolve("stuck.started")));
            Files.writeString(markers.resolve("quick.release"), "");
            Map<String, String> quick = new LinkedHashMap<>(stuck);
            quick.put("name", "quick");

            long begin = System.nanoTime();
            RestCalls.Reply created = rest.send("POST", "/connectors", "{\"name\":\"quick\",\"config\":"
                    + json(quick) + "}");
            Duration create = Duration.ofNanos(System.nanoTime() - begin);
            begin = System.nanoTime();
            int deleted = rest.send("DELETE", "/connectors/quick", null).status();
            Duration delete = Duration.ofNanos(System.nanoTime() - begin);
            int health = rest.get("/health").status();

            assertThat(created.status()).isEqualTo(201);
            assertThat(deleted).isEqualTo(204);
            assertThat(health).isEqualTo(200);
            assertThat(create).as("another connector's create").isLessThan(Duration.ofSeconds(1));
            assertThat(delete).as("another connector's delete").isLessThan(Duration.ofSeconds(1));
            assertThat(rest.get("/connectors/stuck/status").json().path("connector").path("state").asText())
                    .isEqualTo("UNASSIGNED");

            begin = System.nanoTime();
            assertThat(rest.send("DELETE", "/connectors/stuck", null).status()).isEqualTo(204);
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("deleting the stuck one itself")
                    .isLessThan(Duration.ofSeconds(2));
        } finally {
            Files.writeString(markers.resolve("stuck.release"), "");
            process.terminate();
        }
    }

    private Path workerFile(String... extra) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "pulsar.service.url=pulsar://127.0.0.1:1\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n"
                + String.join("", extra));
        return file;
    }

    private static Map<String, String> datagen(String name, String tasksMax) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", "datagen");
        config.put("tasks.max", tasksMax);
        config.put("topic", "persistent://public/default/lifecycle-it");
        config.put("rate", "1");
        return config;
    }

    private static String json(Map<String, String> config) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config);
    }

    private static URI baseOf(WorkerProcess process) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(process.output()).find()
                || !process.isAlive());
        Matcher m = LISTENING.matcher(process.output());
        assertThat(m.find()).as("the worker started: %s", process.output()).isTrue();
        return URI.create(m.group(1));
    }
}
