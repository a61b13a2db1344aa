package dev.tributary.runtime.worker;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tributary.api.connector.SourceConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a test plugin, the {@code stall} connector, into a plugin directory. Its {@code start}
 * writes {@code <stall.dir>/<name>.started} (holding the calling thread's name), then blocks until
 * {@code <stall.dir>/<name>.release} exists, ignoring interrupts, as a plugin stuck in a
 * non-interruptible SDK call would. Its {@code taskConfigs} and {@code stop} write
 * {@code <name>.configs} and {@code <name>.stopped} (the thread's name). Its {@code taskConfigs} sizes its list by {@code maxTasks}, as a careless plugin might, so
 * a huge {@code tasks.max} throws {@link OutOfMemoryError}. Its tasks produce nothing. The plugin
 * is told apart from the test through files because its class loader shares nothing else with
 * the test.
 */
public final class StallPlugin {
    /** The directory of the marker files. */
    public static final String DIR = "stall.dir";

    private StallPlugin() {
    }

    /** Compiles the connector into {@code pluginPath/stall/classes}, with its service file. */
    public static void build(Path pluginPath, Path work) throws Exception {
        Path src = work.resolve("stall-src/com/example/stall");
        Files.createDirectories(src);
        Path source = src.resolve("StallConnector.java");
        Files.writeString(source, SOURCE, UTF_8);
        Path classes = pluginPath.resolve("stall/classes");
        Files.createDirectories(classes.resolve("META-INF/services"));
        String api = Paths.get(SourceConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-d", classes.toString(), "-cp", api, source.toString());
        if (result != 0) {
            throw new IllegalStateException("the stall test connector did not compile");
        }
        Files.writeString(classes.resolve("META-INF/services/dev.tributary.api.connector.SourceConnector"),
                "com.example.stall.StallConnector\n", UTF_8);
    }

    private static final String SOURCE = """
            package com.example.stall;

            import dev.tributary.api.config.*;
            import dev.tributary.api.connector.*;
            import java.io.IOException;
            import java.io.UncheckedIOException;
            import java.nio.file.*;
            import java.time.Duration;
            import java.util.*;

            public class StallConnector implements SourceConnector {
                static final ConfigSchema SCHEMA = ConfigSchema.builder()
                        .field(ConfigField.builder("stall.dir", ConfigType.STRING).required().group("Stall")
                                .doc("Where the marker files are.").build())
                        .build();
                private Path dir;
                private String name;

                public String version() { return "1.0"; }
                public ConfigSchema configSchema() { return SCHEMA; }

                public void start(ConnectorContext context, Map<String, String> config) {
                    dir = Paths.get(config.get("stall.dir"));
                    name = context.connectorName();
                    write(name + ".started");
                    boolean interrupted = false;
                    while (!Files.exists(dir.resolve(name + ".release"))) {
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }

                public List<Map<String, String>> taskConfigs(int maxTasks) {
                    write(name + ".configs");
                    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
                    configs.add(Map.of());
                    return configs;
                }

                public void stop() { write(name + ".stopped"); }

                private void write(String file) {
                    try {
                        Files.writeString(dir.resolve(file), Thread.currentThread().getName());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                public SourceTask createTask() {
                    return new SourceTask() {
                        public void start(SourceTaskContext context) { }
                        public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
                            Thread.sleep(Math.min(100, timeout.toMillis()));
                            return List.of();
                        }
                        public void stop() { }
                    };
                }
            }
            """;
}
