package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.rest.VaultPlugin;
import dev.tributary.runtime.sink.FencingClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's lifecycle, persistence and secret handling, with the {@code vault} test connector,
 * whose tasks send nothing, so no Pulsar broker is needed (the client never connects).
 */
class StandaloneHerderTest {
    private static final String TOKEN = "tok-very-secret-1";

    @TempDir
    static Path plugins;
    @TempDir
    static Path work;
    private static PluginRegistry registry;

    // One client for all tests: closing one waits about 2 s for its event loop, and this one never connects.
    private static PulsarClient pulsar;

    @TempDir
    Path dataDir;
    private OffsetStore offsets;
    private StandaloneHerder worker;

    @BeforeAll
    static void buildPlugins() throws Exception {
        VaultPlugin.build(plugins, work);
        StallPlugin.build(plugins, work);
        registry = PluginRegistry.discover(List.of(plugins));
        pulsar = PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1").build();
    }

    @AfterAll
    static void closeClient() throws Exception {
        pulsar.close();
    }

    @BeforeEach
    void setUp() {
        offsets = new MemoryOffsetStore();
        worker = newWorker();
    }

    @AfterEach
    void tearDown() {
        worker.close();
    }

    private StandaloneHerder newWorker() {
        return newWorker(Set.of());
    }

    private StandaloneHerder newWorker(Set<String> givenAtStart) {
        return newWorker(givenAtStart, Duration.ofSeconds(62));
    }

    private StandaloneHerder newWorker(Set<String> givenAtStart, Duration changeTimeout) {
        WorkerConfig config = WorkerConfig.fromMap(Map.of("data.dir", dataDir.toString(), "offset.store", "memory",
                "task.shutdown.timeout.ms", "2000"));
        StandaloneHerder created = new StandaloneHerder(new WorkerServices(config, registry, offsets, pulsar,
                new FencingClient(() -> pulsar), new MetricsRegistry(), Clock.systemUTC(), "test:1"),
                new FileConnectorConfigStore(dataDir.resolve(FileConnectorConfigStore.FILE_NAME)), changeTimeout);
        created.restore(givenAtStart);
        return created;
    }

    private StandaloneHerder restartWorker() {
        worker.close();
        worker = newWorker();
        return worker;
    }

