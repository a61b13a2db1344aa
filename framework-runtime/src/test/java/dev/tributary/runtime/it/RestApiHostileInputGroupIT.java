package dev.tributary.runtime.it;

import static dev.tributary.runtime.it.RestApiHostileInputIT.TASKS;
import static dev.tributary.runtime.it.RestApiHostileInputIT.TOPIC;
import static dev.tributary.runtime.it.RestApiHostileInputIT.VAULT;
import static dev.tributary.runtime.it.RestApiHostileInputIT.VAULT_CONFIG;
import static dev.tributary.runtime.it.RestApiHostileInputIT.VAULT_SECRET;
import static dev.tributary.runtime.it.RestApiHostileInputIT.VICTIM;
import static dev.tributary.runtime.it.RestApiHostileInputIT.VICTIM_CONFIG;
import static dev.tributary.runtime.it.RestApiHostileInputIT.shorten;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.it.RestApiHostileInputIT.Case;
import dev.tributary.runtime.rest.VaultPlugin;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.FreePorts;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@link RestApiHostileInputIT}'s hostile requests against one worker of a group (issue #13), in
 * this JVM: in group mode every write (create, replace, patch, delete, pause, resume, stop, restart,
 * offsets) goes to the group's configs topic, not to the standalone's store, so the same requests
 * are sent again, with the restart and offset paths of odd names added, and valid restarts that
 * now go through the topic. Each gets its own status, never a 5xx, no stack trace or class name,
 * and no stored secret, in the answers or in the worker's log. Afterwards the connector still runs
 * with its config unchanged and no hostile request created a connector.
 */
