package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupAdminTest {
    @Test
    void theAdminUrlIsDerivedOnlyFromADefaultPort() {
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://broker.example:6650")).contains("http://broker.example:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://broker.example")).contains("http://broker.example:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar+ssl://broker.example:6651/")).contains("https://broker.example:8443");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://b1:6650,b2:6650")).contains("http://b1:8080");
        assertThat(GroupAdmin.defaultAdminUrl("pulsar://[::1]:6650")).contains("http://[::1]:8080");

        assertThat(GroupAdmin.defaultAdminUrl("pulsar://127.0.0.1:41353")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl("pulsar+ssl://broker:6650")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl("http://broker:8080")).isEmpty();
        assertThat(GroupAdmin.defaultAdminUrl(null)).isEmpty();
    }

    @Test
    void aTopicBecomesItsAdminPathWithEachPartEncoded() {
        assertThat(GroupAdmin.topicPath("persistent://public/tributary-g/configs"))
                .isEqualTo("persistent/public/tributary-g/configs");
        assertThat(GroupAdmin.topicPath("persistent://t/n/a b")).isEqualTo("persistent/t/n/a%20b");
    }
}
