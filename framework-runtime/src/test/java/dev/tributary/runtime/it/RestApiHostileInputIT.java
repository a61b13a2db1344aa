package dev.tributary.runtime.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.rest.VaultPlugin;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sends more than 300 malformed and hostile requests to a worker that is moving a datagen
 * connector's records into Pulsar: names with {@code ../}, slashes, unicode, NUL and control
 * characters, wrong JSON types, broken, huge and deeply nested JSON, unknown fields, wrong content
 * types (or none) and methods, foreign Host names and browser origins on every kind of endpoint,
 * changes the running connector must refuse, and races on one name. Each gets its own 4xx, and no
 * body shows a stack trace or a class name; {@code GET /health} answers within a second while 32
 * clients trickle headers and bodies. Afterwards the worker still answers, the connector still
 * runs with its config unchanged, its committed offsets only moved forward, and every record it
 * generated is in Pulsar. A client that never finishes its request is cut off meanwhile. A new
 * case is one {@code cases.add(new Case(...))} line.
 */
@ExtendWith(TestServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiHostileInputIT {
    static final String VICTIM = "victim";
    static final int TASKS = 2;
    private static final int COUNT = 6000;
    static final String TOPIC = "persistent://public/default/hostile-it-" + System.nanoTime();
    static final String VICTIM_CONFIG = "{\"connector.class\":\"datagen\",\"tasks.max\":\"" + TASKS + "\","
            + "\"topic\":\"" + TOPIC + "\",\"rate\":\"500\",\"count\":\"" + COUNT + "\",\"record.size\":\"64\"}";
    private static final String VALID = "{\"connector.class\":\"datagen\",\"topic\":\"t\"}";
    // A stored connector with a secret and an endpoint key, for the destination-policy cases (issue 18).
    static final String VAULT = "vault-victim";
    static final String VAULT_SECRET = "VAULT-S3CR3T-" + System.nanoTime();
    static final String VAULT_CONFIG = "{\"connector.class\":\"vault\",\"topic\":\"" + TOPIC + "-vault\","
            + "\"vault.path\":\"/p\",\"vault.token\":\"" + VAULT_SECRET + "\",\"vault.url\":\"http://127.0.0.1:9/\"}";

    @TempDir
    static Path dir;
    private TributaryRuntime runtime;
    private RestCalls rest;
    private PulsarTopicReader reader;
    private JsonNode victimConfig;
    private JsonNode vaultConfig;
    // Every line the worker logs while the suite runs (it runs in this JVM), to check the logs as well as the answers.
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> workerLog =
            new ch.qos.logback.core.read.ListAppender<>();
    private Map<Long, Long> committedBefore;
    private CompletableFuture<Long> slowClientCutOffAfterMillis;

    @BeforeAll
    void start(PulsarStandalone pulsar) throws Exception {
        workerLog.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .addAppender(workerLog);
        Path plugins = dir.resolve("plugins");
        VaultPlugin.build(plugins, dir.resolve("build"));
        runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.toString(),
                "plugin.path", plugins.toString(),
                // 127.0.0.1 allowed, so that a change there meets the secrets rule rather than the host rule.
                "connector.policy.allowed.hosts", "kinesis.{region}.amazonaws.com,127.0.0.1",
                "offset.flush.interval.ms", "200")));
        rest = new RestCalls(runtime.baseUri());
        reader = new PulsarTopicReader(pulsar.serviceUrl(), TOPIC);
        slowClientCutOffAfterMillis = CompletableFuture.supplyAsync(this::slowClient);
        assertThat(rest.send("POST", "/connectors", "{\"name\":\"" + VICTIM + "\",\"config\":" + VICTIM_CONFIG + "}").status())
                .isEqualTo(201);
        victimConfig = rest.get("/connectors/" + VICTIM + "/config").json();
        assertThat(rest.send("POST", "/connectors", "{\"name\":\"" + VAULT + "\",\"config\":" + VAULT_CONFIG + "}").status())
                .isEqualTo(201);
        vaultConfig = rest.get("/connectors/" + VAULT + "/config").json();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeqs().size() == TASKS);
        committedBefore = committedSeqs();
    }

    @AfterAll
    void stop() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .detachAppender(workerLog);
        if (reader != null) {
            reader.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * One hostile request and the status it must get.
     *
     * @param description what it tries, shown as the test's name
     * @param expected the status it must get
     * @param send sends it
     */
    record Case(String description, int expected, Function<RestCalls, RestCalls.Reply> send) {
        @Override
        public String toString() {
            return description + " -> " + expected;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Names that try to leave their path segment or are no valid name: every connector endpoint finds nothing.
        List<String> names = List.of("..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fadmin", "a%2Fb", "..%5C..%5Cwin",
                "%C3%BCn%C3%AFc%C3%B8d%C3%A9", "%E5%90%8D%E5%89%8D", "%F0%9F%98%80", "%00", "a%0D%0AX-Injected:%201",
                "%20", "x".repeat(300), "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%25", "a%3Bb%3Dc", "nul%E2%80%8B");
        String[][] endpoints = {
            {"GET", ""}, {"GET", "/config"}, {"GET", "/status"}, {"GET", "/tasks"}, {"GET", "/offsets"},
            {"GET", "/tasks/0/status"}, {"DELETE", ""}, {"PUT", "/pause"}, {"PUT", "/resume"}, {"PUT", "/stop"},
            {"POST", "/restart"}, {"POST", "/tasks/0/restart"}, {"DELETE", "/offsets"},
        };
        for (String name : names) {
            for (String[] endpoint : endpoints) {
                String path = "/connectors/" + name + endpoint[1];
                // Jetty refuses a NUL byte anywhere in the path as a malformed request.
                int expected = name.equals("%00") ? 400 : 404;
                cases.add(new Case(endpoint[0] + " " + shorten(path), expected, r -> r.send(endpoint[0], path, null)));
            }
        }
        // The same names as the name of a new connector: the config is invalid.
        List<String> badNames = List.of("../x", "a/b", "..\\\\..", "ünïcødé", "名前", "😀", "", " ", "x".repeat(200),
                "a\\u0000b", "..", "a b", "-leading", ".hidden", "tab\\tname", "line\\nbreak");
        for (String name : badNames) {
            String body = "{\"name\":\"" + name + "\",\"config\":" + VALID + "}";
            cases.add(new Case("POST /connectors named " + shorten(name), 400, r -> r.send("POST", "/connectors", body)));
        }
        for (String name : List.of("a%2Fb", "%2E%2E", "%C3%BC", "%F0%9F%98%80", "x".repeat(200), "a%20b", "%00")) {
            cases.add(new Case("PUT /connectors/" + shorten(name) + "/config", 400,
                    r -> r.send("PUT", "/connectors/" + name + "/config", VALID)));
        }
        // Wrong JSON types and unknown fields.
        String[] wrongTypes = {
            "{\"name\":1,\"config\":" + VALID + "}",
            "{\"name\":[\"x\"],\"config\":" + VALID + "}",
            "{\"name\":{\"a\":1},\"config\":" + VALID + "}",
            "{\"name\":\"x\",\"config\":\"connector.class=datagen\"}",
            "{\"name\":\"x\",\"config\":[" + VALID + "]}",
            "{\"name\":\"x\",\"config\":null}",
            "{\"name\":\"x\"}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":{\"nested\":true},\"topic\":\"t\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":[\"datagen\"],\"topic\":\"t\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":null,\"topic\":\"t\"}}",
            "{\"name\":\"x\",\"config\":" + VALID + ",\"initial_state\":5}",
            "{\"name\":\"x\",\"config\":" + VALID + ",\"initial_state\":\"SLEEPING\"}",
            "{\"name\":\"x\",\"config\":" + VALID + ",\"tasks\":[]}",
            "{\"name\":\"x\",\"config\":" + VALID + ",\"__proto__\":{}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":\"many\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":-3}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":1e99}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"a b c\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"nosuch.Connector\",\"topic\":\"t\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"rat\":\"5\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"rate\":\"NaN-ish\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"record.size\":\"999999999999\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"../../etc/passwd\",\"topic\":\"t\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"vault.token\":\"[hidden]\"}}",
        };
        for (String body : wrongTypes) {
            cases.add(new Case("POST /connectors " + shorten(body), 400, r -> r.send("POST", "/connectors", body)));
        }
        // Broken JSON.
        String[] broken = {"{", "}", "{\"name\":", "nul", "null", "[", "[]", "\"just a string\"", "42", "true",
            "{'name':'x'}", "{\"name\":\"x\",}", "{\"name\":\"x\" \"config\":{}}", "{\"name\":\"x\",\"config\":{}} {}",
            "{\"name\":\"x\",\"name\":\"y\",\"config\":{}}", "{\"name\":\"\\x\"}", "{\"name\":\"unterminated}",
            "[".repeat(100_000), "{\"a\":".repeat(50_000), "{\"name\":\"x\",\"config\":{\"k\":\"" + "v".repeat(100) + "}",
            "\uFEFF{\"name\":\"x\"}", "{\"name\":\"x\u0001\"}", "{\"name\":NaN}", "{\"name\":\"x\",\"config\":{/*c*/}}",
        };
        for (String body : broken) {
            cases.add(new Case("POST /connectors broken JSON " + shorten(body), 400, r -> r.send("POST", "/connectors", body)));
            cases.add(new Case("PUT victim config broken JSON " + shorten(body), 400,
                    r -> r.send("PUT", "/connectors/" + VICTIM + "/config", body)));
        }
        cases.add(new Case("POST /connectors with invalid UTF-8", 400, r -> r.send(HttpRequest.newBuilder(
                r.uri("/connectors")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                .build())));
        cases.add(new Case("POST /connectors with an empty body", 400, r -> r.send("POST", "/connectors", "")));
        // Bodies over the 1 MiB limit. Only the headers go out: the server answers before it reads a body it
        // refuses, and a client still writing would race with that answer.
        int over = WorkerHttpServer.MAX_REQUEST_BODY_BYTES + 1;
        String[][] declared = {
            {"POST", "/connectors", Integer.toString(over)}, {"POST", "/connectors", Integer.toString(2 * 1024 * 1024)},
            {"PUT", "/connectors/" + VICTIM + "/config", "99999999999"}, {"PATCH", "/connectors/" + VICTIM + "/config",
                Integer.toString(over)}, {"PATCH", "/connectors/" + VICTIM + "/offsets", Integer.toString(over)},
            {"PUT", "/connector-plugins/datagen/config/validate", Integer.toString(over)},
            {"PUT", "/admin/loggers/root", Integer.toString(over)},
        };
        for (String[] call : declared) {
            cases.add(new Case(call[0] + " " + call[1] + " declaring " + call[2] + " bytes", 413, r -> r.raw((call[0] + " "
                    + call[1] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + call[2]
                    + "\r\n\r\n").getBytes(US_ASCII))));
        }
        cases.add(new Case("chunked body over the limit", 413, r -> r.raw(chunked(over))));
        // Malformed request lines and query strings.
        cases.add(new Case("bad percent-encoding in the path", 400,
                r -> r.raw("GET /connectors/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII))));
        cases.add(new Case("bad percent-encoding in the query", 400,
                r -> r.raw("GET /connectors?expand=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII))));
        // A path that climbs above the root, or a request line with a space in it, is malformed: Jetty answers 400.
        cases.add(new Case("raw ../ in the path", 400,
                r -> r.raw("GET /connectors/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII))));
        cases.add(new Case("space in the path", 400,
                r -> r.raw("GET /connectors/a b/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII))));
        cases.add(new Case("restart with includeTasks=maybe", 400,
                r -> r.send("POST", "/connectors/" + VICTIM + "/restart?includeTasks=maybe", null)));
        cases.add(new Case("restart with onlyFailed=1", 400,
                r -> r.send("POST", "/connectors/" + VICTIM + "/restart?onlyFailed=1&includeTasks=true", null)));
        cases.add(new Case("restart with includeTasks empty", 400,
                r -> r.send("POST", "/connectors/" + VICTIM + "/restart?includeTasks=", null)));
        // Task ids that are no task.
        for (String task : List.of("-1", "2", "999999999999", "abc", "0x0", "1.5", "%E2%91%A0")) {
            cases.add(new Case("task " + task + " status", 404,
                    r -> r.send("GET", "/connectors/" + VICTIM + "/tasks/" + task + "/status", null)));
            cases.add(new Case("task " + task + " restart", 404,
                    r -> r.send("POST", "/connectors/" + VICTIM + "/tasks/" + task + "/restart", null)));
        }
        // Wrong content types and methods.
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
            cases.add(new Case("POST /connectors as " + type, 415, r -> r.send(HttpRequest.newBuilder(r.uri("/connectors"))
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"typed\",\"config\":" + VALID + "}")).build())));
        }
        String[][] wrongMethods = {
            {"DELETE", "/connectors"}, {"PUT", "/connectors"}, {"POST", "/health"}, {"DELETE", "/"},
            {"GET", "/connectors/" + VICTIM + "/restart"}, {"GET", "/connectors/" + VICTIM + "/pause"},
            {"POST", "/connectors/" + VICTIM + "/config"}, {"PUT", "/connectors/" + VICTIM + "/tasks"},
            {"POST", "/connectors/" + VICTIM + "/offsets"}, {"GET", "/connector-plugins/datagen/config/validate"},
            {"DELETE", "/admin/loggers/root"}, {"POST", "/metrics"},
        };
        for (String[] call : wrongMethods) {
            cases.add(new Case(call[0] + " " + call[1], 405, r -> r.send(call[0], call[1], null)));
        }
        for (String path : List.of("/connectors/" + VICTIM + "/bogus", "/connectors/" + VICTIM + "/tasks/0", "/admin",
                "/connectors/" + VICTIM + "/tasks/0/status/x", "/etc/passwd", "/connector-plugins/datagen")) {
            cases.add(new Case("GET " + path, 404, r -> r.send("GET", path, null)));
        }
        // Changes the running connector must refuse, leaving it as it is.
        cases.add(new Case("create the victim again", 409,
                r -> r.send("POST", "/connectors", "{\"name\":\"" + VICTIM + "\",\"config\":" + VALID + "}")));
        cases.add(new Case("PUT an invalid victim config", 400, r -> r.send("PUT", "/connectors/" + VICTIM + "/config",
                "{\"connector.class\":\"datagen\",\"topic\":\"t\",\"rate\":\"-1\"}")));
        cases.add(new Case("PUT a victim config naming another", 400, r -> r.send("PUT", "/connectors/" + VICTIM + "/config",
                "{\"name\":\"other\",\"connector.class\":\"datagen\",\"topic\":\"t\"}")));
        cases.add(new Case("PATCH an invalid victim value", 400,
                r -> r.send("PATCH", "/connectors/" + VICTIM + "/config", "{\"count\":\"forever\"}")));
        cases.add(new Case("PATCH away a required key", 400,
                r -> r.send("PATCH", "/connectors/" + VICTIM + "/config", "{\"topic\":null}")));
        cases.add(new Case("PATCH a nested value", 400,
                r -> r.send("PATCH", "/connectors/" + VICTIM + "/config", "{\"rate\":{\"x\":1}}")));
        cases.add(new Case("PATCH the victim's offsets while it runs", 400, r -> r.send("PATCH", "/connectors/" + VICTIM
                + "/offsets", "{\"offsets\":[{\"partition\":{\"datagen\":\"" + VICTIM + "\",\"task\":0},\"offset\":{\"seq\":0}}]}")));
        cases.add(new Case("DELETE the victim's offsets while it runs", 400,
                r -> r.send("DELETE", "/connectors/" + VICTIM + "/offsets", null)));
        String[] badOffsets = {"{}", "{\"offsets\":[]}", "{\"offsets\":{}}", "{\"offsets\":[1]}", "{\"offsets\":[{}]}",
            "{\"offsets\":[{\"partition\":[]}]}", "{\"offsets\":[{\"partition\":{\"a\":{}}}]}",
            "{\"offsets\":[{\"partition\":{\"a\":1},\"offset\":\"x\"}]}", "{\"offsets\":[{\"partition\":{},\"offset\":null}]}",
            "{\"offsets\":[{\"partition\":{\"a\":1},\"offset\":{\"n\":1e400}}]}", "{\"offsets\":[],\"extra\":1}",
        };
        for (String body : badOffsets) {
            cases.add(new Case("PATCH offsets " + body, 400,
                    r -> r.send("PATCH", "/connectors/" + VICTIM + "/offsets", body)));
        }
        // Plugins and loggers.
        cases.add(new Case("validate an unknown plugin", 404,
                r -> r.send("PUT", "/connector-plugins/..%2F..%2Fetc/config/validate", "{}")));
        cases.add(new Case("validate with another connector.class", 400,
                r -> r.send("PUT", "/connector-plugins/datagen/config/validate", "{\"connector.class\":\"nosuch\"}")));
        cases.add(new Case("validate an array", 400, r -> r.send("PUT", "/connector-plugins/datagen/config/validate", "[1]")));
        cases.add(new Case("validate a nested value", 400,
                r -> r.send("PUT", "/connector-plugins/datagen/config/validate", "{\"rate\":[1]}")));
        cases.add(new Case("set an unknown log level", 404,
                r -> r.send("PUT", "/admin/loggers/dev.tributary.hostile", "{\"level\":\"LOUD\"}")));
        cases.add(new Case("set no log level", 400, r -> r.send("PUT", "/admin/loggers/dev.tributary.hostile", "{}")));
        cases.add(new Case("set a log level of the wrong type", 400,
                r -> r.send("PUT", "/admin/loggers/dev.tributary.hostile", "{\"level\":[\"DEBUG\"]}")));
        cases.add(new Case("read an unknown logger", 404, r -> r.send("GET", "/admin/loggers/no.such.logger", null)));
        cases.add(new Case("read a logger with NUL", 400, r -> r.send("GET", "/admin/loggers/no.such.logger.%00", null)));
        addSecureByDefaultCases(cases);
        addDestinationPolicyCases(cases);
        // Bounds on what a caller gives (issue 19): task counts, topic names, sizes, offsets.
        String[] unbounded = {
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":\"2147483647\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":1000000}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"tasks.max\":\"zero\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"persistent://../../x\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"or\\u0000ders\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"errors.record.too.large\":"
                    + "\"dead-letter\",\"errors.dead.letter.topic\":\"persistent://public/../x\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"count\":\"99999999999999999999\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"rate\":\"Infinity\"}}",
            "{\"name\":\"x\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\",\"" + "k".repeat(300) + "\":\"v\"}}",
            "{\"name\":\"x\",\"config\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
        };
        for (String body : unbounded) {
            cases.add(new Case("POST /connectors out of bounds " + shorten(body), 400, r -> r.send("POST", "/connectors", body)));
        }
        cases.add(new Case("PATCH offsets with 17 partition fields", 400, r -> r.send("PATCH", "/connectors/" + VICTIM
                + "/offsets", "{\"offsets\":[{\"partition\":{" + java.util.stream.IntStream.range(0, 17)
                .mapToObj(i -> "\"f" + i + "\":1").collect(java.util.stream.Collectors.joining(",")) + "},\"offset\":null}]}")));
        return cases;
    }

    @Test
    @Order(1)
    void unknownKeysAndLongNamesGetShortAnswers() {
        StringBuilder keys = new StringBuilder("{\"connector.class\":\"datagen\",\"topic\":\"t\"");
        for (int i = 0; keys.length() < 900_000; i++) {
            keys.append(",\"unknown.key.number.").append(i).append('"').append(":\"").append("v".repeat(200)).append('"');
        }
        RestCalls.Reply validated = rest.send("PUT", "/connector-plugins/datagen/config/validate", keys.append("}").toString());
        assertThat(validated.status()).isEqualTo(400);
        assertThat(validated.body()).contains("a connector config takes at most 1000").hasSizeLessThan(1000);

        StringBuilder fewKeys = new StringBuilder("{\"connector.class\":\"datagen\",\"topic\":\"t\"");
        for (int i = 0; i < 900; i++) {
            fewKeys.append(",\"unknown.key.number.").append(i).append("\":\"v\"");
        }
        RestCalls.Reply hinted = rest.send("PUT", "/connector-plugins/datagen/config/validate", fewKeys.append("}").toString());
        assertThat(hinted.status()).isEqualTo(200);
        assertThat(hinted.body()).as("100 unknown keys listed, one line for the other 800").hasSizeLessThan(200_000);

        RestCalls.Reply notFound = rest.send("GET", "/connectors/" + "n".repeat(6000) + "/status", null);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).hasSizeLessThan(400);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    @Order(1)
    void eachHostileRequestGetsItsOwn4xx(Case hostile) {
        assertAnsweredAsExpected(hostile, rest);
    }

    /**
     * Sends one hostile case: its own status, no internals, no stored secret or file content, and
     * an error body whose code matches the status. The group-mode suite checks its answers the same way.
     */
    static void assertAnsweredAsExpected(Case hostile, RestCalls rest) {
        RestCalls.Reply reply = hostile.send().apply(rest);

        assertThat(reply.status()).as("%s; body %s", hostile.description(), shorten(reply.body())).isEqualTo(hostile.expected());
        assertNoInternals(reply);
        assertThat(reply.body()).as("no stored secret and no file content in any answer")
                .doesNotContain(VAULT_SECRET, "root:x:0", "root:*:", "AWS_SECRET");
        if (reply.body().startsWith("{\"error_code\"")) {
            assertThat(reply.json().path("error_code").asInt()).isEqualTo(hostile.expected());
        }
    }

    /** A body shows no stack trace, exception or Java class name, whatever the request. */
    static void assertNoInternals(RestCalls.Reply reply) {
        assertThat(reply.body()).as("body of a %d", reply.status())
                .doesNotContain("Exception", "StackOverflow", "\tat ", "java.lang", "org.eclipse", "com.fasterxml")
                .doesNotContainPattern("dev\\.tributary\\.[a-z.]+\\.[A-Z]");
    }

    /**
     * What a REST caller may point the worker at (issue 18): a file or a host the operator's policy
     * does not allow is refused, and a change of an endpoint or of the connector class that does not
     * carry the stored secret again is refused, however it is sent.
     */
    private static void addDestinationPolicyCases(List<Case> cases) {
        String newVault = "{\"name\":\"stolen\",\"config\":{\"connector.class\":\"vault\",\"topic\":\"t\",\"vault.path\":\"/p\","
                + "\"vault.token\":\"t\",";
        for (String file : List.of("/etc/passwd", "/etc/shadow", "../../etc/passwd", "/proc/self/environ", "~/.aws/credentials")) {
            cases.add(new Case("create naming the file " + file, 400,
                    r -> r.send("POST", "/connectors", newVault + "\"vault.token.file\":\"" + file + "\"}}")));
            cases.add(new Case("patch the stored connector to the file " + file, 400, r -> r.send("PATCH",
                    "/connectors/" + VAULT + "/config", "{\"vault.token.file\":\"" + file + "\",\"vault.token\":\"x\"}")));
        }
        for (String url : List.of("http://attacker.example/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.7:8080/",
                "https://kinesis.us-east-1.amazonaws.com.attacker.example/", "http://[::1]:9/", "http://localhost:9/",
                "file:///etc/passwd", "http://user:pw@attacker.example/")) {
            cases.add(new Case("create with the endpoint " + url, 400,
                    r -> r.send("POST", "/connectors", newVault + "\"vault.url\":\"" + url + "\"}}")));
            cases.add(new Case("patch the stored connector to the endpoint " + url + " with a secret", 400, r -> r.send("PATCH",
                    "/connectors/" + VAULT + "/config", "{\"vault.url\":\"" + url + "\",\"vault.token\":\"x\"}")));
        }
        String moved = "{\"vault.url\":\"http://127.0.0.1:10/\"";
        cases.add(new Case("move the endpoint without the stored secret", 400,
                r -> r.send("PATCH", "/connectors/" + VAULT + "/config", moved + "}")));
        cases.add(new Case("move the endpoint with the secret's mask", 400,
                r -> r.send("PATCH", "/connectors/" + VAULT + "/config", moved + ",\"vault.token\":\"[hidden]\"}")));
        cases.add(new Case("move the endpoint with a null secret", 400,
                r -> r.send("PATCH", "/connectors/" + VAULT + "/config", moved + ",\"vault.token\":null}")));
        cases.add(new Case("move the endpoint by PUT of the masked config", 400, r -> r.send("PUT", "/connectors/" + VAULT
                + "/config", VAULT_CONFIG.replace(VAULT_SECRET, "[hidden]").replace("127.0.0.1:9/", "127.0.0.1:10/")
                .replace("}", ",\"name\":\"" + VAULT + "\"}"))));
        cases.add(new Case("hand the stored secret to another connector class", 400,
                r -> r.send("PATCH", "/connectors/" + VAULT + "/config", "{\"connector.class\":\"datagen\"}")));
        cases.add(new Case("hand the stored secret to another class by PUT of the masked config", 400, r -> r.send("PUT",
                "/connectors/" + VAULT + "/config", VAULT_CONFIG.replace(VAULT_SECRET, "[hidden]")
                .replace("\"vault\"", "\"datagen\"").replace("}", ",\"name\":\"" + VAULT + "\"}"))));
    }

    /**
     * Secure by default (issue 18): a foreign Host (DNS rebinding), a browser page of another site
     * (CSRF, also the bodyless "simple" POSTs) and a body without a JSON Content-Type are refused
     * on every kind of endpoint, admin and /metrics included; deep JSON is a plain 400.
     */
    private static void addSecureByDefaultCases(List<Case> cases) {
        String[][] endpoints = {
            {"GET", "/connectors"}, {"POST", "/connectors"}, {"POST", "/connectors/" + VICTIM + "/restart"},
            {"PUT", "/connectors/" + VICTIM + "/stop"}, {"DELETE", "/connectors/" + VICTIM}, {"PUT", "/admin/loggers/root"},
            {"GET", "/admin/loggers"}, {"GET", "/metrics"}, {"GET", "/nope"}, {"PATCH", "/connectors/" + VICTIM + "/offsets"},
        };
        for (String host : List.of("evil.example", "evil.example:8083", "127.0.0.1.nip.io", "localhost.evil.example",
                "10.1.2.3", "[::2]")) {
            for (String[] call : endpoints) {
                cases.add(new Case("Host " + host + " " + call[0] + " " + call[1], 403, r -> r.raw((call[0] + " " + call[1]
                        + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n").getBytes(US_ASCII))));
            }
        }
        for (String origin : List.of("https://evil.example", "null", "http://127.0.0.1.evil.example", "http://localhost:9")) {
            for (String[] call : endpoints) {
                cases.add(new Case("Origin " + origin + " " + call[0] + " " + call[1], 403, r -> r.send(HttpRequest.newBuilder(
                        r.uri(call[1])).header("Origin", origin).method(call[0], HttpRequest.BodyPublishers.noBody()).build())));
            }
        }
        for (String[] call : endpoints) {
            cases.add(new Case("Sec-Fetch-Site cross-site " + call[0] + " " + call[1], 403, r -> r.send(HttpRequest.newBuilder(
                    r.uri(call[1])).header("Sec-Fetch-Site", "cross-site").method(call[0], HttpRequest.BodyPublishers.noBody())
                    .build())));
        }
        String create = "{\"name\":\"untyped\",\"config\":" + VALID + "}";
        String[][] bodies = {
            {"POST", "/connectors", create}, {"PUT", "/connectors/untyped/config", VALID},
            {"PUT", "/connectors/" + VICTIM + "/config", VICTIM_CONFIG}, {"PATCH", "/connectors/" + VICTIM + "/config", "{}"},
            {"PUT", "/admin/loggers/root", "{\"level\":\"OFF\"}"}, {"PUT", "/connector-plugins/datagen/config/validate", VALID},
            {"PATCH", "/connectors/" + VICTIM + "/offsets", "{\"offsets\":[]}"},
        };
        for (String[] call : bodies) {
            cases.add(new Case(call[0] + " " + call[1] + " without Content-Type", 415, r -> r.raw((call[0] + " " + call[1]
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + call[2].length() + "\r\n\r\n" + call[2])
                    .getBytes(UTF_8))));
            cases.add(new Case(call[0] + " " + call[1] + " as a form", 415, r -> r.send(HttpRequest.newBuilder(r.uri(call[1]))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .method(call[0], HttpRequest.BodyPublishers.ofString(call[2])).build())));
        }
        String deepObject = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        String deepArray = "[".repeat(20_000) + "]".repeat(20_000);
        String deepConfig = "{\"name\":\"deep\",\"config\":" + "{\"k\":".repeat(3_000) + "\"v\"" + "}".repeat(3_001);
        for (String body : List.of(deepObject, deepArray, deepConfig)) {
            cases.add(new Case("POST /connectors deep " + shorten(body), 400, r -> r.send("POST", "/connectors", body)));
            cases.add(new Case("PUT validate deep " + shorten(body), 400,
                    r -> r.send("PUT", "/connector-plugins/datagen/config/validate", body)));
            cases.add(new Case("PUT logger deep " + shorten(body), 400, r -> r.send("PUT", "/admin/loggers/root", body)));
        }
    }

    @Test
    @Order(2)
    void racesOnOneNameEndConsistent() throws Exception {
        String create = "{\"name\":\"race\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"" + TOPIC
                + "-race\",\"rate\":\"10\",\"count\":\"5\"}}";
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<RestCalls.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int kind = i % 4;
                replies.add(clients.submit(() -> switch (kind) {
                    case 0, 1 -> rest.send("POST", "/connectors", create);
                    case 2 -> rest.send("DELETE", "/connectors/race", null);
                    default -> rest.send("PUT", "/connectors/race/config", create.substring(create.indexOf("\"config\":") + 9,
                            create.length() - 1));
                }));
            }
            for (Future<RestCalls.Reply> reply : replies) {
                RestCalls.Reply answer = reply.get(120, TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
                assertNoInternals(answer);
            }
        } finally {
            clients.shutdownNow();
        }
        RestCalls.Reply listed = rest.get("/connectors");
        RestCalls.Reply config = rest.get("/connectors/race/config");
        if (listed.json().toString().contains("\"race\"")) {
            assertThat(config.status()).isEqualTo(200);
            assertThat(config.json().path("connector.class").asText()).isEqualTo("datagen");
            await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/connectors/race/status").status() == 200);
        } else {
            assertThat(config.status()).isEqualTo(404);
        }
        int deleted = rest.send("DELETE", "/connectors/race", null).status();
        assertThat(deleted).isIn(204, 404);
        assertThat(rest.get("/connectors").body()).isEqualTo("[\"" + VAULT + "\",\"" + VICTIM + "\"]");
    }

    // The figure RELIABILITY.md quotes; printed with the request count at the end.
    private volatile long slowestHealthUnderTrickle = -1;

    @Test
    @Order(3)
    void healthAnswersWithinASecondWhileClientsTrickle() throws Exception {
        List<Trickler> tricklers = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 16; i++) {
                // The request line and headers one byte at a time.
                tricklers.add(new Trickler("", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "s".repeat(1000)));
                // A whole head, then the body one byte at a time.
                tricklers.add(new Trickler("POST /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 5000\r\n\r\n", "{\"name\":\"slow\",\"config\":{\"k\":\"" + "v".repeat(4000)));
            }
            trickle.scheduleAtFixedRate(() -> tricklers.forEach(Trickler::next), 0, 300, TimeUnit.MILLISECONDS);
            Thread.sleep(1_500);
            for (int probe = 0; probe < 5; probe++) {
                long begin = System.nanoTime();
                RestCalls.Reply health = rest.get("/health");
                long millis = (System.nanoTime() - begin) / 1_000_000;
                assertThat(health.status()).isEqualTo(200);
                assertThat(millis).as("GET /health while 32 clients trickle").isLessThan(1_000);
                slowestHealthUnderTrickle = Math.max(slowestHealthUnderTrickle, millis);
                Thread.sleep(200);
            }
            assertThat(tricklers).as("the tricklers were still sending").allMatch(t -> t.position > 5 && t.open);
        } finally {
            trickle.shutdownNow();
            trickle.awaitTermination(5, TimeUnit.SECONDS);
            for (Trickler trickler : tricklers) {
                trickler.socket.close();
            }
        }
    }

    /** A client that sends {@code head} at once and then one byte of {@code slowly} per {@link #next}. */
    private final class Trickler {
        final Socket socket;
        final byte[] slowly;
        volatile int position;
        volatile boolean open = true;

        Trickler(String head, String slowly) throws java.io.IOException {
            this.socket = new Socket(runtime.baseUri().getHost(), runtime.baseUri().getPort());
            this.slowly = slowly.getBytes(US_ASCII);
            socket.getOutputStream().write(head.getBytes(US_ASCII));
            socket.getOutputStream().flush();
        }

        void next() {
            if (!open || position >= slowly.length) {
                return;
            }
            try {
                socket.getOutputStream().write(slowly[position++]);
                socket.getOutputStream().flush();
            } catch (java.io.IOException e) {
                open = false;
            }
        }
    }

    @Test
    @Order(4)
    void theWorkerStillRunsAndTheConnectorLostNoData() throws Exception {
        assertThat(cases()).hasSizeGreaterThan(300);
        assertThat(rest.get("/health").status()).isEqualTo(200);
        assertThat(rest.sent()).as("requests sent to the worker").isGreaterThanOrEqualTo(300);
        List<ch.qos.logback.classic.spi.ILoggingEvent> logged = List.copyOf(workerLog.list);
        assertThat(logged).as("the worker logged while the suite ran").isNotEmpty();
        for (ch.qos.logback.classic.spi.ILoggingEvent event : logged) {
            assertThat(event.getFormattedMessage()).as("a line of %s", event.getLoggerName())
                    .doesNotContain(VAULT_SECRET, "root:x:0", "root:*:");
            if (event.getLoggerName().startsWith("dev.tributary") || event.getLoggerName().startsWith("org.eclipse.jetty")) {
                assertThat(event.getThrowableProxy()).as("a stack trace logged by %s: %s", event.getLoggerName(),
                        event.getFormattedMessage()).isNull();
            }
        }
        System.out.printf("[hostile-rest] %d requests sent (%d cases), every one answered without a 5xx; slowest GET /health"
                + " while 32 clients trickled: %d ms%n", rest.sent(), cases().size(), slowestHealthUnderTrickle);
        assertThat(rest.get("/connectors").body()).as("no hostile request created a connector")
                .isEqualTo("[\"" + VAULT + "\",\"" + VICTIM + "\"]");
        assertThat(rest.get("/connectors/" + VICTIM + "/config").json()).as("its config is unchanged").isEqualTo(victimConfig);
        assertThat(rest.get("/connectors/" + VAULT + "/config").json()).as("no policy case changed the vault connector")
                .isEqualTo(vaultConfig);
        JsonNode status = rest.get("/connectors/" + VICTIM + "/status").json();
        assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("tasks").findValuesAsText("state")).containsOnly("RUNNING").hasSize(TASKS);

        Map<Long, Long> committedAfter = committedSeqs();
        committedBefore.forEach((task, seq) -> assertThat(committedAfter.get(task))
                .as("task %d's committed offset only moved forward", task).isGreaterThanOrEqualTo(seq));

        List<Message<byte[]>> messages = reader.readUntil(m -> distinctIds(m).size() >= COUNT, Duration.ofSeconds(60));
        Set<String> ids = distinctIds(messages);
        assertThat(ids).as("every generated record reached Pulsar").hasSize(COUNT);
        for (int task = 0; task < TASKS; task++) {
            for (int seq = 0; seq < COUNT / TASKS; seq++) {
                assertThat(ids).contains(task + "-" + seq);
            }
        }
        long lastSeq = COUNT / TASKS - 1;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(committedSeqs())
                .as("the last record of each task is committed").containsOnly(Map.entry(0L, lastSeq), Map.entry(1L, lastSeq)));
    }

    @Test
    @Order(5)
    void aClientThatNeverFinishesItsRequestIsCutOff() throws Exception {
        long millis = slowClientCutOffAfterMillis.get();

        assertThat(millis).as("the server closed the half-sent request").isPositive()
                .isLessThanOrEqualTo((WorkerHttpServer.REQUEST_READ_TIMEOUT_SECONDS + 10) * 1000L);
    }

    /** Opens a request and never finishes it; returns how long the server took to close it, or -1. */
    private long slowClient() {
        long begin = System.nanoTime();
        try (Socket socket = new Socket(runtime.baseUri().getHost(), runtime.baseUri().getPort())) {
            socket.setSoTimeout((WorkerHttpServer.REQUEST_READ_TIMEOUT_SECONDS + 20) * 1000);
            socket.getOutputStream().write("POST /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"na"
                    .getBytes(US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream ignored = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                ignored.write(b);
            }
            return (System.nanoTime() - begin) / 1_000_000;
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (java.io.IOException e) {
            // A reset is a close too.
            return (System.nanoTime() - begin) / 1_000_000;
        }
    }

    /** The committed datagen sequence number of each task, read over REST. */
    private Map<Long, Long> committedSeqs() {
        Map<Long, Long> seqs = new HashMap<>();
        for (JsonNode entry : rest.get("/connectors/" + VICTIM + "/offsets").json().path("offsets")) {
            seqs.put(entry.path("partition").path("task").asLong(), entry.path("offset").path("seq").asLong());
        }
        return seqs;
    }

    private static Set<String> distinctIds(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }

    private static byte[] chunked(int size) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(size) + "\r\n").getBytes(US_ASCII));
        request.writeBytes("x".repeat(size).getBytes(UTF_8));
        request.writeBytes("\r\n0\r\n\r\n".getBytes(US_ASCII));
        return request.toByteArray();
    }

    static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...(" + text.length() + " chars)";
    }
}