    private static Map<String, String> vault(String name) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", "vault");
        config.put("topic", "t");
        config.put(VaultPlugin.TOKEN, TOKEN);
        config.put(VaultPlugin.PATH, "/kv/" + name);
        return config;
    }

    private Map<String, String> stall(String name) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", "stall");
        config.put("topic", "t");
        config.put(StallPlugin.DIR, dataDir.toString());
        return config;
    }

    private void release(String name) throws Exception {
        Files.writeString(dataDir.resolve(name + ".release"), "");
    }

    private State state(String name) {
        return worker.connectorStatus(name).state();
    }

    @Test
    void targetStatesChangeAndSurviveARestart() {
        assertThat(worker.putConnectorConfig("run", vault("run"), false, TargetState.STARTED).created()).isTrue();
        worker.putConnectorConfig("pause", vault("pause"), false, TargetState.PAUSED);
        worker.putConnectorConfig("stop", vault("stop"), false, TargetState.STOPPED);
        assertThat(state("run")).isEqualTo(State.RUNNING);
        assertThat(state("pause")).isEqualTo(State.PAUSED);
        assertThat(state("stop")).isEqualTo(State.STOPPED);
        assertThat(worker.connectorStatus("stop").tasks()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.connectorStatus("run").tasks().size() == 1
                && worker.connectorStatus("run").tasks().get(0).state() == State.RUNNING);

        restartWorker();

        assertThat(worker.connectorNames()).containsExactly("pause", "run", "stop");
        assertThat(state("run")).isEqualTo(State.RUNNING);
        assertThat(state("pause")).isEqualTo(State.PAUSED);
        assertThat(state("stop")).isEqualTo(State.STOPPED);

        worker.resumeConnector("stop");
        worker.pauseConnector("run");
        worker.stopConnector("pause");
        restartWorker();
        assertThat(state("stop")).isEqualTo(State.RUNNING);
        assertThat(state("run")).isEqualTo(State.PAUSED);
        assertThat(state("pause")).isEqualTo(State.STOPPED);

        worker.deleteConnector("run");
        restartWorker();
        assertThat(worker.connectorNames()).containsExactly("pause", "stop");
        assertThatThrownBy(() -> worker.connectorInfo("run")).isInstanceOf(UnknownConnectorException.class);
    }

    @Test
    void duplicatesAreRefusedAndReplacingKeepsTheTargetState() {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.PAUSED);

        assertThatThrownBy(() -> worker.putConnectorConfig("v", vault("v"), false, TargetState.STARTED))
                .isInstanceOf(ConnectorExistsException.class).hasMessage("Connector v already exists");
        Map<String, String> changed = vault("v");
        changed.put(VaultPlugin.PATH, "/kv/other");
        Herder.Created replaced = worker.putConnectorConfig("v", changed, true, TargetState.STARTED);

        assertThat(replaced.created()).isFalse();
        assertThat(replaced.info().config()).containsEntry(VaultPlugin.PATH, "/kv/other");
        assertThat(state("v")).isEqualTo(State.PAUSED);
        assertThatThrownBy(() -> worker.putConnectorConfig("w", vault("v"), true, TargetState.STARTED))
                .isInstanceOf(ConnectorStateException.class).hasMessageContaining("doesn't match connector name");
        Map<String, String> invalid = vault("bad");
        invalid.put(VaultPlugin.MODE, "DELETE");
        assertThatThrownBy(() -> worker.putConnectorConfig("bad", invalid, false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class).hasMessageContaining(VaultPlugin.MODE);
        assertThat(worker.connectorNames()).containsExactly("v");
    }

    @Test
    void secretsAreMaskedInInfoAndTaskConfigsAndTheMaskKeepsTheStoredSecret() throws Exception {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.STARTED);

        ConnectorInfo info = worker.connectorInfo("v");
        assertThat(info.config()).containsEntry(VaultPlugin.TOKEN, "[hidden]").containsEntry(VaultPlugin.PATH, "/kv/v");
        assertThat(info.tasks()).hasSize(1);
        assertThat(info.tasks().get(0).config()).containsEntry("credentials", "[hidden]").containsEntry("path", "/kv/v");

        // A client sends back what it read, with one change: the secret must survive.
        Map<String, String> readBack = new LinkedHashMap<>(info.config());
        readBack.put(VaultPlugin.PATH, "/kv/y");
        worker.putConnectorConfig("v", readBack, true, TargetState.STARTED);
        worker.patchConnectorConfig("v", new LinkedHashMap<>(Map.of(VaultPlugin.TOKEN, "[hidden]", VaultPlugin.PATH, "/kv/x")));

        String stored = Files.readString(dataDir.resolve(FileConnectorConfigStore.FILE_NAME));
        assertThat(stored).contains(TOKEN).doesNotContain("[hidden]");
        assertThat(worker.connectorInfo("v").config()).containsEntry(VaultPlugin.PATH, "/kv/x");
        assertThat(worker.connectorInfo("v").toString()).doesNotContain(TOKEN);
        assertThatThrownBy(() -> worker.putConnectorConfig("new", Map.of("name", "new", "connector.class", "vault",
                "topic", "t", VaultPlugin.TOKEN, "[hidden]", VaultPlugin.PATH, "p"), false, TargetState.STARTED))
                .isInstanceOf(ConnectorStateException.class).hasMessageContaining("no secret is stored");
    }

    @Test
    void aPluginErrorQuotingTheSecretIsRedactedInStatusAndLogs() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tributary");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            Map<String, String> config = vault("w");
            config.put(VaultPlugin.MODE, "WRITE");
            worker.putConnectorConfig("w", config, false, TargetState.STARTED);

            await().atMost(Duration.ofSeconds(10)).until(() -> worker.taskStatus("w", 0).trace() != null);
            assertThat(worker.taskStatus("w", 0).trace()).contains("vault refused token=[hidden]").doesNotContain(TOKEN);
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("vault refused"));
            assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(TOKEN));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void anErrorOrTooManyTaskConfigsFromThePluginFailsTheConnectorNotTheRequest() {
        Map<String, String> overflow = vault("overflow");
        overflow.put(VaultPlugin.PATH, "/overflow");
        Map<String, String> tooMany = vault("too-many");
        tooMany.put(VaultPlugin.PATH, "/too-many");
        tooMany.put("tasks.max", "2");

        assertThat(worker.putConnectorConfig("overflow", overflow, false, TargetState.STARTED).created()).isTrue();
        assertThat(worker.putConnectorConfig("too-many", tooMany, false, TargetState.STARTED).created()).isTrue();

        assertThat(state("overflow")).isEqualTo(State.FAILED);
        assertThat(worker.connectorStatus("overflow").trace())
                .contains("taskConfigs(1) failed with StackOverflowError; lower tasks.max or fix the connector");
        assertThat(state("too-many")).isEqualTo(State.FAILED);
        assertThat(worker.connectorStatus("too-many").trace())
                .contains("taskConfigs(2) returned 3 task configs, more than tasks.max=2");
        assertThat(worker.connectorStatus("too-many").tasks()).isEmpty();

        Map<String, String> startOverflow = vault("start-overflow");
        startOverflow.put(VaultPlugin.PATH, "/start-overflow");
        assertThat(worker.putConnectorConfig("start-overflow", startOverflow, false, TargetState.STARTED).created()).isTrue();
        assertThat(state("start-overflow")).isEqualTo(State.FAILED);
        assertThat(worker.connectorStatus("start-overflow").trace()).contains("StackOverflowError");
    }

    @Test
    void tasksMaxIsBoundedAndItsErrorsStateTheRealRange() {
        Map<String, String> huge = vault("huge");
        huge.put("tasks.max", "2147483647");
        Map<String, String> word = vault("word");
        word.put("tasks.max", "zero");

        assertThatThrownBy(() -> worker.putConnectorConfig("huge", huge, false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tasks.max: '2147483647' must be from 1 to 1024");
        assertThatThrownBy(() -> worker.putConnectorConfig("word", word, false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tasks.max: 'zero' is not a whole number from 1 to 1024");
        assertThat(worker.connectorNames()).isEmpty();
    }

    @Test
    void aConnectorThatRequiresExactlyOnceIsRefusedOnThisAtLeastOnceWorker() {
        Map<String, String> required = vault("eos");
        required.put("exactly.once.support", "required");
        Map<String, String> requested = vault("alo");
        requested.put("exactly.once.support", "requested");

        assertThatThrownBy(() -> worker.putConnectorConfig("eos", required, false, TargetState.STARTED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly.once.support: is required, but this worker has"
                        + " exactly.once.source.support=disabled");
        assertThat(worker.putConnectorConfig("alo", requested, false, TargetState.STOPPED).created()).isTrue();
        assertThat(worker.connectorNames()).containsExactly("alo");
    }

    @Test
    void messagesEchoingAnUnknownNameAreCutAndEscaped() {
        String name = "n\n" + "x".repeat(60_000);

        assertThatThrownBy(() -> worker.connectorStatus(name))
                .isInstanceOf(UnknownConnectorException.class)
                .hasMessage("No status found for connector n\\u000a" + "x".repeat(98) + "... (60002 characters)");
        assertThatThrownBy(() -> worker.connectorInfo(name))
                .isInstanceOf(UnknownConnectorException.class)
                .hasMessageStartingWith("Connector n\\u000axxx")
                .hasMessageEndingWith("... (60002 characters) not found");
        assertThatThrownBy(() -> worker.restartTask(name, 0))
                .isInstanceOf(UnknownConnectorException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void aStoredConnectorWithAnAbsurdTasksMaxIsShownFailedAndTheWorkerRuns() throws Exception {
        Map<String, String> stored = vault("huge");
        stored.put("tasks.max", "2147483647");
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(work.resolve("huge/" + FileConnectorConfigStore.FILE_NAME))) {
            store.put("huge", new StoredConnector(stored, TargetState.STARTED));
        }
        worker.close();
        Files.copy(work.resolve("huge/" + FileConnectorConfigStore.FILE_NAME), dataDir.resolve(FileConnectorConfigStore.FILE_NAME),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        worker = newWorker();

        assertThat(state("huge")).isEqualTo(State.FAILED);
        assertThat(worker.connectorStatus("huge").trace()).contains("tasks.max: '2147483647' must be from 1 to 1024");
        Map<String, String> fixed = vault("huge");
        fixed.put("tasks.max", "2");
        worker.putConnectorConfig("huge", fixed, true, TargetState.STARTED);
        assertThat(state("huge")).isEqualTo(State.RUNNING);
    }

    @Test
    void patchRemovesKeysGivenAsNull() {
        Map<String, String> config = vault("v");
        config.put(VaultPlugin.MODE, "READ");
        worker.putConnectorConfig("v", config, false, TargetState.STARTED);
        Map<String, String> patch = new LinkedHashMap<>();
        patch.put(VaultPlugin.MODE, null);

        ConnectorInfo patched = worker.patchConnectorConfig("v", patch);

        assertThat(patched.config()).doesNotContainKey(VaultPlugin.MODE);
        assertThatThrownBy(() -> worker.patchConnectorConfig("nope", patch)).isInstanceOf(UnknownConnectorException.class);
    }

    @Test
    void aConnectorFromTheCommandLineTakesOverTheRestoredOneOfTheSameName() {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.PAUSED);
        restartWorker();

        ConnectorStatus claimed = worker.startConnector(vault("v"));

        assertThat(claimed.state()).as("the stored target state holds").isEqualTo(State.PAUSED);
        assertThatThrownBy(() -> worker.startConnector(vault("v")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("already running");
        Map<String, String> other = vault("w");
        assertThat(worker.startConnector(other).state()).isEqualTo(State.RUNNING);
    }

    @Test
    void aConnectorGivenAtStartNeverRunsWithItsStoredConfig() {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.STARTED);
        worker.putConnectorConfig("same", vault("same"), false, TargetState.STARTED);
        worker.putConnectorConfig("other", vault("other"), false, TargetState.STARTED);
        worker.close();
        worker = newWorker(Set.of("v", "same"));

        assertThat(state("v")).as("held back until its file's config arrives").isEqualTo(State.UNASSIGNED);
        assertThat(state("same")).isEqualTo(State.UNASSIGNED);
        assertThat(state("other")).as("not named at start: restored as before").isEqualTo(State.RUNNING);

        Map<String, String> changed = vault("v");
        changed.put(VaultPlugin.PATH, "/kv/changed");
        assertThat(worker.startConnector(changed).state()).isEqualTo(State.RUNNING);
        assertThat(worker.connectorInfo("v").config()).containsEntry(VaultPlugin.PATH, "/kv/changed");
        assertThat(worker.startConnector(vault("same")).state()).as("an unchanged config starts too").isEqualTo(State.RUNNING);
    }

    @Test
    void aStoredConnectorWhosePluginIsGoneIsShownFailedUntilFixed() throws Exception {
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(work.resolve("other/" + FileConnectorConfigStore.FILE_NAME))) {
            store.put("gone", new StoredConnector(Map.of("name", "gone", "connector.class", "nosuch", "topic", "t",
                    "password", "pw-123456"), TargetState.STARTED));
        }
        worker.close();
        Files.copy(work.resolve("other/" + FileConnectorConfigStore.FILE_NAME), dataDir.resolve(FileConnectorConfigStore.FILE_NAME),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        worker = newWorker();

        ConnectorStatus status = worker.connectorStatus("gone");
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.trace()).contains("nosuch").doesNotContain("pw-123456");
        assertThat(worker.connectorInfo("gone").config()).as("without a schema every connector value is masked")
                .containsEntry("password", "[hidden]");

        worker.putConnectorConfig("gone", vault("gone"), true, TargetState.STARTED);
        assertThat(state("gone")).isEqualTo(State.RUNNING);
    }

    @Test
    void offsetsChangeOnlyWhileStopped() {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.STARTED);
        SourcePartition p0 = SourcePartition.of("p", 0L);
        SourcePartition p1 = SourcePartition.of("p", 1L);
        offsets.write("v", Map.of(p0, SourceOffset.of("seq", 5L), p1, SourceOffset.of("seq", 9L)));

        assertThat(worker.connectorOffsets("v")).hasSize(2);
        assertThatThrownBy(() -> worker.resetConnectorOffsets("v")).isInstanceOf(ConnectorStateException.class)
                .hasMessageContaining("'/connectors/v/stop'");
        worker.pauseConnector("v");
        assertThatThrownBy(() -> worker.alterConnectorOffsets("v", Map.of(), List.of(p0)))
                .as("paused is not stopped").isInstanceOf(ConnectorStateException.class);

        worker.stopConnector("v");
        worker.alterConnectorOffsets("v", Map.of(p0, SourceOffset.of("seq", 1L)), List.of(p1));
        assertThat(worker.connectorOffsets("v")).containsExactly(Map.entry(p0, SourceOffset.of("seq", 1L)));
        worker.resetConnectorOffsets("v");
        assertThat(worker.connectorOffsets("v")).isEmpty();
    }

    @Test
    void restartsFollowIncludeTasksAndOnlyFailed() {
        worker.putConnectorConfig("v", vault("v"), false, TargetState.STARTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.connectorStatus("v").tasks().size() == 1);

        ConnectorStatus onlyFailed = worker.restartConnectorAndTasks("v", true, true);
        assertThat(onlyFailed.state()).as("nothing failed, nothing restarts").isEqualTo(State.RUNNING);
        assertThat(onlyFailed.tasks()).allSatisfy(t -> assertThat(t.state()).isNotEqualTo(State.RESTARTING));

        ConnectorStatus all = worker.restartConnectorAndTasks("v", false, true);
        assertThat(all.state()).isEqualTo(State.RESTARTING);
        assertThat(all.tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.RESTARTING));
        assertThat(state("v")).isEqualTo(State.RUNNING);

        worker.restartTask("v", 0);
        worker.restartConnector("v");
        assertThat(worker.connectorStatus("v").tasks()).hasSize(1);
        assertThatThrownBy(() -> worker.restartTask("v", 3)).isInstanceOf(UnknownConnectorException.class)
                .hasMessage("Task v-3 not found");
        assertThatThrownBy(() -> worker.taskStatus("v", 3)).isInstanceOf(UnknownConnectorException.class);

        worker.stopConnector("v");
        assertThat(worker.restartConnectorAndTasks("v", false, true).state()).as("a stopped connector stays stopped")
                .isEqualTo(State.STOPPED);
    }

    @Test
    void healthNeedsARestoredAndResponsiveWorker() {
        assertThat(worker.isReady()).isTrue();
        assertThat(worker.isResponsive(Duration.ofSeconds(5))).isTrue();
        worker.close();
        assertThat(worker.isReady()).isFalse();
        assertThat(worker.isResponsive(Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void aConnectorStuckInStartDelaysNoOtherConnectorAndCanBeDeleted() throws Exception {
        worker.close();
        // A short change timeout: a change held up by the stuck start fails the test quickly.
        worker = newWorker(Set.of(), Duration.ofSeconds(10));

        Herder.Created stuck = worker.putConnectorConfig("stuck", stall("stuck"), false, TargetState.STARTED);

        assertThat(stuck.created()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dataDir.resolve("stuck.started")));
        assertThat(Files.readString(dataDir.resolve("stuck.started"))).as("the plugin's own connector thread")
                .isEqualTo("connector-stuck");
        assertThat(state("stuck")).as("still in start").isEqualTo(State.UNASSIGNED);
        assertThat(worker.isResponsive(Duration.ofSeconds(1))).isTrue();
        assertThat(worker.putConnectorConfig("other", vault("other"), false, TargetState.STARTED).created()).isTrue();
        assertThat(state("other")).isEqualTo(State.RUNNING);
        worker.pauseConnector("other");
        worker.deleteConnector("other");
        assertThat(worker.connectorNames()).containsExactly("stuck");

        worker.deleteConnector("stuck");

        assertThat(worker.connectorNames()).isEmpty();
        assertThat(dataDir.resolve("stuck.stopped")).as("stop waits for start to return").doesNotExist();
        release("stuck");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dataDir.resolve("stuck.stopped")));
        assertThat(Files.readString(dataDir.resolve("stuck.stopped"))).as("start and stop on one thread")
                .isEqualTo("connector-stuck");
        assertThat(dataDir.resolve("stuck.configs")).as("an abandoned instance is asked for no task configs")
                .doesNotExist();
    }

    @Test
    void aConnectorStuckInStartCanBeReconfiguredAndRunsWithTheNewConfig() throws Exception {
        worker.putConnectorConfig("s", stall("s"), false, TargetState.STARTED);
        assertThat(state("s")).isEqualTo(State.UNASSIGNED);

        Map<String, String> fixed = stall("s");
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
        fixed.put(StallPlugin.DIR, elsewhere.toString());
        Files.writeString(elsewhere.resolve("s.release"), "");
        worker.putConnectorConfig("s", fixed, true, TargetState.STARTED);

        assertThat(state("s")).isEqualTo(State.RUNNING);
        assertThat(worker.connectorInfo("s").config()).containsEntry(StallPlugin.DIR, elsewhere.toString());
        assertThat(Files.readString(elsewhere.resolve("s.started"))).as("SourceConnector's thread promise")
                .isEqualTo("connector-s");
        assertThat(Files.readString(elsewhere.resolve("s.configs"))).isEqualTo("connector-s");
        release("s");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dataDir.resolve("s.stopped")));
        assertThat(state("s")).as("the abandoned instance does not touch the new one").isEqualTo(State.RUNNING);
    }

    @Test
    void aChangeThatTimedOutWaitingIsNeverAppliedLater() throws Exception {
        worker.close();
        worker = newWorker(Set.of(), Duration.ofMillis(200));
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> worker.onConnectorThread(() -> {
            holding.countDown();
            hold.await();
            return null;
        }));
        holder.start();
        holding.await();

        assertThatThrownBy(() -> worker.putConnectorConfig("late", vault("late"), false, TargetState.STARTED))
                .isInstanceOf(WorkerTimeoutException.class).hasMessageContaining("not applied");
        hold.countDown();
        holder.join();

        assertThat(worker.isResponsive(Duration.ofSeconds(5))).as("every change queued before has run").isTrue();
        assertThat(worker.connectorNames()).doesNotContain("late");
        Path stored = dataDir.resolve(FileConnectorConfigStore.FILE_NAME);
        assertThat(Files.exists(stored) ? Files.readString(stored) : "").doesNotContain("late");
        assertThat(worker.putConnectorConfig("late", vault("late"), false, TargetState.STARTED).created())
                .as("a retry is a fresh change").isTrue();
    }

    @Test
    void aWorkerRestartedWithStoredConfigsThatCannotStartRunsAndShowsThemFailed() throws Exception {
        worker.putConnectorConfig("good", vault("good"), false, TargetState.STARTED);
        worker.close();
        release("huge");
        try (FileConnectorConfigStore store = new FileConnectorConfigStore(dataDir.resolve(FileConnectorConfigStore.FILE_NAME))) {
            Map<String, String> huge = stall("huge");
            huge.put("tasks.max", "2147483647");
            store.put("huge", new StoredConnector(huge, TargetState.STARTED));
            Map<String, String> invalid = vault("invalid");
            invalid.put(VaultPlugin.MODE, "DELETE");
            store.put("invalid", new StoredConnector(invalid, TargetState.STARTED));
        }

        worker = newWorker();

        assertThat(worker.isReady()).isTrue();
        assertThat(state("good")).isEqualTo(State.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> state("huge") == State.FAILED);
        assertThat(worker.connectorStatus("huge").trace()).as("its reason, whichever check refuses it first")
                .containsAnyOf("tasks.max", "OutOfMemoryError");
        ConnectorStatus invalid = worker.connectorStatus("invalid");
        assertThat(invalid.state()).isEqualTo(State.FAILED);
        assertThat(invalid.trace()).contains(VaultPlugin.MODE).doesNotContain(TOKEN);

        worker.deleteConnector("huge");
        Map<String, String> fixed = vault("invalid");
        worker.putConnectorConfig("invalid", fixed, true, TargetState.STARTED);
        assertThat(state("invalid")).isEqualTo(State.RUNNING);
        restartWorker();
        assertThat(worker.connectorNames()).containsExactly("good", "invalid");
        assertThat(state("invalid")).isEqualTo(State.RUNNING);
    }
}
