package dev.tributary.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every duration-like Kinesis key reads `500ms`, `2s` and, as Pulsar IO writes them, bare milliseconds. */
class KinesisDurationKeysTest {
    static Stream<Arguments> durationKeys() {
        return Stream.of(
                Arguments.of("checkpointInterval", (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::checkpointInterval),
                Arguments.of("backoffTime", (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::backoffTime),
                Arguments.of("pollInterval", (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::pollInterval),
                Arguments.of("shardDiscoveryInterval",
                        (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::shardDiscoveryInterval),
                Arguments.of("connectionTimeout", (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::connectionTimeout),
                Arguments.of("readTimeout", (Function<KinesisSourceConfig, Duration>) KinesisSourceConfig::readTimeout));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durationKeys")
    void readsUnitsAndBareMilliseconds(String key, Function<KinesisSourceConfig, Duration> getter) {
        assertThat(getter.apply(config(key, "2500"))).isEqualTo(Duration.ofMillis(2500));
        assertThat(getter.apply(config(key, "2500ms"))).isEqualTo(Duration.ofMillis(2500));
        assertThat(getter.apply(config(key, "3s"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(getter.apply(config(key, "2m"))).isEqualTo(Duration.ofMinutes(2));
        assertThat(getter.apply(config(key, "PT4S"))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void everyKeyThatHoldsATimeSpanIsADuration() {
        // A whole-number key documented in time units would take milliseconds only: the inconsistency fixed here.
        for (ConfigField field : KinesisSourceConfig.SCHEMA.fields()) {
            String doc = field.documentation() == null ? "" : field.documentation().toLowerCase(Locale.ROOT);
            if (field.type() == ConfigType.INT || field.type() == ConfigType.LONG) {
                assertThat(doc).as(field.name()).doesNotContain("millisecond").doesNotContain("in seconds");
            }
        }
        durationKeys().map(a -> (String) a.get()[0]).forEach(key ->
                assertThat(KinesisSourceConfig.SCHEMA.field(key).orElseThrow().type()).as(key).isEqualTo(ConfigType.DURATION));
    }

    private static KinesisSourceConfig config(String key, String value) {
        Map<String, String> config = new HashMap<>();
        config.put("awsRegion", "eu-west-1");
        config.put("awsKinesisStreamName", "orders");
        config.put(key, value);
        return KinesisSourceConfig.from(config);
    }
}
