package dev.tributary.pulsario;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A connector for tests: {@code tasks} tasks (at most maxTasks); task {@code t} emits
 * {@code records} records of partition {@code p<t>} with offsets {@code seq}, resuming after its
 * committed offset, all in its first poll.
 */
final class ScriptedConnector implements SourceConnector {
    static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder("records", ConfigType.INT).required().doc("records per task").build())
            .field(ConfigField.builder("tasks", ConfigType.INT).defaultValue("1024").doc("task count").build())
            .field(ConfigField.builder("token", ConfigType.PASSWORD).sensitive().doc("a secret; with failPoll, the"
                    + " task's poll fails naming it").build())
            .field(ConfigField.builder("failPoll", ConfigType.BOOLEAN).defaultValue("false").doc("poll throws").build())
            .build();

    final List<Map<SourcePartition, SourceOffset>> committed = new CopyOnWriteArrayList<>();
    final List<Integer> startedTasks = new CopyOnWriteArrayList<>();
    volatile boolean stopped;
    /** The thread of each connector call, in call order, to check the SPI's one-connector-thread promise. */
    final List<String> connectorThreads = new CopyOnWriteArrayList<>();
    private Map<String, String> config;

    static SourcePartition partition(int task) {
        return SourcePartition.of("p", task);
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> config) {
        connectorThreads.add(Thread.currentThread().getName());
        this.config = config;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        connectorThreads.add(Thread.currentThread().getName());
        int tasks = Math.min(maxTasks, Integer.parseInt(config.getOrDefault("tasks", "1024")));
        List<Map<String, String>> configs = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            configs.add(Map.of("task", Integer.toString(t), "records", config.get("records"),
                    "token", config.getOrDefault("token", ""), "failPoll", config.getOrDefault("failPoll", "false")));
        }
        return configs;
    }

    @Override
    public SourceTask createTask() {
        return new SourceTask() {
            private int task;
            private long next;
            private long end;
            private Map<String, String> taskConfig;

            @Override
            public void start(SourceTaskContext context) {
                taskConfig = context.config();
                task = Integer.parseInt(context.config().get("task"));
                startedTasks.add(task);
                next = context.offsetReader().offset(partition(task)).map(o -> o.getLong("seq", -1) + 1).orElse(0L);
                end = Long.parseLong(context.config().get("records"));
            }

            @Override
            public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
                if (Boolean.parseBoolean(taskConfig.get("failPoll"))) {
                    throw new IllegalStateException("the source rejected token " + taskConfig.get("token"));
                }
                if (next >= end) {
                    Thread.sleep(20);
                    return List.of();
                }
                List<SourceRecord> records = new ArrayList<>();
                for (; next < end; next++) {
                    records.add(new SourceRecord(partition(task), SourceOffset.of("seq", next), null,
                            "k" + task, ("v" + next).getBytes(StandardCharsets.UTF_8), Map.of("n", Long.toString(next)),
                            Instant.ofEpochMilli(1000 + next)));
                }
                return records;
            }

            @Override
            public void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
                committed.add(offsets);
            }

            @Override
            public void stop() {
            }
        };
    }

    @Override
    public void stop() {
        connectorThreads.add(Thread.currentThread().getName());
        stopped = true;
    }
}
