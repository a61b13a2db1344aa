package dev.tributary.runtime.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.connector.SourceConnector;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DatagenSourceConnectorTest {

    private static List<Map<String, String>> taskConfigs(Map<String, String> config, int maxTasks) {
        DatagenSourceConnector connector = new DatagenSourceConnector();
        connector.start(new FakeConnectorContext(), config);
        return connector.taskConfigs(maxTasks);
    }

    private static List<String> values(List<Map<String, String>> configs, String key) {
        return configs.stream().map(c -> c.get(key)).toList();
    }

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(SourceConnector.class).stream().map(ServiceLoader.Provider::type))
                .contains(DatagenSourceConnector.class);
    }

    @Test
    void splitsCountSoThatSharesAddUpExactly() {
        List<Map<String, String>> configs = taskConfigs(Map.of("count", "10"), 3);

        assertThat(values(configs, "count")).containsExactly("4", "3", "3");
        assertThat(values(configs, "task.index")).containsExactly("0", "1", "2");
        assertThat(configs.stream().mapToLong(c -> Long.parseLong(c.get("count"))).sum()).isEqualTo(10);
    }

    @Test
    void aCountSmallerThanMaxTasksRunsOneTaskPerRecord() {
        List<Map<String, String>> configs = taskConfigs(Map.of("count", "2"), 5);

        assertThat(values(configs, "count")).containsExactly("1", "1");
    }

    @Test
    void anUnboundedCountStaysUnboundedInEveryTask() {
        assertThat(values(taskConfigs(Map.of(), 3), "count")).containsExactly("0", "0", "0");
    }

    @Test
    void splitsAWholeRateWithTheRemainderToTheFirstTasks() {
        List<Map<String, String>> configs = taskConfigs(Map.of("rate", "1000"), 3);

        assertThat(values(configs, "rate")).containsExactly("334", "333", "333");
    }

    @Test
    void splitsOtherRatesEvenly() {
        assertThat(values(taskConfigs(Map.of("rate", "1"), 4), "rate")).containsExactly("0.25", "0.25", "0.25", "0.25");
        assertThat(values(taskConfigs(Map.of("rate", "2.5"), 2), "rate")).containsExactly("1.25", "1.25");
        assertThat(values(taskConfigs(Map.of("rate", "0"), 2), "rate")).containsExactly("0.0", "0.0");
    }

    @Test
    void everyTaskConfigPassesTheTaskSchema() {
        List<Map<String, String>> configs = taskConfigs(Map.of("rate", "7", "record.size", "64",
                "key.cardinality", "5", "count", "100", "batch.size", "9", "large.record.every", "4",
                "large.record.size", "200000"), 2);

        assertThat(configs).allSatisfy(c -> {
            assertThat(DatagenConfig.TASK_SCHEMA.validate(c).isValid()).isTrue();
            assertThat(c).containsEntry("record.size", "64").containsEntry("key.cardinality", "5")
                    .containsEntry("batch.size", "9").containsEntry("large.record.every", "4")
                    .containsEntry("large.record.size", "200000");
        });
    }

    @Test
    void validationListsEveryBadKey() {
        ConfigValidation validation = new DatagenSourceConnector().validate(Map.of(
                "rate", "-1", "record.size", "10", "key.cardinality", "0", "count", "many", "batch.size", "0",
                "task.index", "1"));

        assertThat(validation.errorLines()).extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactlyInAnyOrder("rate", "record.size", "key.cardinality", "count", "batch.size",
                        "task.index");
    }

    @Test
    void startRejectsAnInvalidConfig() {
        assertThatThrownBy(() -> new DatagenSourceConnector().start(new FakeConnectorContext(), Map.of("record.size", "8")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("record.size: '8' must be from 32 to");
    }

    @Test
    void everyKeyIsDocumentedInTheDatagenGroup() {
        assertThat(new DatagenSourceConnector().configSchema().fields()).hasSize(7).allSatisfy(field -> {
            assertThat(field.group()).isEqualTo("Datagen");
            assertThat(field.documentation()).isNotBlank();
            assertThat(field.defaultValue()).isNotNull();
        });
    }

    @Test
    void createsTasks() {
        assertThat(new DatagenSourceConnector().createTask()).isInstanceOf(DatagenSourceTask.class);
        assertThat(new DatagenSourceConnector().version()).isNotBlank();
    }
}