@ExtendWith(TestServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiHostileInputGroupIT {
    @TempDir
    static Path dir;
    private TributaryRuntime runtime;
    private RestCalls rest;
    private JsonNode victimConfig;
    private JsonNode vaultConfig;
    private final ListAppender<ILoggingEvent> workerLog = new ListAppender<>();

    @BeforeAll
    void start(PulsarStandalone pulsar) throws Exception {
        workerLog.start();
        root().addAppender(workerLog);
        Path plugins = dir.resolve("plugins");
        VaultPlugin.build(plugins, dir.resolve("build"));
        String run = Long.toString(System.nanoTime());
        runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "group.id", "hostile-" + run,
                "group.admin.url", pulsar.adminUrl(),
                "offset.pulsar.topic", "persistent://public/default/hostile-group-offsets-" + run,
                "listeners", "http://127.0.0.1:" + FreePorts.allocate(1).get(0),
                "data.dir", dir.toString(),
                "plugin.path", plugins.toString(),
                "connector.policy.allowed.hosts", "kinesis.{region}.amazonaws.com,127.0.0.1",
                "offset.flush.interval.ms", "200")));
        rest = new RestCalls(runtime.baseUri());
        // A topic of its own, apart from the standalone suite's, which may run in this JVM.
        String victim = VICTIM_CONFIG.replace(TOPIC, TOPIC + "-group");
        assertThat(rest.send("POST", "/connectors", "{\"name\":\"" + VICTIM + "\",\"config\":" + victim + "}").status())
                .isEqualTo(201);
        victimConfig = rest.get("/connectors/" + VICTIM + "/config").json();
        assertThat(rest.send("POST", "/connectors", "{\"name\":\"" + VAULT + "\",\"config\":" + VAULT_CONFIG + "}").status())
                .isEqualTo(201);
        vaultConfig = rest.get("/connectors/" + VAULT + "/config").json();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertRunning();
            assertThat(rest.get("/connectors/" + VAULT + "/status").json().path("connector").path("state").asText())
                    .as("the vault connector is assigned").isNotEqualTo("UNASSIGNED");
        });
    }

    @AfterAll
    void stop() {
        root().detachAppender(workerLog);
        if (runtime != null) {
            runtime.close();
        }
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    // Valid, so that the name is what is refused (an empty list is a 400 before the name is looked up).
    private static final String OFFSETS = "{\"offsets\":[{\"partition\":{\"datagen\":\"x\",\"task\":0},\"offset\":{\"seq\":0}}]}";

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>(RestApiHostileInputIT.cases());
        // The write paths of the group, with names that are no connector: the restart and offset variants.
        List<String> names = List.of("..", "a%2Fb", "%C3%BCn%C3%AFc%C3%B8d%C3%A9", "%F0%9F%98%80", "a%0D%0AX-Injected:%201",
                "x".repeat(300), "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "nul%E2%80%8B", "restart", "tasks");
        String[][] endpoints = {
            {"POST", "/restart?includeTasks=true&onlyFailed=false", null}, {"POST", "/restart?onlyFailed=true", null},
            {"POST", "/tasks/1/restart", null}, {"PATCH", "/offsets", OFFSETS},
            {"PATCH", "/config", "{\"topic\":\"t\"}"},
        };
        for (String name : names) {
            for (String[] endpoint : endpoints) {
                String path = "/connectors/" + name + endpoint[1];
                cases.add(new Case("group " + endpoint[0] + " " + shorten(path), 404,
                        r -> r.send(endpoint[0], path, endpoint[2])));
            }
        }
        // Valid restarts now go through the configs topic: Kafka Connect's codes, and no secret in the status.
        cases.add(new Case("group restart the victim", 204, r -> r.send("POST", "/connectors/" + VICTIM + "/restart", null)));
        cases.add(new Case("group restart the victim with its tasks", 202,
                r -> r.send("POST", "/connectors/" + VICTIM + "/restart?includeTasks=true", null)));
        cases.add(new Case("group restart task 1 of the victim", 204,
                r -> r.send("POST", "/connectors/" + VICTIM + "/tasks/1/restart", null)));
        cases.add(new Case("group restart the vault connector with its tasks", 202,
                r -> r.send("POST", "/connectors/" + VAULT + "/restart?includeTasks=true&onlyFailed=false", null)));
        cases.add(new Case("group restart task " + TASKS + " of the victim", 404,
                r -> r.send("POST", "/connectors/" + VICTIM + "/tasks/" + TASKS + "/restart", null)));
        cases.add(new Case("group restart with a body", 204,
                r -> r.send("POST", "/connectors/" + VICTIM + "/restart", "{\"includeTasks\":\"x".repeat(1000))));
        return cases;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    @Order(1)
    void eachHostileRequestGetsItsOwnAnswerFromAGroupWorker(Case hostile) {
        RestApiHostileInputIT.assertAnsweredAsExpected(hostile, rest);
    }

    @Test
    @Order(2)
    void theGroupWorkerStillRunsTheConnectorAsItWas() {
        List<ILoggingEvent> logged = List.copyOf(workerLog.list);
        for (ILoggingEvent event : logged) {
            assertThat(event.getFormattedMessage()).as("a line of %s", event.getLoggerName())
                    .doesNotContain(VAULT_SECRET, "root:x:0", "root:*:");
            if (event.getLoggerName().startsWith("dev.tributary") || event.getLoggerName().startsWith("org.eclipse.jetty")) {
                assertThat(event.getThrowableProxy()).as("a stack trace logged by %s: %s", event.getLoggerName(),
                        event.getFormattedMessage()).isNull();
            }
        }
        System.out.printf("[hostile-rest-group] %d requests sent to a group worker (%d cases), every one answered"
                + " without a 5xx%n", rest.sent(), cases().size());
        assertThat(rest.get("/connectors").body()).as("no hostile request created a connector")
                .isEqualTo("[\"" + VAULT + "\",\"" + VICTIM + "\"]");
        assertThat(rest.get("/connectors/" + VICTIM + "/config").json()).as("its config is unchanged").isEqualTo(victimConfig);
        assertThat(rest.get("/connectors/" + VAULT + "/config").json()).as("no policy case changed the vault connector")
                .isEqualTo(vaultConfig);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(this::assertRunning);
    }

    private void assertRunning() {
        JsonNode status = rest.get("/connectors/" + VICTIM + "/status").json();
        assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("tasks").findValuesAsText("state")).containsOnly("RUNNING").hasSize(TASKS);
    }
}
