package dev.tributary.offsets;

import static dev.tributary.offsets.OffsetStoreConformance.CONNECTOR;
import static dev.tributary.offsets.OffsetStoreConformance.OTHER_CONNECTOR;
import static dev.tributary.offsets.OffsetStoreConformance.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.offset.OffsetStoreException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OffsetTopicDecoderTest {
    private static final String TOPIC = "persistent://public/default/offsets";
    private static final String OWNER_KEY = PulsarOffsetStore.ownerKey(CONNECTOR);
    private static final String OFFSETS_KEY = PulsarOffsetStore.offsetsKey("store-a", CONNECTOR);

    private final OffsetCodec codec = new OffsetCodec();
    private final OffsetTopicDecoder decoder = new OffsetTopicDecoder(TOPIC, codec);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\u0000\u0001garbage", "{\"version\":1,\"own", "[]", "42", "{}", "{\"version\":\"1\",\"owner\":\"x\"}",
            "{\"version\":1}", "{\"version\":1,\"owner\":\"\"}", "{\"version\":0,\"owner\":\"x\"}"})
    void anOwnerRecordThatDoesNotDecodeIsSkippedInFavourOfTheLastThatDid(String garbage) {
        assertThat(decoder.owner(OWNER_KEY, bytes(garbage))).isNull();

        OwnerRecord good = new OwnerRecord("store-a", "host-1", "2026-12-04T10:00:00Z");
        assertThat(decoder.owner(OWNER_KEY, good.encode())).isEqualTo(good);
        assertThat(decoder.owner(OWNER_KEY, bytes(garbage))).isEqualTo(good);
        assertThat(decoder.owner(OWNER_KEY, null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\u0000garbage", "{\"version\":1,\"connectors\":{\"orders-to-pul", "[]", "{\"version\":1}",
            "{\"version\":1,\"connectors\":{\"orders-to-pulsar\":[{\"partition\":{}}]}}"})
    void anOffsetsRecordThatDoesNotDecodeIsSkippedInFavourOfTheLastThatDid(String garbage) {
        assertThat(decoder.offsets(CONNECTOR, OFFSETS_KEY, bytes(garbage))).isEqualTo(ConnectorOffsets.NONE);

        byte[] good = codec.encodeState(Map.of(CONNECTOR, batch(2, 1)));
        assertThat(decoder.offsets(CONNECTOR, OFFSETS_KEY, good).offsets()).isEqualTo(batch(2, 1));
        assertThat(decoder.offsets(CONNECTOR, OFFSETS_KEY, bytes(garbage)).offsets()).isEqualTo(batch(2, 1));
    }

    @Test
    void anOffsetsRecordOfAnotherConnectorIsSkipped() {
        byte[] good = codec.encodeState(Map.of(CONNECTOR, batch(2, 1)));
        decoder.offsets(CONNECTOR, OFFSETS_KEY, good);

        byte[] other = codec.encodeState(Map.of(OTHER_CONNECTOR, batch(5, 9)));

        assertThat(decoder.offsets(CONNECTOR, OFFSETS_KEY, other).offsets()).isEqualTo(batch(2, 1));
        assertThat(decoder.skipped()).isEqualTo(1);
    }

    @Test
    void oneUndecodableRecordDoesNotAffectOtherKeys() {
        OwnerRecord good = new OwnerRecord("store-b", "", "");
        String otherOwnerKey = PulsarOffsetStore.ownerKey(OTHER_CONNECTOR);

        assertThat(decoder.owner(OWNER_KEY, bytes("not json"))).isNull();

        assertThat(decoder.owner(otherOwnerKey, good.encode())).isEqualTo(good);
    }

    @Test
    void eachUndecodableRecordIsCountedAndWarnedAboutOnce() {
        byte[] garbage = bytes("not json");
        for (int i = 0; i < 5; i++) {
            decoder.owner(OWNER_KEY, garbage);
            decoder.offsets(CONNECTOR, OFFSETS_KEY, garbage);
        }
        assertThat(decoder.skipped()).isEqualTo(2);

        // Another garbage record under the same key is a new one.
        decoder.owner(OWNER_KEY, Arrays.copyOf(garbage, 3));
        assertThat(decoder.skipped()).isEqualTo(3);
    }

    @Test
    void theWarningNamesTheKeyTopicAndSizeButNeverTheContent() throws Exception {
        byte[] garbage = bytes("{\"version\":\"token=s3cr3t-value\",\"owner\":\"s3cr3t-value\"}");

        String log = StandardErrorCapture.during(() -> {
            decoder.owner(OWNER_KEY, garbage);
            decoder.offsets(CONNECTOR, OFFSETS_KEY, bytes("s3cr3t-value is not json"));
        });

        assertThat(log).contains("WARN", "offset record '" + OWNER_KEY + "' in topic " + TOPIC + " (" + garbage.length
                + " bytes) does not decode as an owner record, so it is ignored",
                "offset record '" + OFFSETS_KEY + "' in topic " + TOPIC + " (24 bytes) does not decode as an offsets record")
                .doesNotContain("s3cr3t");
    }

    @Test
    void aNewerRecordLeftOutOfAListingIsWarnedAboutOnce() throws Exception {
        byte[] newer = bytes("{\"version\":9,\"owner\":\"x\"}");

        String log = StandardErrorCapture.during(() -> {
            for (int i = 0; i < 3; i++) {
                try {
                    decoder.owner(OWNER_KEY, newer);
                } catch (OffsetStoreException e) {
                    decoder.warnLeftOut(OWNER_KEY, newer, e);
                }
            }
        });

        assertThat(log.split("has format version 9", -1)).hasSize(2);
        assertThat(log).contains("its connector is left out of the list of connectors with offsets");
    }

    @Test
    void aRecordOfANewerVersionIsRefusedNotSkipped() {
        assertThatThrownBy(() -> decoder.owner(OWNER_KEY, bytes("{\"version\":9,\"owner\":\"x\"}")))
                .isInstanceOf(OffsetStoreException.class)
                .isNotInstanceOf(OffsetCodec.DamagedDataException.class)
                .hasMessage("offset record '" + OWNER_KEY + "' in topic " + TOPIC + " has format version 9, newer than"
                        + " this Tributary understands (1); upgrade Tributary");
        assertThatThrownBy(() -> decoder.offsets(CONNECTOR, OFFSETS_KEY, bytes("{\"version\":9,\"connectors\":{}}")))
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("has format version 9");
        assertThat(decoder.skipped()).isZero();
    }
}
