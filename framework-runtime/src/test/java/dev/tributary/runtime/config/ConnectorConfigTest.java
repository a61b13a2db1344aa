package dev.tributary.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tributary.api.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorConfigTest {

    private static Map<String, String> flat(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void splitsRuntimeKeysFromConnectorKeys() {
        ConnectorConfig config = ConnectorConfig.fromFlat(flat(
                "name", "orders", "awsRegion", "us-east-1", "connector.class", "kinesis",
                "tasks.max", " 4 ", "topic", "persistent://acme/sales/orders", "numRetries", "3"));

        assertThat(config.name()).isEqualTo("orders");
        assertThat(config.connectorClass()).isEqualTo("kinesis");
        assertThat(config.tasksMax()).isEqualTo(4);
        assertThat(config.topic()).isEqualTo("persistent://acme/sales/orders");
        assertThat(config.connectorProps()).containsExactly(
                Map.entry("awsRegion", "us-east-1"), Map.entry("numRetries", "3"));
    }

    @Test
    void tasksMaxDefaultsToOne() {
        ConnectorConfig config = ConnectorConfig.fromFlat(flat(
                "name", "a", "connector.class", "dev.example.MySourceConnector", "topic", "orders"));

        assertThat(config.tasksMax()).isEqualTo(1);
        assertThat(config.connectorProps()).isEmpty();
    }

    @Test
    void listsEveryBadRuntimeFieldAtOnce() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(flat(
                "name", "my connector!", "tasks.max", "0", "topic", "persistent://only-one-part", "x", "y")));

        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems()).anySatisfy(line -> assertThat(line)
                .startsWith("name: 'my connector!' must be")
                .contains("safe in file names and URLs"));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line).startsWith("connector.class: is required"));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line).startsWith("tasks.max: '0' must be from 1 to 1024"));
        assertThat(e.problems()).anySatisfy(line -> assertThat(line)
                .startsWith("topic: 'persistent://only-one-part' must be persistent://tenant/namespace/topic"));
    }

    @Test
    void reportsMissingRequiredFieldsWithTheirDocs() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(Map.of()));

        assertThat(e.problems()).extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactly("name", "connector.class", "topic");
        assertThat(e.getMessage()).doesNotContain("Exception");
    }

    @Test
    void nameMustBeSafeInFileNamesAndUrls() {
        for (String good : new String[] {"a", "orders-from-kinesis", "v1.2_x", "A".repeat(128)}) {
            assertThat(ConnectorConfig.fromFlat(flat("name", good, "connector.class", "datagen", "topic", "t")).name())
                    .isEqualTo(good);
        }
        for (String bad : new String[] {"-a", ".hidden", "a/b", "a b", "ä", "A".repeat(129), "..%2F"}) {
            assertThatThrownBy(() -> ConnectorConfig.fromFlat(flat("name", bad, "connector.class", "datagen",
                    "topic", "t")))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("name: ");
        }
    }

    @Test
    void topicIsAShortNameOrAFullName() {
        for (String good : new String[] {"orders", "persistent://acme/sales/orders",
                "non-persistent://acme/sales/orders"}) {
            assertThat(ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen", "topic", good))
                    .topic()).isEqualTo(good);
        }
        for (String bad : new String[] {"acme/sales/orders", "persistent://acme/orders", "http://x/y/z", "a b"}) {
            assertThatThrownBy(() -> ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen",
                    "topic", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("topic: ");
        }
    }

    @Test
    void topicNamesAreCheckedAsPulsarDoesInBothTopicKeys() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("persistent://../../x", "has '..' as the tenant, which Pulsar does not take; name the tenant itself");
        cases.put("persistent://acme/./x", "has '.' as the namespace, which Pulsar does not take");
        cases.put("persistent://acme/sales/..", "has '..' as the topic name");
        cases.put("orders\u0000x", "has a character Pulsar does not take in the topic name");
        cases.put("persistent://acme/sales/or\u0000ders", "has a character Pulsar does not take in the topic name");
        cases.put("persistent://acme//x", "has an empty namespace");
        cases.put("persistent://a/b/c/d", "must be persistent://tenant/namespace/topic, with exactly three parts");
        cases.put("kafka://a/b/c", "must start with persistent:// or non-persistent://");
        cases.put("o".repeat(256), "has the topic name of 256 characters; at most 255 are taken");
        cases.forEach((topic, problem) -> {
            for (String key : List.of("topic", "errors.dead.letter.topic")) {
                Map<String, String> flat = new java.util.LinkedHashMap<>(flat("name", "a", "connector.class", "datagen",
                        "topic", "orders", "errors.record.too.large", "dead-letter", "errors.dead.letter.topic", "big"));
                flat.put(key, topic);
                assertThatThrownBy(() -> ConnectorConfig.fromFlat(flat))
                        .as(key + "=" + topic)
                        .isInstanceOf(ConfigException.class)
                        .hasMessageStartingWith(key + ": ")
                        .hasMessageContaining(problem);
            }
        });
        assertThat(ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen",
                "topic", "persistent://my-tenant/ns.v2/orders-partition-0")).topic())
                .isEqualTo("persistent://my-tenant/ns.v2/orders-partition-0");
    }

    @Test
    void tooLargeConfigsAreRefusedBeforeAnyCheckWithoutShowingValues() {
        Map<String, String> many = new java.util.LinkedHashMap<>(flat("name", "a", "connector.class", "datagen",
                "topic", "t"));
        for (int i = 0; i < ConnectorConfig.MAX_KEYS; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> ConnectorConfig.fromFlat(many))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config: has 1003 keys; a connector config takes at most 1000, so remove the keys the"
                        + " connector does not use");

        Map<String, String> longOnes = new java.util.LinkedHashMap<>(flat("name", "a", "connector.class", "datagen",
                "topic", "t"));
        longOnes.put("k".repeat(300), "v");
        longOnes.put("secret", "s".repeat(ConnectorConfig.MAX_VALUE_LENGTH + 1));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(longOnes));
        assertThat(e.problems()).containsExactly(
                "k".repeat(40) + "...: the key is 300 characters long; keys are at most 256",
                "secret: the value is 65537 characters long; values are at most 65536");
    }

    @Test
    void connectorClassIsAnAliasOrAClassName() {
        assertThatThrownBy(() -> ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "my connector",
                "topic", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("connector.class: 'my connector' must be a connector alias");
    }

    @Test
    void toFlatReadsBackEqual() {
        ConnectorConfig config = new ConnectorConfig("orders", "kinesis", 3, "orders",
                flat("awsRegion", "us-east-1", "numRetries", "3"));

        assertThat(config.toFlat()).containsExactly(
                Map.entry("name", "orders"), Map.entry("connector.class", "kinesis"), Map.entry("tasks.max", "3"),
                Map.entry("topic", "orders"), Map.entry("awsRegion", "us-east-1"), Map.entry("numRetries", "3"));
        assertThat(ConnectorConfig.fromFlat(config.toFlat())).isEqualTo(config);
    }

    @Test
    void recordsTooLargeFailTheTaskByDefault() {
        ConnectorConfig config = ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen", "topic", "t"));

        assertThat(config.recordTooLarge()).isEqualTo(RecordTooLargePolicy.FAIL);
        assertThat(config.toFlat()).doesNotContainKeys("errors.record.too.large", "errors.dead.letter.topic");
    }

    @Test
    void aDeadLetterPolicyReadsBackWithItsTopic() {
        ConnectorConfig config = ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen", "topic", "t",
                "errors.record.too.large", "Dead-Letter", "errors.dead.letter.topic", "t-too-large", "rate", "5"));

        assertThat(config.recordTooLarge()).isEqualTo(
                new RecordTooLargePolicy(RecordTooLargePolicy.Action.DEAD_LETTER, "t-too-large"));
        assertThat(config.connectorProps()).containsOnlyKeys("rate");
        assertThat(config.toFlat()).containsEntry("errors.record.too.large", "dead-letter")
                .containsEntry("errors.dead.letter.topic", "t-too-large");
        assertThat(ConnectorConfig.fromFlat(config.toFlat())).isEqualTo(config);
    }

    @Test
    void aBadRecordTooLargePolicyGetsOneLineNamingTheFieldAndTheFix() {
        ConfigException unknown = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(flat(
                "name", "a", "connector.class", "datagen", "topic", "t", "errors.record.too.large", "drop")));
        assertThat(unknown.problems()).containsExactly(
                "errors.record.too.large: 'drop' is not one of fail, skip, dead-letter");

        ConfigException noTopic = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(flat(
                "name", "a", "connector.class", "datagen", "topic", "t", "errors.record.too.large", "dead-letter")));
        assertThat(noTopic.problems()).containsExactly("errors.dead.letter.topic: is required when"
                + " errors.record.too.large is dead-letter; set it to a topic for records too large for Pulsar, such"
                + " as orders-too-large, or set errors.record.too.large to fail or skip");

        ConfigException sameTopic = catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.fromFlat(flat(
                "name", "a", "connector.class", "datagen", "topic", "orders", "errors.record.too.large", "dead-letter",
                "errors.dead.letter.topic", "persistent://public/default/orders")));
        assertThat(sameTopic.problems()).containsExactly("errors.dead.letter.topic: is the same topic as topic; give"
                + " the records too large for Pulsar a topic of their own, such as orders-too-large");
    }

    @Test
    void aDeadLetterTopicUnderAnotherPolicyIsIgnored() {
        ConnectorConfig config = ConnectorConfig.fromFlat(flat("name", "a", "connector.class", "datagen", "topic", "t",
                "errors.record.too.large", "skip", "errors.dead.letter.topic", "t-too-large"));

        assertThat(config.recordTooLarge()).isEqualTo(new RecordTooLargePolicy(RecordTooLargePolicy.Action.SKIP, null));
    }

    @Test
    void connectorPropsCannotHoldRuntimeKeys() {
        assertThatThrownBy(() -> new ConnectorConfig("a", "datagen", 1, "t", Map.of("tasks.max", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasks.max");
        assertThatThrownBy(() -> new ConnectorConfig("a", "datagen", 0, "t", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsKeysButNotValues() {
        ConnectorConfig config = new ConnectorConfig("a", "kinesis", 1, "t", Map.of("awsSecretKey", "s3cr3t"));

        assertThat(config.toString()).contains("awsSecretKey").doesNotContain("s3cr3t");
    }

    @Test
    void runtimeSchemaDocumentsEveryRuntimeKey() {
        assertThat(ConnectorConfig.RUNTIME_SCHEMA.fields())
                .extracting(f -> f.name())
                .containsExactlyInAnyOrderElementsOf(ConnectorConfig.RUNTIME_KEYS);
        assertThat(ConnectorConfig.RUNTIME_SCHEMA.fields()).allSatisfy(f -> assertThat(f.documentation()).isNotBlank());
    }
}
