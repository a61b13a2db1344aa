package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party connector in its own plugin directory bundles Jackson 2.12.7, while the runtime
 * runs a newer Jackson. The connector is compiled here against framework-api alone, so it is
 * exactly what an outside developer would ship; it writes the Jackson version it sees into each
 * record, which proves it ran with its own copy.
 */
@ExtendWith(TestServices.class)
class PluginIsolationIT {
    private static final String OLD_JACKSON = "2.12.7";

    @TempDir
    Path dir;

    @Test
    void pluginWithItsOwnJacksonRunsBesideTheRuntimesJackson(PulsarStandalone pulsar) throws Exception {
        assertThat(PackageVersion.VERSION.toString()).as("the runtime's own Jackson").isNotEqualTo(OLD_JACKSON);
        Path pluginDir = dir.resolve("plugins/old-jackson-connector");
        Files.createDirectories(pluginDir);
        Path oldJackson = Paths.get(System.getProperty("tributary.it.old-jackson"));
        try (Stream<Path> jars = Files.list(oldJackson)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, pluginDir.resolve(jar.getFileName()));
            }
        }
        buildConnectorJar(pluginDir.resolve("old-jackson-connector.jar"), oldJackson);
        String topic = "persistent://public/default/isolation-" + System.nanoTime();

        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.resolve("data").toString(),
                "offset.store", "memory",
                "plugin.path", dir.resolve("plugins").toString())));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            assertThat(runtime.plugins().findConnector("oldjackson"))
                    .hasValueSatisfying(d -> assertThat(d.location()).contains("old-jackson-connector"));

            var status = runtime.worker().startConnector(Map.of(
                    "name", "isolated", "connector.class", "oldjackson", "topic", topic));
            assertThat(status.state()).isEqualTo(State.RUNNING);
            List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= 3, Duration.ofSeconds(60));

            assertThat(messages).hasSizeGreaterThanOrEqualTo(3).allSatisfy(m -> assertThat(
                    new String(m.getValue(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"jackson\":\"" + OLD_JACKSON + "\",\"context\":\"plugin\"}"));
        }
    }

    /** Compiles the test connector against framework-api and the old Jackson only, and jars it. */
    private void buildConnectorJar(Path jar, Path oldJackson) throws Exception {
        Path src = dir.resolve("src/com/example/oldjackson");
        Files.createDirectories(src);
        Files.writeString(src.resolve("OldJacksonConnector.java"), CONNECTOR_SOURCE);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        String api = Paths.get(SourceConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String jackson;
        try (Stream<Path> jars = Files.list(oldJackson)) {
            jackson = String.join(java.io.File.pathSeparator, jars.map(Path::toString).toList());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-d", classes.toString(),
                "-cp", api + java.io.File.pathSeparator + jackson, src.resolve("OldJacksonConnector.java").toString());
        assertThat(result).as("the test connector compiles").isZero();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out)) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    jarOut.write(Files.readAllBytes(file));
                    jarOut.closeEntry();
                }
            }
            jarOut.putNextEntry(new JarEntry("META-INF/services/dev.tributary.api.connector.SourceConnector"));
            jarOut.write("com.example.oldjackson.OldJacksonConnector\n".getBytes(StandardCharsets.UTF_8));
            jarOut.closeEntry();
        }
    }

    private static final String CONNECTOR_SOURCE = """
            package com.example.oldjackson;

            import com.fasterxml.jackson.databind.ObjectMapper;
            import dev.tributary.api.config.ConfigSchema;
            import dev.tributary.api.connector.*;
            import dev.tributary.api.offset.*;
            import java.time.Duration;
            import java.util.*;

            public class OldJacksonConnector implements SourceConnector {
                public String version() { return "1.0"; }
                public ConfigSchema configSchema() { return ConfigSchema.builder().build(); }
                public void start(ConnectorContext context, Map<String, String> config) { }
                public List<Map<String, String>> taskConfigs(int maxTasks) { return List.of(Map.of()); }
                public void stop() { }
                public SourceTask createTask() {
                    return new SourceTask() {
                        long seq;
                        public void start(SourceTaskContext context) { }
                        public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
                            Thread.sleep(50);
                            try {
                                Map<String, String> value = new LinkedHashMap<>();
                                value.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
                                // The context class loader must be the plugin's own while the runtime calls in.
                                boolean own = Thread.currentThread().getContextClassLoader() == OldJacksonConnector.class.getClassLoader();
                                value.put("context", own ? "plugin" : "other");
                                byte[] bytes = new ObjectMapper().writeValueAsBytes(value);
                                return List.of(new SourceRecord(SourcePartition.of("p", "0"), SourceOffset.of("seq", seq++), "k", bytes, null));
                            } catch (Exception e) {
                                throw new ConnectException("could not write JSON", e);
                            }
                        }
                        public void stop() { }
                    };
                }
            }
            """;
}
