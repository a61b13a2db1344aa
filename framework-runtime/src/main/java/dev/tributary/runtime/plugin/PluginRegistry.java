package dev.tributary.runtime.plugin;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetStoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors and offset stores this worker can run, found with {@link ServiceLoader} on the
 * class path and in each directory of {@code plugin.path}.
 *
 * <p>Every entry of a {@code plugin.path} directory is one plugin: a sub-directory (all its jars
 * together) or a single jar. Each plugin gets its own {@link PluginClassLoader}. Instances are
 * returned wrapped, so that every call into plugin code runs with the plugin's class loader as
 * the thread's context class loader. Thread-safe once built.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, Found<SourceConnector>> connectors;
    private final Map<String, Found<OffsetStoreProvider>> offsetStores;

    private record Found<T>(PluginDescriptor descriptor, Class<? extends T> type) {
    }

    private PluginRegistry(Map<String, Found<SourceConnector>> connectors,
            Map<String, Found<OffsetStoreProvider>> offsetStores) {
        this.connectors = connectors;
        this.offsetStores = offsetStores;
    }

    /** Scans the class path and every directory of {@code pluginPath}. */
    public static PluginRegistry discover(List<Path> pluginPath) {
        requireNonNull(pluginPath, "pluginPath is null");
        ClassLoader runtimeLoader = PluginRegistry.class.getClassLoader();
        ClassLoader spiLoader = SourceConnector.class.getClassLoader();
        Map<String, Found<SourceConnector>> connectors = new LinkedHashMap<>();
        Map<String, Found<OffsetStoreProvider>> stores = new LinkedHashMap<>();
        scan(runtimeLoader, "classpath", connectors, stores);
        for (Path dir : pluginPath) {
            for (Path plugin : pluginsIn(dir)) {
                scan(new PluginClassLoader(plugin, urlsOf(plugin), spiLoader), plugin.toString(), connectors, stores);
            }
        }
        return new PluginRegistry(connectors, stores);
    }

    /** The installed connectors, sorted by alias. */
    public List<PluginDescriptor> connectors() {
        return connectors.values().stream().map(Found::descriptor)
                .sorted(Comparator.comparing(PluginDescriptor::alias)).toList();
    }

    /** The installed offset stores, sorted by name. */
    public List<PluginDescriptor> offsetStores() {
        return offsetStores.values().stream().map(Found::descriptor)
                .sorted(Comparator.comparing(PluginDescriptor::alias)).toList();
    }

    /** The connector named by class name or alias, if installed. */
    public Optional<PluginDescriptor> findConnector(String classOrAlias) {
        return lookup(connectors, classOrAlias).map(Found::descriptor);
    }

    /**
     * A new instance of the connector named by class name or alias, wrapped so that every call
     * runs with its class loader.
     *
     * @throws ConfigException naming {@code connector.class} when no such connector is installed
     */
    public SourceConnector newConnector(String classOrAlias) {
        Found<SourceConnector> found = lookup(connectors, classOrAlias)
                .orElseThrow(() -> new ConfigException(notInstalled("connector.class", classOrAlias, connectors)));
        return new IsolatedConnector(instantiate(found), found.descriptor().loader());
    }

    /**
     * A new instance of the offset store provider called {@code name}.
     *
     * @throws ConfigException naming {@code offset.store} when no such store is installed
     */
    public OffsetStoreProvider newOffsetStoreProvider(String name) {
        Found<OffsetStoreProvider> found = lookup(offsetStores, name)
                .orElseThrow(() -> new ConfigException(notInstalled("offset.store", name, offsetStores)));
        return new IsolatedOffsetStoreProvider(instantiate(found), found.descriptor().loader());
    }

    private static <T> Optional<Found<T>> lookup(Map<String, Found<T>> plugins, String classOrAlias) {
        if (classOrAlias == null) {
            return Optional.empty();
        }
        Found<T> byClass = plugins.get(classOrAlias);
        if (byClass != null) {
            return Optional.of(byClass);
        }
        List<Found<T>> byAlias = plugins.values().stream()
                .filter(f -> f.descriptor().alias().equalsIgnoreCase(classOrAlias))
                .toList();
        return byAlias.size() == 1 ? Optional.of(byAlias.get(0)) : Optional.empty();
    }

    private static <T> String notInstalled(String key, String value, Map<String, Found<T>> plugins) {
        List<String> aliases = plugins.values().stream().map(f -> f.descriptor().alias()).sorted().toList();
        long sameAlias = plugins.values().stream()
                .filter(f -> f.descriptor().alias().equalsIgnoreCase(String.valueOf(value))).count();
        if (sameAlias > 1) {
            return key + ": '" + value + "' names more than one installed plugin; use the full class name: "
                    + plugins.values().stream().filter(f -> f.descriptor().alias().equalsIgnoreCase(value))
                            .map(f -> f.descriptor().className()).sorted().toList();
        }
        return key + ": '" + value + "' is not installed; installed: " + String.join(", ", aliases)
                + " (check plugin.path, or use one of these names)";
    }

    private static <T> T instantiate(Found<T> found) {
        return ContextClassLoader.call(found.descriptor().loader(), () -> {
            try {
                return found.type().getConstructor().newInstance();
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("plugin " + found.descriptor().className()
                        + " failed in its constructor: " + e.getCause(), e.getCause());
            }
        });
    }

    private static void scan(ClassLoader loader, String location,
            Map<String, Found<SourceConnector>> connectors, Map<String, Found<OffsetStoreProvider>> stores) {
        for (Class<? extends SourceConnector> type : providers(SourceConnector.class, loader, location)) {
            try {
                SourceConnector probe = instantiate(new Found<>(descriptor(type, "?", PluginType.SOURCE, location, loader), type));
                String version = ContextClassLoader.call(loader, probe::version);
                register(connectors, new Found<>(descriptor(type, version, PluginType.SOURCE, location, loader), type));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("skipping connector {} in {}: {}", type.getName(), location, e.toString());
            }
        }
        for (Class<? extends OffsetStoreProvider> type : providers(OffsetStoreProvider.class, loader, location)) {
            try {
                OffsetStoreProvider probe = instantiate(new Found<>(descriptor(type, "?", PluginType.OFFSET_STORE, location, loader), type));
                String name = ContextClassLoader.call(loader, probe::name);
                PluginDescriptor d = new PluginDescriptor(type.getName(), name, versionOf(type), PluginType.OFFSET_STORE, location, loader);
                register(stores, new Found<>(d, type));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("skipping offset store {} in {}: {}", type.getName(), location, e.toString());
            }
        }
    }

    private static <T> void register(Map<String, Found<T>> plugins, Found<T> found) {
        Found<T> earlier = plugins.putIfAbsent(found.descriptor().className(), found);
        if (earlier != null) {
            LOG.warn("{} is installed twice, in {} and in {}; using the first", found.descriptor().className(),
                    earlier.descriptor().location(), found.descriptor().location());
        } else {
            LOG.debug("found {} plugin {} ({}) in {}", found.descriptor().type().displayName(),
                    found.descriptor().alias(), found.descriptor().className(), found.descriptor().location());
        }
    }

    /** The implementations a loader lists; a broken entry is logged and skipped, so one bad plugin cannot stop the worker. */
    private static <T> List<Class<? extends T>> providers(Class<T> service, ClassLoader loader, String location) {
        List<Class<? extends T>> types = new ArrayList<>();
        ContextClassLoader.run(loader, () -> {
            var iterator = ServiceLoader.load(service, loader).stream().iterator();
            while (true) {
                try {
                    if (!iterator.hasNext()) {
                        break;
                    }
                    types.add(iterator.next().type());
                } catch (ServiceConfigurationError e) {
                    LOG.warn("skipping a {} in {}: {}", service.getSimpleName(), location, e.getMessage());
                }
            }
        });
        return types;
    }

    private static PluginDescriptor descriptor(Class<?> type, String version, PluginType kind, String location, ClassLoader loader) {
        return new PluginDescriptor(type.getName(), aliasOf(type), version, kind, location, loader);
    }

    /** {@code KinesisSourceConnector} and {@code KinesisConnector} are both {@code kinesis}. */
    public static String aliasOf(Class<?> type) {
        String name = type.getSimpleName();
        for (String suffix : List.of("SourceConnector", "Connector", "Source")) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    private static List<Path> pluginsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("plugin.path: " + dir + " is not a directory; create it or remove it from plugin.path");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list plugin directory " + dir, e);
        }
    }

    private static List<URL> urlsOf(Path plugin) {
        try {
            if (!Files.isDirectory(plugin)) {
                return List.of(plugin.toUri().toURL());
            }
            List<URL> urls = new ArrayList<>();
            try (Stream<Path> files = Files.walk(plugin)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(p.toUri().toURL());
                }
            }
            Path classes = plugin.resolve("classes");
            if (Files.isDirectory(classes)) {
                urls.add(classes.toUri().toURL());
            }
            return urls;
        } catch (MalformedURLException e) {
            throw new IllegalStateException("bad plugin path " + plugin, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read plugin " + plugin, e);
        }
    }
}
