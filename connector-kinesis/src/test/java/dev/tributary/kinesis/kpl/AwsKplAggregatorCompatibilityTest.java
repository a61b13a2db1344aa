package dev.tributary.kinesis.kpl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.kinesis.agg.AggRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Aggregates made by AWS's own aggregator ({@code amazon-kinesis-aggregator}, the producer side of
 * the KPL format), unpacked by {@link KplDeaggregator} and by the KCL's own {@link AggregatorUtil}:
 * both must give every user record back, field for field, in order. Our test encoder
 * ({@link KplAggregator}) is written from the published format; this checks the reading side against
 * AWS's code on both ends. Seeded: a failing case names its number.
 */
class AwsKplAggregatorCompatibilityTest {
    private static final long SEED = 0x4157_534BL;
    private static final int CASES = 300;
    private static final String OUTER_KEY = "outer-key";

    private final KplDeaggregator ours = new KplDeaggregator();
    private final AggregatorUtil kcl = new AggregatorUtil();

    private record Written(String partitionKey, String explicitHashKey, byte[] data) {
    }

    @Test
    void randomAwsAggregatesUnpackAsTheKclUnpacksThem() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            AggRecord aggregate = new AggRecord();
            List<Written> written = new ArrayList<>();
            int count = 1 + random.nextInt(40);
            for (int r = 0; r < count; r++) {
                Written w = new Written(randomKey(random), random.nextInt(3) == 0 ? randomHashKey(random) : null,
                        randomBytes(random, random.nextInt(8) == 0 ? 0 : random.nextInt(3000)));
                if (!aggregate.addUserRecord(w.partitionKey(), w.explicitHashKey(), w.data())) {
                    break;
                }
                written.add(w);
            }

            checkBothUnpack("case " + i, aggregate.toRecordBytes(), written);
        }
    }

    @Test
    void anAggregateFilledToAwsAggregatorsLimitUnpacks() {
        Random random = new Random(SEED + 1);
        AggRecord aggregate = new AggRecord();
        List<Written> written = new ArrayList<>();
        while (true) {
            Written w = new Written("key-" + written.size() % 7, null, randomBytes(random, 10_000));
            if (!aggregate.addUserRecord(w.partitionKey(), w.explicitHashKey(), w.data())) {
                break;
            }
            written.add(w);
        }
        byte[] bytes = aggregate.toRecordBytes();
        assertThat(bytes.length).as("near the 1 MB record limit").isGreaterThan(900_000);

        checkBothUnpack("full aggregate", bytes, written);
    }

    @Test
    void aDamagedAwsAggregateIsPassedThroughWholeAsTheKclPassesItThrough() {
        AggRecord aggregate = new AggRecord();
        aggregate.addUserRecord("a", null, "one".getBytes(StandardCharsets.UTF_8));
        aggregate.addUserRecord("b", null, "two".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = aggregate.toRecordBytes();
        bytes[bytes.length - 1] ^= 0x01; // the MD5 digest no longer matches

        Deaggregated result = ours.deaggregate(bytes.clone(), OUTER_KEY);
        List<KinesisClientRecord> theirs = kcl.deaggregate(List.of(kinesisRecord(bytes)));

        assertThat(result.problem()).contains("MD5");
        assertThat(result.records()).singleElement().satisfies(r -> {
            assertThat(r.aggregated()).isFalse();
            assertThat(r.partitionKey()).isEqualTo(OUTER_KEY);
            assertThat(r.data()).isEqualTo(bytes);
        });
        assertThat(theirs).singleElement().satisfies(r -> {
            assertThat(r.aggregated()).isFalse();
            assertThat(bytes(r.data())).isEqualTo(bytes);
        });
    }

    private void checkBothUnpack(String name, byte[] bytes, List<Written> written) {
        Deaggregated result = ours.deaggregate(bytes.clone(), OUTER_KEY);
        List<KinesisClientRecord> theirs = kcl.deaggregate(List.of(kinesisRecord(bytes)));

        assertThat(result.problem()).as(name).isNull();
        assertThat(result.records()).as(name).hasSameSizeAs(written);
        assertThat(theirs).as(name + ", the KCL").hasSameSizeAs(written);
        for (int r = 0; r < written.size(); r++) {
            UserRecord mine = result.records().get(r);
            KinesisClientRecord kclRecord = theirs.get(r);
            String what = name + ", user record " + r;
            assertThat(mine.aggregated()).as(what).isTrue();
            assertThat(mine.subSequenceNumber()).as(what).isEqualTo(r).isEqualTo(kclRecord.subSequenceNumber());
            assertThat(mine.partitionKey()).as(what).isEqualTo(written.get(r).partitionKey())
                    .isEqualTo(kclRecord.partitionKey());
            assertThat(mine.explicitHashKey()).as(what).isEqualTo(kclRecord.explicitHashKey());
            if (written.get(r).explicitHashKey() != null) {
                assertThat(mine.explicitHashKey()).as(what).isEqualTo(written.get(r).explicitHashKey());
            }
            assertThat(mine.data()).as(what).isEqualTo(written.get(r).data()).isEqualTo(bytes(kclRecord.data()));
        }
    }

    private static KinesisClientRecord kinesisRecord(byte[] bytes) {
        return KinesisClientRecord.builder().data(ByteBuffer.wrap(bytes.clone())).partitionKey(OUTER_KEY)
                .sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .approximateArrivalTimestamp(Instant.EPOCH).build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /** 1 to 256 characters, some outside ASCII (a partition key is Unicode, at most 256 characters). */
    private static String randomKey(Random random) {
        int length = 1 + random.nextInt(random.nextBoolean() ? 12 : 256);
        StringBuilder key = new StringBuilder(length);
        for (int c = 0; c < length; c++) {
            key.append(random.nextInt(10) == 0 ? (char) ('\u00e0' + random.nextInt(200)) : (char) ('!' + random.nextInt(94)));
        }
        return key.toString();
    }

    /** A decimal in [0, 2^128), as Kinesis takes an explicit hash key. */
    private static String randomHashKey(Random random) {
        return new BigInteger(128, random).toString();
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
