package dev.tributary.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.config.FieldValidation;
import dev.tributary.api.config.Password;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KinesisSourceConfigTest {
    private static final String SECRET = "my-Secret";

    /** The {@code configs} of the reference's JSON example, numbers written as strings. */
    static Map<String, String> referenceJsonExample() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("awsEndpoint", "https://some.endpoint.aws");
        config.put("awsRegion", "us-east-1");
        config.put("awsKinesisStreamName", "my-stream");
        config.put("awsCredentialPluginParam", "{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\"}");
        config.put("applicationName", "My test application");
        config.put("checkpointInterval", "30000");
        config.put("backoffTime", "4000");
        config.put("numRetries", "3");
        config.put("receiveQueueSize", "2000");
        config.put("initialPositionInStream", "TRIM_HORIZON");
        config.put("startAtTime", "2019-03-05T19:28:58.000Z");
        return config;
    }

    /** The {@code configs} of the reference's YAML example, as a YAML reader hands them over. */
    static Map<String, String> referenceYamlExample() {
        return new LinkedHashMap<>(Map.ofEntries(
                Map.entry("awsEndpoint", "https://some.endpoint.aws"),
                Map.entry("awsRegion", "us-east-1"),
                Map.entry("awsKinesisStreamName", "my-stream"),
                Map.entry("awsCredentialPluginParam", "{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\"}"),
                Map.entry("applicationName", "My test application"),
                Map.entry("checkpointInterval", "30000"),
                Map.entry("backoffTime", "4000"),
                Map.entry("numRetries", "3"),
                Map.entry("receiveQueueSize", "2000"),
                Map.entry("initialPositionInStream", "TRIM_HORIZON"),
                Map.entry("startAtTime", "2019-03-05T19:28:58.000Z")));
    }

    private static Map<String, String> minimal() {
        Map<String, String> config = new HashMap<>();
        config.put("awsRegion", "eu-west-1");
        config.put("awsKinesisStreamName", "orders");
        return config;
    }

    private static Map<String, String> with(Map<String, String> base, String... keysAndValues) {
        Map<String, String> config = new HashMap<>(base);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                config.remove(keysAndValues[i]);
            } else {
                config.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return config;
    }

    private static List<String> errors(Map<String, String> config) {
        return KinesisSourceConfig.SCHEMA.validate(config).errorLines();
    }

    @Test
    void referenceJsonExampleIsValidAndReadsAsWritten() {
        assertThat(errors(referenceJsonExample())).isEmpty();

        KinesisSourceConfig config = KinesisSourceConfig.from(referenceJsonExample());

        assertThat(config.awsEndpoint()).contains(URI.create("https://some.endpoint.aws"));
        assertThat(config.awsRegion()).contains("us-east-1");
        assertThat(config.streams()).containsExactly(new KinesisStreamRef("my-stream", Optional.empty()));
        assertThat(config.applicationName()).isEqualTo("My test application");
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofMillis(30_000));
        assertThat(config.backoffTime()).isEqualTo(Duration.ofMillis(4_000));
        assertThat(config.numRetries()).isEqualTo(3);
        assertThat(config.receiveQueueSize()).isEqualTo(2000);
        assertThat(config.initialPositionInStream()).isEqualTo(InitialPositionInStream.TRIM_HORIZON);
        assertThat(config.startAtTime()).contains(Instant.parse("2019-03-05T19:28:58Z"));
        assertThat(config.credentials()).isInstanceOf(CredentialsSettings.StaticKeys.class);
        CredentialsSettings.StaticKeys keys = (CredentialsSettings.StaticKeys) config.credentials();
        assertThat(keys.accessKeyId()).isEqualTo("myKey");
        assertThat(keys.secretAccessKey().value()).isEqualTo(SECRET);
    }

    @Test
    void referenceYamlExampleIsValid() {
        assertThat(errors(referenceYamlExample())).isEmpty();
        assertThat(KinesisSourceConfig.from(referenceYamlExample()).config().toString())
                .isEqualTo(KinesisSourceConfig.from(referenceJsonExample()).config().toString());
    }

    @Test
    void referenceExampleWithEndpointPointedElsewhereIsValid() {
        assertThat(errors(with(referenceJsonExample(), "awsEndpoint", "http://localhost:4567"))).isEmpty();
    }

    @Test
    void defaultsAreTheReferences() {
        KinesisSourceConfig config = KinesisSourceConfig.from(minimal());

        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofMillis(60_000));
        assertThat(config.backoffTime()).isEqualTo(Duration.ofMillis(3_000));
        assertThat(config.numRetries()).isEqualTo(3);
        assertThat(config.initialPositionInStream()).isEqualTo(InitialPositionInStream.LATEST);
        assertThat(config.applicationName()).isEqualTo("Pulsar IO connector");
        assertThat(config.startAtTime()).isEmpty();
        assertThat(config.awsCredentialPluginName()).isEmpty();
        assertThat(config.credentialsType()).isEqualTo(CredentialsType.DEFAULT_CHAIN);
    }

    @Test
    void declaredDefaultsAreTheReferencesAsWritten() {
        Map<String, String> expected = Map.of(
                "checkpointInterval", "60000",
                "backoffTime", "3000",
                "numRetries", "3",
                "initialPositionInStream", "LATEST",
                "applicationName", "Pulsar IO connector",
                "awsCredentialPluginName", "");
        expected.forEach((key, value) ->
                assertThat(KinesisSourceConfig.SCHEMA.field(key).orElseThrow().defaultValue()).as(key).isEqualTo(value));
        for (String optional : List.of("awsEndpoint", "awsRegion", "awsKinesisStreamName", "startAtTime",
                "awsCredentialPluginParam")) {
            ConfigField field = KinesisSourceConfig.SCHEMA.field(optional).orElseThrow();
            assertThat(field.required()).as(optional).isFalse();
            assertThat(field.defaultValue()).as(optional).isNull();
        }
    }

    @Test
    void ownDefaults() {
        KinesisSourceConfig config = KinesisSourceConfig.from(minimal());

        assertThat(config.useEnhancedFanOut()).isFalse();
        // Pulsar IO's 1000 sits on top of the KCL's own prefetch; here it bounds every fetched record, and at
        // 1000 one fetch fills it (docs/kinesis.md, migration table; BENCHMARKS.md for the figures).
        assertThat(config.receiveQueueSize()).isEqualTo(10_000);
        assertThat(config.receiveQueueBytes()).isEqualTo(64L << 20);
        assertThat(config.httpProtocol()).isEqualTo(HttpProtocol.HTTP1_1);
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxRecordsPerFetch()).isEqualTo(1000);
        assertThat(config.receiveQueueBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxConcurrentFetches()).isEqualTo(16);
        assertThat(config.messageKeyMode()).isEqualTo(MessageKeyMode.PARTITION_KEY);
        assertThat(config.kinesisRecordProperties()).containsExactly("kinesis.arrival.timestamp",
                "kinesis.encryption.type", "kinesis.partition.key", "kinesis.sequence.number", "kinesis.shard.id",
                "kinesis.millis.behind.latest");
        assertThat(config.httpMaxConcurrency()).isEqualTo(100);
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.proxy()).isEmpty();
        assertThat(config.trustAllCertificates()).isFalse();
        assertThat(config.consumerName()).isEqualTo("Pulsar-IO-connector");
        assertThat(config.clientRegion()).isEqualTo("eu-west-1");
        assertThat(config.stsEndpoint()).isEmpty();
    }

    @Test
    void blankStartAtTimeAsInTheReferenceTableCountsAsUnset() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "startAtTime", " "));

        assertThat(config.startAtTime()).isEmpty();
    }

    static Stream<Arguments> wrongReferenceValues() {
        return Stream.of(
                Arguments.of("awsEndpoint", "some.endpoint.aws", "http or https URL"),
                Arguments.of("awsRegion", "US East", "such as us-east-1"),
                Arguments.of("awsKinesisStreamName", "my stream!", "1 to 128 letters"),
                Arguments.of("awsCredentialPluginName", "com.example.VaultCredentialPlugin",
                        "custom credential plugins are not supported; use credentialsType"),
                Arguments.of("awsCredentialPluginParam", "{\"accessKey\":\"myKey\",\"secretKey\":my-Secret}",
                        "write it as {\"accessKey\""),
                Arguments.of("applicationName", "two\nlines", "without line breaks"),
                Arguments.of("initialPositionInStream", "EARLIEST", "LATEST, TRIM_HORIZON, AT_TIMESTAMP"),
                Arguments.of("startAtTime", "yesterday", "ISO-8601"),
                Arguments.of("checkpointInterval", "0", "at least 1ms"),
                Arguments.of("checkpointInterval", "soon", "is not a duration; write it as 500ms, 30s"),
                Arguments.of("backoffTime", "-1", "is not a duration"),
                Arguments.of("numRetries", "three", "whole number"),
                Arguments.of("numRetries", "-1", "at least 0"),
                Arguments.of("receiveQueueSize", "0", "at least 1"),
                Arguments.of("kclLeaseTable", "arn:aws:dynamodb:us-east-1:123456789012:table/app",
                        "must be a DynamoDB table name of 3 to 255 letters, digits, '_', '.' or '-'"),
                Arguments.of("kclLeaseTable", "ab", "a DynamoDB table name of 3 to 255"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("wrongReferenceValues")
    void aWrongValueInAReferenceFieldIsOneReadableLineNamingIt(String field, String value, String fix) {
        List<String> errors = errors(with(referenceJsonExample(), field, value));

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith(field + ": ").contains(fix).doesNotContain("Exception");
        assertThat(errors.get(0)).doesNotContain(SECRET);
        assertThatThrownBy(() -> KinesisSourceConfig.from(with(referenceJsonExample(), field, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(errors.get(0));
    }

    @Test
    void atTimestampNeedsStartAtTime() {
        Map<String, String> config = with(minimal(), "initialPositionInStream", "AT_TIMESTAMP");

        assertThat(errors(config)).containsExactly("startAtTime: is required when initialPositionInStream is"
                + " AT_TIMESTAMP; set it to the instant to start from, such as 2019-03-05T19:28:58.000Z");
        assertThat(KinesisSourceConfig.from(with(config, "startAtTime", "1551814138000")).startAtTime())
                .contains(Instant.parse("2019-03-05T19:28:58Z"));
    }

    @Test
    void atTimestampWithAnInvalidStartAtTimeIsOneError() {
        assertThat(errors(with(minimal(), "initialPositionInStream", "at_timestamp", "startAtTime", "soon")))
                .singleElement().asString().startsWith("startAtTime: 'soon' is not a timestamp");
    }

    @Test
    void regionIsRequiredUnlessEndpointIsSet() {
        assertThat(errors(with(minimal(), "awsRegion", null))).containsExactly("awsRegion: is required unless"
                + " awsEndpoint is set; set it to the stream's region, such as us-east-1");

        KinesisSourceConfig config = KinesisSourceConfig.from(
                with(minimal(), "awsRegion", null, "awsEndpoint", "http://localhost:4567"));
        assertThat(config.awsRegion()).isEmpty();
        assertThat(config.clientRegion()).isEqualTo("us-east-1");
    }

    @Test
    void anInvalidRegionIsOneError() {
        assertThat(errors(with(minimal(), "awsRegion", "Frankfurt"))).singleElement().asString()
                .startsWith("awsRegion: 'Frankfurt' must be an AWS region");
    }

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1.evil.example", "evil.example/us-east-1", "us-east-1@evil.example",
            "us-east-1\nHost: evil.example", "us-east-1#", "eu-west-1.amazonaws.com"})
    void aRegionCannotCarryAHostIntoTheEndpointsItNames(String region) {
        assertThat(errors(with(minimal(), "awsRegion", region))).singleElement().asString()
                .startsWith("awsRegion: ").contains("must be an AWS region");
    }

    @Test
    void everyKeyThatPointsOutsideTheWorkerSaysSo() {
        Map<String, ConfigField.Reach> reach = new HashMap<>();
        KinesisSourceConfig.SCHEMA.fields().forEach(f -> reach.put(f.name(), f.reach()));

        assertThat(reach).containsEntry("awsEndpoint", ConfigField.Reach.ENDPOINT)
                .containsEntry("stsEndpoint", ConfigField.Reach.ENDPOINT)
                .containsEntry("dynamoEndpoint", ConfigField.Reach.ENDPOINT)
                .containsEntry("proxyHost", ConfigField.Reach.ENDPOINT)
                .containsEntry("webIdentityTokenFile", ConfigField.Reach.FILE)
                .containsEntry("proxyPort", ConfigField.Reach.DESTINATION)
                .containsEntry("roleArn", ConfigField.Reach.DESTINATION)
                .containsEntry("awsRegion", ConfigField.Reach.DESTINATION)
                .containsEntry("credentialsType", ConfigField.Reach.DESTINATION)
                .containsEntry("awsProfileName", ConfigField.Reach.DESTINATION)
                .containsEntry("awsCredentialPluginParam", ConfigField.Reach.DESTINATION)
                .containsEntry("awsKinesisStreamName", ConfigField.Reach.NONE);
    }

    @Test
    void noStreamNamesTheThreeOptions() {
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null))).containsExactly("awsKinesisStreamName:"
                + " is required: no stream is given; give exactly one of awsKinesisStreamName, awsKinesisStreamArn or"
                + " awsKinesisStreamNames");
    }

    @Test
    void twoWaysToGiveTheStreamAreOneErrorOnTheFirst() {
        String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";

        assertThat(errors(with(minimal(), "awsKinesisStreamArn", arn))).containsExactly("awsKinesisStreamName:"
                + " cannot be given together with awsKinesisStreamArn; give exactly one of awsKinesisStreamName,"
                + " awsKinesisStreamArn or awsKinesisStreamNames");
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamArn", arn,
                "awsKinesisStreamNames", "a,b"))).containsExactly("awsKinesisStreamArn: cannot be given together"
                        + " with awsKinesisStreamNames; give exactly one of awsKinesisStreamName, awsKinesisStreamArn"
                        + " or awsKinesisStreamNames");
        assertThat(errors(with(minimal(), "awsKinesisStreamArn", arn, "awsKinesisStreamNames", "a,b")))
                .singleElement().asString()
                .startsWith("awsKinesisStreamName: cannot be given together with awsKinesisStreamArn and"
                        + " awsKinesisStreamNames;");
    }

    @Test
    void streamByArn() {
        String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders.v2";

        KinesisSourceConfig config = KinesisSourceConfig.from(
                with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamArn", arn));

        assertThat(config.streams()).containsExactly(new KinesisStreamRef("orders.v2", Optional.of(arn)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:kinesis:eu-west-1:123456789012:orders", "arn:aws:sqs:eu-west-1:123456789012:stream/x",
            "arn:aws:kinesis:eu-west-1:12345:stream/x", "orders"})
    void aMalformedArnIsOneError(String arn) {
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamArn", arn)))
                .singleElement().asString()
                .startsWith("awsKinesisStreamArn: '" + arn + "' must be a stream ARN such as arn:aws:kinesis:");
    }

    @Test
    void arnsOfOtherPartitionsAreAccepted() {
        String arn = "arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/orders";

        assertThat(errors(with(minimal(), "awsKinesisStreamName", null, "awsRegion", "us-gov-west-1",
                "awsKinesisStreamArn", arn))).isEmpty();
    }

    @Test
    void anArnInAnotherRegionThanAwsRegionIsAnError() {
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null,
                "awsKinesisStreamArn", "arn:aws:kinesis:us-west-2:123456789012:stream/orders")))
                .containsExactly("awsKinesisStreamArn: is a stream in us-west-2 but awsRegion is eu-west-1; set"
                        + " awsRegion to us-west-2 or use the stream's ARN in eu-west-1");
    }

    @Test
    void severalStreamsByName() {
        KinesisSourceConfig config = KinesisSourceConfig.from(
                with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamNames", "orders, payments,orders"));

        assertThat(config.streams()).extracting(KinesisStreamRef::name).containsExactly("orders", "payments");
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamNames", "orders,bad name")))
                .singleElement().asString().startsWith("awsKinesisStreamNames: ");
        assertThat(errors(with(minimal(), "awsKinesisStreamName", null, "awsKinesisStreamNames", " , ")))
                .singleElement().asString().isEqualTo("awsKinesisStreamNames: ' , ' must not be empty");
    }

    // Credentials.

    @Test
    void staticKeysInTheParam() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(),
                "awsCredentialPluginParam", "{ \"accessKey\" : \"AKIDEXAMPLE\", \"secretKey\" : \"wJal\\/rXUt\" }"));

        assertThat(config.credentialsType()).isEqualTo(CredentialsType.STATIC);
        assertThat(config.credentials()).isEqualTo(new CredentialsSettings.StaticKeys("AKIDEXAMPLE",
                new Password("wJal/rXUt"), Optional.empty()));
    }

    @Test
    void aRoleInTheParam() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "awsCredentialPluginParam",
                "{\"roleArn\":\"arn:aws:iam::123456789012:role/reader\",\"roleSessionName\":\"pulsar\","
                        + "\"externalId\":\"ext-1\"}"));

        assertThat(config.credentialsType()).isEqualTo(CredentialsType.ASSUME_ROLE);
        assertThat(config.credentials()).isEqualTo(new CredentialsSettings.AssumeRole(
                "arn:aws:iam::123456789012:role/reader", "pulsar", Optional.of(new Password("ext-1")),
                Optional.empty()));
    }

    @Test
    void aRoleInTheParamWithoutSessionNameUsesRoleSessionName() {
        CredentialsSettings settings = KinesisSourceConfig.from(with(minimal(), "awsCredentialPluginParam",
                "{\"roleArn\":\"arn:aws:iam::123456789012:role/reader\"}")).credentials();

        assertThat(((CredentialsSettings.AssumeRole) settings).roleSessionName()).isEqualTo("tributary");
    }

    @Test
    void anEmptyParamObjectMeansTheDefaultChain() {
        assertThat(KinesisSourceConfig.from(with(minimal(), "awsCredentialPluginParam", "{}")).credentials())
                .isEqualTo(new CredentialsSettings.DefaultChain());
    }

    static Stream<Arguments> badParams() {
        return Stream.of(
                Arguments.of("accessKey=myKey;secretKey=my-Secret", "is not a valid JSON object: it does not start"
                        + " with '{' at character 1"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\"", "expected ',' or '}' at the end"),
                Arguments.of("{\"accessKey\":\"myKey\" \"secretKey\":\"my-Secret\"}", "expected ',' or '}' at"
                        + " character 22"),
                Arguments.of("{'accessKey':'myKey','secretKey':'my-Secret'}", "expected a key in double quotes at"
                        + " character 2"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret}", "a string is not closed"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\"} trailing my-Secret",
                        "there is more text after the closing '}'"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":\"my-S\\qecret\"}", "unknown escape"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":12345}", "every value must be a JSON string"),
                Arguments.of("{\"accessKey\":\"myKey\",\"accessKey\":\"my-Secret\"}", "the same key twice"),
                Arguments.of("{\"user\":\"myKey\",\"password\":\"my-Secret\"}", "has a key other than accessKey,"
                        + " secretKey, roleArn, roleSessionName and externalId"),
                Arguments.of("{\"my-Secret\":\"myKey\"}", "has a key other than"),
                Arguments.of("{\"accessKey\":\"myKey\"}", "has accessKey but no secretKey"),
                Arguments.of("{\"secretKey\":\"my-Secret\"}", "has secretKey but no accessKey"),
                Arguments.of("{\"accessKey\":\" \",\"secretKey\":\"my-Secret\"}", "has an empty accessKey"),
                Arguments.of("{\"accessKey\":\"myKey\",\"secretKey\":\"my-Secret\",\"roleArn\":"
                        + "\"arn:aws:iam::123456789012:role/r\"}", "has both access keys and a role"),
                Arguments.of("{\"roleSessionName\":\"s1\",\"externalId\":\"my-Secret\"}",
                        "has roleSessionName but no roleArn"),
                Arguments.of("{\"roleArn\":\"my-Secret\"}", "has a roleArn that is not an IAM role ARN"),
                Arguments.of("{\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"roleSessionName\":\"a b\"}",
                        "has a roleSessionName that is not 2 to 64"));
    }

    @ParameterizedTest
    @MethodSource("badParams")
    void aBadParamIsOneErrorThatNeverShowsIt(String param, String problem) {
        Map<String, String> config = with(minimal(), "awsCredentialPluginParam", param);

        List<String> errors = errors(config);

        assertThat(errors).singleElement().asString()
                .startsWith("awsCredentialPluginParam: [hidden] ")
                .contains(problem)
                .doesNotContain(SECRET)
                .doesNotContain("myKey");
        ConfigValidation validation = KinesisSourceConfig.SCHEMA.validate(config);
        assertThat(validation.fields()).filteredOn(f -> f.name().equals("awsCredentialPluginParam"))
                .singleElement().extracting(FieldValidation::value).isEqualTo(Password.HIDDEN);
        assertThatThrownBy(() -> KinesisSourceConfig.from(config))
                .satisfies(e -> assertThat(e.toString()).doesNotContain(SECRET).doesNotContain("myKey"));
    }

    @Test
    void secretsNeverShowInToString() {
        Map<String, String> config = with(referenceJsonExample(),
                "awsCredentialPluginParam", null,
                "credentialsType", "ASSUME_ROLE",
                "awsAccessKeyId", "AKIDSHOWN0000",
                "awsSecretAccessKey", "s3cr3t-access",
                "awsSessionToken", "s3cr3t-token",
                "roleArn", "arn:aws:iam::123456789012:role/reader",
                "roleExternalId", "s3cr3t-external",
                "proxyHost", "proxy.local",
                "proxyPort", "3128",
                "proxyUsername", "me",
                "proxyPassword", "s3cr3t-proxy");
        KinesisSourceConfig parsed = KinesisSourceConfig.from(config);
        KinesisSourceConfig fromParam = KinesisSourceConfig.from(referenceJsonExample());

        for (String text : List.of(parsed.toString(), parsed.credentials().toString(), parsed.proxy().toString(),
                fromParam.toString(), fromParam.credentials().toString())) {
            assertThat(text).doesNotContain("s3cr3t").doesNotContain(SECRET).doesNotContain("AKIDSHOWN")
                    .doesNotContain("myKey");
        }
        assertThat(parsed.toString()).contains("awsSecretAccessKey=[hidden]").contains("roleArn=");
    }

    @Test
    void credentialsTypeIsInferredFromTheParam() {
        assertThat(KinesisSourceConfig.from(minimal()).credentialsType()).isEqualTo(CredentialsType.DEFAULT_CHAIN);
        assertThat(KinesisSourceConfig.from(with(minimal(), "awsCredentialPluginParam",
                "{\"accessKey\":\"a\",\"secretKey\":\"b\"}")).credentialsType()).isEqualTo(CredentialsType.STATIC);
        assertThat(KinesisSourceConfig.from(with(minimal(), "awsCredentialPluginParam",
                "{\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"roleSessionName\":\"s1\"}")).credentialsType())
                .isEqualTo(CredentialsType.ASSUME_ROLE);
    }

    @Test
    void anExplicitCredentialsTypeWins() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "credentialsType", "profile",
                "awsProfileName", "kinesis"));

        assertThat(config.credentials()).isEqualTo(new CredentialsSettings.Profile("kinesis"));
    }

    @Test
    void staticKeysOfTheirOwn() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "credentialsType", "STATIC",
                "awsAccessKeyId", "AKID", "awsSecretAccessKey", "secret", "awsSessionToken", "token"));

        assertThat(config.credentials()).isEqualTo(new CredentialsSettings.StaticKeys("AKID", new Password("secret"),
                Optional.of(new Password("token"))));
    }

    @Test
    void staticWithoutKeysSaysWhereToPutThem() {
        assertThat(errors(with(minimal(), "credentialsType", "STATIC"))).containsExactly("awsAccessKeyId: is"
                + " required when credentialsType is STATIC; set awsAccessKeyId and awsSecretAccessKey, or give"
                + " {\"accessKey\":\"...\",\"secretKey\":\"...\"} in awsCredentialPluginParam");
        assertThat(errors(with(minimal(), "credentialsType", "STATIC", "awsAccessKeyId", "AKID")))
                .containsExactly("awsSecretAccessKey: is required when awsAccessKeyId is set; give both keys, or"
                        + " neither");
    }

    @Test
    void keysInTwoPlacesAreAnError() {
        assertThat(errors(with(referenceJsonExample(), "credentialsType", "STATIC", "awsAccessKeyId", "AKID",
                "awsSecretAccessKey", "other"))).containsExactly(
                "awsAccessKeyId: cannot be given together with the accessKey and secretKey in awsCredentialPluginParam;"
                        + " give the keys in one place",
                "awsSecretAccessKey: cannot be given together with the accessKey and secretKey in"
                        + " awsCredentialPluginParam; give the keys in one place");
    }

    @Test
    void aKeyThatTheTypeIgnoresIsAnErrorRatherThanIgnored() {
        assertThat(errors(with(minimal(), "awsAccessKeyId", "AKID", "awsSecretAccessKey", "secret")))
                .containsExactly(
                        "awsAccessKeyId: is only used when credentialsType is STATIC or ASSUME_ROLE, but"
                                + " credentialsType is empty, which here means DEFAULT_CHAIN because"
                                + " awsCredentialPluginParam holds neither access keys nor a role; set credentialsType,"
                                + " or remove awsAccessKeyId",
                        "awsSecretAccessKey: is only used when credentialsType is STATIC or ASSUME_ROLE, but"
                                + " credentialsType is empty, which here means DEFAULT_CHAIN because"
                                + " awsCredentialPluginParam holds neither access keys nor a role; set credentialsType,"
                                + " or remove awsSecretAccessKey");
        assertThat(errors(with(minimal(), "credentialsType", "DEFAULT_CHAIN", "awsProfileName", "dev")))
                .containsExactly("awsProfileName: is only used when credentialsType is PROFILE, but credentialsType is"
                        + " DEFAULT_CHAIN; set credentialsType, or remove awsProfileName");
        assertThat(errors(with(referenceJsonExample(), "credentialsType", "PROFILE", "awsProfileName", "dev")))
                .singleElement().asString().startsWith("awsCredentialPluginParam: holds access keys, which are only"
                        + " used when credentialsType is STATIC or ASSUME_ROLE, but credentialsType is PROFILE;");
    }

    @Test
    void profileNeedsItsName() {
        assertThat(errors(with(minimal(), "credentialsType", "PROFILE"))).containsExactly("awsProfileName: is"
                + " required when credentialsType is PROFILE; set it to a profile of the AWS config files, such as"
                + " default");
    }

    @Test
    void assumeRoleOfItsOwnWithBaseKeys() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "credentialsType", "ASSUME_ROLE",
                "roleArn", "arn:aws:iam::123456789012:role/reader", "roleSessionName", "s1",
                "roleExternalId", "ext", "awsAccessKeyId", "AKID", "awsSecretAccessKey", "secret"));

        assertThat(config.credentials()).isEqualTo(new CredentialsSettings.AssumeRole(
                "arn:aws:iam::123456789012:role/reader", "s1", Optional.of(new Password("ext")),
                Optional.of(new CredentialsSettings.StaticKeys("AKID", new Password("secret"), Optional.empty()))));
    }

    @Test
    void assumeRoleWithTheParamsKeysAsBase() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(referenceJsonExample(), "credentialsType",
                "ASSUME_ROLE", "roleArn", "arn:aws:iam::123456789012:role/reader"));

        CredentialsSettings.AssumeRole role = (CredentialsSettings.AssumeRole) config.credentials();
        assertThat(role.baseKeys()).map(CredentialsSettings.StaticKeys::accessKeyId).contains("myKey");
    }

    @Test
    void assumeRoleNeedsARole() {
        assertThat(errors(with(minimal(), "credentialsType", "ASSUME_ROLE"))).containsExactly("roleArn: is required"
                + " when credentialsType is ASSUME_ROLE; set it to the role to assume, such as"
                + " arn:aws:iam::123456789012:role/kinesis-reader, or give it as roleArn in awsCredentialPluginParam");
        assertThat(errors(with(minimal(), "credentialsType", "ASSUME_ROLE", "roleArn", "reader")))
                .singleElement().asString().startsWith("roleArn: 'reader' must be an IAM role ARN");
    }

    @Test
    void aRoleInTwoPlacesIsAnError() {
        assertThat(errors(with(minimal(), "roleArn", "arn:aws:iam::123456789012:role/a", "awsCredentialPluginParam",
                "{\"roleArn\":\"arn:aws:iam::123456789012:role/b\"}"))).containsExactly("roleArn: cannot be given"
                        + " together with the roleArn in awsCredentialPluginParam; give it in one place");
    }

    @Test
    void webIdentityFromTheEnvironmentOrFromBothKeys() {
        assertThat(KinesisSourceConfig.from(with(minimal(), "credentialsType", "WEB_IDENTITY")).credentials())
                .isEqualTo(new CredentialsSettings.WebIdentity(Optional.empty(), "tributary", Optional.empty()));
        assertThat(KinesisSourceConfig.from(with(minimal(), "credentialsType", "WEB_IDENTITY",
                "roleArn", "arn:aws:iam::123456789012:role/r", "webIdentityTokenFile", "/var/run/token")).credentials())
                .isEqualTo(new CredentialsSettings.WebIdentity(Optional.of("arn:aws:iam::123456789012:role/r"),
                        "tributary", Optional.of(Path.of("/var/run/token"))));
        assertThat(errors(with(minimal(), "credentialsType", "WEB_IDENTITY", "roleArn",
                "arn:aws:iam::123456789012:role/r"))).containsExactly("webIdentityTokenFile: is required when roleArn"
                        + " is set and credentialsType is WEB_IDENTITY; set both, or neither to take them from"
                        + " AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE in the environment");
    }

    @Test
    void anInvalidCredentialsTypeIsOneError() {
        assertThat(errors(with(minimal(), "credentialsType", "IAM", "awsProfileName", "dev")))
                .containsExactly("credentialsType: 'IAM' is not one of DEFAULT_CHAIN, STATIC, PROFILE, ASSUME_ROLE,"
                        + " WEB_IDENTITY");
    }

    @Test
    void pulsarsOwnCredentialPluginNamesAreAccepted() {
        for (String plugin : KinesisSourceConfig.PULSAR_CREDENTIAL_PLUGINS) {
            assertThat(errors(with(referenceJsonExample(), "awsCredentialPluginName", plugin))).as(plugin).isEmpty();
        }
    }

    // Everything else.

    @Test
    void httpProtocolFollowsEnhancedFanOut() {
        assertThat(KinesisSourceConfig.from(with(minimal(), "useEnhancedFanOut", "true")).httpProtocol())
                .isEqualTo(HttpProtocol.HTTP2);
        assertThat(KinesisSourceConfig.from(with(minimal(), "httpProtocol", "HTTP2")).httpProtocol())
                .isEqualTo(HttpProtocol.HTTP2);
        assertThat(errors(with(minimal(), "useEnhancedFanOut", "true", "httpProtocol", "HTTP1_1")))
                .containsExactly("httpProtocol: is HTTP1_1, but enhanced fan-out (useEnhancedFanOut=true) needs"
                        + " HTTP/2; set httpProtocol to HTTP2 or leave it empty");
    }

    @Test
    void httpClientCrtIsRefusedWhereHttp2IsNeeded() {
        assertThat(KinesisSourceConfig.from(minimal()).httpClient()).isEmpty();
        assertThat(KinesisSourceConfig.from(with(minimal(), "httpClient", "CRT")).httpClient())
                .contains(HttpClientKind.CRT);
        assertThat(errors(with(minimal(), "useEnhancedFanOut", "true", "httpClient", "CRT")))
                .containsExactly("httpClient: is CRT, but enhanced fan-out (useEnhancedFanOut=true) needs the NETTY"
                        + " client; set httpClient to NETTY or leave it empty");
        assertThat(errors(with(minimal(), "httpProtocol", "HTTP2", "httpClient", "CRT")))
                .containsExactly("httpClient: is CRT, which speaks HTTP/1.1 only here, but httpProtocol is HTTP2;"
                        + " set httpClient to NETTY, or httpProtocol to HTTP1_1");
        assertThat(errors(with(minimal(), "useEnhancedFanOut", "true", "httpClient", "NETTY"))).isEmpty();
    }

    @Test
    void consumerNameIsGivenOrMadeFromTheApplicationName() {
        assertThat(KinesisSourceConfig.from(with(minimal(), "consumerName", "orders-to-pulsar")).consumerName())
                .isEqualTo("orders-to-pulsar");
        assertThat(KinesisSourceConfig.from(with(minimal(), "applicationName", "Ünïcode app/v1")).consumerName())
                .isEqualTo("-n-code-app-v1");
        assertThat(errors(with(minimal(), "consumerName", "my consumer"))).singleElement().asString()
                .startsWith("consumerName: 'my consumer' must be 1 to 128 letters");
    }

    @Test
    void recordPropertiesAreCheckedAndNormalized() {
        assertThat(KinesisSourceConfig.from(with(minimal(), "kinesisRecordProperties",
                "Kinesis.Stream.Name,kinesis.sub.sequence.number,kinesis.stream.name")).kinesisRecordProperties())
                .containsExactly("kinesis.stream.name", "kinesis.sub.sequence.number");
        assertThat(errors(with(minimal(), "kinesisRecordProperties", "kinesis.shard.id,kinesis.region")))
                .containsExactly("kinesisRecordProperties: 'kinesis.shard.id,kinesis.region' has 'kinesis.region',"
                        + " which is not one of kinesis.arrival.timestamp, kinesis.encryption.type,"
                        + " kinesis.partition.key, kinesis.sequence.number, kinesis.shard.id,"
                        + " kinesis.millis.behind.latest, kinesis.sub.sequence.number, kinesis.stream.name");
    }

    static Stream<Arguments> wrongOwnValues() {
        return Stream.of(
                Arguments.of("pollInterval", "100ms", "at least 200ms"),
                Arguments.of("maxRecordsPerFetch", "10001", "from 1 to 10000"),
                Arguments.of("maxBytesPerFetch", "1024", "from 16384 to 10485760"),
                Arguments.of("maxBytesPerFetch", "lots", "maxBytesPerFetch"),
                Arguments.of("receiveQueueBytes", "1000", "at least 1048576"),
                Arguments.of("shardDiscoveryInterval", "500ms", "at least 1s"),
                Arguments.of("maxConcurrentFetches", "0", "from 1 to 1024"),
                Arguments.of("messageKeyMode", "RANDOM", "PARTITION_KEY, SHARD_ID"),
                Arguments.of("useEnhancedFanOut", "yes", "true or false"),
                Arguments.of("httpMaxConcurrency", "0", "at least 1"),
                Arguments.of("connectionTimeout", "soon", "duration"),
                Arguments.of("readTimeout", "0s", "at least 1ms"),
                Arguments.of("trustAllCertificates", "always", "true or false"),
                Arguments.of("stsEndpoint", "sts.local", "http or https URL"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("wrongOwnValues")
    void aWrongValueInAnOwnFieldIsOneReadableLineNamingIt(String field, String value, String fix) {
        assertThat(errors(with(minimal(), field, value))).singleElement().asString()
                .startsWith(field + ": ").contains(fix);
    }

    @Test
    void proxyKeysGoTogether() {
        KinesisSourceConfig config = KinesisSourceConfig.from(with(minimal(), "proxyHost", "proxy.local",
                "proxyPort", "3128", "proxyUsername", "me", "proxyPassword", "pw"));
        assertThat(config.proxy()).contains(new ProxySettings("proxy.local", 3128, Optional.of("me"),
                Optional.of(new Password("pw"))));

        assertThat(errors(with(minimal(), "proxyHost", "proxy.local"))).containsExactly("proxyPort: is required"
                + " when proxyHost is set; set it to the proxy's port, such as 3128");
        assertThat(errors(with(minimal(), "proxyPort", "3128"))).containsExactly("proxyPort: is only used with"
                + " proxyHost; set proxyHost too, or remove proxyPort");
        assertThat(errors(with(minimal(), "proxyHost", "proxy.local", "proxyPort", "3128", "proxyUsername", "me")))
                .containsExactly("proxyPassword: is required when proxyUsername is set; set both for proxy"
                        + " authentication, or neither");
        assertThat(errors(with(minimal(), "proxyHost", "http://proxy.local:3128", "proxyPort", "3128")))
                .singleElement().asString().startsWith("proxyHost: 'http://proxy.local:3128' must be a host name");
    }

    @Test
    void dynamoEndpointMustBeAnHttpUrl() {
        assertThat(errors(with(minimal(), "dynamoEndpoint", "dynamodb.local:8000")))
                .singleElement().asString().startsWith("dynamoEndpoint: ");
        assertThat(KinesisSourceConfig.from(with(minimal(), "dynamoEndpoint", "http://127.0.0.1:8000")).dynamoEndpoint())
                .contains(java.net.URI.create("http://127.0.0.1:8000"));
    }

    @Test
    void kclLeaseTableIsATableNameThatReachesNoHostItself() {
        assertThat(KinesisSourceConfig.from(minimal()).kclLeaseTable()).isEmpty();
        assertThat(KinesisSourceConfig.from(with(minimal(), "kclLeaseTable", "pulsar-io_orders.v1")).kclLeaseTable())
                .contains("pulsar-io_orders.v1");
        // The host it is read from is dynamoEndpoint's, which the destination policy checks.
        assertThat(KinesisSourceConfig.SCHEMA.field("kclLeaseTable").orElseThrow().reach())
                .isEqualTo(dev.tributary.api.config.ConfigField.Reach.NONE);
    }

    @Test
    void pulsarIoKeysThatMeanNothingHereStillLoad() {
        assertThat(errors(with(referenceJsonExample(), "dynamoEndpoint", "https://dynamodb.us-east-1.amazonaws.com",
                "cloudwatchEndpoint", "https://monitoring.us-east-1.amazonaws.com"))).isEmpty();
    }

    @Test
    void anUnknownKeyGetsAHint() {
        assertThat(errors(with(minimal(), "awsRegoin", "eu-west-1"))).containsExactly("awsRegoin: is not a known"
                + " key; did you mean awsRegion?");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        assertThat(errors(Map.of("numRetries", "-1", "receiveQueueSize", "x"))).hasSize(4);
    }

    @Test
    void everyFieldIsDocumentedAndGrouped() {
        for (ConfigField field : KinesisSourceConfig.SCHEMA.fields()) {
            assertThat(field.documentation()).as(field.name()).isNotBlank().endsWith(".");
            assertThat(field.group()).as(field.name()).isNotBlank();
        }
        assertThat(KinesisSourceConfig.SCHEMA.fields()).filteredOn(ConfigField::sensitive)
                .extracting(ConfigField::name)
                .containsExactlyInAnyOrder("awsCredentialPluginParam", "awsAccessKeyId", "awsSecretAccessKey", "awsSessionToken",
                        "roleExternalId", "proxyPassword");
    }
}
