package dev.tributary.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigField.Reach;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorConfigPolicyTest {
    private static final Optional<ConfigSchema> SCHEMA = Optional.of(ConfigSchema.builder()
            .field(ConfigField.builder("awsEndpoint", ConfigType.STRING).reach(Reach.ENDPOINT).build())
            .field(ConfigField.builder("proxyHost", ConfigType.STRING).reach(Reach.ENDPOINT).build())
            .field(ConfigField.builder("tokenFile", ConfigType.STRING).reach(Reach.FILE).build())
            .field(ConfigField.builder("trustAllCertificates", ConfigType.BOOLEAN).defaultValue("false").build())
            .field(ConfigField.builder("batch", ConfigType.INT).build())
            .build());

    @TempDir
    Path dir;

    private static ConfigException refusal(ConnectorConfigPolicy policy, Map<String, String> before,
            Map<String, String> after) {
        try {
            policy.check(before, after, SCHEMA);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a refusal of " + after);
    }

    @Test
    void byDefaultOnlyTheKinesisAndStsEndpointsOfAwsAreAllowed() {
        ConnectorConfigPolicy policy = ConnectorConfigPolicy.DEFAULT;

        for (String aws : List.of("https://kinesis.us-east-1.amazonaws.com", "https://kinesis-fips.us-gov-west-1.amazonaws.com",
                "https://vpce-0a1b-c2d3.kinesis.eu-west-1.vpce.amazonaws.com",
                "https://vpce-0a1b-c2d3-eu-west-1a.kinesis.eu-west-1.vpce.amazonaws.com", "https://sts.amazonaws.com",
                "https://sts.ap-south-1.amazonaws.com", "https://kinesis.cn-north-1.amazonaws.com.cn",
                "https://kinesis.us-east-1.api.aws", "kinesis.eu-central-1.amazonaws.com")) {
            assertThatCode(() -> policy.check(Map.of(), Map.of("awsEndpoint", aws), SCHEMA)).as(aws).doesNotThrowAnyException();
        }
        assertThat(refusal(policy, Map.of(), Map.of("awsEndpoint", "http://127.0.0.1:4567")).problems())
                .singleElement().asString()
                .startsWith("awsEndpoint: host '127.0.0.1' is not allowed for configs sent over REST (allowed: kinesis.{region}.amazonaws.com,")
                .endsWith("); to allow it, the operator adds it to connector.policy.allowed.hosts in worker.properties");
        for (String sneaky : List.of("https://evilamazonaws.com", "https://kinesis.amazonaws.com.evil.example",
                "https://evil.example#.amazonaws.com", "http://169.254.169.254/latest", "https://[::1]:443",
                "https://a1b2c3.execute-api.us-east-1.amazonaws.com", "https://kinesis.s3.us-east-1.amazonaws.com",
                "https://my-bucket.s3.amazonaws.com", "https://kinesis..amazonaws.com",
                // S3's legacy bucket hosts: the buckets named kinesis and sts belong to whoever made them.
                "https://kinesis.s3.amazonaws.com", "https://sts.s3-external-1.amazonaws.com",
                "https://kinesis.s3.amazonaws.com.cn")) {
            assertThat(refusal(policy, Map.of(), Map.of("awsEndpoint", sneaky)).problems()).as(sneaky)
                    .singleElement().asString().startsWith("awsEndpoint: ").contains("connector.policy.allowed.hosts");
        }
        assertThat(refusal(policy, Map.of(), Map.of("proxyHost", "attacker.example")).problems())
                .singleElement().asString().startsWith("proxyHost: host 'attacker.example' is not allowed");
    }

    @Test
    void hostsAreMatchedExactlyOrBySuffixAndStarAllowsAny() {
        ConnectorConfigPolicy loopback = new ConnectorConfigPolicy(List.of("127.0.0.1", "*.corp.example", "api.*.example"),
                List.of(), Set.of());
        assertThat(loopback.hostAllowed("127.0.0.1")).isTrue();
        assertThat(loopback.hostAllowed("proxy.corp.example")).isTrue();
        assertThat(loopback.hostAllowed("a.b.corp.example")).as("a leading *. is any depth").isTrue();
        assertThat(loopback.hostAllowed("corp.example")).isFalse();
        assertThat(loopback.hostAllowed("127.0.0.2")).isFalse();
        assertThat(loopback.hostAllowed("api.eu.example")).isTrue();
        assertThat(loopback.hostAllowed("api.x.y.example")).as("an inner * is one label").isFalse();
        assertThat(loopback.hostAllowed("api..example")).isFalse();
        assertThat(ConnectorConfigPolicy.hostOf("HTTP://Kinesis.US-East-1.amazonaws.com.:443/x")).contains("kinesis.us-east-1.amazonaws.com");
        assertThat(ConnectorConfigPolicy.hostOf("http://[::1]:80")).contains("::1");
        assertThat(ConnectorConfigPolicy.hostOf("http://under_score:80")).isEmpty();
        assertThat(new ConnectorConfigPolicy(List.of("*"), List.of(), Set.of()).hostAllowed("anything.example")).isTrue();
    }

    @Test
    void onlyValuesThatDifferFromTheStoredOnesOrTheDefaultsAreChecked() {
        ConnectorConfigPolicy policy = ConnectorConfigPolicy.DEFAULT;
        Map<String, String> operators = Map.of("awsEndpoint", "http://127.0.0.1:4567", "tokenFile", "/etc/token",
                "trustAllCertificates", "true");

        assertThatCode(() -> policy.check(operators, Map.of("awsEndpoint", " http://127.0.0.1:4567 ",
                "tokenFile", "/etc/token", "trustAllCertificates", "true", "batch", "7"), SCHEMA))
                .as("a GET-modify-PUT of an operator's connector").doesNotThrowAnyException();
        assertThatCode(() -> policy.check(Map.of(), Map.of("trustAllCertificates", "false"), SCHEMA))
                .as("the default is no change").doesNotThrowAnyException();
        assertThat(refusal(policy, Map.of(), Map.of("trustAllCertificates", "true")).problems())
                .containsExactly("trustAllCertificates: a REST caller may not change this key on this worker; set it in"
                        + " the connector's file given to the worker at start, or remove trustAllCertificates from"
                        + " connector.policy.locked.keys in worker.properties");
        assertThat(refusal(policy, operators, Map.of("awsEndpoint", "http://127.0.0.1:4568", "tokenFile", "/etc/other"))
                .problems()).hasSize(2);
    }

    @Test
    void filesFromRestAreRefusedUnlessUnderAnAllowedDirectory() throws Exception {
        assertThat(refusal(ConnectorConfigPolicy.DEFAULT, Map.of(), Map.of("tokenFile", "/etc/passwd")).problems())
                .containsExactly("tokenFile: path '/etc/passwd' is not allowed for configs sent over REST (allowed: none);"
                        + " to allow it, the operator adds its directory to connector.policy.allowed.paths in"
                        + " worker.properties");

        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        ConnectorConfigPolicy policy = new ConnectorConfigPolicy(List.of(), List.of(tokens), Set.of());
        assertThatCode(() -> policy.check(Map.of(), Map.of("tokenFile", tokens.resolve("kinesis").toString()), SCHEMA))
                .doesNotThrowAnyException();
        assertThat(refusal(policy, Map.of(), Map.of("tokenFile", tokens.resolve("../secret").toString())).problems())
                .singleElement().asString().contains("is not allowed");
        assertThat(refusal(policy, Map.of(), Map.of("tokenFile", "tokens/kinesis")).problems())
                .singleElement().asString().contains("is relative");

        Path outside = Files.writeString(dir.resolve("outside"), "x");
        Files.createSymbolicLink(tokens.resolve("link"), outside);
        assertThat(refusal(policy, Map.of(), Map.of("tokenFile", tokens.resolve("link").toString())).problems())
                .as("a link out of the allowed directory").singleElement().asString().contains("is not allowed");
    }

    @Test
    void aConnectorThatIsNotInstalledHasOnlyItsLockedKeysChecked() {
        assertThatCode(() -> ConnectorConfigPolicy.DEFAULT.check(Map.of(), Map.of("awsEndpoint", "http://x"), Optional.empty()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> ConnectorConfigPolicy.DEFAULT.check(Map.of(), Map.of("trustAllCertificates", "true"),
                Optional.empty())).isInstanceOf(ConfigException.class);
    }
}
