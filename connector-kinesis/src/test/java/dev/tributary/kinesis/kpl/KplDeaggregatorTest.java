package dev.tributary.kinesis.kpl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.kpl.KplAggregator.Entry;
import dev.tributary.kinesis.kpl.KplAggregator.ProtoWriter;
import dev.tributary.kinesis.kpl.KplAggregator.Tag;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KplDeaggregatorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String OUTER_KEY = "outer-key";

    private final KplDeaggregator deaggregator = new KplDeaggregator();

    @Test
    void passesARecordWithoutTheMagicThroughUncopied() {
        byte[] data = "plain payload".getBytes(UTF_8);

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.hasProblem()).isFalse();
        assertThat(result.problem()).isNull();
        assertThat(result.records()).singleElement().satisfies(record -> {
            assertThat(record.data()).isSameAs(data);
            assertThat(record).isEqualTo(new UserRecord(0, OUTER_KEY, null, data, false));
        });
    }

    @Test
    void passesThroughRecordsTooShortToBeAnAggregate() {
        byte[] magic = KplAggregator.magic();
        List<byte[]> tooShort = List.of(
                new byte[0],
                Arrays.copyOf(magic, 3),
                magic,
                Arrays.copyOf(magic, 4 + 15));

        for (byte[] data : tooShort) {
            Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

            assertThat(result.problem()).as(HEX.formatHex(data)).isNull();
            assertThat(result.records()).as(HEX.formatHex(data)).singleElement()
                    .satisfies(record -> assertThat(record.data()).isSameAs(data))
                    .satisfies(record -> assertThat(record.aggregated()).isFalse());
        }
    }

    @Test
    void passesThroughARecordThatDiffersFromTheMagicInItsLastMagicByte() {
        byte[] data = KplAggregator.aggregate(new Entry("k", new byte[] {1}));
        data[3] = (byte) 0xC3;

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).singleElement().satisfies(record -> assertThat(record.data()).isSameAs(data));
    }

    @Test
    void anEmptyAggregateYieldsNoRecordsAndNoProblem() {
        // Magic, an empty protobuf, and the well-known MD5 of zero bytes.
        byte[] data = HEX.parseHex("f3899ac2" + "d41d8cd98f00b204e9800998ecf8427e");

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.records()).isEmpty();
        assertThat(result.hasProblem()).isFalse();
        assertThat(KplAggregator.aggregate(List.of())).isEqualTo(data);
    }

    @Test
    void unpacksAHandEncodedOneRecordAggregate() {
        // partition_key_table: "a"; records: {partition_key_index: 0, data: "hi"}; digest by an outside MD5 tool.
        byte[] data = HEX.parseHex("f3899ac2" + "0a0161" + "1a06" + "0800" + "1a026869" + "ed4ff28777966ae6df59911cb0530cc2");

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactly(new UserRecord(0, "a", null, "hi".getBytes(UTF_8), true));
    }

    @Test
    void unpacksAHandEncodedRecordWithAnExplicitHashKey() {
        byte[] data = HEX.parseHex("f3899ac2" + "0a0161" + "120135" + "1a08" + "08001000" + "1a026869"
                + "4406d249710bc47e062e88fe5769332d");

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactly(new UserRecord(0, "a", "5", "hi".getBytes(UTF_8), true));
    }

    @Test
    void roundTripsOneRecordWithEveryByteValue() {
        byte[] everyByte = everyByteValue();
        byte[] data = KplAggregator.aggregate(new Entry("pk", everyByte));

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).singleElement().satisfies(record -> {
            assertThat(record.data()).containsExactly(everyByte);
            assertThat(record.subSequenceNumber()).isZero();
            assertThat(record.partitionKey()).isEqualTo("pk");
            assertThat(record.explicitHashKey()).isNull();
            assertThat(record.aggregated()).isTrue();
        });
    }

    @Test
    void roundTripsFiveHundredRecordsWithExactBytes() {
        List<String> keys = List.of("alpha", "beta", "ключ", "键-🔑", "", "x".repeat(256), "gamma");
        Random random = new Random(500);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] payload = switch (i % 5) {
                case 0 -> everyByteValue();
                case 1 -> new byte[0];
                // Invalid UTF-8: a stray continuation byte, an overlong slash, an encoded surrogate, bytes never used.
                case 2 -> new byte[] {(byte) 0x80, (byte) 0xC0, (byte) 0xAF, (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};
                default -> randomBytes(random, random.nextInt(300));
            };
            String explicitHashKey = i % 3 == 0 ? Integer.toString(i % 4 * 1_000_000) : null;
            entries.add(new Entry(keys.get(i % keys.size()), explicitHashKey, payload));
        }
        byte[] data = KplAggregator.aggregate(entries);

        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactlyElementsOf(expected(entries));
        // Records that share a table entry share its String rather than each decoding a copy.
        assertThat(result.records().get(7).partitionKey()).isSameAs(result.records().get(0).partitionKey());
    }

    @Test
    void copiesAggregatedDataOutOfTheRecordItCameFrom() {
        byte[] data = KplAggregator.aggregate(new Entry("pk", new byte[] {1, 2, 3}));

        UserRecord record = deaggregator.deaggregate(data, OUTER_KEY).records().get(0);
        Arrays.fill(data, (byte) 0);

        assertThat(record.data()).containsExactly(1, 2, 3);
    }

    @Test
    void resolvesSharedTableIndicesInAnyFieldOrder() {
        // The tables come after the records here: protobuf allows any order, so the reader must too.
        byte[] protobuf = new ProtoWriter()
                .messageField(3, new ProtoWriter().varintField(1, 1).varintField(2, 0).bytesField(3, bytes(10)))
                .messageField(3, new ProtoWriter().bytesField(3, bytes(11)).varintField(1, 0))
                .stringField(1, "first")
                .messageField(3, new ProtoWriter().varintField(2, 1).varintField(1, 1).bytesField(3, bytes(12)))
                .stringField(2, "170141183460469231731687303715884105728")
                .stringField(1, "second")
                .stringField(2, "0")
                .messageField(3, new ProtoWriter().varintField(1, 0).varintField(2, 0).bytesField(3, bytes(13)))
                .toByteArray();

        Deaggregated result = deaggregator.deaggregate(KplAggregator.frame(protobuf), OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactly(
                new UserRecord(0, "second", "170141183460469231731687303715884105728", bytes(10), true),
                new UserRecord(1, "first", null, bytes(11), true),
                new UserRecord(2, "second", "0", bytes(12), true),
                new UserRecord(3, "first", "170141183460469231731687303715884105728", bytes(13), true));
    }

    @Test
    void aLaterOccurrenceOfASingularFieldWins() {
        byte[] protobuf = new ProtoWriter()
                .stringField(1, "a").stringField(1, "b")
                .messageField(3, new ProtoWriter().varintField(1, 0).bytesField(3, bytes(1)).varintField(1, 1).bytesField(3, bytes(2)))
                .toByteArray();

        Deaggregated result = deaggregator.deaggregate(KplAggregator.frame(protobuf), OUTER_KEY);

        assertThat(result.records()).containsExactly(new UserRecord(0, "b", null, bytes(2), true));
    }

    @Test
    void ignoresTags() {
        List<Entry> tagged = List.of(
                new Entry("a", "1", bytes(1), List.of(new Tag("team", "payments"), new Tag("empty", null))),
                new Entry("b", null, bytes(2), List.of(new Tag("ключ", "значение"))));
        // A tag is skipped unread, so even one without its required key does not matter.
        byte[] protobuf = new ProtoWriter()
                .stringField(1, "c")
                .messageField(3, new ProtoWriter().varintField(1, 0).messageField(4, new ProtoWriter().stringField(2, "no key"))
                        .bytesField(3, bytes(3)))
                .toByteArray();

        assertThat(deaggregator.deaggregate(KplAggregator.aggregate(tagged), OUTER_KEY).records())
                .containsExactlyElementsOf(expected(tagged));
        assertThat(deaggregator.deaggregate(KplAggregator.frame(protobuf), OUTER_KEY).records())
                .containsExactly(new UserRecord(0, "c", null, bytes(3), true));
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() {
        byte[] protobuf = withUnknownFields(new ProtoWriter())
                .stringField(1, "pk")
                .messageField(3, withUnknownFields(new ProtoWriter())
                        .varintField(1, 0)
                        .messageField(4, withUnknownFields(new ProtoWriter()).stringField(1, "tag"))
                        .bytesField(3, bytes(7))
                        .key(15, ProtoWriter.FIXED32).raw(0xFF, 0xFF, 0xFF, 0xFF))
                .varintField(15, Long.MIN_VALUE)
                .stringField(2, "42")
                .messageField(3, new ProtoWriter().varintField(1, 0).varintField(2, 0).bytesField(3, bytes(8))
                        .bytesField(15, bytes(9)))
                .fixed64Field(15, -1L)
                .toByteArray();

        Deaggregated result = deaggregator.deaggregate(KplAggregator.frame(protobuf), OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactly(
                new UserRecord(0, "pk", null, bytes(7), true),
                new UserRecord(1, "pk", "42", bytes(8), true));
    }

    @Test
    void passesThroughAnAggregateWhoseDigestDoesNotMatch() {
        byte[] data = KplAggregator.withBadDigest(KplAggregator.aggregate(new Entry("a", bytes(1)), new Entry("b", bytes(2))));

        assertPassedThroughWithProblem(data, "MD5 digest does not match");
    }

    @Test
    void passesThroughAnAggregateWhoseProtobufWasChangedAfterDigesting() {
        byte[] data = KplAggregator.aggregate(new Entry("a", bytes(1)));
        data[10] ^= 1;

        assertPassedThroughWithProblem(data, "MD5 digest does not match");
    }

    @Test
    void passesThroughATruncatedAggregate() {
        List<Entry> entries = List.of(new Entry("a", bytes(1)), new Entry("b", "9", bytes(2, 3, 4)));

        assertPassedThroughWithProblem(KplAggregator.truncated(entries, 1), "length 9 at byte 21 runs past the end of its message at byte 30");
    }

    @Test
    void passesThroughAnAggregateCutInsideAVarint() {
        byte[] protobuf = new ProtoWriter().stringField(1, "a")
                .messageField(3, new ProtoWriter().varintField(1, 0).bytesField(3, bytes(1)))
                .key(3, ProtoWriter.LENGTH_DELIMITED).raw(0x80)
                .toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf), "varint at byte 15 is cut off at byte 16");
    }

    @Test
    void passesThroughAnAggregateWithAPartitionKeyIndexOutOfRange() {
        List<Entry> entries = List.of(new Entry("a", bytes(1)), new Entry("b", bytes(2)), new Entry("a", bytes(3)));

        assertPassedThroughWithProblem(KplAggregator.withPartitionKeyIndexOutOfRange(entries),
                "record 2 partition_key_index 2 is out of range for a table of size 2");
    }

    @Test
    void passesThroughAnAggregateWithAnExplicitHashKeyIndexOutOfRange() {
        List<Entry> entries = List.of(new Entry("a", "7", bytes(1)), new Entry("b", bytes(2)));

        assertPassedThroughWithProblem(KplAggregator.withExplicitHashKeyIndexOutOfRange(entries),
                "record 1 explicit_hash_key_index 1 is out of range for a table of size 1");
    }

    @Test
    void passesThroughAnAggregateMissingARequiredField() {
        byte[] noIndex = new ProtoWriter().stringField(1, "a")
                .messageField(3, new ProtoWriter().varintField(1, 0).bytesField(3, bytes(1)))
                .messageField(3, new ProtoWriter().bytesField(3, bytes(2)))
                .toByteArray();
        byte[] noData = new ProtoWriter().stringField(1, "a")
                .messageField(3, new ProtoWriter().varintField(1, 0))
                .toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(noIndex), "record 1 has no partition_key_index");
        assertPassedThroughWithProblem(KplAggregator.frame(noData), "record 0 has no data");
    }

    @Test
    void passesThroughAnAggregateWithAGroup() {
        for (int wireType : new int[] {ProtoWriter.START_GROUP, ProtoWriter.END_GROUP}) {
            byte[] topLevel = new ProtoWriter().stringField(1, "a").key(15, wireType)
                    .messageField(3, new ProtoWriter().varintField(1, 0).bytesField(3, bytes(1)))
                    .toByteArray();
            byte[] inRecord = new ProtoWriter().stringField(1, "a")
                    .messageField(3, new ProtoWriter().varintField(1, 0).key(15, wireType).bytesField(3, bytes(1)))
                    .toByteArray();

            assertPassedThroughWithProblem(KplAggregator.frame(topLevel),
                    "unsupported wire type " + wireType + " for field 15 at byte 7 (groups are deprecated)");
            assertPassedThroughWithProblem(KplAggregator.frame(inRecord),
                    "unsupported wire type " + wireType + " for field 15 at byte 11 (groups are deprecated)");
        }
    }

    @Test
    void passesThroughAnAggregateWithWireTypesSixOrSeven() {
        for (int wireType : new int[] {6, 7}) {
            byte[] protobuf = new ProtoWriter().key(15, wireType).toByteArray();

            assertPassedThroughWithProblem(KplAggregator.frame(protobuf), "unsupported wire type " + wireType + " for field 15 at byte 4");
        }
    }

    @Test
    void passesThroughAnAggregateWhoseKnownFieldHasTheWrongWireType() {
        // Skipping it as protobuf parsers do would silently drop a user record, so it counts as damage.
        byte[] recordsAsVarint = new ProtoWriter().stringField(1, "a").varintField(3, 5).toByteArray();
        byte[] indexAsBytes = new ProtoWriter().stringField(1, "a")
                .messageField(3, new ProtoWriter().bytesField(1, bytes(0)).bytesField(3, bytes(1)))
                .toByteArray();
        byte[] keyAsFixed32 = new ProtoWriter().fixed32Field(1, 0).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(recordsAsVarint), "records at byte 7 has wire type 0 instead of 2");
        assertPassedThroughWithProblem(KplAggregator.frame(indexAsBytes),
                "record 0 partition_key_index at byte 9 has wire type 2 instead of 0");
        assertPassedThroughWithProblem(KplAggregator.frame(keyAsFixed32), "partition_key_table at byte 4 has wire type 5 instead of 2");
    }

    @Test
    void passesThroughAnAggregateWithFieldNumberZero() {
        byte[] protobuf = new ProtoWriter().stringField(1, "a").key(0, ProtoWriter.VARINT).varint(1).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf), "invalid field number 0 at byte 7");
    }

    @Test
    void readsVarintsOfUpToTenBytes() {
        byte[] protobuf = new ProtoWriter()
                .stringField(1, "a").stringField(1, "b")
                // Unknown field 15 holding 2^64 - 1, the largest ten-byte varint.
                .key(15, ProtoWriter.VARINT).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)
                // partition_key_index 1 padded to ten bytes: legal, if wasteful.
                .messageField(3, new ProtoWriter().key(1, ProtoWriter.VARINT)
                        .raw(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytesField(3, bytes(1)))
                .toByteArray();

        Deaggregated result = deaggregator.deaggregate(KplAggregator.frame(protobuf), OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactly(new UserRecord(0, "b", null, bytes(1), true));
    }

    @Test
    void readsMultiByteIndices() {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add(new Entry("key-" + i, i % 2 == 0 ? Integer.toString(i) : null, bytes(i % 128)));
        }

        Deaggregated result = deaggregator.deaggregate(KplAggregator.aggregate(entries), OUTER_KEY);

        assertThat(result.problem()).isNull();
        assertThat(result.records()).containsExactlyElementsOf(expected(entries));
    }

    @Test
    void readsAllSixtyFourBitsOfAnIndex() {
        byte[] protobuf = new ProtoWriter().stringField(1, "a")
                .messageField(3, new ProtoWriter().key(1, ProtoWriter.VARINT)
                        .raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01).bytesField(3, bytes(1)))
                .toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf),
                "record 0 partition_key_index 18446744073709551615 is out of range for a table of size 1");
    }

    @Test
    void passesThroughAnAggregateWithAnOverlongVarint() {
        byte[] elevenBytes = new ProtoWriter().key(15, ProtoWriter.VARINT)
                .raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).toByteArray();
        byte[] beyond64Bits = new ProtoWriter().key(15, ProtoWriter.VARINT)
                .raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).toByteArray();
        byte[] overlongKey = new ProtoWriter()
                .raw(0x88, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).varint(0).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(elevenBytes), "varint at byte 5 is longer than 10 bytes");
        assertPassedThroughWithProblem(KplAggregator.frame(beyond64Bits), "varint at byte 5 does not fit in 64 bits");
        assertPassedThroughWithProblem(KplAggregator.frame(overlongKey), "varint at byte 4 is longer than 10 bytes");
    }

    @Test
    void passesThroughAnAggregateWithAHugeLength() {
        byte[] protobuf = new ProtoWriter().key(1, ProtoWriter.LENGTH_DELIMITED).varint(Long.MIN_VALUE).toByteArray();
        byte[] past = new ProtoWriter().key(15, ProtoWriter.LENGTH_DELIMITED).varint(2).raw(0).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf),
                "length 9223372036854775808 at byte 5 runs past the end of its message at byte 15");
        assertPassedThroughWithProblem(KplAggregator.frame(past), "length 2 at byte 5 runs past the end of its message at byte 7");
    }

    @Test
    void passesThroughAnAggregateWithAFixedFieldCutShort() {
        byte[] protobuf = new ProtoWriter().key(15, ProtoWriter.FIXED64).raw(1, 2, 3).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf), "field at byte 5 needs 8 bytes but its message ends at byte 8");
    }

    @Test
    void aRecordCannotReadPastItsOwnLength() {
        // The record's data length fits in the aggregate but not in the record that contains it.
        byte[] record = new ProtoWriter().varintField(1, 0).key(3, ProtoWriter.LENGTH_DELIMITED).varint(3).toByteArray();
        byte[] protobuf = new ProtoWriter().stringField(1, "a").messageField(3, new ProtoWriter().raw(toInts(record)))
                .varintField(15, 0).toByteArray();

        assertPassedThroughWithProblem(KplAggregator.frame(protobuf), "length 3 at byte 12 runs past the end of its message at byte 13");
    }

    @Test
    void isSafeToShareAcrossThreads() throws Exception {
        List<List<Entry>> batches = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < 64; i++) {
            List<Entry> entries = new ArrayList<>();
            for (int j = 0; j < 50; j++) {
                entries.add(new Entry("k" + random.nextInt(10), randomBytes(random, random.nextInt(2_000))));
            }
            batches.add(entries);
        }
        List<byte[]> aggregates = batches.stream().map(KplAggregator::aggregate).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        for (int i = 0; i < aggregates.size(); i++) {
                            Deaggregated result = deaggregator.deaggregate(aggregates.get(i), OUTER_KEY);
                            if (result.hasProblem() || !result.records().equals(expected(batches.get(i)))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> deaggregator.deaggregate(null, OUTER_KEY)).hasMessage("data is null");
        assertThatThrownBy(() -> deaggregator.deaggregate(new byte[0], null)).hasMessage("outerPartitionKey is null");
    }

    @Test
    void aProblemAlwaysComesWithTheWholeRecord() {
        UserRecord raw = new UserRecord(0, "k", null, bytes(1), false);
        UserRecord unpacked = new UserRecord(0, "k", null, bytes(1), true);

        assertThatThrownBy(() -> new Deaggregated(List.of(), "bad")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Deaggregated(List.of(unpacked), "bad")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Deaggregated(List.of(raw, raw), "bad")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Deaggregated(List.of(raw), "bad").hasProblem()).isTrue();
    }

    @Test
    void userRecordsCompareDataByContentAndPrintOnlyItsLength() {
        UserRecord record = new UserRecord(3, "k", "9", "secret".getBytes(UTF_8), true);

        assertThat(record).isEqualTo(new UserRecord(3, "k", "9", "secret".getBytes(UTF_8), true))
                .hasSameHashCodeAs(new UserRecord(3, "k", "9", "secret".getBytes(UTF_8), true))
                .isNotEqualTo(new UserRecord(3, "k", "9", "secreT".getBytes(UTF_8), true))
                .isNotEqualTo(new UserRecord(3, "k", null, "secret".getBytes(UTF_8), true))
                .isNotEqualTo(new UserRecord(3, "k", "9", "secret".getBytes(UTF_8), false));
        assertThat(record.toString()).contains("data=6 bytes").doesNotContain("secret");
        assertThatThrownBy(() -> new UserRecord(-1, "k", null, bytes(), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UserRecord(0, null, null, bytes(), false)).hasMessage("partitionKey is null");
        assertThatThrownBy(() -> new UserRecord(0, "k", null, null, false)).hasMessage("data is null");
    }

    private void assertPassedThroughWithProblem(byte[] data, String problem) {
        Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

        assertThat(result.problem()).isEqualTo(problem);
        assertThat(result.records()).singleElement().satisfies(record -> {
            assertThat(record.data()).isSameAs(data);
            assertThat(record).isEqualTo(new UserRecord(0, OUTER_KEY, null, data, false));
        });
    }

    private static ProtoWriter withUnknownFields(ProtoWriter writer) {
        return writer.varintField(15, 300).fixed64Field(15, 0x0102030405060708L).bytesField(15, bytes(1, 2, 3))
                .fixed32Field(15, 0x01020304);
    }

    static List<UserRecord> expected(List<Entry> entries) {
        List<UserRecord> expected = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            expected.add(entries.get(i).expected(i));
        }
        return expected;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] everyByteValue() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            out.write(i);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static int[] toInts(byte[] bytes) {
        int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i];
        }
        return ints;
    }
}
