package dev.tributary.runtime.rest;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.worker.ConnectorInfo;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.Herder;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.UnknownConnectorException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link Herder} as REST callers see it: every config change is first held to the operator's
 * {@link ConnectorConfigPolicy}, then passed on; everything else is passed on unchanged.
 *
 * <p>The values a change is compared with are the stored config as read just before the change
 * (masked, which is enough: the policy checks endpoint and file keys, and a masked secret sent back
 * as {@code [hidden]} equals its stored mask). Threads: as the delegate's.
 */
final class PolicyCheckedHerder implements Herder {
    private final Herder delegate;
    private final ConnectorConfigPolicy policy;
    private final Function<String, Optional<ConfigSchema>> schemas;

    /**
     * @param schemas the schema of the connector that a {@code connector.class} value names; empty
     *     when no such connector is installed
     */
    PolicyCheckedHerder(Herder delegate, ConnectorConfigPolicy policy, Function<String, Optional<ConfigSchema>> schemas) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.schemas = requireNonNull(schemas, "schemas is null");
    }

    @Override
    public Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace,
            TargetState initialState) {
        requireNonNull(config, "config is null");
        policy.check(storedOrEmpty(name), config, schemaOf(config));
        return delegate.putConnectorConfig(name, config, allowReplace, initialState);
    }

    @Override
    public ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch) {
        requireNonNull(patch, "patch is null");
        Map<String, String> stored = delegate.connectorInfo(name).config();
        Map<String, String> merged = new LinkedHashMap<>(stored);
        Map<String, String> set = new LinkedHashMap<>();
        patch.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
                set.put(key, value);
            }
        });
        policy.check(stored, set, schemaOf(merged));
        return delegate.patchConnectorConfig(name, patch);
    }

    private Map<String, String> storedOrEmpty(String name) {
        try {
            return delegate.connectorInfo(name).config();
        } catch (UnknownConnectorException e) {
            return Map.of();
        }
    }

    private Optional<ConfigSchema> schemaOf(Map<String, String> config) {
        String connectorClass = config.get(ConnectorConfig.CONNECTOR_CLASS);
        return connectorClass == null || connectorClass.isBlank() ? Optional.empty() : schemas.apply(connectorClass.trim());
    }

    @Override
    public List<String> connectorNames() {
        return delegate.connectorNames();
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        return delegate.connectorInfo(name);
    }

    @Override
    public ConnectorStatus connectorStatus(String name) {
        return delegate.connectorStatus(name);
    }

    @Override
    public TaskStatus taskStatus(String name, int task) {
        return delegate.taskStatus(name, task);
    }

    @Override
    public void deleteConnector(String name) {
        delegate.deleteConnector(name);
    }

    @Override
    public void restartConnector(String name) {
        delegate.restartConnector(name);
    }

    @Override
    public ConnectorStatus restartConnectorAndTasks(String name, boolean onlyFailed, boolean includeTasks) {
        return delegate.restartConnectorAndTasks(name, onlyFailed, includeTasks);
    }

    @Override
    public void restartTask(String name, int task) {
        delegate.restartTask(name, task);
    }

    @Override
    public void pauseConnector(String name) {
        delegate.pauseConnector(name);
    }

    @Override
    public void resumeConnector(String name) {
        delegate.resumeConnector(name);
    }

    @Override
    public void stopConnector(String name) {
        delegate.stopConnector(name);
    }

    @Override
    public Map<SourcePartition, SourceOffset> connectorOffsets(String name) {
        return delegate.connectorOffsets(name);
    }

    @Override
    public void alterConnectorOffsets(String name, Map<SourcePartition, SourceOffset> write,
            Collection<SourcePartition> remove) {
        delegate.alterConnectorOffsets(name, write, remove);
    }

    @Override
    public void resetConnectorOffsets(String name) {
        delegate.resetConnectorOffsets(name);
    }

    @Override
    public boolean isReady() {
        return delegate.isReady();
    }

    @Override
    public boolean isResponsive(Duration timeout) {
        return delegate.isResponsive(timeout);
    }
}
