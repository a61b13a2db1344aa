package dev.tributary.pulsario;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds a Tributary connector in the archive by class name or alias ({@code kinesis},
 * {@code datagen}), the names the runtime's {@code connector.class} takes. The archive is one
 * class loader, so a plain {@link ServiceLoader} over it sees every connector it bundles.
 */
final class ConnectorLookup {
    private ConnectorLookup() {
    }

    /**
     * A new, unstarted connector.
     *
     * @param key the config key that named it, for the message
     * @throws ConfigException when no bundled connector has that name, listing those that are bundled
     */
    static SourceConnector newConnector(String key, String classOrAlias, ClassLoader loader) {
        if (classOrAlias == null || classOrAlias.isBlank()) {
            throw new ConfigException(key + ": is required; name the Tributary connector to run, such as "
                    + String.join(" or ", aliases(loader)));
        }
        String wanted = classOrAlias.trim();
        for (ServiceLoader.Provider<SourceConnector> provider
                : ServiceLoader.load(SourceConnector.class, loader).stream().toList()) {
            Class<? extends SourceConnector> type = provider.type();
            if (type.getName().equals(wanted) || PluginRegistry.aliasOf(type).equalsIgnoreCase(wanted)) {
                return provider.get();
            }
        }
        throw new ConfigException(key + ": '" + wanted + "' is not in this archive; it holds "
                + String.join(", ", aliases(loader)));
    }

    private static List<String> aliases(ClassLoader loader) {
        return ServiceLoader.load(SourceConnector.class, loader).stream()
                .map(p -> PluginRegistry.aliasOf(p.type())).sorted().toList();
    }
}
