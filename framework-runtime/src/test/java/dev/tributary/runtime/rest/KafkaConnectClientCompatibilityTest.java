package dev.tributary.runtime.rest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.http.WorkerHttpServer;
import dev.tributary.runtime.plugin.PluginRegistry;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka Connect's own clients read every answer of the REST API: each answer is parsed with Kafka
 * Connect's REST entity classes ({@code org.apache.kafka.connect.runtime.rest.entities}) of the
 * newest and the oldest supported Kafka version, through an ObjectMapper as Connect's
 * {@code RestClient} and its Jersey provider have it, which fails on a field the entity does not
 * know. The build copies each version's jars into {@code target/kafka-connect/<version>}, and each
 * is loaded in a class loader of its own, whose parent gives it this test's Jackson: two versions
 * of one artifact cannot both be dependencies of a module.
 */
class KafkaConnectClientCompatibilityTest {
    private static final String ENTITIES = "org.apache.kafka.connect.runtime.rest.entities.";
    private static final String DATAGEN = "{\"name\":\"gen\",\"config\":{\"connector.class\":\"datagen\",\"topic\":\"t\","
            + "\"tasks.max\":2}}";

    @TempDir
    static Path plugins;
    @TempDir
    static Path work;
    private static PluginRegistry registry;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final FakeHerder herder = new FakeHerder();
    private WorkerHttpServer server;

    @BeforeAll
    static void buildPlugins() throws Exception {
        VaultPlugin.build(plugins, work);
        registry = PluginRegistry.discover(List.of(plugins));
    }

    @BeforeEach
    void start() {
        server = new WorkerHttpServer("http://127.0.0.1:0");
        RestApi api = new RestApi(server, registry, "1.2.3");
        server.start();
        api.attach(herder);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static Stream<String> versions() {
        return Arrays.stream(System.getProperty("tributary.test.kafka-connect.versions", "4.4.0,3.9.2").split(","))
                .map(String::trim);
    }

    @ParameterizedTest(name = "Kafka Connect {0}")
    @MethodSource("versions")
    void everyAnswerParsesWithKafkaConnectsOwnEntities(String version) throws Exception {
        try (URLClassLoader connect = connectClasses(version)) {
            Entities entities = new Entities(connect);

            Object server = entities.read("ServerInfo", send("GET", "/", null, 200));
            assertThat(call(server, "version")).isEqualTo("1.2.3");
            entities.read("WorkerStatus", send("GET", "/health", null, 200));

            Object created = entities.read("ConnectorInfo", send("POST", "/connectors", DATAGEN, 201));
            assertThat(call(created, "name")).isEqualTo("gen");
            assertThat(entities.list("ConnectorInfo", "[" + send("GET", "/connectors/gen", null, 200) + "]")).hasSize(1);
            assertThat(entities.mapper.readValue(send("GET", "/connectors", null, 200), List.class)).containsExactly("gen");
            entities.mapper.readValue(send("GET", "/connectors/gen/config", null, 200), Map.class);
            entities.read("ConnectorInfo", send("PUT", "/connectors/gen/config",
                    "{\"connector.class\":\"datagen\",\"topic\":\"t\"}", 200));
            entities.read("ConnectorInfo", send("PATCH", "/connectors/gen/config", "{\"rate\":\"5\"}", 200));

            Object status = entities.read("ConnectorStateInfo", send("GET", "/connectors/gen/status", null, 200));
            assertThat(call(status, "name")).isEqualTo("gen");
            entities.read("ConnectorStateInfo$TaskState", send("GET", "/connectors/gen/tasks/0/status", null, 200));
            entities.read("ConnectorStateInfo",
                    send("POST", "/connectors/gen/restart?includeTasks=true", null, 202));
            assertThat(entities.list("TaskInfo", send("GET", "/connectors/gen/tasks", null, 200))).hasSize(1);
            Map<String, Map<String, Object>> expanded = entities.mapper.readValue(
                    send("GET", "/connectors?expand=status&expand=info", null, 200),
                    entities.types.constructMapType(Map.class, entities.types.constructType(String.class),
                            entities.types.constructMapType(Map.class, String.class, Object.class)));
            entities.mapper.convertValue(expanded.get("gen").get("status"), entities.type("ConnectorStateInfo"));
            entities.mapper.convertValue(expanded.get("gen").get("info"), entities.type("ConnectorInfo"));

            herder.offsets.put("gen", new java.util.LinkedHashMap<>(Map.of(
                    SourcePartition.of("shard", "s-1"), SourceOffset.of("seq", 41L))));
            Object offsets = entities.read("ConnectorOffsets", send("GET", "/connectors/gen/offsets", null, 200));
            assertThat((List<?>) call(offsets, "offsets")).hasSize(1);
            send("PUT", "/connectors/gen/stop", null, 204);
            entities.read("Message", send("PATCH", "/connectors/gen/offsets",
                    "{\"offsets\":[{\"partition\":{\"shard\":\"s-1\"},\"offset\":{\"seq\":7}}]}", 200));
            entities.read("Message", send("DELETE", "/connectors/gen/offsets", null, 200));

            String pluginList = send("GET", "/connector-plugins", null, 200);
            assertThat(entities.mapper.readTree(pluginList)).isNotEmpty().allSatisfy(plugin ->
                    assertThat(entities.pluginInfoAsKafkaWritesIt(plugin)).isEqualTo(plugin));
            if (entities.readsItsOwnPluginInfo()) {
                assertThat(entities.list("PluginInfo", pluginList)).isNotEmpty();
            }
            List<?> keys = entities.list("ConfigKeyInfo", send("GET", "/connector-plugins/vault/config", null, 200));
            assertThat(keys).hasSize(5);
            assertThat(call(keys.get(0), "orderInGroup")).as("order_in_group is read").isEqualTo(1);
            assertThat(call(keys.get(2), "orderInGroup")).isEqualTo(3);
            Object validation = entities.read("ConfigInfos", send("PUT", "/connector-plugins/vault/config/validate",
                    "{\"name\":\"v\",\"topic\":\"t\",\"vault.token\":\"x\",\"vault.mode\":\"DELETE\",\"typo\":\"x\"}", 200));
            assertThat(call(validation, "errorCount")).isEqualTo(3);

            entities.list("LoggerLevel", "[" + send("GET", "/admin/loggers/root", null, 200) + "]");
            entities.mapper.readValue(send("GET", "/admin/loggers", null, 200),
                    entities.types.constructMapType(Map.class, entities.types.constructType(String.class),
                            entities.type("LoggerLevel")));

            Object notFound = entities.read("ErrorMessage", send("GET", "/connectors/nope", null, 404));
            assertThat(call(notFound, "errorCode")).isEqualTo(404);
            entities.read("ErrorMessage", send("POST", "/connectors", "{\"name\":", 400));
            entities.read("ErrorMessage", send("POST", "/connectors",
                    "{\"name\":\"x\",\"config\":{\"invalid\":\"true\"}}", 400));
            send("DELETE", "/connectors/gen", null, 204);
        }
    }

    /** Kafka Connect's jars of {@code version}, with this test's Jackson and SLF4J from the parent. */
    private static URLClassLoader connectClasses(String version) throws Exception {
        Path dir = Paths.get(System.getProperty("tributary.test.kafka-connect.dir", "target/kafka-connect"), version);
        assertThat(dir).as("the build copies Kafka Connect %s's jars here", version).isDirectory();
        URL[] jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).map(Path::toUri).map(u -> {
                try {
                    return u.toURL();
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }).toArray(URL[]::new);
        }
        assertThat(jars).as("jars in %s", dir + File.separator).hasSize(3);
        return new URLClassLoader("kafka-connect-" + version, jars,
                KafkaConnectClientCompatibilityTest.class.getClassLoader());
    }

