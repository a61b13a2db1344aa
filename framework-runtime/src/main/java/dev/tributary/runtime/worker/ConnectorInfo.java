package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connector's config and its tasks' configs, with every secret masked, ready to be shown.
 *
 * @param name the connector's name
 * @param config its config, secrets shown as {@code [hidden]}
 * @param tasks its tasks, by id; empty while it is STOPPED
 */
public record ConnectorInfo(String name, Map<String, String> config, List<TaskInfo> tasks) {
    public ConnectorInfo {
        requireNonNull(name, "name is null");
        config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
        tasks = List.copyOf(tasks);
    }

    /**
     * One task's config, with every secret masked.
     *
     * @param id the task's number
     * @param config the config the connector gave it, secrets shown as {@code [hidden]}
     */
    public record TaskInfo(int id, Map<String, String> config) {
        public TaskInfo {
            config = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(config, "config is null")));
        }
    }
}
