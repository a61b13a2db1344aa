package dev.tributary.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ReplayStreamTest {
    private final ReplayStream stream = new ReplayStream("s", 5, 1000, 64, 7);

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
        ReplayStream again = new ReplayStream("s", 5, 1000, 64, 7);
        ReplayStream other = new ReplayStream("s", 5, 1000, 64, 8);
        for (long i = 0; i < 1000; i += 97) {
            assertThat(again.payload(3, i)).isEqualTo(stream.payload(3, i));
            assertThat(again.partitionKey(3, i)).isEqualTo(stream.partitionKey(3, i));
            assertThat(other.payload(3, i)).isNotEqualTo(stream.payload(3, i));
        }
    }

    @Test
    void neighbouringRecordsAndShardsDiffer() {
        for (long i = 0; i < 999; i++) {
            assertThat(stream.payload(0, i)).isNotEqualTo(stream.payload(0, i + 1));
            assertThat(stream.payload(0, i)).isNotEqualTo(stream.payload(1, i));
        }
    }

    @Test
    void sequenceNumbersIncreaseWithinAShardAndNameTheirRecord() {
        BigInteger previous = BigInteger.valueOf(-1);
        for (long i = 0; i < 1000; i++) {
            String sequence = stream.sequenceNumber(4, i);
            assertThat(sequence).hasSize(56).startsWith("49000000000004");
            assertThat(new BigInteger(sequence)).isGreaterThan(previous);
            previous = new BigInteger(sequence);
            assertThat(stream.indexOf(4, sequence)).isEqualTo(i);
            assertThat(stream.indexOf(3, sequence)).as("another shard's").isEqualTo(-1);
        }
        assertThat(stream.indexOf(4, new ReplayStream("s", 5, 2000, 64, 7).sequenceNumber(4, 1500)))
                .as("beyond the shard's records").isEqualTo(-1);
        assertThat(stream.indexOf(4, "not a number")).isEqualTo(-1);
    }

    @Test
    void hashKeyRangesCoverThe128BitSpaceWithoutGaps() {
        assertThat(stream.startingHashKey(0)).isZero();
        for (int shard = 1; shard < 5; shard++) {
            assertThat(stream.startingHashKey(shard)).isEqualTo(stream.endingHashKey(shard - 1).add(BigInteger.ONE));
        }
        assertThat(stream.endingHashKey(4)).isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
    }

    @Test
    void shardIdsAreKinesisStyle() {
        assertThat(ReplayStream.shardId(42)).isEqualTo("shardId-000000000042");
        assertThat(stream.shardIndex("shardId-000000000004")).isEqualTo(4);
        assertThat(stream.shardIndex("shardId-000000000005")).isEqualTo(-1);
        assertThat(stream.shardIndex("shard-4")).isEqualTo(-1);
    }

    @Test
    void rejectsWhatKinesisCannotHold() {
        assertThatThrownBy(() -> new ReplayStream("s", 0, 1, 1, 0)).hasMessageContaining("shardCount must be at least 1");
        assertThatThrownBy(() -> new ReplayStream("s", 1, 1, (1 << 20) + 1, 0)).hasMessageContaining("payloadBytes");
        assertThatThrownBy(() -> new ReplayStream("a/b", 1, 1, 1, 0)).hasMessageContaining("stream name");
    }
}
