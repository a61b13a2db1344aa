package dev.tributary.runtime.metrics;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.metrics.PluginMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * One task's {@link PluginMetrics}: names get the {@code tributary_} prefix, labels get the task's
 * {@code connector} and {@code task}, and {@link #removeAll()} drops everything the task
 * registered when it stops. Thread-safe.
 */
public final class TaskPluginMetrics implements PluginMetrics {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final MetricsRegistry registry;
    private final String connector;
    private final int taskId;
    private final Set<Map.Entry<String, Map<String, String>>> registered = ConcurrentHashMap.newKeySet();

    public TaskPluginMetrics(MetricsRegistry registry, String connector, int taskId) {
        this.registry = requireNonNull(registry, "registry is null");
        this.connector = requireNonNull(connector, "connector is null");
        this.taskId = taskId;
    }

    @Override
    public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
        Map.Entry<String, Map<String, String>> key = key(name, labels);
        requireNonNull(value, "value is null");
        replacing(key);
        registry.register(key.getKey(), help, key.getValue(), value);
        registered.add(key);
    }

    @Override
    public void counter(String name, String help, Map<String, String> labels, DoubleSupplier total) {
        Map.Entry<String, Map<String, String>> key = key(name, labels);
        requireNonNull(total, "total is null");
        replacing(key);
        registry.registerCounter(key.getKey(), help, key.getValue(), total);
        registered.add(key);
    }

    @Override
    public void remove(String name, Map<String, String> labels) {
        Map.Entry<String, Map<String, String>> key = key(name, labels);
        registry.unregister(key.getKey(), key.getValue());
        registered.remove(key);
    }

    /** The SPI promises that registering a series again replaces it: this task's own earlier one goes first. */
    private synchronized void replacing(Map.Entry<String, Map<String, String>> key) {
        if (registered.remove(key)) {
            registry.unregister(key.getKey(), key.getValue());
        }
    }

    /** Drops every metric this task registered. */
    public void removeAll() {
        for (Map.Entry<String, Map<String, String>> key : registered) {
            registry.unregister(key.getKey(), key.getValue());
        }
        registered.clear();
    }

    private Map.Entry<String, Map<String, String>> key(String name, Map<String, String> labels) {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' must match [a-z][a-z0-9_]*");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("connector", connector);
        all.put("task", Integer.toString(taskId));
        all.putAll(requireNonNull(labels, "labels is null"));
        return Map.entry("tributary_" + name, Map.copyOf(all));
    }
}
