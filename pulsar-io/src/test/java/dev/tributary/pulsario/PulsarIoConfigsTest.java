package dev.tributary.pulsario;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PulsarIoConfigsTest {
    @Test
    void valuesBecomeTheTextTheRuntimeReadsFromTheSameFile() {
        Map<String, Object> configs = new LinkedHashMap<>();
        configs.put("checkpointInterval", "30000");
        configs.put("receiveQueueSize", 2000);
        configs.put("numRetries", 3.0);
        configs.put("rate", 1.5);
        configs.put("exact", new BigDecimal("1.50"));
        configs.put("useEnhancedFanOut", true);
        configs.put("shards", List.of("a", "b"));
        configs.put("awsCredentialPluginParam", Map.of("accessKey", "k"));
        configs.put("unset", null);

        assertThat(PulsarIoConfigs.toText(configs)).containsExactly(
                Map.entry("checkpointInterval", "30000"),
                Map.entry("receiveQueueSize", "2000"),
                Map.entry("numRetries", "3"),
                Map.entry("rate", "1.5"),
                Map.entry("exact", "1.50"),
                Map.entry("useEnhancedFanOut", "true"),
                Map.entry("shards", "a,b"),
                Map.entry("awsCredentialPluginParam", "{\"accessKey\":\"k\"}"));
    }

    @Test
    void noConfigsIsAnEmptyConfig() {
        assertThat(PulsarIoConfigs.toText(null)).isEmpty();
    }
}
