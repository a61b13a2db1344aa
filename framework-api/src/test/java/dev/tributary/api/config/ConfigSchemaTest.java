package dev.tributary.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
    enum Position { LATEST, TRIM_HORIZON, AT_TIMESTAMP }

    private final ConfigSchema schema = ConfigSchema.builder()
            .field(ConfigField.builder("streamName", ConfigType.STRING).required().doc("The stream to read. More text.").build())
            .field(ConfigField.builder("receiveQueueSize", ConfigType.INT).defaultValue("1000")
                    .validator(Validators.atLeast(1)).build())
            .field(ConfigField.builder("checkpointInterval", ConfigType.DURATION).defaultValue("60000").build())
            .field(ConfigField.builder("useFanOut", ConfigType.BOOLEAN).defaultValue("false").build())
            .field(ConfigField.builder("position", ConfigType.ENUM).defaultValue("LATEST").enumValues(Position.class).build())
            .field(ConfigField.builder("startAtTime", ConfigType.TIMESTAMP).build())
            .field(ConfigField.builder("streams", ConfigType.LIST).build())
            .field(ConfigField.builder("ratio", ConfigType.DOUBLE).defaultValue("0.5").validator(Validators.between(0, 1)).build())
            .field(ConfigField.builder("maxBytes", ConfigType.LONG).defaultValue("1048576").build())
            .field(ConfigField.builder("secretKey", ConfigType.PASSWORD).build())
            .field(ConfigField.builder("token", ConfigType.STRING).sensitive()
                    .validator(Validators.matches("[a-z]+", "lower-case letters")).build())
            .rule((config, problems) -> {
                if (config.getEnum("position", Position.class) == Position.AT_TIMESTAMP && config.getTimestamp("startAtTime") == null) {
                    problems.add("startAtTime", "is required when position is AT_TIMESTAMP");
                }
            })
            .build();

    @Test
    void readsNumbersWrittenAsStringsAndFillsDefaults() {
        Config config = schema.parse(Map.of("streamName", "s", "receiveQueueSize", "2000",
                "checkpointInterval", "30000", "position", "trim_horizon", "startAtTime", "2019-03-05T19:28:58.000Z",
                "streams", "a, b,,c", "secretKey", "hunter2"));

        assertThat(config.getInt("receiveQueueSize")).isEqualTo(2000);
        assertThat(config.getDuration("checkpointInterval")).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.getEnum("position", Position.class)).isEqualTo(Position.TRIM_HORIZON);
        assertThat(config.getTimestamp("startAtTime")).isEqualTo(Instant.parse("2019-03-05T19:28:58Z"));
        assertThat(config.getList("streams")).containsExactly("a", "b", "c");
        assertThat(config.getDouble("ratio")).isEqualTo(0.5);
        assertThat(config.getLong("maxBytes")).isEqualTo(1_048_576L);
        assertThat(config.getBoolean("useFanOut")).isFalse();
        assertThat(config.getPassword("secretKey").value()).isEqualTo("hunter2");
        assertThat(config.isSet("receiveQueueSize")).isTrue();
        assertThat(config.isSet("ratio")).isFalse();
        assertThat(config.toString()).doesNotContain("hunter2").contains("secretKey=[hidden]");
    }

    @Test
    void readsDurationsInEveryDocumentedForm() {
        Map<String, Duration> forms = Map.of("500ms", Duration.ofMillis(500), "30s", Duration.ofSeconds(30),
                "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1), "1d", Duration.ofDays(1),
                "PT30S", Duration.ofSeconds(30), "pt1m", Duration.ofMinutes(1), "250", Duration.ofMillis(250));
        forms.forEach((text, expected) -> assertThat(schema.parse(Map.of("streamName", "s", "checkpointInterval", text))
                .getDuration("checkpointInterval")).as(text).isEqualTo(expected));
    }

    @Test
    void blankValuesCountAsUnsetAsInPulsarIoFiles() {
        Config config = schema.parse(Map.of("streamName", "s", "startAtTime", " ", "receiveQueueSize", ""));

        assertThat(config.getTimestamp("startAtTime")).isNull();
        assertThat(config.getInt("receiveQueueSize")).isEqualTo(1000);
    }

    @Test
    void reportsEveryProblemAtOnceOneLinePerField() {
        Map<String, String> bad = new HashMap<>();
        bad.put("receiveQueueSize", "abc");
        bad.put("checkpointInterval", "soon");
        bad.put("useFanOut", "yes");
        bad.put("position", "EARLIEST");
        bad.put("ratio", "2");
        bad.put("recieveQueueSize", "5");

        ConfigValidation validation = schema.validate(bad);

        assertThat(validation.errorLines()).containsExactly(
                "streamName: is required (The stream to read.)",
                "receiveQueueSize: 'abc' is not a whole number from 1 to 2147483647",
                "checkpointInterval: 'soon' is not a duration; write it as 500ms, 30s, 5m, 1h, PT30S, or a number of milliseconds",
                "useFanOut: 'yes' is not true or false",
                "position: 'EARLIEST' is not one of LATEST, TRIM_HORIZON, AT_TIMESTAMP",
                "ratio: '2' must be from 0 to 1",
                "recieveQueueSize: is not a known key; did you mean receiveQueueSize?");
        assertThat(validation.errorCount()).isEqualTo(7);
        assertThatThrownBy(() -> schema.parse(bad))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(7));
    }

    @Test
    void masksSensitiveValuesInMessagesAndResults() {
        ConfigValidation validation = schema.validate(Map.of("streamName", "s", "token", "SECRET-Token-123"));

        assertThat(validation.errorLines()).containsExactly("token: [hidden] must be lower-case letters");
        assertThat(validation.fields()).filteredOn(f -> f.name().equals("token"))
                .singleElement().satisfies(f -> assertThat(f.value()).isEqualTo("[hidden]"));
        assertThat(validation.toString()).doesNotContain("SECRET-Token-123");
    }

    @Test
    void runsCrossFieldRules() {
        ConfigValidation validation = schema.validate(Map.of("streamName", "s", "position", "AT_TIMESTAMP"));

        assertThat(validation.errorLines()).containsExactly("startAtTime: is required when position is AT_TIMESTAMP");
    }

    @Test
    void offersEnumValuesAsRecommendations() {
        ConfigValidation validation = schema.validate(Map.of("streamName", "s"));

        assertThat(validation.fields()).filteredOn(f -> f.name().equals("position"))
                .singleElement().satisfies(f -> assertThat(f.recommendedValues())
                        .containsExactly("LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"));
    }

    @Test
    void unknownKeyFarFromAnyFieldPointsToTheReference() {
        assertThat(schema.validate(Map.of("streamName", "s", "zzzzzzzz", "1")).errorLines())
                .containsExactly("zzzzzzzz: is not a known key; see the configuration reference for the keys this accepts");
    }

    @Test
    void rejectsADefaultThatItsOwnFieldWouldReject() {
        assertThatThrownBy(() -> ConfigField.builder("n", ConfigType.INT).defaultValue("0")
                .validator(Validators.atLeast(1)).build())
                .hasMessage("n: default '0' must be at least 1");
    }

    @Test
    void includeMergesSchemasAndRejectsDuplicates() {
        ConfigSchema runtime = ConfigSchema.builder()
                .field(ConfigField.builder("tasks.max", ConfigType.INT).defaultValue("1").build()).build();
        ConfigSchema merged = ConfigSchema.builder().include(runtime).include(schema).build();

        assertThat(merged.fields()).extracting(ConfigField::name).startsWith("tasks.max", "streamName");
        assertThatThrownBy(() -> ConfigSchema.builder().include(runtime).include(runtime))
                .hasMessageContaining("declared twice");
    }

    @Test
    void timestampsAcceptOffsetsAndEpochMillis() {
        assertThat(schema.parse(Map.of("streamName", "s", "startAtTime", "2019-03-05T20:28:58+01:00"))
                .getTimestamp("startAtTime")).isEqualTo(Instant.parse("2019-03-05T19:28:58Z"));
        assertThat(schema.parse(Map.of("streamName", "s", "startAtTime", "1551814138000"))
                .getTimestamp("startAtTime")).isEqualTo(Instant.parse("2019-03-05T19:28:58Z"));
    }

    @Test
    void oneOfChecksEveryListElement() {
        ConfigSchema s = ConfigSchema.builder().field(ConfigField.builder("props", ConfigType.LIST)
                .validator(Validators.oneOf("a", "b")).build()).build();

        assertThat(s.validate(Map.of("props", "a,B")).isValid()).isTrue();
        assertThat(s.validate(Map.of("props", "a,c")).errorLines()).containsExactly("props: 'a,c' has 'c', which is not one of a, b");
        assertThat(s.fields().get(0).recommendedValues()).isEqualTo(List.of("a", "b"));
    }

    @Test
    void wholeNumberErrorsStateTheFieldsRealBounds() {
        ConfigSchema s = ConfigSchema.builder()
                .field(ConfigField.builder("tasks", ConfigType.INT).validator(Validators.between(1, 1024)).build())
                .field(ConfigField.builder("bytes", ConfigType.LONG).validator(Validators.atLeast(0)).build())
                .field(ConfigField.builder("any", ConfigType.LONG).build())
                .build();

        assertThat(s.validate(Map.of("tasks", "zero", "bytes", "99999999999999999999", "any", "x")).errorLines())
                .containsExactly(
                        "tasks: 'zero' is not a whole number from 1 to 1024",
                        "bytes: '99999999999999999999' is not a whole number from 0 to 9223372036854775807",
                        "any: 'x' is not a whole number from -9223372036854775808 to 9223372036854775807");
        assertThat(s.validate(Map.of("tasks", "2147483648")).errorLines())
                .containsExactly("tasks: '2147483648' is not a whole number from 1 to 1024");
        assertThat(s.validate(Map.of("tasks", "1025")).errorLines()).containsExactly("tasks: '1025' must be from 1 to 1024");
    }

    @Test
    void durationsTooLongForTheRuntimeAreValidationErrorsNamingTheLongest() {
        for (String text : List.of("9223372036854775807d", "99999999999999999999999ms", "106752d",
                "PT9223372036854775807H", "9223372036854775807")) {
            assertThat(schema.validate(Map.of("streamName", "s", "checkpointInterval", text)).errorLines())
                    .as(text)
                    .containsExactly("checkpointInterval: '" + text + "' is longer than the longest duration, 106751d;"
                            + " write a shorter one");
        }
        assertThat(schema.parse(Map.of("streamName", "s", "checkpointInterval", "106751d"))
                .getDuration("checkpointInterval").toNanos()).isPositive();
        assertThat(schema.validate(Map.of("streamName", "s", "checkpointInterval", "PT-5S")).errorLines())
                .containsExactly("checkpointInterval: 'PT-5S' is negative; a duration is 0 or more, such as 500ms or 30s");
    }

    @Test
    void doublesMustBeFiniteAndTimestampsAndListsBounded() {
        assertThat(schema.validate(Map.of("streamName", "s", "ratio", "NaN")).errorLines())
                .containsExactly("ratio: 'NaN' is not a finite number; it must be from 0 to 1");
        assertThat(schema.validate(Map.of("streamName", "s", "ratio", "Infinity")).errorLines())
                .containsExactly("ratio: 'Infinity' is not a finite number; it must be from 0 to 1");
        assertThat(schema.validate(Map.of("streamName", "s", "startAtTime", "99999999999999999999")).errorLines())
                .singleElement().asString().startsWith("startAtTime: '99999999999999999999' is too large for epoch"
                        + " milliseconds; the largest is 9223372036854775807");
        String many = String.join(",", java.util.Collections.nCopies(ConfigValues.MAX_LIST_ITEMS + 1, "a"));
        assertThat(schema.validate(Map.of("streamName", "s", "streams", many)).errorLines())
                .singleElement().asString().endsWith("has 1001 items; a list takes at most 1000");
    }

    @Test
    void unknownKeysAreHintedAndListedOnlyUpToABound() {
        Map<String, String> config = new HashMap<>();
        config.put("streamName", "s");
        for (int i = 0; i < 500; i++) {
            config.put(String.format("receiveQueueS%03d", i), "1");
        }
        config.put("x".repeat(10_000), "1");

        ConfigValidation validation = schema.validate(config);

        List<String> lines = validation.errorLines();
        assertThat(lines).hasSize(ConfigSchema.MAX_REPORTED_UNKNOWN_KEYS + 1);
        assertThat(lines.stream().filter(l -> l.contains("did you mean"))).hasSize(ConfigSchema.MAX_HINTED_UNKNOWN_KEYS);
        assertThat(lines.get(lines.size() - 1)).endsWith("is not a known key, and neither are 400 more keys after it;"
                + " only the first 100 unknown keys are listed one by one");
        assertThat(validation.isValid()).isFalse();
    }

    @Test
    void boundedDistanceAgreesWithTheFullOneWithinTheLimit() {
        assertThat(ConfigSchema.distance("receiveQueueSize", "recieveQueueSize", 2)).isEqualTo(2);
        assertThat(ConfigSchema.distance("kitten", "sitting", 3)).isEqualTo(3);
        assertThat(ConfigSchema.distance("kitten", "sitting", 2)).isGreaterThan(2);
        assertThat(ConfigSchema.distance("a", "a".repeat(1000), 2)).isGreaterThan(2);
        assertThat(ConfigSchema.closestKey("y".repeat(200), List.of("y".repeat(199)))).isEmpty();
    }

    @Test
    void quotedValuesAreCutAndTheirControlCharactersEscaped() {
        String value = "a\u0000b" + "x".repeat(5000);

        assertThat(schema.validate(Map.of("streamName", "s", "receiveQueueSize", value)).errorLines())
                .containsExactly("receiveQueueSize: 'a\\u0000b" + "x".repeat(197) + "... (5003 characters)' is not a whole"
                        + " number from 1 to 2147483647");
    }
}
