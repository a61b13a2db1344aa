package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.config.ConfigException;
import dev.tributary.offsets.MemoryOffsetStore;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.rest.VaultPlugin;
import dev.tributary.runtime.sink.FencingClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task side on its own, as a distributed herder uses it: a connector instance that only
 * reports its task configs, tasks started one by one without their instance, and one task stopped
 * or restarted while the others run. The {@code vault} test connector's tasks send nothing, so no
 * Pulsar broker is needed.
 */
class WorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path plugins;
    @TempDir
    static Path work;
    private static PluginRegistry registry;
    private static PulsarClient pulsar;

    private Worker worker;

    @BeforeAll
    static void buildPlugins() throws Exception {
        VaultPlugin.build(plugins, work);
        registry = PluginRegistry.discover(List.of(plugins));
        pulsar = PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1").build();
    }

    @AfterAll
    static void closeClient() throws Exception {
        pulsar.close();
    }

    @BeforeEach
    void setUp(@TempDir Path dataDir) {
        WorkerConfig config = WorkerConfig.fromMap(Map.of("data.dir", dataDir.toString(), "offset.store", "memory",
                "task.shutdown.timeout.ms", "2000"));
        worker = new Worker(new WorkerServices(config, registry, new MemoryOffsetStore(), pulsar,
                new FencingClient(() -> pulsar), new MetricsRegistry(), Clock.systemUTC(), "test:1"));
    }

    @AfterEach
    void tearDown() {
        worker.close();
    }

    private static ConnectorConfig vault(String name) {
        return ConnectorConfig.fromFlat(Map.of("name", name, "connector.class", "vault", "topic", "t",
                VaultPlugin.TOKEN, "tok-1", VaultPlugin.PATH, "/kv/" + name));
    }

    private State taskState(String connector, int id) {
        return worker.taskStatuses(connector).stream().filter(t -> t.id() == id).map(TaskStatus::state)
                .findFirst().orElse(null);
    }

    @Test
    void aConnectorInstanceReportsItsTaskConfigsWithoutRunningTasks() {
        List<List<Map<String, String>>> reports = new CopyOnWriteArrayList<>();
        worker.startConnector(vault("solo"), TargetState.STARTED, (name, configs) -> reports.add(configs));

        await().atMost(WAIT).until(() -> reports.size() == 1);
        assertThat(reports.get(0)).singleElement().satisfies(c ->
                assertThat(c).containsEntry("path", "/kv/solo").containsEntry("credentials", "token=tok-1"));
        assertThat(worker.connectorTaskConfigs("solo")).isEqualTo(reports.get(0));
        ConnectorStatus status = worker.connectorStatus("solo").orElseThrow();
        assertThat(status.state()).isEqualTo(State.RUNNING);
        assertThat(status.workerId()).isEqualTo("test:1");
        assertThat(status.tasks()).isEmpty();
        assertThat(worker.taskConfigs("solo")).isEmpty();

        assertThat(worker.stopConnector("solo")).isTrue();
        assertThat(worker.isConnectorRunning("solo")).isFalse();
        assertThat(worker.connectorStatus("solo")).isEmpty();
        assertThat(worker.stopConnector("solo")).isFalse();
        assertThat(reports).hasSize(1);
    }

    @Test
    void aConnectorInstanceStartedTwiceOnOneWorkerIsRefused() {
        worker.startConnector(vault("twice"), TargetState.STARTED, (name, configs) -> { });
        assertThatThrownBy(() -> worker.startConnector(vault("twice"), TargetState.STARTED, (name, configs) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> worker.startConnector(vault("stopped"), TargetState.STOPPED, (name, configs) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetState");
    }

    @Test
    void aTaskStartsAloneWithTheConfigItWasGiven() {
        assertThat(worker.startTask(vault("alone"), 2, Map.of("path", "/kv/alone", "mode", "READ"), TargetState.STARTED))
                .isTrue();

        await().atMost(WAIT).until(() -> taskState("alone", 2) == State.RUNNING);
        assertThat(worker.taskStatuses("alone")).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(2);
            assertThat(t.workerId()).isEqualTo("test:1");
        });
        assertThat(worker.taskConfigs("alone")).isEqualTo(Map.of(2, Map.of("path", "/kv/alone", "mode", "READ")));
        assertThat(worker.isConnectorRunning("alone")).isFalse();
        assertThat(worker.connectorStatus("alone")).isEmpty();
        assertThat(worker.offsets("alone")).hasValue(Map.of());
        assertThat(worker.startTask(vault("alone"), 2, Map.of("path", "/other"), TargetState.STARTED)).isFalse();
        assertThat(worker.taskConfigs("alone").get(2)).containsEntry("path", "/kv/alone");
    }

    @Test
    void aTaskStartedPausedPollsOnlyOnceResumed() {
        worker.startTask(vault("later"), 0, Map.of("path", "/kv/later"), TargetState.PAUSED);
        await().atMost(WAIT).until(() -> taskState("later", 0) == State.PAUSED);

        worker.resume("later");
        await().atMost(WAIT).until(() -> taskState("later", 0) == State.RUNNING);
    }

    @Test
    void oneTaskStopsOrRestartsWhileTheOthersRun() {
        for (int id = 0; id < 3; id++) {
            worker.startTask(vault("three"), id, Map.of("path", "/kv/three", "n", String.valueOf(id)), TargetState.STARTED);
        }
        await().atMost(WAIT).until(() -> worker.taskStatuses("three").stream().allMatch(t -> t.state() == State.RUNNING)
                && worker.taskStatuses("three").size() == 3);

        assertThat(worker.stopTask("three", 0)).isTrue();
        assertThat(worker.taskConfigs("three")).containsOnlyKeys(1, 2);
        assertThat(worker.stopTask("three", 0)).isFalse();

        assertThat(worker.restartTask("three", 1)).isTrue();
        assertThat(worker.taskConfigs("three").get(1)).containsEntry("n", "1");
        await().atMost(WAIT).until(() -> taskState("three", 1) == State.RUNNING);
        assertThat(taskState("three", 2)).isEqualTo(State.RUNNING);
        assertThat(worker.restartTask("three", 7)).isFalse();
        assertThat(worker.restartTask("unknown", 0)).isFalse();
    }

    @Test
    void aConnectorWithoutItsPluginIsRefusedWithTheKeyToFix() {
        ConnectorConfig missing = ConnectorConfig.fromFlat(Map.of("name", "gone", "connector.class", "com.example.NoSuchConnector",
                "topic", "t"));
        assertThatThrownBy(() -> worker.startConnector(missing, TargetState.STARTED, (name, configs) -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connector.class");
        assertThat(worker.connectors()).isEmpty();
    }

    @Test
    void aClosedWorkerStopsItsTasksAndStartsNoMore() {
        worker.startTask(vault("closing"), 0, Map.of("path", "/kv/closing"), TargetState.STARTED);
        await().atMost(WAIT).until(() -> taskState("closing", 0) == State.RUNNING);

        worker.close();
        assertThat(worker.connectors()).isEmpty();
        assertThatThrownBy(() -> worker.startTask(vault("closing"), 1, Map.of(), TargetState.STARTED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shutting down");
    }
}
