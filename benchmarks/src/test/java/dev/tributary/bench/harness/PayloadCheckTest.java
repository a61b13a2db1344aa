package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.bench.replay.ReplayStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PayloadCheckTest {
    private static final ReplayStream STREAM = new ReplayStream("bench", 2, 5, 64, 20131202L);

    private static PayloadCheck checkedAll() {
        PayloadCheck check = new PayloadCheck(STREAM);
        for (int shard = 0; shard < 2; shard++) {
            for (long i = 0; i < 5; i++) {
                check.check(STREAM.sequenceNumber(shard, i), STREAM.payload(shard, i));
            }
        }
        return check;
    }

    @Test
    void everyRecordAsServedIsUnaltered() {
        PayloadCheck.Result result = checkedAll().result();

        assertThat(result).isEqualTo(new PayloadCheck.Result(10, 0, 0, 0, 0, 0));
        assertThat(result.unaltered()).isTrue();
    }

    @Test
    void changedBytesAndLengthsAreCountedPerByteAndPerMessage() {
        PayloadCheck check = new PayloadCheck(STREAM);
        byte[] flipped = STREAM.payload(0, 0);
        flipped[3] ^= 1;
        flipped[40] ^= (byte) 0x80;
        check.check(STREAM.sequenceNumber(0, 0), flipped);
        check.check(STREAM.sequenceNumber(0, 1), Arrays.copyOf(STREAM.payload(0, 1), 60));
        check.check(STREAM.sequenceNumber(1, 4), null);
        check.check(STREAM.sequenceNumber(1, 3), STREAM.payload(1, 3));

        PayloadCheck.Result result = check.result();

        assertThat(result.messages()).isEqualTo(4);
        assertThat(result.alteredMessages()).isEqualTo(3);
        assertThat(result.alteredBytes()).isEqualTo(2 + 4 + 64);
        assertThat(result.missing()).isEqualTo(6);
        assertThat(result.unaltered()).isFalse();
    }

    @Test
    void payloadsDecodedAsTextAndEncodedAgainAreAltered() {
        // What a source that passes payloads through a String does to bytes that are not UTF-8.
        byte[] served = STREAM.payload(1, 2);
        byte[] received = new String(served, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        PayloadCheck check = new PayloadCheck(STREAM);
        check.check(STREAM.sequenceNumber(1, 2), received);

        assertThat(check.result().alteredMessages()).isEqualTo(1);
        assertThat(check.result().alteredBytes()).isEqualTo(PayloadCheck.differingBytes(served, received)).isPositive();
    }

    @Test
    void messagesWithoutASequenceNumberOfTheStreamAreCountedApart() {
        PayloadCheck check = new PayloadCheck(STREAM);
        check.check(null, new byte[64]);
        check.check("not a sequence number", new byte[64]);
        check.check(STREAM.sequenceNumber(1, 0).replaceFirst("^49000000000001", "49000000000007"), new byte[64]);
        check.check(new ReplayStream("bench", 2, 50, 64, 1L).sequenceNumber(0, 20), new byte[64]);

        PayloadCheck.Result result = check.result();

        assertThat(result.unidentified()).isEqualTo(4);
        assertThat(result.alteredMessages()).isZero();
        assertThat(result.unaltered()).as("a message that cannot be compared is not proven unaltered").isFalse();
    }

    @Test
    void aRecordDeliveredTwiceIsADuplicateNotAnAlteration() {
        PayloadCheck check = checkedAll();
        check.check(STREAM.sequenceNumber(0, 2), STREAM.payload(0, 2));

        assertThat(check.result()).isEqualTo(new PayloadCheck.Result(11, 0, 0, 0, 1, 0));
    }

    @Test
    void differingBytesCountPositionsAndTheDifferenceInLength() {
        assertThat(PayloadCheck.differingBytes(new byte[] {1, 2, 3}, new byte[] {1, 2, 3})).isZero();
        assertThat(PayloadCheck.differingBytes(new byte[] {1, 2, 3}, new byte[] {1, 9, 3, 4, 5})).isEqualTo(3);
        assertThat(PayloadCheck.differingBytes(new byte[] {1, 2, 3}, new byte[0])).isEqualTo(3);
    }
}
