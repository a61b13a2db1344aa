package dev.tributary.kinesis.kpl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.kpl.KplAggregator.Entry;
import dev.tributary.kinesis.kpl.KplAggregator.ProtoWriter;
import dev.tributary.kinesis.kpl.KplAggregator.Tag;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test encoder is checked against hand-encoded bytes, so it cannot share a mistake with the reader. */
class KplAggregatorTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void writesTheFormatByteForByte() {
        byte[] hi = "hi".getBytes(UTF_8);

        assertThat(HEX.formatHex(KplAggregator.aggregate(new Entry("a", hi))))
                .isEqualTo("f3899ac2" + "0a0161" + "1a06" + "0800" + "1a026869" + "ed4ff28777966ae6df59911cb0530cc2");
        assertThat(HEX.formatHex(KplAggregator.aggregate(new Entry("a", "5", hi))))
                .isEqualTo("f3899ac2" + "0a0161" + "120135" + "1a08" + "08001000" + "1a026869" + "4406d249710bc47e062e88fe5769332d");
    }

    @Test
    void writesEachKeyOnceInOrderOfFirstUse() {
        List<Entry> entries = List.of(new Entry("b", "9", new byte[] {1}), new Entry("a", "9", new byte[] {2}),
                new Entry("b", null, new byte[] {3}));

        assertThat(HEX.formatHex(KplAggregator.protobuf(entries))).isEqualTo(
                "0a0162" + "0a0161" + "120139"
                        + "1a07" + "0800" + "1000" + "1a0101"
                        + "1a07" + "0801" + "1000" + "1a0102"
                        + "1a05" + "0800" + "1a0103");
    }

    @Test
    void writesTagsAfterData() {
        List<Entry> entries = List.of(new Entry("a", null, new byte[0], List.of(new Tag("k", "v"), new Tag("n", null))));

        assertThat(HEX.formatHex(KplAggregator.protobuf(entries))).isEqualTo(
                "0a0161" + "1a11" + "0800" + "1a00" + "2206" + "0a016b" + "120176" + "2203" + "0a016e");
    }

    @Test
    void writesVarintsInBase128LittleEndian() {
        assertThat(HEX.formatHex(new ProtoWriter().varint(0).varint(127).varint(128).varint(300).toByteArray()))
                .isEqualTo("00" + "7f" + "8001" + "ac02");
        assertThat(HEX.formatHex(new ProtoWriter().varint(-1L).toByteArray())).isEqualTo("ffffffffffffffffff01");
        assertThat(HEX.formatHex(new ProtoWriter().fixed64Field(15, 0x0102030405060708L).fixed32Field(15, 0x0A0B0C0D).toByteArray()))
                .isEqualTo("79" + "0807060504030201" + "7d" + "0d0c0b0a");
    }

    @Test
    void makesTheDamagedVariantsItPromises() {
        List<Entry> entries = List.of(new Entry("a", new byte[] {1}), new Entry("b", "7", new byte[] {2}));
        byte[] good = KplAggregator.aggregate(entries);

        byte[] badDigest = KplAggregator.withBadDigest(good);
        assertThat(badDigest).hasSameSizeAs(good).startsWith(Arrays.copyOf(good, good.length - 1));
        assertThat(badDigest[badDigest.length - 1]).isNotEqualTo(good[good.length - 1]);

        assertThat(KplAggregator.truncated(entries, 2)).isEqualTo(KplAggregator.frame(
                Arrays.copyOf(KplAggregator.protobuf(entries), KplAggregator.protobuf(entries).length - 2)));
        assertThat(HEX.formatHex(KplAggregator.withPartitionKeyIndexOutOfRange(entries))).contains("1a07" + "0802" + "1000" + "1a0102");
        assertThat(HEX.formatHex(KplAggregator.withExplicitHashKeyIndexOutOfRange(entries))).contains("1a07" + "0801" + "1001" + "1a0102");
        assertThatThrownBy(() -> KplAggregator.truncated(entries, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
