package dev.tributary.runtime.rest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.config.WorkerExactlyOnce;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API against a fake herder: routes, status codes, JSON shapes and error mapping. */
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATAGEN = "{\"name\":\"gen\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\","
            + "\"secret\":\"s3cr3t\",\"tasks.max\":2}}";

    @TempDir
    static Path plugins;
    @TempDir
    static Path work;
    private static PluginRegistry registry;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FakeHerder herder = new FakeHerder();
    private WorkerHttpServer server;
    private RestApi api;

    @BeforeAll
    static void buildPlugins() throws Exception {
        VaultPlugin.build(plugins, work);
        registry = PluginRegistry.discover(List.of(plugins));
    }

    @BeforeEach
    void start() {
        server = new WorkerHttpServer("http://127.0.0.1:0");
        api = new RestApi(server, registry, "1.2.3");
        server.start();
        api.attach(herder);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void rootShowsTheVersionAndHealthSaysHealthy() throws Exception {
        Reply root = send("GET", "/", null);
        assertThat(root.status).isEqualTo(200);
        assertThat(root.json().path("version").asText()).isEqualTo("1.2.3");
        assertThat(root.json().has("commit")).isTrue();
        assertThat(root.json().has("kafka_cluster_id")).isTrue();

        Reply health = send("GET", "/health", null);
        assertThat(health.status).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void healthIsStartingUntilAWorkerIsAttachedAndReadyAndUnhealthyWhenItHangs() throws Exception {
        WorkerHttpServer other = new WorkerHttpServer("http://127.0.0.1:0");
        RestApi early = new RestApi(other, registry, "1.2.3");
        other.start();
        try {
            Reply before = send(other, "GET", "/health", null, "application/json");
            assertThat(before.status).isEqualTo(503);
            assertThat(before.json().path("status").asText()).isEqualTo("starting");
            assertThat(send(other, "GET", "/connectors", null, "application/json").status)
                    .as("/connectors exists only once a worker is attached").isEqualTo(404);

            FakeHerder notReady = new FakeHerder();
            notReady.ready = false;
            early.attach(notReady);
            assertThat(send(other, "GET", "/health", null, "application/json").status).isEqualTo(503);
            notReady.ready = true;
            notReady.timeOut = true;
            Reply hung = send(other, "GET", "/health", null, "application/json");
            assertThat(hung.status).isEqualTo(500);
            assertThat(hung.json().path("status").asText()).isEqualTo("unhealthy");
        } finally {
            other.stop();
        }
    }

    @Test
    void createAnswers201WithInfoAndLocationAndA409ForTheSameNameAgain() throws Exception {
        Reply created = send("POST", "/connectors", DATAGEN);

        assertThat(created.status).isEqualTo(201);
        assertThat(created.response.headers().firstValue("Location")).hasValue("/connectors/gen");
        JsonNode info = created.json();
        assertThat(info.path("name").asText()).isEqualTo("gen");
        assertThat(info.path("type").asText()).isEqualTo("source");
        assertThat(info.path("config").path("name").asText()).as("the name is put into the config").isEqualTo("gen");
        assertThat(info.path("config").path("tasks.max").asText()).as("numbers are read as text").isEqualTo("2");
        assertThat(info.path("config").path("secret").asText()).isEqualTo("[hidden]");
        assertThat(info.path("tasks").get(0).path("connector").asText()).isEqualTo("gen");
        assertThat(info.path("tasks").get(0).path("task").asInt()).isZero();
        assertThat(created.body).doesNotContain("s3cr3t");
        assertThat(herder.calls).containsExactly("put gen STARTED");

        Reply again = send("POST", "/connectors", DATAGEN);
        assertThat(again.status).isEqualTo(409);
        assertThat(again.json().path("error_code").asInt()).isEqualTo(409);
        assertThat(again.json().path("message").asText()).isEqualTo("Connector gen already exists");
    }

    @Test
    void createTakesAnInitialState() throws Exception {
        assertThat(send("POST", "/connectors", "{\"name\":\"p\",\"config\":{},\"initial_state\":\"PAUSED\"}").status)
                .isEqualTo(201);
        assertThat(send("POST", "/connectors", "{\"name\":\"s\",\"config\":{},\"initial_state\":\"stopped\"}").status)
                .isEqualTo(201);

        assertThat(herder.targets).containsEntry("p", TargetState.PAUSED).containsEntry("s", TargetState.STOPPED);
        assertThat(send("GET", "/connectors/s/status", null).json().path("connector").path("state").asText())
                .isEqualTo("STOPPED");
    }

    @Test
    void createRefusesBadRequestsWith400AndSaysWhy() throws Exception {
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{},\"initial_state\":\"SLEEPING\"}"),
                "initial_state must be RUNNING, PAUSED or STOPPED");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{},\"extra\":1}"), "Unrecognized field \"extra\"");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\"}"), "config is required");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":[1]}"), "config must be a JSON object");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"a\":{\"b\":1}}}"),
                "the value of 'a' must be a string, not an object");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"a\":null}}"), "the value of 'a' is null");
        assertBadRequest(send("POST", "/connectors", "{\"name\":7,\"config\":{}}"), "name must be a string");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"name\":\"y\"}}"),
                "Connector name configuration (y) doesn't match connector name in the URL (x)");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"name\":\"y\",\"config\":{}}"), "not valid JSON");
        assertBadRequest(send("POST", "/connectors", "{\"name\":\"x\",\"config\":{}} trailing"), "not valid JSON");
        assertBadRequest(send("POST", "/connectors", "[]"), "must be a JSON object, not an array");
        assertBadRequest(send("POST", "/connectors", ""), "The request body is empty");
        assertThat(herder.calls).isEmpty();
    }

    @Test
    void invalidConfigGets400WithKafkaConnectsMessageAndEveryProblem() throws Exception {
        Reply reply = send("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"invalid\":\"true\"}}");

        assertThat(reply.status).isEqualTo(400);
        assertThat(reply.json().path("message").asText()).isEqualTo(
                "Connector configuration is invalid and contains the following 2 error(s):\n"
                        + "invalid: must not be true\ntopic: is required\n"
                        + "You can also find the above list of errors at the endpoint "
                        + "`/connector-plugins/{connectorType}/config/validate`");
    }

    @Test
    void listGivesNamesOrExpandsStatusAndInfo() throws Exception {
        send("POST", "/connectors", DATAGEN);
        send("POST", "/connectors", "{\"name\":\"other\",\"config\":{}}");

        assertThat(send("GET", "/connectors", null).body).isEqualTo("[\"gen\",\"other\"]");
        JsonNode expanded = send("GET", "/connectors?expand=status&expand=info&expand=bogus", null).json();
        assertThat(expanded.path("gen").path("status").path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(expanded.path("gen").path("info").path("config").path("secret").asText()).isEqualTo("[hidden]");
        assertThat(expanded.path("other").has("info")).isTrue();
        assertThat(expanded.path("gen").has("bogus")).isFalse();
        assertThat(send("GET", "/connectors?expand=status", null).json().path("gen").has("info")).isFalse();
    }

    @Test
    void readsInfoConfigStatusTasksAndTaskStatusInKafkaConnectShapes() throws Exception {
        send("POST", "/connectors", DATAGEN);
        herder.taskState = State.FAILED;

        assertThat(send("GET", "/connectors/gen", null).json().path("tasks").toString())
                .isEqualTo("[{\"connector\":\"gen\",\"task\":0}]");
        assertThat(send("GET", "/connectors/gen/config", null).json().path("secret").asText()).isEqualTo("[hidden]");
        JsonNode status = send("GET", "/connectors/gen/status", null).json();
        assertThat(status.toString()).isEqualTo("{\"name\":\"gen\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\""
                + FakeHerder.WORKER + "\"},\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"" + FakeHerder.WORKER
                + "\",\"trace\":\"boom\"}],\"type\":\"source\"}");
        assertThat(send("GET", "/connectors/gen/tasks", null).json().toString())
                .isEqualTo("[{\"id\":{\"connector\":\"gen\",\"task\":0},\"config\":{\"task.index\":\"0\"}}]");
        assertThat(send("GET", "/connectors/gen/tasks/0/status", null).json().toString()).isEqualTo(
                "{\"id\":0,\"state\":\"FAILED\",\"worker_id\":\"" + FakeHerder.WORKER + "\",\"trace\":\"boom\"}");
    }

    @Test
    void unknownConnectorsAndTasksGet404Everywhere() throws Exception {
        send("POST", "/connectors", DATAGEN);
        String[][] requests = {
            {"GET", "/connectors/nope"}, {"DELETE", "/connectors/nope"}, {"GET", "/connectors/nope/config"},
            {"PATCH", "/connectors/nope/config"}, {"GET", "/connectors/nope/status"}, {"GET", "/connectors/nope/tasks"},
            {"GET", "/connectors/nope/tasks/0/status"}, {"POST", "/connectors/nope/restart"},
            {"POST", "/connectors/nope/tasks/0/restart"}, {"PUT", "/connectors/nope/pause"},
            {"PUT", "/connectors/nope/resume"}, {"PUT", "/connectors/nope/stop"}, {"GET", "/connectors/nope/offsets"},
            {"DELETE", "/connectors/nope/offsets"}, {"GET", "/connectors/gen/tasks/7/status"},
            {"POST", "/connectors/gen/tasks/7/restart"}, {"GET", "/connectors/gen/tasks/x/status"},
            {"GET", "/connectors/gen/tasks/-1/status"}, {"GET", "/connectors/a%2Fb/status"},
            {"GET", "/connector-plugins/nope/config"}, {"GET", "/admin/loggers/no.such.logger.here"},
        };
        for (String[] request : requests) {
            String body = request[0].equals("PATCH") ? "{}" : null;
            Reply reply = send(request[0], request[1], body);
            assertThat(reply.status).as("%s %s", request[0], request[1]).isEqualTo(404);
            assertThat(reply.json().path("error_code").asInt()).isEqualTo(404);
        }
        assertThat(send("GET", "/connectors/a%2Fb/status", null).json().path("message").asText())
                .as("an encoded slash stays in the name").isEqualTo("No status found for connector a/b");
    }

    @Test
    void putConfigCreatesWith201ThenUpdatesWith200() throws Exception {
        Reply created = send("PUT", "/connectors/gen/config", "{\"connector.class\":\"datagen\",\"topic\":\"t\"}");
        assertThat(created.status).isEqualTo(201);
        assertThat(created.response.headers().firstValue("Location")).hasValue("/connectors/gen");

        Reply updated = send("PUT", "/connectors/gen/config", "{\"connector.class\":\"datagen\",\"topic\":\"u\"}");
        assertThat(updated.status).isEqualTo(200);
        assertThat(updated.json().path("config").path("topic").asText()).isEqualTo("u");

        assertBadRequest(send("PUT", "/connectors/gen/config", "{\"name\":\"other\"}"), "doesn't match connector name");
    }

    @Test
    void patchRemovesKeysSetToNull() throws Exception {
        send("POST", "/connectors", DATAGEN);

        Reply patched = send("PATCH", "/connectors/gen/config", "{\"topic\":\"u\",\"tasks.max\":null}");

        assertThat(patched.status).isEqualTo(200);
        assertThat(patched.json().path("config").path("topic").asText()).isEqualTo("u");
        assertThat(patched.json().path("config").has("tasks.max")).isFalse();
        assertThat(herder.calls).contains("patch gen {topic=u, tasks.max=null}");
    }

    @Test
    void restartAnswers204AloneAnd202WithTheStatusForTasks() throws Exception {
        send("POST", "/connectors", DATAGEN);

        Reply plain = send("POST", "/connectors/gen/restart", null);
        assertThat(plain.status).isEqualTo(204);
        assertThat(plain.body).isEmpty();

        Reply withTasks = send("POST", "/connectors/gen/restart?includeTasks=true&onlyFailed=false", null);
        assertThat(withTasks.status).isEqualTo(202);
        assertThat(withTasks.json().path("connector").path("state").asText()).isEqualTo("RESTARTING");
        assertThat(withTasks.json().path("tasks").get(0).path("state").asText()).isEqualTo("RESTARTING");

        Reply onlyFailed = send("POST", "/connectors/gen/restart?onlyFailed=true", null);
        assertThat(onlyFailed.status).isEqualTo(202);
        assertThat(onlyFailed.json().path("connector").path("state").asText()).isEqualTo("RUNNING");

        assertBadRequest(send("POST", "/connectors/gen/restart?includeTasks=yes", null), "includeTasks must be true or false");
        assertThat(send("POST", "/connectors/gen/tasks/0/restart", null).status).isEqualTo(204);
        assertThat(herder.calls).contains("restart gen", "restart gen onlyFailed=false includeTasks=true",
                "restart gen onlyFailed=true includeTasks=false", "restart gen-0");
    }

    @Test
    void aRestartNoWorkerCanDoYetAnswers409ToRetry() throws Exception {
        send("POST", "/connectors", DATAGEN);
        herder.rebalancing = true;

        Reply refused = send("POST", "/connectors/gen/tasks/0/restart", null);

        assertThat(refused.status).isEqualTo(409);
        assertThat(refused.json().path("error_code").asInt()).isEqualTo(409);
        assertThat(refused.json().path("message").asText()).contains("rebalance", "Retry");
    }

    @Test
    void pauseAndResumeAnswer202AndStopAnswers204() throws Exception {
        send("POST", "/connectors", DATAGEN);

        assertThat(send("PUT", "/connectors/gen/pause", null).status).isEqualTo(202);
        assertThat(herder.targets).containsEntry("gen", TargetState.PAUSED);
        assertThat(send("PUT", "/connectors/gen/resume", null).status).isEqualTo(202);
        assertThat(herder.targets).containsEntry("gen", TargetState.STARTED);
        Reply stop = send("PUT", "/connectors/gen/stop", null);
        assertThat(stop.status).isEqualTo(204);
        assertThat(herder.targets).containsEntry("gen", TargetState.STOPPED);
        assertThat(send("DELETE", "/connectors/gen", null).status).isEqualTo(204);
        assertThat(herder.configs).isEmpty();
    }

    @Test
    void offsetsAreReadAlwaysAndChangedOnlyWhenStopped() throws Exception {
        send("POST", "/connectors", DATAGEN);
        herder.offsets.put("gen", new java.util.LinkedHashMap<>(Map.of(
                SourcePartition.of("task", 0L), SourceOffset.of("seq", 41L))));

        assertThat(send("GET", "/connectors/gen/offsets", null).body)
                .isEqualTo("{\"offsets\":[{\"partition\":{\"task\":0},\"offset\":{\"seq\":41}}]}");
        String change = "{\"offsets\":[{\"partition\":{\"task\":0},\"offset\":{\"seq\":7,\"f\":1.5,\"b\":true,\"s\":\"x\"}},"
                + "{\"partition\":{\"task\":1},\"offset\":null}]}";
        Reply running = send("PATCH", "/connectors/gen/offsets", change);
        assertBadRequest(running, "STOPPED state");
        assertBadRequest(send("DELETE", "/connectors/gen/offsets", null), "STOPPED state");

        send("PUT", "/connectors/gen/stop", null);
        Reply altered = send("PATCH", "/connectors/gen/offsets", change);
        assertThat(altered.status).isEqualTo(200);
        assertThat(altered.json().path("message").asText()).isEqualTo("The offsets for this connector have been altered successfully");
        assertThat(herder.offsets.get("gen")).containsEntry(SourcePartition.of("task", 0L),
                new SourceOffset(Map.of("seq", 7L, "f", 1.5, "b", true, "s", "x")));
        assertThat(herder.calls).anyMatch(c -> c.startsWith("alter gen") && c.endsWith("remove=[{task=1}]"));

        Reply reset = send("DELETE", "/connectors/gen/offsets", null);
        assertThat(reset.status).isEqualTo(200);
        assertThat(reset.json().path("message").asText()).isEqualTo("The offsets for this connector have been reset successfully");
        assertThat(send("GET", "/connectors/gen/offsets", null).body).isEqualTo("{\"offsets\":[]}");

        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[]}"), "Partitions / offsets need to be provided");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{}"), "Partitions / offsets need to be provided");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":{}}"), "offsets must be an array");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"offset\":{\"a\":1}}]}"),
                "offsets[0].partition is required");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{},\"offset\":null}]}"),
                "offsets[0].partition must be a non-empty object");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{\"a\":[1]},\"offset\":null}]}"),
                "offsets[0].partition.a must be a string, a number or a boolean, not an array");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets",
                "{\"offsets\":[{\"partition\":{\"a\":1},\"offset\":{\"n\":123456789012345678901234567890}}]}"),
                "too large for 64 bits");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{\"a\":1},\"x\":2}]}"),
                "Unrecognized field \"x\"");
    }

    @Test
    void alteredOffsetsAreBoundedInCountFieldsAndLengths() throws Exception {
        send("POST", "/connectors", DATAGEN);
        send("PUT", "/connectors/gen/stop", null);
        herder.calls.clear();

        StringBuilder many = new StringBuilder("{\"offsets\":[");
        for (int i = 0; i <= ConnectorOffsetsResource.MAX_ENTRIES; i++) {
            many.append(i == 0 ? "" : ",").append("{\"partition\":{\"p\":").append(i).append("},\"offset\":null}");
        }
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", many.append("]}").toString()),
                "offsets has 10001 entries; one request alters at most 10000 partitions");
        StringBuilder wide = new StringBuilder("{\"offsets\":[{\"partition\":{");
        for (int i = 0; i <= ConnectorOffsetsResource.MAX_FIELDS; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
        }
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", wide.append("},\"offset\":null}]}").toString()),
                "offsets[0].partition has 17 fields; a partition or an offset has at most 16");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{\"" + "k".repeat(129)
                + "\":1},\"offset\":null}]}"), "offsets[0].partition has a field name of 129 characters; names are 1 to 128");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{\"\":1},\"offset\":null}]}"),
                "offsets[0].partition has a field name of 0 characters");
        assertBadRequest(send("PATCH", "/connectors/gen/offsets", "{\"offsets\":[{\"partition\":{\"p\":1},\"offset\":{\"s\":\""
                + "9".repeat(2049) + "\"}}]}"), "offsets[0].offset.s is a string of 2049 characters; values are at most 2048");
        assertThat(herder.calls).isEmpty();
    }

    @Test
    void malformedDeepOrHugeBodiesGetAShortMessageWithThePositionOnly() throws Exception {
        Reply broken = send("POST", "/connectors", "{\"name\":\"x\",\n \"config\": {\"a\": tru}}");
        assertThat(broken.status).isEqualTo(400);
        assertThat(broken.json().path("message").asText())
                .isEqualTo("Request body is not valid JSON at line 2, column 18; send one JSON object, with each field name once");

        Reply deep = send("POST", "/connectors", "{\"config\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertBadRequest(deep, "Request body is too large to read: it nests deeper than 32 levels");
        Reply huge = send("POST", "/connectors", "{\"name\":\"" + "n".repeat(300_000) + "\",\"config\":{}}");
        assertBadRequest(huge, "Request body is too large to read: it holds a string longer than 200000 characters");
        Reply longNumber = send("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"n\":" + "9".repeat(1000) + "}}");
        assertBadRequest(longNumber, "Request body is too large to read: it holds a number longer than 100 digits");
        for (Reply reply : List.of(broken, deep, huge, longNumber)) {
            assertThat(reply.body).doesNotContain("jackson", "Exception", "JsonNode", "Source:").hasSizeLessThan(500);
        }
        assertThat(herder.calls).isEmpty();
    }

    @Test
    void aConfigTooLargeToBeAConnectorsIsRefusedBeforeValidation() throws Exception {
        StringBuilder keys = new StringBuilder("{");
        for (int i = 0; i < 1500; i++) {
            keys.append(i == 0 ? "" : ",").append("\"unknown.key.").append(i).append("\":\"v\"");
        }
        Reply validated = send("PUT", "/connector-plugins/datagen/config/validate", keys.append("}").toString());

        assertBadRequest(validated, "config: has 1501 keys; a connector config takes at most 1000");
        assertThat(validated.body).hasSizeLessThan(1000);
    }

    @Test
    void echoedInputIsCutAndItsControlCharactersEscaped() throws Exception {
        Reply reply = send("POST", "/connectors", "{\"name\":\"x\",\"config\":{},\"a\\u0000b\\n" + "c".repeat(1000) + "\":1}");

        assertBadRequest(reply, "Unrecognized field \"a\\u0000b\\u000a" + "c".repeat(196) + "... (1004 characters)\"");
    }

    @Test
    void listsPluginsAndTheirConfigDefinitions() throws Exception {
        JsonNode list = send("GET", "/connector-plugins", null).json();
        assertThat(list.findValuesAsText("class")).contains("dev.tributary.runtime.datagen.DatagenSourceConnector",
                "com.example.vault.VaultConnector");
        assertThat(list.get(0).path("type").asText()).isEqualTo("source");
        assertThat(list.get(0).has("version")).isTrue();

        JsonNode definitions = send("GET", "/connector-plugins/vault/config", null).json();
        assertThat(definitions.findValuesAsText("name")).containsExactly("vault.token", "vault.mode", "vault.path", "vault.url",
                "vault.token.file");
        JsonNode token = definitions.get(0);
        assertThat(token.path("type").asText()).isEqualTo("PASSWORD");
        assertThat(token.path("required").asBoolean()).isTrue();
        assertThat(token.path("default_value").isNull()).isTrue();
        assertThat(token.path("group").asText()).isEqualTo("Vault");
        assertThat(token.path("order_in_group").asInt()).isEqualTo(1);
        assertThat(definitions.get(1).path("type").asText()).as("Kafka Connect has no enum type").isEqualTo("STRING");
        assertThat(definitions.get(1).path("default_value").asText()).isEqualTo("READ");
        assertThat(token.fieldNames()).toIterable().containsExactlyInAnyOrder("name", "type", "required", "default_value",
                "importance", "documentation", "group", "width", "display_name", "dependents", "order_in_group");
        assertThat(send("GET", "/connector-plugins/com.example.vault.VaultConnector/config", null).status).isEqualTo(200);
    }

    @Test
    void validateReportsWhatTheOperatorsPolicyRefusesOnTheFieldsItConcerns() throws Exception {
        Reply reply = send("PUT", "/connector-plugins/vault/config/validate", "{\"name\":\"v\",\"topic\":\"t\","
                + "\"vault.token\":\"tok-123\",\"vault.path\":\"/p\",\"vault.url\":\"http://attacker.example/\","
                + "\"vault.token.file\":\"/etc/passwd\"}");

        assertThat(reply.status).isEqualTo(200);
        JsonNode result = reply.json();
        assertThat(result.path("error_count").asInt()).as("the policy's two refusals; the config is valid otherwise")
                .isEqualTo(2);
        Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
        result.path("configs").forEach(c -> values.put(c.path("value").path("name").asText(), c.path("value")));
        assertThat(values.get("vault.url").path("errors").toString())
                .contains("host 'attacker.example' is not allowed", "connector.policy.allowed.hosts");
        assertThat(values.get("vault.token.file").path("errors").toString())
                .contains("path '/etc/passwd' is not allowed", "connector.policy.allowed.paths");
        assertThat(reply.body).doesNotContain("tok-123");
    }

    @Test
    void validateRefusesRequiredExactlyOnceAsTheWorkersHerderWould() throws Exception {
        WorkerHttpServer other = new WorkerHttpServer("http://127.0.0.1:0");
        new RestApi(other, registry, "1.2.3", ConnectorConfigPolicy.DEFAULT,
                new ConnectorValidator(registry, new WorkerExactlyOnce(false, "file")));
        other.start();
        try {
            Reply reply = send(other, "PUT", "/connector-plugins/vault/config/validate", "{\"name\":\"v\","
                    + "\"topic\":\"t\",\"vault.token\":\"tok-123\",\"vault.path\":\"/p\","
                    + "\"exactly.once.support\":\"required\"}", "application/json");

            assertThat(reply.status).isEqualTo(200);
            assertThat(reply.json().path("error_count").asInt()).isEqualTo(1);
            Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
            reply.json().path("configs").forEach(c -> values.put(c.path("value").path("name").asText(), c));
            assertThat(values.get("exactly.once.support").path("value").path("errors").get(0).asText())
                    .startsWith("is required, but this worker has exactly.once.source.support=disabled");
        } finally {
            other.stop();
        }
    }

    @Test
    void validateReportsADeadLetterPolicyWithoutItsTopicOnTheTopicKey() throws Exception {
        Reply reply = send("PUT", "/connector-plugins/vault/config/validate",
                "{\"name\":\"v\",\"topic\":\"t\",\"vault.token\":\"tok-123\",\"vault.mode\":\"READ\","
                        + "\"errors.record.too.large\":\"dead-letter\"}");

        assertThat(reply.status).isEqualTo(200);
        Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
        reply.json().path("configs").forEach(c -> values.put(c.path("value").path("name").asText(), c));
        assertThat(values.get("errors.record.too.large").path("value").path("recommended_values").toString())
                .isEqualTo("[\"fail\",\"skip\",\"dead-letter\"]");
        assertThat(values.get("errors.dead.letter.topic").path("value").path("errors").get(0).asText())
                .startsWith("is required when errors.record.too.large is dead-letter; set it to a topic");
    }

    @Test
    void validateReportsEveryFieldWithErrorsRecommendedValuesAndHiddenSecrets() throws Exception {
        Reply reply = send("PUT", "/connector-plugins/vault/config/validate",
                "{\"name\":\"v\",\"topic\":\"t\",\"vault.token\":\"tok-123\",\"vault.mode\":\"DELETE\",\"typo\":\"x\"}");

        assertThat(reply.status).isEqualTo(200);
        JsonNode result = reply.json();
        assertThat(result.path("name").asText()).isEqualTo("com.example.vault.VaultConnector");
        assertThat(result.path("error_count").asInt()).isEqualTo(3);
        assertThat(result.path("groups").toString()).isEqualTo("[\"Connector\",\"Errors\",\"Vault\"]");
        Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
        result.path("configs").forEach(c -> values.put(c.path("value").path("name").asText(), c));
        assertThat(values).containsKeys("name", "connector.class", "tasks.max", "topic", "vault.token", "vault.mode",
                "vault.path", "typo");
        assertThat(values.get("vault.token").path("value").path("value").asText()).isEqualTo("[hidden]");
        assertThat(values.get("vault.mode").path("value").path("recommended_values").toString()).isEqualTo("[\"READ\",\"WRITE\"]");
        assertThat(values.get("vault.mode").path("value").path("errors").get(0).asText()).contains("DELETE");
        assertThat(values.get("vault.path").path("value").path("errors").get(0).asText()).contains("is required");
        assertThat(values.get("typo").path("value").path("errors").get(0).asText()).contains("is not a known key");
        assertThat(values.get("vault.mode").path("value").path("visible").asBoolean()).isTrue();
        assertThat(values.get("vault.mode").path("definition").path("name").asText()).isEqualTo("vault.mode");
        assertThat(values.get("connector.class").path("value").path("value").asText())
                .as("the plugin of the path is filled in").isEqualTo("com.example.vault.VaultConnector");
        assertThat(reply.body).doesNotContain("tok-123");

        assertBadRequest(send("PUT", "/connector-plugins/vault/config/validate", "{\"connector.class\":\"datagen\"}"),
                "Included connector type datagen does not match request type vault");
        assertThat(send("PUT", "/connector-plugins/nope/config/validate", "{}").status).isEqualTo(404);
    }

    @Test
    void loggersAreListedReadAndSetThroughLogback() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("rest.test.a");
        ch.qos.logback.classic.Logger child = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("rest.test.a.b");
        try {
            assertThat(send("GET", "/admin/loggers", null).json().path("root").path("level").asText()).isEqualTo("WARN");
            assertThat(send("GET", "/admin/loggers/rest.test.a.b", null).json().path("level").asText())
                    .as("the effective level").isEqualTo("WARN");

            Reply set = send("PUT", "/admin/loggers/rest.test.a", "{\"level\":\"debug\"}");
            assertThat(set.status).isEqualTo(200);
            assertThat(set.body).isEqualTo("[\"rest.test.a\",\"rest.test.a.b\"]");
            assertThat(child.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
            JsonNode read = send("GET", "/admin/loggers/rest.test.a", null).json();
            assertThat(read.path("level").asText()).isEqualTo("DEBUG");
            assertThat(read.path("last_modified").asLong()).isPositive();
            assertThat(send("GET", "/admin/loggers", null).json().path("rest.test.a").path("level").asText()).isEqualTo("DEBUG");

            assertThat(send("PUT", "/admin/loggers/rest.test.a?scope=cluster", "{\"level\":\"INFO\"}").status).isEqualTo(204);
            assertThat(logger.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
            assertThat(send("PUT", "/admin/loggers/rest.test.a", "{\"level\":\"LOUD\"}").status)
                    .as("Kafka Connect answers 404 for an unknown level").isEqualTo(404);
            assertBadRequest(send("PUT", "/admin/loggers/rest.test.a", "{}"), "Desired 'level' parameter was not specified");
            assertBadRequest(send("PUT", "/admin/loggers/rest.test.a", "{\"level\":3}"), "'level' must be a string");
        } finally {
            logger.setLevel(null);
            child.setLevel(null);
        }
    }

    @Test
    void aBodyDeclaredAsAnotherTypeGets415() throws Exception {
        Reply reply = send(server, "POST", "/connectors", DATAGEN, "text/plain");

        assertThat(reply.status).isEqualTo(415);
        assertThat(reply.json().path("error_code").asInt()).isEqualTo(415);
        assertThat(send(server, "POST", "/connectors", DATAGEN, "application/json; charset=utf-8").status).isEqualTo(201);
    }

    @Test
    void aBodyWithoutContentTypeGets415() throws Exception {
        Reply reply = send(server, "POST", "/connectors", DATAGEN, null);

        assertThat(reply.status).isEqualTo(415);
        assertThat(reply.json().path("message").asText()).contains("Content-Type: application/json");
        assertThat(send(server, "POST", "/connectors", DATAGEN, "application/vnd.connect+json").status).isEqualTo(201);
        assertThat(send("POST", "/connectors/gen/restart", null).status).as("no body needs no type").isEqualTo(204);
    }

    @Test
    void aWorkerChangeThatTimesOutGets500RequestTimedOut() throws Exception {
        herder.timeOut = true;

        Reply reply = send("POST", "/connectors", DATAGEN);

        assertThat(reply.status).isEqualTo(500);
        assertThat(reply.json().path("message").asText()).isEqualTo("Request timed out");
    }

    @Test
    void wrongMethodsGet405() throws Exception {
        Reply reply = send("POST", "/connectors/gen/status", null);

        assertThat(reply.status).isEqualTo(405);
        assertThat(reply.response.headers().firstValue("Allow")).hasValue("GET");
    }

    private static void assertBadRequest(Reply reply, String message) throws Exception {
        assertThat(reply.status).as(reply.body).isEqualTo(400);
        assertThat(reply.json().path("error_code").asInt()).isEqualTo(400);
        assertThat(reply.json().path("message").asText()).contains(message);
    }

    private Reply send(String method, String path, String body) throws Exception {
        return send(server, method, path, body, "application/json");
    }

    private Reply send(WorkerHttpServer target, String method, String path, String body, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        return new Reply(response.statusCode(), response.body(), response);
    }

    private record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }
}
