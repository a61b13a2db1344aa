package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerScenarioTest {
    @Test
    void theSourceConfigQuotesTextAndLeavesBooleansBare() {
        Map<String, Object> configs = new LinkedHashMap<>();
        configs.put("awsCredentialPluginParam", "{\"accessKey\":\"a\\b\"}");
        configs.put("useEnhancedFanOut", false);

        String yaml = LocalRun.sourceConfigYaml("bench-peer-1", "persistent://public/default/t", configs);

        assertThat(yaml).isEqualTo("""
                name: bench-peer-1
                className: org.apache.pulsar.io.kinesis.KinesisSource
                topicName: persistent://public/default/t
                parallelism: 1
                producerConfig:
                    compressionType: NONE
                configs:
                    awsCredentialPluginParam: "{\\"accessKey\\":\\"a\\\\b\\"}"
                    useEnhancedFanOut: false
                """);
    }
}
