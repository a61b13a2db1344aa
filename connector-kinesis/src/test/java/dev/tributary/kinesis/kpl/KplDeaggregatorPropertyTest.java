package dev.tributary.kinesis.kpl;

import static dev.tributary.kinesis.kpl.KplDeaggregatorTest.expected;
import static dev.tributary.kinesis.kpl.KplDeaggregatorTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.kpl.KplAggregator.Entry;
import dev.tributary.kinesis.kpl.KplAggregator.Tag;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random aggregates; a failure names its case so it can be replayed. */
class KplDeaggregatorPropertyTest {
    private static final long SEED = 0x7B1B_07A1L;
    private static final int CASES = 400;
    private static final String OUTER_KEY = "outer";

    private final KplDeaggregator deaggregator = new KplDeaggregator();

    @Test
    void everyRandomAggregateRoundTrips() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            List<Entry> entries = randomEntries(random);

            Deaggregated result = deaggregator.deaggregate(KplAggregator.aggregate(entries), OUTER_KEY);

            assertThat(result.problem()).as("case %d", i).isNull();
            assertThat(result.records()).as("case %d", i).containsExactlyElementsOf(expected(entries));
        }
    }

    @Test
    void aDamagedButDigestedAggregateIsUnpackedOrPassedThroughWholeNeverLost() {
        Random random = new Random(SEED + 1);
        int passedThrough = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] protobuf = KplAggregator.protobuf(randomEntries(random));
            if (protobuf.length == 0) {
                continue;
            }
            byte[] damaged = switch (random.nextInt(3)) {
                case 0 -> flipRandomBytes(random, protobuf);
                case 1 -> Arrays.copyOf(protobuf, random.nextInt(protobuf.length));
                default -> insertRandomBytes(random, protobuf);
            };
            byte[] data = KplAggregator.frame(damaged);

            Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

            if (result.hasProblem()) {
                passedThrough++;
                assertThat(result.records()).as("case %d", i).singleElement()
                        .satisfies(record -> assertThat(record.data()).isSameAs(data))
                        .satisfies(record -> assertThat(record.aggregated()).isFalse());
            } else {
                assertThat(result.records()).as("case %d", i).allSatisfy(record -> assertThat(record.aggregated()).isTrue());
            }
        }
        // Guards the property against damage so mild that it never exercises the problem path.
        assertThat(passedThrough).isGreaterThan(CASES / 4);
    }

    @Test
    void randomBytesBehindTheMagicNeverThrow() {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < CASES * 5; i++) {
            byte[] data = KplAggregator.frame(randomBytes(random, random.nextInt(64)));

            Deaggregated result = deaggregator.deaggregate(data, OUTER_KEY);

            assertThat(result.hasProblem() || result.records().stream().allMatch(UserRecord::aggregated))
                    .as("case %d", i).isTrue();
        }
    }

    private static List<Entry> randomEntries(Random random) {
        List<String> keyPool = new ArrayList<>();
        for (int k = 1 + random.nextInt(8); k > 0; k--) {
            keyPool.add(randomKey(random));
        }
        int count = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 200 + random.nextInt(301);
            default -> 1 + random.nextInt(40);
        };
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String explicitHashKey = random.nextInt(4) == 0 ? new BigInteger(128, random).toString() : null;
            List<Tag> tags = random.nextInt(5) == 0
                    ? List.of(new Tag(randomKey(random), random.nextBoolean() ? randomKey(random) : null))
                    : List.of();
            int length = random.nextInt(8) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 16 : 1_000);
            entries.add(new Entry(keyPool.get(random.nextInt(keyPool.size())), explicitHashKey, randomBytes(random, length), tags));
        }
        return entries;
    }

    private static String randomKey(Random random) {
        StringBuilder key = new StringBuilder();
        for (int length = random.nextInt(20); length > 0; length--) {
            // Mostly ASCII, some Cyrillic, some characters outside the Basic Multilingual Plane.
            int roll = random.nextInt(10);
            key.appendCodePoint(roll < 7 ? 0x20 + random.nextInt(0x5F) : roll < 9 ? 0x400 + random.nextInt(0x100) : 0x1F300 + random.nextInt(0x100));
        }
        return key.toString();
    }

    private static byte[] flipRandomBytes(Random random, byte[] protobuf) {
        byte[] copy = protobuf.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return copy;
    }

    private static byte[] insertRandomBytes(Random random, byte[] protobuf) {
        int at = random.nextInt(protobuf.length + 1);
        byte[] inserted = randomBytes(random, 1 + random.nextInt(4));
        byte[] result = new byte[protobuf.length + inserted.length];
        System.arraycopy(protobuf, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(protobuf, at, result, at + inserted.length, protobuf.length - at);
        return result;
    }
}
