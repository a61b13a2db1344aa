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

    @Test
    void aOneLetterSecretIsMaskedOnlyWhereItStandsAsAWholeValue() {
        Map<String, String> config = new LinkedHashMap<>(config());
        config.put("token", "x");
        SecretMasking masking = SecretMasking.of(SCHEMA, config);

        assertThat(masking.redact("ConnectException: proxy refused password x for user admin"))
                .isEqualTo("ConnectException: proxy refused password [hidden] for user admin");
        assertThat(masking.maskDerived(Map.of("kind", "ConnectException", "auth", "x")))
                .containsEntry("kind", "ConnectException").containsEntry("auth", "[hidden]");
    }

    @Test
    void aSecretInsideAUrlIsMaskedButNotInsideALongerWord() {
        SecretMasking masking = SecretMasking.of(SCHEMA, config());

        assertThat(masking.redact("GET http://user:tkn-42@proxy.example:3128/x failed"))
                .isEqualTo("GET http://user:[hidden]@proxy.example:3128/x failed");
        assertThat(masking.redact("AKIASECRETS and XAKIASECRET and AKIASECRET."))
                .isEqualTo("AKIASECRETS and XAKIASECRET and [hidden].");
    }

    @Test
    void everyStringOfAJsonSecretIsASecretOfItsOwn() {
        Optional<ConfigSchema> schema = Optional.of(ConfigSchema.builder()
                .field(ConfigField.builder("awsCredentialPluginParam", ConfigType.PASSWORD).build())
                .build());
        Map<String, String> config = Map.of("awsCredentialPluginParam",
                "{\"accessKey\":\"AKIA1234\",\"secretKey\":\"wJalr/K7+bPx\",\"nested\":[{\"t\":\"deep\"}]}");
        SecretMasking masking = SecretMasking.of(schema, config);

        assertThat(masking.redact("signed with AKIA1234 and wJalr/K7+bPx, token deep"))
                .isEqualTo("signed with [hidden] and [hidden], token [hidden]");
        assertThat(masking.maskDerived(Map.of("secretKey", "wJalr/K7+bPx", "region", "us-east-1")))
                .containsEntry("secretKey", "[hidden]").containsEntry("region", "us-east-1");
    }

    private static final Optional<ConfigSchema> REACHING = Optional.of(ConfigSchema.builder()
            .field(ConfigField.builder("endpoint", ConfigType.STRING).reach(ConfigField.Reach.ENDPOINT).build())
            .field(ConfigField.builder("proxyPort", ConfigType.INT).reach(ConfigField.Reach.DESTINATION).build())
            .field(ConfigField.builder("password", ConfigType.PASSWORD).build())
            .field(ConfigField.builder("token", ConfigType.PASSWORD).build())
            .field(ConfigField.builder("batch", ConfigType.INT).build())
            .build());

    private static Map<String, String> reaching() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", "k");
        config.put("connector.class", "kinesis");
        config.put("endpoint", "https://kinesis.us-east-1.amazonaws.com");
        config.put("proxyPort", "3128");
        config.put("password", "pw");
        config.put("token", "tk");
        return config;
    }

    @Test
    void aChangedDestinationWithoutItsSecretsIsRefusedNamingThem() {
        Map<String, String> patch = Map.of("proxyPort", "9999");
        Map<String, String> result = new LinkedHashMap<>(reaching());
        result.put("proxyPort", "9999");

        assertThatThrownBy(() -> SecretMasking.requireSecretsResent(patch, reaching(), result, REACHING))
                .isInstanceOf(ConnectorStateException.class)
                .hasMessageStartingWith("proxyPort: changing where the connector connects")
                .hasMessageContaining("send password, token with their values")
                .hasMessageNotContaining("pw").hasMessageNotContaining("tk,");

        Map<String, String> put = new LinkedHashMap<>(result);
        put.put("password", "[hidden]");
        put.put("token", "tk");
        assertThatThrownBy(() -> SecretMasking.requireSecretsResent(put, reaching(), result, REACHING))
                .as("the mask is not the secret").hasMessageContaining("send password with");
    }

    @Test
    void aChangedDestinationWithItsSecretsSentAgainIsAccepted() {
        Map<String, String> patch = Map.of("endpoint", "https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com",
                "password", "pw", "token", "tk-new");
        Map<String, String> result = new LinkedHashMap<>(reaching());
        result.putAll(patch);

        SecretMasking.requireSecretsResent(patch, reaching(), result, REACHING);
    }

    @Test
    void secretsThatDoNotStayOrChangesThatReachNothingNeedNoSecret() {
        Map<String, String> withoutSecrets = new LinkedHashMap<>(reaching());
        withoutSecrets.remove("password");
        withoutSecrets.remove("token");
        withoutSecrets.put("endpoint", "https://kinesis.eu-west-1.amazonaws.com");
        SecretMasking.requireSecretsResent(withoutSecrets, reaching(), withoutSecrets, REACHING);

        Map<String, String> batchOnly = new LinkedHashMap<>(reaching());
        batchOnly.put("batch", "10");
        SecretMasking.requireSecretsResent(Map.of("batch", "10"), reaching(), batchOnly, REACHING);

        SecretMasking.requireSecretsResent(reaching(), Map.of(), reaching(), REACHING);
    }

    @Test
    void anotherConnectorClassIsADestinationChange() {
        Map<String, String> result = new LinkedHashMap<>(reaching());
        result.put("connector.class", "other");

        assertThatThrownBy(() -> SecretMasking.requireSecretsResent(Map.of("connector.class", "other"), reaching(),
                result, REACHING)).hasMessageStartingWith("connector.class: changing");
    }
}
