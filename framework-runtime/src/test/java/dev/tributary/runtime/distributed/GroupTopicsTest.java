package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import org.junit.jupiter.api.Test;

class GroupTopicsTest {
    @Test
    void theDefaultNamespaceIsDerivedFromTheGroupId() {
        GroupTopics topics = GroupTopics.of("ingest-eu", "");
        assertThat(topics.namespace()).isEqualTo("public/tributary-ingest-eu");
        assertThat(topics.configs()).isEqualTo("persistent://public/tributary-ingest-eu/configs");
        assertThat(topics.status()).isEqualTo("persistent://public/tributary-ingest-eu/status");
        assertThat(topics.assignments()).isEqualTo("persistent://public/tributary-ingest-eu/assignments");
        assertThat(topics.coordination()).isEqualTo("persistent://public/tributary-ingest-eu/coordination");
        assertThat(topics.compacted()).doesNotContain(topics.coordination());
    }

    @Test
    void anOperatorChosenNamespaceIsUsedAsItIs() {
        assertThat(GroupTopics.of("g", " acme/connect ").configs()).isEqualTo("persistent://acme/connect/configs");
    }

    @Test
    void aBadGroupIdOrNamespaceNamesTheKeyAndTheFix() {
        assertThatThrownBy(() -> GroupTopics.of("has/slash", null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("group.id:").hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> GroupTopics.of("", null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("group.id:");
        assertThatThrownBy(() -> GroupTopics.of("g", "no-tenant")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("group.namespace:").hasMessageContaining("tenant/namespace");
    }
}
