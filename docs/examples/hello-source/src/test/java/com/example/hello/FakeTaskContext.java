package com.example.hello;

import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.metrics.PluginMetrics;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * What the runtime would give a task, held in memory: a config, the offsets a test says were
 * committed, and the metrics the task registers. No runtime, no Pulsar.
 */
final class FakeTaskContext implements SourceTaskContext {
    private final String connectorName;
    private final int taskId;
    private final Map<String, String> config;
    private final Map<SourcePartition, SourceOffset> committed = new LinkedHashMap<>();
    private final Map<String, DoubleSupplier> metrics = new ConcurrentHashMap<>();

    FakeTaskContext(String connectorName, int taskId, Map<String, String> config) {
        this.connectorName = connectorName;
        this.taskId = taskId;
        this.config = Map.copyOf(config);
    }

    /** As if an earlier run of the task had this offset committed. */
    FakeTaskContext withCommitted(SourcePartition partition, SourceOffset offset) {
        committed.put(partition, offset);
        return this;
    }

    /** The current value of a metric the task registered, by its name without the runtime's prefix. */
    double metric(String name) {
        DoubleSupplier value = metrics.get(name);
        if (value == null) {
            throw new AssertionError("the task registered no metric " + name + "; it has " + metrics.keySet());
        }
        return value.getAsDouble();
    }

    @Override
    public String connectorName() {
        return connectorName;
    }

    @Override
    public int taskId() {
        return taskId;
    }

    @Override
    public Map<String, String> config() {
        return config;
    }

    @Override
    public OffsetReader offsetReader() {
        return new OffsetReader() {
            @Override
            public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
                Map<SourcePartition, SourceOffset> found = new LinkedHashMap<>();
                partitions.stream().filter(committed::containsKey).forEach(p -> found.put(p, committed.get(p)));
                return found;
            }

            @Override
            public Map<SourcePartition, SourceOffset> allOffsets() {
                return Map.copyOf(committed);
            }
        };
    }

    @Override
    public void commitOffset(SourcePartition partition, SourceOffset offset) {
        throw new AssertionError("the hello task carries every offset in a record");
    }

    @Override
    public PluginMetrics metrics() {
        return new PluginMetrics() {
            @Override
            public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
                metrics.put(name, value);
            }

            @Override
            public void counter(String name, String help, Map<String, String> labels, DoubleSupplier total) {
                metrics.put(name, total);
            }

            @Override
            public void remove(String name, Map<String, String> labels) {
                metrics.remove(name);
            }
        };
    }
}
