package dev.tributary.runtime.rest;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.Password;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.worker.ConnectorExistsException;
import dev.tributary.runtime.worker.ConnectorInfo;
import dev.tributary.runtime.worker.ConnectorStateException;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.Herder;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.UnknownConnectorException;
import dev.tributary.runtime.worker.WorkerTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A herder that keeps connectors in memory with one task each and records what it was asked, so
 * that REST tests check routing, parsing and JSON without a worker. A config key named
 * {@code secret} is masked, as a sensitive key would be; a config holding {@code invalid=true}
 * fails validation.
 */
final class FakeHerder implements Herder {
    static final String WORKER = "127.0.0.1:8083";

    final Map<String, Map<String, String>> configs = new TreeMap<>();
    final Map<String, TargetState> targets = new TreeMap<>();
    final Map<String, Map<SourcePartition, SourceOffset>> offsets = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    State taskState = State.RUNNING;
    boolean ready = true;
    boolean timeOut;
    // As a group worker answers while no worker runs the connector's tasks.
    boolean rebalancing;

    @Override
    public synchronized List<String> connectorNames() {
        return List.copyOf(configs.keySet());
    }

    @Override
    public synchronized ConnectorInfo connectorInfo(String name) {
        Map<String, String> config = require(name);
        Map<String, String> masked = new LinkedHashMap<>(config);
        masked.computeIfPresent("secret", (k, v) -> Password.HIDDEN);
        List<ConnectorInfo.TaskInfo> tasks = targets.get(name) == TargetState.STOPPED ? List.of()
                : List.of(new ConnectorInfo.TaskInfo(0, Map.of("task.index", "0")));
        return new ConnectorInfo(name, masked, tasks);
    }

    @Override
    public synchronized ConnectorStatus connectorStatus(String name) {
        if (!configs.containsKey(name)) {
            throw new UnknownConnectorException("No status found for connector " + name);
        }
        return switch (targets.get(name)) {
            case STOPPED -> new ConnectorStatus(name, State.STOPPED, null, WORKER, List.of());
            case PAUSED -> new ConnectorStatus(name, State.PAUSED, null, WORKER,
                    List.of(new TaskStatus(0, State.PAUSED, null, WORKER)));
            case STARTED -> new ConnectorStatus(name, State.RUNNING, null, WORKER,
                    List.of(new TaskStatus(0, taskState, taskState == State.FAILED ? "boom" : null, WORKER)));
        };
    }

    @Override
    public TaskStatus taskStatus(String name, int task) {
        return connectorStatus(name).tasks().stream().filter(t -> t.id() == task).findFirst()
                .orElseThrow(() -> new UnknownConnectorException("No status found for task " + name + "-" + task));
    }

    @Override
    public synchronized Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
            TargetState initialState) {
        calls.add("put " + name + " " + initialState);
        if (timeOut) {
            throw new WorkerTimeoutException("the connector change did not finish in time", null);
        }
        boolean exists = configs.containsKey(name);
        if (exists && !allowReplace) {
            throw new ConnectorExistsException("Connector " + name + " already exists");
        }
        if ("true".equals(config.get("invalid"))) {
            throw new ConfigException(List.of("invalid: must not be true", "topic: is required"));
        }
        configs.put(name, new LinkedHashMap<>(config));
        targets.putIfAbsent(name, initialState);
        return new Created(!exists, connectorInfo(name));
    }

    @Override
    public synchronized ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch) {
        Map<String, String> config = new LinkedHashMap<>(require(name));
        patch.forEach((k, v) -> {
            if (v == null) {
                config.remove(k);
            } else {
                config.put(k, v);
            }
        });
        calls.add("patch " + name + " " + patch);
        configs.put(name, config);
        return connectorInfo(name);
    }

    @Override
    public synchronized void deleteConnector(String name) {
        require(name);
        calls.add("delete " + name);
        configs.remove(name);
        targets.remove(name);
    }

    @Override
    public synchronized void restartConnector(String name) {
        require(name);
        calls.add("restart " + name);
    }

    @Override
    public synchronized ConnectorStatus restartConnectorAndTasks(String name, boolean onlyFailed, boolean includeTasks) {
        ConnectorStatus before = connectorStatus(name);
        calls.add("restart " + name + " onlyFailed=" + onlyFailed + " includeTasks=" + includeTasks);
        List<TaskStatus> tasks = before.tasks().stream()
                .map(t -> includeTasks && (!onlyFailed || t.state() == State.FAILED)
                        ? new TaskStatus(t.id(), State.RESTARTING, null, t.workerId()) : t)
                .toList();
        return new ConnectorStatus(name, onlyFailed ? before.state() : State.RESTARTING, null, WORKER, tasks);
    }

    @Override
    public synchronized void restartTask(String name, int task) {
        taskStatus(name, task);
        if (rebalancing) {
            throw new dev.tributary.runtime.worker.RebalanceInProgressException("Cannot restart task " + name + "-" + task
                    + " now: a rebalance is under way. Retry in a few seconds");
        }
        calls.add("restart " + name + "-" + task);
    }

    @Override
    public synchronized void pauseConnector(String name) {
        require(name);
        targets.put(name, TargetState.PAUSED);
    }

    @Override
    public synchronized void resumeConnector(String name) {
        require(name);
        targets.put(name, TargetState.STARTED);
    }

    @Override
    public synchronized void stopConnector(String name) {
        require(name);
        targets.put(name, TargetState.STOPPED);
    }

    @Override
    public synchronized Map<SourcePartition, SourceOffset> connectorOffsets(String name) {
        require(name);
        return Map.copyOf(offsets.getOrDefault(name, Map.of()));
    }

    @Override
    public synchronized void alterConnectorOffsets(String name, Map<SourcePartition, SourceOffset> write,
            Collection<SourcePartition> remove) {
        require(name);
        requireStopped(name);
        Map<SourcePartition, SourceOffset> current = offsets.computeIfAbsent(name, n -> new LinkedHashMap<>());
        remove.forEach(current::remove);
        current.putAll(write);
        calls.add("alter " + name + " write=" + write + " remove=" + remove);
    }

    @Override
    public synchronized void resetConnectorOffsets(String name) {
        require(name);
        requireStopped(name);
        offsets.remove(name);
        calls.add("reset " + name);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public boolean isResponsive(Duration timeout) {
        return !timeOut;
    }

    private void requireStopped(String name) {
        if (targets.get(name) != TargetState.STOPPED) {
            throw new ConnectorStateException("Connectors must be in the STOPPED state before their offsets can be modified.");
        }
    }

    private Map<String, String> require(String name) {
        Map<String, String> config = configs.get(name);
        if (config == null) {
            throw new UnknownConnectorException("Connector " + name + " not found");
        }
        return config;
    }
}
