package dev.tributary.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.config.ConnectorConfigFile.Format;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigFilesTest {
    /** What the CLI passes for the reference files, which hold only the connector's keys. */
    private static final Map<String, String> KINESIS_DEFAULTS = Map.of("connector.class", "kinesis", "topic", "orders");

    /** The reference doc's example, every value as text. */
    private static final Map<String, String> REFERENCE_KEYS = Map.ofEntries(
            Map.entry("awsEndpoint", "https://some.endpoint.aws"),
            Map.entry("awsRegion", "us-east-1"),
            Map.entry("awsKinesisStreamName", "my-stream"),
            Map.entry("awsCredentialPluginParam", "{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\"}"),
            Map.entry("applicationName", "My test application"),
            Map.entry("checkpointInterval", "30000"),
            Map.entry("backoffTime", "4000"),
            Map.entry("numRetries", "3"),
            Map.entry("receiveQueueSize", "2000"),
            Map.entry("initialPositionInStream", "TRIM_HORIZON"),
            Map.entry("startAtTime", "2019-03-05T19:28:58.000Z"));

    @TempDir
    Path dir;

    private Path write(String fileName, String content) throws IOException {
        return Files.writeString(dir.resolve(fileName), content, StandardCharsets.UTF_8);
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ConnectorConfigFilesTest.class.getResource("/config/" + name).toURI());
    }

    private static ConfigException readFails(Path file) {
        return catchThrowableOfType(ConfigException.class, () -> ConnectorConfigFiles.read(file, Map.of()));
    }

    @Test
    void readsTheReferenceJsonExampleAsAFlatMap() throws Exception {
        ConnectorConfigFile file = ConnectorConfigFiles.read(resource("kinesis-source.json"), KINESIS_DEFAULTS);

        assertThat(file.format()).isEqualTo(Format.FLAT);
        assertThat(file.config()).containsAllEntriesOf(REFERENCE_KEYS)
                .containsEntry("connector.class", "kinesis")
                .containsEntry("topic", "orders")
                .containsEntry("name", "kinesis-source")
                .hasSize(REFERENCE_KEYS.size() + 3);
        assertThat(file.notices()).isEmpty();
        ConnectorConfig config = file.toConnectorConfig();
        assertThat(config.name()).isEqualTo("kinesis-source");
        assertThat(config.connectorProps()).isEqualTo(REFERENCE_KEYS);
    }

    @Test
    void readsTheReferenceYamlExampleAsPulsarIo() throws Exception {
        ConnectorConfigFile file = ConnectorConfigFiles.read(resource("kinesis-source.yaml"), KINESIS_DEFAULTS);

        assertThat(file.format()).isEqualTo(Format.PULSAR_IO);
        assertThat(file.config()).containsAllEntriesOf(REFERENCE_KEYS)
                .containsEntry("connector.class", "kinesis")
                .containsEntry("name", "kinesis-source")
                .hasSize(REFERENCE_KEYS.size() + 3);
        assertThat(file.toConnectorConfig().connectorProps()).isEqualTo(REFERENCE_KEYS);
    }

    @Test
    void readsPropertiesInFileOrderAsUtf8() throws Exception {
        Path path = write("orders.properties", """
                # a comment
                name=orders
                connector.class=kinesis
                tasks.max=2
                topic=persistent://acme/sales/orders
                applicationName=Zürich ✓
                awsRegion = eu-central-1
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.format()).isEqualTo(Format.PROPERTIES);
        assertThat(file.config()).containsExactly(
                Map.entry("name", "orders"), Map.entry("connector.class", "kinesis"), Map.entry("tasks.max", "2"),
                Map.entry("topic", "persistent://acme/sales/orders"), Map.entry("applicationName", "Zürich ✓"),
                Map.entry("awsRegion", "eu-central-1"));
        assertThat(file.toConnectorConfig().tasksMax()).isEqualTo(2);
    }

    @Test
    void propertiesThatAreNotUtf8AreAnError() throws Exception {
        Path path = dir.resolve("latin1.properties");
        Files.write(path, "applicationName=Z\u00fcrich\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(readFails(path).problems()).containsExactly(path + ": is not UTF-8 text; save it as UTF-8");
    }

    @Test
    void readsKafkaConnectJson() throws Exception {
        Path path = write("kafka.json", """
                {
                  "name": "orders",
                  "config": {
                    "connector.class": "kinesis",
                    "tasks.max": 3,
                    "topic": "orders",
                    "receiveQueueSize": 2000,
                    "useEnhancedFanOut": false
                  }
                }
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.format()).isEqualTo(Format.KAFKA_CONNECT);
        assertThat(file.config()).containsExactly(
                Map.entry("name", "orders"), Map.entry("connector.class", "kinesis"), Map.entry("tasks.max", "3"),
                Map.entry("topic", "orders"), Map.entry("receiveQueueSize", "2000"),
                Map.entry("useEnhancedFanOut", "false"));
    }

    @Test
    void kafkaConnectNamesMustAgree() throws Exception {
        Path path = write("kafka.json", """
                {"name": "orders", "config": {"name": "payments", "connector.class": "kinesis"}}
                """);

        assertThat(readFails(path).problems()).containsExactly(
                path + ": the top-level name 'orders' and config's name 'payments' differ; keep one of them");
    }

    @Test
    void kafkaConnectRestFieldsAreNotices() throws Exception {
        Path path = write("kafka.json", """
                {"name": "orders", "config": {"connector.class": "kinesis"}, "tasks": [], "type": "source"}
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.notices()).containsExactly(
                "'tasks' is ignored: it lists the tasks of a Kafka Connect worker; Tributary assigns its own",
                "'type' is ignored: it says whether a Kafka Connect connector is a source or a sink; this one is a"
                        + " source");
        assertThat(file.config()).doesNotContainKeys("tasks", "type");
    }

    @Test
    void readsAFullPulsarIoYaml() throws Exception {
        Path path = write("pulsar.yml", """
                tenant: acme
                namespace: sales
                name: orders-from-kinesis
                topicName: orders
                parallelism: 2
                className: org.apache.pulsar.io.kinesis.KinesisSource
                archive: connectors/pulsar-io-kinesis-4.0.0.nar
                processingGuarantees: EFFECTIVELY_ONCE
                secrets:
                  awsCredentialPluginParam:
                    path: very/secret/path
                configs:
                  awsRegion: us-east-1
                  checkpointInterval: 30000
                  ratio: 1.50
                  useEnhancedFanOut: true
                  streams: [a, b, 3]
                  credentials:
                    accessKey: myKey
                    nested: {n: 1}
                  startAtTime: ~
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.format()).isEqualTo(Format.PULSAR_IO);
        assertThat(file.config()).containsExactly(
                Map.entry("name", "orders-from-kinesis"),
                Map.entry("connector.class", "kinesis"),
                Map.entry("tasks.max", "2"),
                Map.entry("topic", "persistent://acme/sales/orders"),
                Map.entry("awsRegion", "us-east-1"),
                Map.entry("checkpointInterval", "30000"),
                Map.entry("ratio", "1.50"),
                Map.entry("useEnhancedFanOut", "true"),
                Map.entry("streams", "a,b,3"),
                Map.entry("credentials", "{\"accessKey\":\"myKey\",\"nested\":{\"n\":1}}"));
        assertThat(file.notices()).hasSize(3);
        assertThat(file.notices()).allSatisfy(n -> assertThat(n).startsWith("'"));
        assertThat(file.notices()).anySatisfy(n -> assertThat(n).contains("'processingGuarantees'")
                .contains("at least once"));
        assertThat(String.join("\n", file.notices())).doesNotContain("very/secret/path")
                .doesNotContain("pulsar-io-kinesis-4.0.0.nar").doesNotContain("EFFECTIVELY_ONCE");
    }

    @Test
    void readsPulsarIoJsonAndKeepsAFullTopicName() throws Exception {
        Path path = write("pulsar.json", """
                {"namespace": "sales", "topicName": "persistent://other/ns/orders",
                 "className": "kinesis", "configs": {"awsRegion": "us-east-1"}}
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.format()).isEqualTo(Format.PULSAR_IO);
        assertThat(file.config()).containsEntry("topic", "persistent://other/ns/orders")
                .containsEntry("connector.class", "kinesis")
                .containsEntry("name", "pulsar");
        assertThat(file.notices()).singleElement().asString().contains("already a full topic name");
    }

    @Test
    void aNamespaceAloneUsesPulsarsDefaultTenant() throws Exception {
        Path path = write("pulsar.yaml", "namespace: sales\ntopicName: orders\nconfigs: {}\n");

        assertThat(ConnectorConfigFiles.read(path, Map.of()).config())
                .containsEntry("topic", "persistent://public/sales/orders");
    }

    @Test
    void valuesBecomeText() throws Exception {
        Path path = write("values.json", """
                {"int": 30000, "big": 12345678901234567890, "decimal": 1.50, "exponent": 1e3, "yes": true,
                 "no": false, "list": [1, "two", null, {"a": 1}], "object": {"a": [1, 2], "b": null},
                 "text": "30000", "nothing": null, "blank": " "}
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());

        assertThat(file.config()).containsExactly(
                Map.entry("int", "30000"), Map.entry("big", "12345678901234567890"), Map.entry("decimal", "1.50"),
                Map.entry("exponent", "1000"), Map.entry("yes", "true"), Map.entry("no", "false"),
                Map.entry("list", "1,two,{\"a\":1}"), Map.entry("object", "{\"a\":[1,2],\"b\":null}"),
                Map.entry("text", "30000"), Map.entry("blank", " "), Map.entry("name", "values"));
    }

    @Test
    void defaultsFillMissingAndBlankKeysOnly() throws Exception {
        Path path = write("my-source.yaml", """
                configs:
                  applicationName: from the file
                  startAtTime: " "
                topicName: from-the-file
                """);

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of(
                "topic", "from-defaults", "connector.class", "kinesis", "startAtTime", "2019-03-05T19:28:58Z",
                "applicationName", "from defaults"));

        assertThat(file.config())
                .containsEntry("topic", "from-the-file")
                .containsEntry("connector.class", "kinesis")
                .containsEntry("applicationName", "from the file")
                .containsEntry("startAtTime", "2019-03-05T19:28:58Z")
                .containsEntry("name", "my-source");
    }

    @Test
    void aNameInDefaultsBeatsTheFileName() throws Exception {
        Path path = write("my-source.json", "{}");

        assertThat(ConnectorConfigFile.read(path, Map.of("name", "chosen")).config())
                .containsExactly(Map.entry("name", "chosen"));
    }

    @Test
    void badYamlNamesTheFileLineAndColumn() throws Exception {
        Path path = write("bad.yaml", """
                configs:
                  awsRegion: us-east-1
                   awsSecretKey: hunter2
                """);

        ConfigException e = readFails(path);

        assertThat(e.problems()).singleElement().asString()
                .startsWith(path + ": line 3, column ")
                .contains("is not valid YAML: mapping values are not allowed here")
                .doesNotContain("hunter2")
                .doesNotContain("\n");
    }

    @Test
    void badJsonNamesTheLineAndColumnWithoutEchoingValues() throws Exception {
        Path path = write("bad.json", """
                {
                  "awsRegion": "us-east-1",
                  "awsSecretKey": hunter2
                }
                """);

        ConfigException e = readFails(path);

        assertThat(e.problems()).singleElement().asString()
                .startsWith(path + ": line 3, column 19: is not valid JSON: ")
                .doesNotContain("hunter2")
                .doesNotContain("Source:");
    }

    @Test
    void duplicateKeysAreAnError() throws Exception {
        Path path = write("dup.yaml", "configs:\n  a: 1\n  a: 2\n");

        assertThat(readFails(path).problems()).singleElement().asString()
                .startsWith(path + ": line 3, column ")
                .endsWith("the key 'a' appears twice");
    }

    @Test
    void unknownPulsarIoKeysGetADidYouMeanHint() throws Exception {
        Path path = write("pulsar.yaml", """
                topicname: orders
                parralelism: 2
                topic: orders
                awsRegion: us-east-1
                configs: {}
                """);

        assertThat(readFails(path).problems()).containsExactly(
                path + ": 'topicname' is not a key of a Pulsar IO source config; did you mean topicName?",
                path + ": 'parralelism' is not a key of a Pulsar IO source config; did you mean parallelism?",
                path + ": 'topic' is not a key of a Pulsar IO source config; did you mean topicName?",
                path + ": 'awsRegion' is not a key of a Pulsar IO source config; the connector's keys go inside"
                        + " configs");
    }

    @Test
    void unknownKafkaConnectKeysGetADidYouMeanHint() throws Exception {
        Path path = write("kafka.json", """
                {"nmae": "orders", "config": {}, "topic": "orders"}
                """);

        assertThat(readFails(path).problems()).containsExactly(
                path + ": 'nmae' is not a top-level key of a Kafka Connect config; did you mean name?",
                path + ": 'topic' is not a top-level key of a Kafka Connect config; the top-level keys are name and"
                        + " config, and connector.class, tasks.max, topic and the connector's keys go inside config");
    }

    @Test
    void valuesOfTheWrongShapeAreErrors() throws Exception {
        Path list = write("list.json", "[1, 2]");
        Path text = write("text.yaml", "just text\n");
        Path configs = write("configs.yaml", "configs: [a, b]\nname: {first: x}\n");
        Path kafka = write("kafka.json", "{\"config\": \"connector.class=kinesis\"}");

        assertThat(readFails(list).problems()).containsExactly(
                list + ": holds a list at the top level; write the config as an object of keys");
        assertThat(readFails(text).problems()).containsExactly(
                text + ": holds text at the top level; write the config as an object of keys");
        assertThat(readFails(configs).problems()).containsExactly(
                configs + ": 'name' holds an object; write it as text",
                configs + ": 'configs' holds a list; write it as an object of keys");
        assertThat(readFails(kafka).problems()).containsExactly(
                kafka + ": 'config' holds text; write it as an object of keys");
    }

    @Test
    void runtimeKeysInsideConfigsAreAnError() throws Exception {
        Path path = write("pulsar.yaml", "configs:\n  topic: orders\n  tasks.max: 2\n");

        assertThat(readFails(path).problems()).containsExactly(
                path + ": configs.topic is a runtime key; set it at the top level as topicName",
                path + ": configs.tasks.max is a runtime key; set it at the top level as parallelism");
    }

    @Test
    void emptyFilesAreAnError() throws Exception {
        Path json = write("empty.json", "");
        Path yaml = write("empty.yaml", "# only a comment\n");

        assertThat(readFails(json).problems()).containsExactly(
                json + ": is empty; write the config as an object of keys");
        assertThat(readFails(yaml).problems()).containsExactly(
                yaml + ": is empty; write the config as an object of keys");
    }

    @Test
    void aMissingFileIsAnError() {
        Path path = dir.resolve("missing.yaml");

        assertThat(readFails(path).problems()).containsExactly(path + ": no such file");
        assertThat(readFails(dir).getMessage()).isEqualTo(dir + ": is a directory, not a config file");
    }

    @Test
    void anUnknownExtensionIsAnError() throws Exception {
        Path path = write("orders.txt", "name=orders");

        assertThatThrownBy(() -> ConnectorConfigFiles.read(path, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(path + ": is not a config file this can read; name it .properties, .json, .yaml or .yml"
                        + " after its format");
    }

    @Test
    void runtimeKeyProblemsNameTheFile() throws Exception {
        Path path = write("bad name.properties", "connector.class=kinesis\ntasks.max=zero\n");

        ConnectorConfigFile file = ConnectorConfigFiles.read(path, Map.of());
        ConfigException e = catchThrowableOfType(ConfigException.class, file::toConnectorConfig);

        assertThat(e.problems()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith(path + ": "));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line).startsWith(path + ": name: 'bad name' must be"));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line).startsWith(path + ": tasks.max: 'zero' is not"));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line).startsWith(path + ": topic: is required"));
    }

    @Test
    void toStringHidesValues() throws Exception {
        Path path = write("s.json", "{\"awsSecretKey\": \"hunter2\"}");

        assertThat(ConnectorConfigFiles.read(path, Map.of()).toString()).contains("awsSecretKey")
                .doesNotContain("hunter2");
    }

    @Test
    void describeDropsQuotedTokensButKeepsSingleCharacters() {
        assertThat(ConnectorConfigFiles.describe(List.of(
                "Unexpected character ('}' (code 125)): was expecting 'null', 'true' or 'my-Secret'")))
                .isEqualTo("Unexpected character ('}' (code 125)): was expecting 'null', 'true' or '...'");
    }

    @Test
    void yamlErrorsPointAtTheProblemAndSayWhereItsContextBegan() throws Exception {
        Path tab = write("tab.yaml", "configs:\n\tawsRegion: us-east-1\n");
        Path quote = write("quote.yaml", "configs:\n  awsRegion: \"us-east-1\n  numRetries: 3\n");

        assertThat(readFails(tab).problems()).singleElement().asString()
                .startsWith(tab + ": line 2, column 1: is not valid YAML: ")
                .contains("Do not use \\t(TAB) for indentation");
        assertThat(readFails(quote).problems()).containsExactly(quote + ": line 4, column 1: is not valid YAML:"
                + " while scanning a quoted scalar (at line 2, column 14): found unexpected end of stream");
    }

    @Test
    void moreThanOneTopLevelValueIsAnError() throws Exception {
        Path json = write("two.json", "{\"a\": 1}\n{\"b\": 2}\n");
        Path yaml = write("two.yaml", "a: 1\n---\nb: 2\n");

        assertThat(readFails(json).problems()).containsExactly(json + ": line 2, column 1: is not valid JSON: more"
                + " than one value at the top level; a config file holds one object of keys");
        assertThat(readFails(yaml).problems()).singleElement().asString().endsWith(
                "is not valid YAML: more than one value at the top level; a config file holds one object of keys");
    }
}
