package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.rest.VaultPlugin;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every REST endpoint against a running worker that moves datagen records into a real Pulsar,
 * in the order an operator would use them: create, read, reconfigure, restart, pause, resume,
 * stop, change and reset offsets, restart the worker (the connectors come back), delete. The
 * {@code vault} test connector shows that its secret never leaves the worker.
 */
@ExtendWith(TestServices.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiEndpointsIT {
    private static final String TOPIC = "persistent://public/default/rest-it-" + System.nanoTime();
    private static final String TOKEN = "vault-token-4f9a1c";
    private static final String GEN = "{\"name\":\"gen\",\"config\":{\"connector.class\":\"datagen\",\"tasks.max\":\"2\","
            + "\"topic\":\"" + TOPIC + "\",\"rate\":\"200\",\"record.size\":\"64\",\"key.cardinality\":\"10\"}}";

    @TempDir
    static Path dir;
    private static PulsarStandalone pulsar;
    private static WorkerConfig config;
    private static TributaryRuntime runtime;
    private static RestCalls rest;
    private static PulsarTopicReader reader;

    @BeforeAll
    static void start(PulsarStandalone broker) throws Exception {
        pulsar = broker;
        VaultPlugin.build(dir.resolve("plugins"), dir.resolve("work"));
        config = WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.resolve("data").toString(),
                "plugin.path", dir.resolve("plugins").toString(),
                "offset.flush.interval.ms", "200",
                "task.shutdown.timeout.ms", "5000"));
        runtime = TributaryRuntime.start(config);
        rest = new RestCalls(runtime.baseUri());
        reader = new PulsarTopicReader(pulsar.serviceUrl(), TOPIC);
    }

    @AfterAll
    static void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private static String connectorState(String name) {
        return rest.get("/connectors/" + name + "/status").json().path("connector").path("state").asText();
    }

    private static List<String> taskStates(String name) {
        List<String> states = new ArrayList<>();
        rest.get("/connectors/" + name + "/status").json().path("tasks").forEach(t -> states.add(t.path("state").asText()));
        return states;
    }

    private static void awaitRunning(String name, int tasks) {
        await().atMost(Duration.ofSeconds(30)).until(() -> connectorState(name).equals("RUNNING")
                && taskStates(name).size() == tasks && taskStates(name).stream().allMatch("RUNNING"::equals));
    }

    @Test
    @Order(1)
    void workerEndpointsAnswer() {
        RestCalls.Reply root = rest.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("version").asText()).isNotBlank();

        RestCalls.Reply health = rest.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("healthy");

        RestCalls.Reply metrics = rest.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("tributary_jvm_heap_used_bytes");
        assertThat(rest.get("/connectors").body()).isEqualTo("[]");
    }

    @Test
    @Order(2)
    void pluginsAreListedDescribedAndValidate() {
        assertThat(rest.get("/connector-plugins").json().findValuesAsText("class"))
                .contains("dev.tributary.runtime.datagen.DatagenSourceConnector", "com.example.vault.VaultConnector");
        JsonNode definitions = rest.get("/connector-plugins/datagen/config").json();
        assertThat(definitions.findValuesAsText("name")).contains("rate", "record.size", "count");

        RestCalls.Reply bad = rest.send("PUT", "/connector-plugins/datagen/config/validate",
                "{\"connector.class\":\"datagen\",\"name\":\"x\",\"topic\":\"t\",\"rate\":\"-1\"}");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.json().path("error_count").asInt()).isEqualTo(1);
        RestCalls.Reply good = rest.send("PUT", "/connector-plugins/datagen/config/validate",
                "{\"connector.class\":\"datagen\",\"name\":\"x\",\"topic\":\"t\"}");
        assertThat(good.json().path("error_count").asInt()).isZero();
        assertThat(good.json().path("name").asText()).isEqualTo("dev.tributary.runtime.datagen.DatagenSourceConnector");
        assertThat(rest.get("/connector-plugins/nosuch/config").status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void createListAndReadAConnector() throws Exception {
        RestCalls.Reply created = rest.send("POST", "/connectors", GEN);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/connectors/gen");
        assertThat(created.json().path("name").asText()).isEqualTo("gen");
        assertThat(created.json().path("type").asText()).isEqualTo("source");
        assertThat(created.json().path("config").path("rate").asText()).isEqualTo("200");
        assertThat(created.json().path("tasks").toString())
                .isEqualTo("[{\"connector\":\"gen\",\"task\":0},{\"connector\":\"gen\",\"task\":1}]");
        assertThat(rest.send("POST", "/connectors", GEN).status()).isEqualTo(409);
        awaitRunning("gen", 2);

        assertThat(rest.get("/connectors").body()).isEqualTo("[\"gen\"]");
        JsonNode expanded = rest.get("/connectors?expand=status&expand=info").json();
        assertThat(expanded.path("gen").path("status").path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(expanded.path("gen").path("info").path("config").path("topic").asText()).isEqualTo(TOPIC);
        assertThat(rest.get("/connectors/gen").json().path("tasks").size()).isEqualTo(2);
        assertThat(rest.get("/connectors/gen/config").json().path("connector.class").asText()).isEqualTo("datagen");
        JsonNode status = rest.get("/connectors/gen/status").json();
        assertThat(status.path("connector").path("worker_id").asText()).isEqualTo(runtime.baseUri().getHost() + ":"
                + runtime.baseUri().getPort());
        assertThat(status.path("type").asText()).isEqualTo("source");
        JsonNode tasks = rest.get("/connectors/gen/tasks").json();
        assertThat(tasks.get(1).path("id").toString()).isEqualTo("{\"connector\":\"gen\",\"task\":1}");
        assertThat(tasks.get(1).path("config").path("task.index").asText()).isEqualTo("1");
        JsonNode task = rest.get("/connectors/gen/tasks/1/status").json();
        assertThat(task.path("id").asInt()).isEqualTo(1);
        assertThat(task.path("state").asText()).isEqualTo("RUNNING");
        assertThat(rest.get("/connectors/gen/tasks/2/status").status()).isEqualTo(404);

        List<Message<byte[]>> records = reader.readUntil(m -> m.size() >= 20, Duration.ofSeconds(30));
        assertThat(records).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    @Order(4)
    void reconfigureWithPutAndPatch() {
        RestCalls.Reply put = rest.send("PUT", "/connectors/gen/config", "{\"connector.class\":\"datagen\",\"tasks.max\":\"2\","
                + "\"topic\":\"" + TOPIC + "\",\"rate\":\"300\",\"record.size\":\"64\",\"key.cardinality\":\"10\",\"batch.size\":\"50\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().path("config").path("rate").asText()).isEqualTo("300");

        RestCalls.Reply patch = rest.send("PATCH", "/connectors/gen/config", "{\"key.cardinality\":\"5\",\"batch.size\":null}");
        assertThat(patch.status()).isEqualTo(200);
        JsonNode config = rest.get("/connectors/gen/config").json();
        assertThat(config.path("key.cardinality").asText()).isEqualTo("5");
        assertThat(config.has("batch.size")).isFalse();
        assertThat(config.path("rate").asText()).isEqualTo("300");

        RestCalls.Reply invalid = rest.send("PATCH", "/connectors/gen/config", "{\"rate\":\"fast\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("message").asText()).contains("rate: 'fast' is not a number");
        assertThat(rest.get("/connectors/gen/config").json().path("rate").asText()).as("unchanged").isEqualTo("300");
        awaitRunning("gen", 2);
    }

    @Test
    @Order(5)
    void restartTheConnectorAndItsTasks() {
        RestCalls.Reply plain = rest.send("POST", "/connectors/gen/restart", null);
        assertThat(plain.status()).isEqualTo(204);
        awaitRunning("gen", 2);

        RestCalls.Reply all = rest.send("POST", "/connectors/gen/restart?includeTasks=true&onlyFailed=false", null);
        assertThat(all.status()).isEqualTo(202);
        assertThat(all.json().path("connector").path("state").asText()).isEqualTo("RESTARTING");
        assertThat(all.json().path("tasks").findValuesAsText("state")).containsOnly("RESTARTING");
        awaitRunning("gen", 2);

        RestCalls.Reply onlyFailed = rest.send("POST", "/connectors/gen/restart?includeTasks=true&onlyFailed=true", null);
        assertThat(onlyFailed.status()).isEqualTo(202);
        assertThat(onlyFailed.json().path("connector").path("state").asText()).as("nothing failed").isEqualTo("RUNNING");

        assertThat(rest.send("POST", "/connectors/gen/tasks/0/restart", null).status()).isEqualTo(204);
        assertThat(rest.send("POST", "/connectors/gen/tasks/9/restart", null).status()).isEqualTo(404);
        awaitRunning("gen", 2);
    }

    @Test
    @Order(6)
    void pauseAndResume() {
        assertThat(rest.send("PUT", "/connectors/gen/pause", null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> connectorState("gen").equals("PAUSED")
                && taskStates("gen").stream().allMatch("PAUSED"::equals));

        assertThat(rest.send("PUT", "/connectors/gen/resume", null).status()).isEqualTo(202);
        awaitRunning("gen", 2);
    }

    @Test
    @Order(7)
    void stopThenAlterAndResetTheOffsets() throws Exception {
        JsonNode running = rest.get("/connectors/gen/offsets").json();
        assertThat(running.path("offsets").size()).isEqualTo(2);
        assertThat(running.path("offsets").get(0).path("partition").path("datagen").asText()).isEqualTo("gen");
        RestCalls.Reply whileRunning = rest.send("DELETE", "/connectors/gen/offsets", null);
        assertThat(whileRunning.status()).isEqualTo(400);
        assertThat(whileRunning.json().path("message").asText()).contains("STOPPED");

        assertThat(rest.send("PUT", "/connectors/gen/stop", null).status()).isEqualTo(204);
        assertThat(connectorState("gen")).isEqualTo("STOPPED");
        assertThat(rest.get("/connectors/gen/status").json().path("tasks").size()).isZero();
        assertThat(rest.get("/connectors/gen").json().path("tasks").size()).isZero();

        RestCalls.Reply altered = rest.send("PATCH", "/connectors/gen/offsets", "{\"offsets\":["
                + "{\"partition\":{\"datagen\":\"gen\",\"task\":0},\"offset\":{\"seq\":1000000}},"
                + "{\"partition\":{\"datagen\":\"gen\",\"task\":1},\"offset\":null}]}");
        assertThat(altered.status()).isEqualTo(200);
        assertThat(altered.json().path("message").asText()).isEqualTo("The offsets for this connector have been altered successfully");
        assertThat(rest.get("/connectors/gen/offsets").body())
                .isEqualTo("{\"offsets\":[{\"partition\":{\"datagen\":\"gen\",\"task\":0},\"offset\":{\"seq\":1000000}}]}");

        RestCalls.Reply reset = rest.send("DELETE", "/connectors/gen/offsets", null);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().path("message").asText()).isEqualTo("The offsets for this connector have been reset successfully");
        assertThat(rest.get("/connectors/gen/offsets").body()).isEqualTo("{\"offsets\":[]}");

        // After the reset both tasks start over: sequence 0 arrives a second time.
        int before = reader.readUntil(m -> false, Duration.ofMillis(500)).size();
        assertThat(rest.send("PUT", "/connectors/gen/resume", null).status()).isEqualTo(202);
        awaitRunning("gen", 2);
        List<Message<byte[]>> all = reader.readUntil(m -> countIds(m, "0-0") >= 2 && countIds(m, "1-0") >= 2,
                Duration.ofSeconds(30));
        assertThat(countIds(all, "0-0")).as("task 0 started over after the reset").isGreaterThanOrEqualTo(2);
        assertThat(countIds(all, "1-0")).as("task 1 started over after the reset").isGreaterThanOrEqualTo(2);
        assertThat(all.size()).isGreaterThan(before);
    }

    @Test
    @Order(8)
    void secretsNeverLeaveTheWorker() throws Exception {
        RestCalls.Reply created = rest.send("POST", "/connectors", "{\"name\":\"vault\",\"initial_state\":\"PAUSED\",\"config\":{"
                + "\"connector.class\":\"vault\",\"topic\":\"" + TOPIC + "\",\"vault.token\":\"" + TOKEN + "\",\"vault.path\":\"/kv\"}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(connectorState("vault")).isEqualTo("PAUSED");

        List<RestCalls.Reply> replies = List.of(created, rest.get("/connectors/vault"), rest.get("/connectors/vault/config"),
                rest.get("/connectors/vault/tasks"), rest.get("/connectors/vault/status"),
                rest.get("/connectors?expand=info&expand=status"),
                rest.send("PUT", "/connector-plugins/vault/config/validate",
                        "{\"name\":\"vault\",\"topic\":\"t\",\"vault.token\":\"" + TOKEN + "\",\"vault.mode\":\"NOPE\"}"));
        for (RestCalls.Reply reply : replies) {
            assertThat(reply.body()).as("no response shows the token").doesNotContain(TOKEN);
        }
        assertThat(rest.get("/connectors/vault/config").json().path("vault.token").asText()).isEqualTo("[hidden]");
        assertThat(rest.get("/connectors/vault/tasks").json().get(0).path("config").path("credentials").asText())
                .isEqualTo("[hidden]");

        // What a client read, sent back with one change, keeps the secret: the mask is not stored.
        JsonNode config = rest.get("/connectors/vault/config").json();
        String readBack = config.toString().replace("\"/kv\"", "\"/kv2\"");
        assertThat(rest.send("PUT", "/connectors/vault/config", readBack).status()).isEqualTo(200);
        assertThat(rest.send("PATCH", "/connectors/vault/config", "{\"vault.mode\":\"WRITE\",\"vault.token\":\"[hidden]\"}")
                .status()).isEqualTo(200);
        String stored = Files.readString(dir.resolve("data/connectors.json"));
        assertThat(stored).contains(TOKEN).doesNotContain("[hidden]");
        assertThat(connectorState("vault")).as("a config change keeps the target state").isEqualTo("PAUSED");

        // In WRITE mode the vault task fails with an error that quotes its token; the trace shows the mask.
        await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/connectors/vault/status").json()
                .path("tasks").path(0).has("trace"));
        RestCalls.Reply failing = rest.get("/connectors/vault/status");
        assertThat(failing.json().path("tasks").get(0).path("trace").asText()).contains("vault refused token=[hidden]");
        assertThat(failing.body()).doesNotContain(TOKEN);
        assertThat(rest.get("/connectors/vault/tasks/0/status").body()).doesNotContain(TOKEN);
    }

    @Test
    @Order(9)
    void logLevelsAreReadAndChanged() {
        JsonNode loggers = rest.get("/admin/loggers").json();
        assertThat(loggers.path("root").has("level")).isTrue();
        String name = "dev.tributary.runtime.worker";
        String before = rest.get("/admin/loggers/" + name).json().path("level").asText();
        try {
            RestCalls.Reply set = rest.send("PUT", "/admin/loggers/" + name, "{\"level\":\"DEBUG\"}");
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.body()).contains("\"" + name + "\"");
            assertThat(rest.get("/admin/loggers/" + name).json().path("level").asText()).isEqualTo("DEBUG");
            assertThat(rest.get("/admin/loggers").json().path(name).path("level").asText()).isEqualTo("DEBUG");
        } finally {
            assertThat(rest.send("PUT", "/admin/loggers/" + name, "{\"level\":\"" + before + "\"}").status()).isEqualTo(200);
        }
    }

    @Test
    @Order(10)
    void connectorsSurviveAWorkerRestartInTheirTargetState() {
        runtime.close();
        runtime = TributaryRuntime.start(config);
        rest = new RestCalls(runtime.baseUri());

        assertThat(rest.get("/connectors").body()).isEqualTo("[\"gen\",\"vault\"]");
        awaitRunning("gen", 2);
        assertThat(connectorState("vault")).isEqualTo("PAUSED");
        JsonNode vault = rest.get("/connectors/vault/config").json();
        assertThat(vault.path("vault.path").asText()).isEqualTo("/kv2");
        assertThat(vault.path("vault.mode").asText()).isEqualTo("WRITE");
        assertThat(rest.get("/connectors/gen/config").json().path("key.cardinality").asText()).isEqualTo("5");
    }

    @Test
    @Order(11)
    void deleteRemovesTheConnectorButKeepsItsOffsets() {
        assertThat(rest.send("DELETE", "/connectors/gen", null).status()).isEqualTo(204);
        assertThat(rest.get("/connectors/gen").status()).isEqualTo(404);
        assertThat(rest.get("/connectors/gen/status").status()).isEqualTo(404);
        assertThat(rest.send("DELETE", "/connectors/gen", null).status()).isEqualTo(404);
        assertThat(rest.send("DELETE", "/connectors/vault", null).status()).isEqualTo(204);
        assertThat(rest.get("/connectors").body()).isEqualTo("[]");

        runtime.close();
        runtime = TributaryRuntime.start(config);
        rest = new RestCalls(runtime.baseUri());
        assertThat(rest.get("/connectors").body()).as("deleted connectors stay deleted").isEqualTo("[]");
    }

    private static long countIds(List<Message<byte[]>> messages, String id) {
        return messages.stream().filter(m -> id.equals(m.getProperty("datagen.id"))).count();
    }
}
