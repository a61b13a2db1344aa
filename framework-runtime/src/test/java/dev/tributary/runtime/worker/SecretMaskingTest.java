package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretMaskingTest {
    private static final Optional<ConfigSchema> SCHEMA = Optional.of(ConfigSchema.builder()
            .field(ConfigField.builder("awsSecretKey", ConfigType.PASSWORD).build())
            .field(ConfigField.builder("token", ConfigType.STRING).sensitive().build())
            .field(ConfigField.builder("region", ConfigType.STRING).build())
            .build());

    private static Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", "k");
        config.put("connector.class", "kinesis");
        config.put("awsSecretKey", "AKIASECRET");
        config.put("token", "tkn-42");
        config.put("region", "eu-west-1");
        return config;
    }

    @Test
    void masksTheValuesOfSensitiveKeysOnly() {
        Map<String, String> masked = SecretMasking.of(SCHEMA, config()).mask(config());

        assertThat(masked).containsExactly(Map.entry("name", "k"), Map.entry("connector.class", "kinesis"),
                Map.entry("awsSecretKey", "[hidden]"), Map.entry("token", "[hidden]"), Map.entry("region", "eu-west-1"));
    }

    @Test
    void withoutASchemaEverythingButTheRuntimesKeysIsMasked() {
        Map<String, String> masked = SecretMasking.of(Optional.empty(), config()).mask(config());

        assertThat(masked).containsEntry("name", "k").containsEntry("connector.class", "kinesis")
                .containsEntry("region", "[hidden]").containsEntry("token", "[hidden]");
    }

    @Test
    void derivedConfigsAndTracesLoseEverySecretWhateverTheKey() {
        SecretMasking masking = SecretMasking.of(SCHEMA, config());

        assertThat(masking.maskDerived(Map.of("credentials", "key=AKIASECRET;x=1", "region", "eu-west-1", "token", "other")))
                .containsEntry("credentials", "[hidden]").containsEntry("region", "eu-west-1").containsEntry("token", "[hidden]");
        assertThat(masking.redact("auth failed for AKIASECRET and tkn-42")).isEqualTo("auth failed for [hidden] and [hidden]");
        assertThat(masking.redact(null)).isNull();
    }

    @Test
    void theMaskSentBackKeepsTheStoredSecret() {
        Map<String, String> submitted = new LinkedHashMap<>(config());
        submitted.put("awsSecretKey", "[hidden]");
        submitted.put("region", "[hidden]");

        Map<String, String> restored = SecretMasking.restoreHidden(submitted, config(), SCHEMA);

        assertThat(restored).containsEntry("awsSecretKey", "AKIASECRET")
                .as("a key that is no secret keeps the text it was sent").containsEntry("region", "[hidden]");
    }

    @Test
    void theMaskWithoutAStoredSecretIsRefusedRatherThanStored() {
        Map<String, String> submitted = new LinkedHashMap<>(config());
        submitted.put("token", "[hidden]");

        assertThatThrownBy(() -> SecretMasking.restoreHidden(submitted, Map.of(), SCHEMA))
                .isInstanceOf(ConnectorStateException.class)
                .hasMessageStartingWith("token: '[hidden]' is how a secret is shown");
    }
}
