package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

/**
 * A plugin that was found: its class, alias, version, and where it came from.
 *
 * @param className the implementation's class name
 * @param alias the short name operators may use instead, such as {@code kinesis}
 * @param version the plugin's own version
 * @param type what kind of plugin it is
 * @param location the plugin directory, or {@code classpath}
 * @param loader the class loader that loaded it
 */
public record PluginDescriptor(
        String className, String alias, String version, PluginType type, String location, ClassLoader loader) {
    public PluginDescriptor {
        requireNonNull(className, "className is null");
        requireNonNull(alias, "alias is null");
        requireNonNull(version, "version is null");
        requireNonNull(type, "type is null");
        requireNonNull(location, "location is null");
        requireNonNull(loader, "loader is null");
    }
}
