package dev.tributary.runtime.datagen;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The built-in {@code datagen} source: synthetic records at a chosen rate, size and key
 * cardinality, for demos, tests and benchmarks. {@link DatagenSourceTask} describes the records.
 *
 * <p>{@link #taskConfigs} shares the work among the tasks. Each task gets {@code rate / tasks}
 * records per second, or, for a whole-number rate of at least one per task, a whole share with the
 * remainder going one each to the first tasks, so that the shares add up to {@code rate} exactly.
 * Each task gets {@code count / tasks} records of a bounded {@code count}, the remainder again going
 * one each to the first tasks; a bounded count smaller than {@code tasks.max} runs one task per record.
 * Each task config also holds {@code task.index}, the task's number from 0.
 *
 * <p>Threads and errors: as {@link SourceConnector} says. An invalid config fails {@link #start}
 * with a {@link dev.tributary.api.config.ConfigException} that lists every problem.
 */
public final class DatagenSourceConnector implements SourceConnector {
    private Config config;

    /** Created by the runtime through {@link java.util.ServiceLoader}. */
    public DatagenSourceConnector() {
    }

    /** The version in the jar's manifest, or {@code development} when run from classes. */
    @Override
    public String version() {
        return Objects.requireNonNullElse(DatagenSourceConnector.class.getPackage().getImplementationVersion(),
                "development");
    }

    @Override
    public ConfigSchema configSchema() {
        return DatagenConfig.CONNECTOR_SCHEMA;
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> config) {
        requireNonNull(context, "context is null");
        requireNonNull(config, "config is null");
        this.config = DatagenConfig.CONNECTOR_SCHEMA.parse(config);
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be at least 1, not " + maxTasks);
        }
        if (config == null) {
            throw new IllegalStateException("taskConfigs was called before start");
        }
        long count = config.getLong(DatagenConfig.COUNT);
        double rate = config.getDouble(DatagenConfig.RATE);
        // A task without a share of a bounded count would have nothing to do.
        int tasks = count > 0 ? (int) Math.min(maxTasks, count) : maxTasks;
        boolean wholeRate = rate == Math.rint(rate) && rate >= tasks && rate < Long.MAX_VALUE;
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, String> task = new LinkedHashMap<>();
            task.put(DatagenConfig.RATE, wholeRate ? Long.toString(share((long) rate, tasks, i))
                    : Double.toString(rate / tasks));
            task.put(DatagenConfig.RECORD_SIZE, config.getInt(DatagenConfig.RECORD_SIZE).toString());
            task.put(DatagenConfig.KEY_CARDINALITY, config.getInt(DatagenConfig.KEY_CARDINALITY).toString());
            task.put(DatagenConfig.COUNT, Long.toString(count == 0 ? 0 : share(count, tasks, i)));
            task.put(DatagenConfig.BATCH_SIZE, config.getInt(DatagenConfig.BATCH_SIZE).toString());
            task.put(DatagenConfig.LARGE_RECORD_EVERY, config.getLong(DatagenConfig.LARGE_RECORD_EVERY).toString());
            task.put(DatagenConfig.LARGE_RECORD_SIZE, config.getInt(DatagenConfig.LARGE_RECORD_SIZE).toString());
            task.put(DatagenConfig.TASK_INDEX, Integer.toString(i));
            configs.add(Map.copyOf(task));
        }
        return List.copyOf(configs);
    }

    /** Task {@code index}'s share of {@code total}: an equal part, plus one for the first {@code total % tasks}. */
    static long share(long total, int tasks, int index) {
        return total / tasks + (index < total % tasks ? 1 : 0);
    }

    @Override
    public SourceTask createTask() {
        return new DatagenSourceTask();
    }

    @Override
    public void stop() {
        config = null;
    }
}
