package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.connector.SourceConnector;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.io.File;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample third-party connector in {@code docs/examples/hello-source} runs as a plugin. Its
 * sources and its {@code META-INF/services} file are compiled and jarred here against
 * framework-api alone, as its own build does, because {@code verify} does not install
 * framework-api where the sample's Maven build would look for it. The jar goes into a plugin
 * directory; the worker finds it by its alias, runs it into a real Pulsar, and a second run
 * resumes after the greetings of the first.
 */
@ExtendWith(TestServices.class)
class SampleConnectorIT {
    private static final String SAMPLE = "docs/examples/hello-source";
    private static final String VERSION = "1.0.0-it";
    private static final String GREETING = "hi from the IT";

    @TempDir
    Path dir;

    @Test
    void sampleConnectorRunsAsAPluginAndResumesAfterItsOffsets(PulsarStandalone pulsar) throws Exception {
        Path pluginDir = dir.resolve("plugins/hello-source");
        Files.createDirectories(pluginDir);
        buildSampleJar(sampleRoot(), pluginDir.resolve("hello-source.jar"));
        String topic = "persistent://public/default/hello-it-" + System.nanoTime();

        try (TributaryRuntime runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dir.resolve("data").toString(),
                "offset.store", "memory",
                "offset.flush.interval.ms", "200",
                "plugin.path", dir.resolve("plugins").toString())));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            HttpResponse<String> plugins = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(runtime.baseUri().resolve("/connector-plugins")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plugins.statusCode()).isEqualTo(200);
            assertThat(plugins.body()).as("GET /connector-plugins lists the dropped-in plugin")
                    .contains("\"class\":\"com.example.hello.HelloSourceConnector\"");
            assertThat(runtime.plugins().findConnector("hello")).hasValueSatisfying(d -> {
                assertThat(d.className()).isEqualTo("com.example.hello.HelloSourceConnector");
                assertThat(d.location()).endsWith("hello-source");
                assertThat(d.version()).isEqualTo(VERSION);
            });

            ConnectorStatus first = runtime.worker().startConnector(helloConfig(topic, 5));
            assertThat(first.state()).isEqualTo(State.RUNNING);
            List<Message<byte[]>> firstRun = reader.readUntil(m -> m.size() >= 10, Duration.ofSeconds(30));
            assertThat(greetingsByTask(firstRun)).isEqualTo(Map.of(
                    "task-0", greetings(0, 5),
                    "task-1", greetings(0, 5)));
            assertThat(firstRun).allSatisfy(m -> assertThat(m.getProperty("hello.seq"))
                    .isEqualTo(value(m).substring(value(m).lastIndexOf('#') + 1)));
            assertThat(scrape(runtime)).contains("tributary_hello_greetings_total{connector=\"hello-it\",task=\"0\"}");

            // Deleting stops the connector and commits what Pulsar acknowledged; the offsets stay in the
            // store, so the same name with a bigger count goes on from there.
            runtime.worker().deleteConnector("hello-it");
            ConnectorStatus second = runtime.worker().startConnector(helloConfig(topic, 8));
            assertThat(second.state()).isEqualTo(State.RUNNING);
            reader.readUntil(m -> m.size() >= 16, Duration.ofSeconds(30));
            List<Message<byte[]>> all = reader.readUntil(m -> m.size() > 16, Duration.ofSeconds(1));

            assertThat(greetingsByTask(all)).isEqualTo(Map.of(
                    "task-0", greetings(0, 8),
                    "task-1", greetings(0, 8)));
        }
    }

    private static Map<String, String> helloConfig(String topic, int count) {
        return Map.of(
                "name", "hello-it",
                "connector.class", "hello",
                "tasks.max", "2",
                "topic", topic,
                "greeting", GREETING,
                "count", Integer.toString(count),
                "interval", "10ms");
    }

    private static List<String> greetings(int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(GREETING + " #" + i);
        }
        return values;
    }

    /** The values of each key, in the order they arrived: one key per task. */
    private static Map<String, List<String>> greetingsByTask(List<Message<byte[]>> messages) {
        return messages.stream().collect(Collectors.groupingBy(Message::getKey, LinkedHashMap::new,
                Collectors.mapping(SampleConnectorIT::value, Collectors.toList())));
    }

    private static String value(Message<byte[]> message) {
        return new String(message.getValue(), StandardCharsets.UTF_8);
    }

    private static String scrape(TributaryRuntime runtime) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(runtime.baseUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The sample project's directory, found upwards from the module's working directory. */
    private static Path sampleRoot() {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path sample = p.resolve(SAMPLE);
            if (Files.isRegularFile(sample.resolve("pom.xml"))) {
                return sample;
            }
        }
        throw new IllegalStateException(SAMPLE + " not found above " + System.getProperty("user.dir"));
    }

    /** Compiles the sample's main sources against framework-api only, and jars them with its resources. */
    private void buildSampleJar(Path sample, Path jar) throws Exception {
        Path sources = sample.resolve("src/main/java");
        Path resources = sample.resolve("src/main/resources");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        assertThat(files).as("the sample's sources").isNotEmpty();
        String api = Paths.get(SourceConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp", api));
        args.addAll(files);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, args.toArray(String[]::new)))
                .as("the sample compiles against framework-api alone").isZero();

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, VERSION);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path root : List.of(classes, resources)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        jarOut.putNextEntry(new JarEntry(root.relativize(file).toString().replace(File.separatorChar, '/')));
                        jarOut.write(Files.readAllBytes(file));
                        jarOut.closeEntry();
                    }
                }
            }
        }
    }
}
