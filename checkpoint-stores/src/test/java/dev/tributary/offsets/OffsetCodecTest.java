package dev.tributary.offsets;

import static dev.tributary.offsets.OffsetStoreConformance.mixedFields;
import static dev.tributary.offsets.OffsetStoreConformance.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffsetCodecTest {
    private static final String ORIGIN = "offset record 3 of orders";
    private static final String FIX = "; restore it from a backup, or delete it so that the connectors start again"
            + " from their initial positions";

    private final OffsetCodec codec = new OffsetCodec();

    @Test
    void anEntryRoundTripsEveryKindOfValueExactly() {
        SourcePartition partition = new SourcePartition(mixedFields());
        SourceOffset offset = new SourceOffset(mixedFields());

        Map.Entry<SourcePartition, SourceOffset> decoded = codec.decodeEntry(codec.encodeEntry(partition, offset), ORIGIN);

        assertThat(decoded.getKey()).isEqualTo(partition);
        assertThat(decoded.getValue()).isEqualTo(offset);
        offset.fields().forEach((key, value) ->
                assertThat(decoded.getValue().fields().get(key)).as(key).isExactlyInstanceOf(value.getClass()));
    }

    @Test
    void anEntryIsVersionedJson() {
        byte[] json = codec.encodeEntry(SourcePartition.of("shard", "s-1"),
                SourceOffset.of("seq", "42", "sub", 0L, "ratio", 0.5, "nan", Double.NaN, "done", false));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"version\":1,\"partition\":{\"shard\":\"s-1\"},"
                + "\"offset\":{\"done\":false,\"nan\":{\"double\":\"NaN\"},\"ratio\":0.5,\"seq\":\"42\",\"sub\":0}}");
    }

    @Test
    void aStateRoundTripsAndLeavesOutConnectorsWithoutOffsets() {
        Map<String, Map<SourcePartition, SourceOffset>> state = Map.of(
                "orders", OffsetStoreConformance.batch(3, 9),
                "clicks", Map.of(new SourcePartition(mixedFields()), new SourceOffset(mixedFields())),
                "idle", Map.of());

        byte[] json = codec.encodeState(state);

        assertThat(codec.decodeState(json, ORIGIN)).isEqualTo(Map.of(
                "orders", OffsetStoreConformance.batch(3, 9),
                "clicks", Map.of(new SourcePartition(mixedFields()), new SourceOffset(mixedFields()))));
        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("idle");
    }

    @Test
    void aPartitionEncodesToTheSameKeyWhateverTheOrderOfItsFields() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("stream", "orders");
        one.put("shard", "s-1");
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("shard", "s-1");
        other.put("stream", "orders");

        String key = codec.encodePartition(new SourcePartition(one));

        assertThat(key).isEqualTo("{\"shard\":\"s-1\",\"stream\":\"orders\"}")
                .isEqualTo(codec.encodePartition(new SourcePartition(other)));
        assertThat(codec.decodePartition(key, ORIGIN)).isEqualTo(new SourcePartition(one));
        assertThat(codec.decodePartition(codec.encodePartition(new SourcePartition(mixedFields())), ORIGIN))
                .isEqualTo(new SourcePartition(mixedFields()));
    }

    @Test
    void readsFieldsItDoesNotKnowAsAnOlderReaderWould() {
        byte[] json = ("{\"version\":1,\"writtenBy\":\"tributary 1.4\",\"partition\":{\"shard\":\"s-1\"},"
                + "\"offset\":{\"seq\":\"1\"},\"note\":{\"any\":[1,2]}}").getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decodeEntry(json, ORIGIN))
                .isEqualTo(Map.entry(SourcePartition.of("shard", "s-1"), SourceOffset.of("seq", "1")));
    }

    @Test
    void aNewerVersionSaysToUpgrade() {
        assertThatThrownBy(() -> codec.decodeEntry(bytes("{\"version\":2,\"entries\":[]}"), ORIGIN))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage(ORIGIN + " has format version 2, newer than this Tributary understands (1);"
                        + " upgrade Tributary or restore it from a backup");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``|it is empty",
        "`   `|it is empty",
        "`not json`|it is not valid JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array,"
                + " Object or token 'null', 'true' or 'false')) at line 1, column 1",
        "`{\"version\":1,\"partition\":{}} {}`|more follows its JSON value at line 1, column 30",
        "`[1,2]`|it is an array, not a JSON object",
        "`{\"partition\":{\"a\":1},\"offset\":{\"b\":1}}`|it has no \"version\" field",
        "`{\"version\":\"1\"}`|its \"version\" is \"1\", not a format version",
        "`{\"version\":0}`|its \"version\" is 0, not a format version",
        "`{\"version\":1.5}`|its \"version\" is 1.5, not a format version",
        "`{\"version\":1,\"version\":1}`|it is not valid JSON (Duplicate field 'version') at line 1, column 23",
        "`{\"version\":1,\"offset\":{\"b\":1}}`|partition is missing",
        "`{\"version\":1,\"partition\":[],\"offset\":{\"b\":1}}`|partition is an array, not a JSON object",
        "`{\"version\":1,\"partition\":{},\"offset\":{\"b\":1}}`|partition has no fields",
        "`{\"version\":1,\"partition\":{\"a\":null},\"offset\":{\"b\":1}}`|partition field \"a\" is null,"
                + " not a string, a number or a boolean",
        "`{\"version\":1,\"partition\":{\"a\":1},\"offset\":{\"b\":[1]}}`|offset field \"b\" is an array,"
                + " not a string, a number or a boolean",
        "`{\"version\":1,\"partition\":{\"a\":1},\"offset\":{\"b\":{\"double\":\"Nan\"}}}`|offset field \"b\" is"
                + " an object, not a string, a number or a boolean",
        "`{\"version\":1,\"partition\":{\"a\":1},\"offset\":{\"b\":123456789012345678901234567890}}`|offset field"
                + " \"b\" is 123456789012345678901234567890, a whole number too large for a Long",
        "`{\"version\":1,\"partition\":{\"a\":1},\"offset\":{\"b\":1e999}}`|offset field \"b\" is a number too"
                + " large for a Double",
    })
    void damagedEntriesSayWhatIsWrongAndWhatToDo(String json, String problem) {
        assertThatThrownBy(() -> codec.decodeEntry(bytes(json), ORIGIN))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage(ORIGIN + " is damaged: " + problem + FIX);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"version\":1}`|it has no \"connectors\" field",
        "`{\"version\":1,\"connectors\":[]}`|its \"connectors\" is not a JSON object",
        "`{\"version\":1,\"connectors\":{\"orders\":{}}}`|connector \"orders\" is not a JSON array of entries",
        "`{\"version\":1,\"connectors\":{\"orders\":[{\"partition\":{\"a\":1},\"offset\":{\"b\":1}},7]}}`|connector"
                + " \"orders\", entry 2 is number 7, not a JSON object",
        "`{\"version\":1,\"connectors\":{\"orders\":[{\"partition\":{\"a\":1},\"offset\":{\"b\":1}},"
                + "{\"partition\":{\"a\":1},\"offset\":{\"b\":2}}]}}`|connector \"orders\", entry 2 repeats partition"
                + " {a=1}",
        "`{\"version\":1,\"connectors\":{\"orders\":[{\"partition\":{\"a\":1}}]}}`|connector \"orders\", entry 1,"
                + " offset is missing",
    })
    void damagedStatesSayWhereTheDamageIs(String json, String problem) {
        assertThatThrownBy(() -> codec.decodeState(bytes(json), ORIGIN))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage(ORIGIN + " is damaged: " + problem + FIX);
    }

    @Test
    void aConnectorWithAnEmptyListHasNoOffsets() {
        assertThat(codec.decodeState(bytes("{\"version\":1,\"connectors\":{\"idle\":[],\"orders\":[{\"partition\":"
                + "{\"stream\":\"orders\",\"shard\":\"shardId-000000000000\"},\"offset\":{\"sequenceNumber\":"
                + "\"49590338271490256608559692538361571095921575989136588\",\"subSequenceNumber\":0}}]}}"), ORIGIN))
                .isEqualTo(Map.of("orders", Map.of(shard(0), SourceOffset.of(
                        "sequenceNumber", "49590338271490256608559692538361571095921575989136588", "subSequenceNumber", 0))));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
