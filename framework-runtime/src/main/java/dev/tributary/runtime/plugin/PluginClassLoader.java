package dev.tributary.runtime.plugin;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads one plugin directory's classes in isolation. Its parent is the platform class loader, so
 * a plugin sees the JDK and its own jars, never the runtime's libraries. Two things are shared
 * from the runtime: the SPI ({@code dev.tributary.api}), so that the runtime and the plugin agree
 * on its types, and the SLF4J API ({@code org.slf4j}), so that plugin logs reach the runtime's
 * log files instead of a plugin's own unbound copy. A plugin may therefore bundle another version
 * of any other library the runtime uses, such as Jackson.
 */
final class PluginClassLoader extends URLClassLoader {
    private static final String SPI_PACKAGE = "dev.tributary.api.";
    private static final String LOGGING_PACKAGE = "org.slf4j.";

    static {
        registerAsParallelCapable();
    }

    private final Path location;
    private final ClassLoader spiLoader;

    PluginClassLoader(Path location, List<URL> urls, ClassLoader spiLoader) {
        super("plugin:" + location.getFileName(), urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        this.location = location;
        this.spiLoader = spiLoader;
    }

    Path location() {
        return location;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(SPI_PACKAGE) || name.startsWith(LOGGING_PACKAGE)) {
            return spiLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public String toString() {
        return "PluginClassLoader[" + location + "]";
    }
}