    /** Kafka Connect's entity classes of one version, and a mapper as its REST client has it. */
    private static final class Entities {
        final ClassLoader loader;
        final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final TypeFactory types = mapper.getTypeFactory();

        Entities(ClassLoader loader) {
            this.loader = loader;
        }

        JavaType type(String entity) {
            try {
                Class<?> type = Class.forName(ENTITIES + entity, true, loader);
                assertThat(type.getClassLoader()).as("%s comes from Kafka Connect's jar", entity).isSameAs(loader);
                return types.constructType(type);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("Kafka Connect has no entity " + entity, e);
            }
        }

        Object read(String entity, String json) throws Exception {
            Object value = mapper.readValue(json, type(entity));
            assertThat(value).as("%s from %s", entity, json).isNotNull();
            return value;
        }

        /**
         * The JSON that Kafka Connect itself writes for the plugin that {@code ours} describes,
         * built with its own {@code PluginInfo(String, PluginType, String)} and this mapper.
         */
        JsonNode pluginInfoAsKafkaWritesIt(JsonNode ours) {
            try {
                Class<?> pluginType = Class.forName("org.apache.kafka.connect.runtime.isolation.PluginType", true, loader);
                Object source = pluginType.getMethod("valueOf", String.class).invoke(null, "SOURCE");
                Object info = Class.forName(ENTITIES + "PluginInfo", true, loader)
                        .getConstructor(String.class, pluginType, String.class)
                        .newInstance(ours.path("class").asText(), source, ours.path("version").asText());
                return mapper.valueToTree(info);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("Kafka Connect's PluginInfo cannot be built", e);
            }
        }

        /**
         * Whether this version's {@code PluginInfo} reads what Kafka Connect of the same version
         * writes. 3.9's reads its {@code type} as an enum of upper-case names but writes it in
         * lower case, so no 3.9 client reads any server's plugin list; there the test checks that
         * ours is written exactly as Kafka Connect writes it.
         */
        boolean readsItsOwnPluginInfo() throws Exception {
            JsonNode own = pluginInfoAsKafkaWritesIt(mapper.createObjectNode().put("class", "a.B").put("version", "1"));
            try {
                mapper.treeToValue(own, type("PluginInfo"));
                return true;
            } catch (com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
                return false;
            }
        }

        List<?> list(String entity, String json) throws Exception {
            return mapper.readValue(json, types.constructCollectionType(List.class, type(entity)));
        }
    }

    private static Object call(Object target, String accessor) throws Exception {
        return target.getClass().getMethod(accessor).invoke(target);
    }

    private String send(String method, String path, String body, int expectedStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
        assertThat(response.statusCode()).as("%s %s answered %s", method, path, response.body()).isEqualTo(expectedStatus);
        return response.body();
    }
}
