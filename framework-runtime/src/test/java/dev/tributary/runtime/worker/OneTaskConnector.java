package dev.tributary.runtime.worker;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import java.util.List;
import java.util.Map;

/** A connector with no keys and one task config, whose every task is the given instance. */
final class OneTaskConnector implements SourceConnector {
    private final SourceTask task;

    OneTaskConnector(SourceTask task) {
        this.task = task;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.builder().build();
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> config) {
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of());
    }

    @Override
    public SourceTask createTask() {
        return task;
    }

    @Override
    public void stop() {
    }
}
