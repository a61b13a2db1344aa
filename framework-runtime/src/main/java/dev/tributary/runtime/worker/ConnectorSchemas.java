package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The config schemas of installed connectors, looked up by a config's {@code connector.class} and
 * cached per plugin, for the herders' secret masking. A config whose plugin is not installed has
 * no schema, and is masked by key names alone. Thread-safe.
 */
public final class ConnectorSchemas {
    private final PluginRegistry plugins;
    private final Map<String, Optional<ConfigSchema>> schemas = new ConcurrentHashMap<>();

    public ConnectorSchemas(PluginRegistry plugins) {
        this.plugins = requireNonNull(plugins, "plugins is null");
    }

    /** The schema of the connector that {@code config} names, empty when its plugin is not installed. */
    public Optional<ConfigSchema> schemaOf(Map<String, String> config) {
        String connectorClass = config.get(ConnectorConfig.CONNECTOR_CLASS);
        if (connectorClass == null || connectorClass.isBlank()) {
            return Optional.empty();
        }
        return schemas.computeIfAbsent(connectorClass.trim(), c -> {
            try {
                return Optional.of(plugins.newConnector(c).configSchema());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** How to mask {@code config}'s secrets, and text derived from them. */
    public SecretMasking masking(Map<String, String> config) {
        return SecretMasking.of(schemaOf(config), config);
    }
}
