package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerGroupConfigTest {
    @Test
    void withoutGroupIdNothingChanges() {
        WorkerConfig config = WorkerConfig.fromMap(Map.of());

        assertThat(config.groupId()).isEmpty();
        assertThat(config.offsetStore()).isEqualTo("file");
    }

    @Test
    void aGroupDefaultsToThePulsarStoreAndDerivesTheAdminUrl() {
        WorkerConfig config = WorkerConfig.fromMap(Map.of("group.id", "ingest", "pulsar.service.url",
                "pulsar://broker:6650"));

        assertThat(config.groupId()).contains("ingest");
        assertThat(config.offsetStore()).isEqualTo("pulsar");
        assertThat(config.groupAdminUrl()).isEqualTo("http://broker:8080");
        assertThat(config.groupTopics().namespace()).isEqualTo("public/tributary-ingest");
    }

    @Test
    void aGroupRefusesStoresThatKeepOffsetsOnOneWorker() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("group.id", "ingest", "offset.store", "file")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offset.store")
                .hasMessageContaining("group.id")
                .hasMessageContaining("pulsar");
    }

    @Test
    void anAdminUrlIsRequiredWhenTheServicePortIsNotTheDefault() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("group.id", "ingest", "pulsar.service.url",
                "pulsar://broker:16650")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.admin.url");

        WorkerConfig config = WorkerConfig.fromMap(Map.of("group.id", "ingest", "pulsar.service.url",
                "pulsar://broker:16650", "group.admin.url", "http://broker:18080"));
        assertThat(config.groupAdminUrl()).isEqualTo("http://broker:18080");
    }

    @Test
    void badGroupNamesAndNamespacesNameTheirKey() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("group.id", "no spaces")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.id");
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of("group.id", "ok", "group.namespace", "no-slash")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.namespace");
    }
}
