package dev.tributary.bench.harness;

import static java.util.Objects.requireNonNull;

import dev.tributary.bench.replay.ReplayStream;
import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Whether a subject moved every record's bytes unchanged: each message of its topic compared, byte
 * by byte, with the payload that the replay endpoint served for the record its
 * {@value #SEQUENCE_NUMBER} property names. The endpoint derives every payload from the stream's
 * seed, shard and record index ({@link ReplayStream#payload}), so nothing needs to be kept while
 * the subject runs. Payloads must not be stamped ({@code stampPayloads}): a stamp is written as a
 * record is served.
 *
 * <p>Not thread-safe: one reader checks one topic.
 */
final class PayloadCheck {
    /** The property both subjects give each message, by default: the record's Kinesis sequence number. */
    static final String SEQUENCE_NUMBER = "kinesis.sequence.number";

    /**
     * What the check found.
     *
     * @param messages messages compared
     * @param alteredMessages messages whose value differs from what was served, in any byte or in length
     * @param alteredBytes bytes that differ: at each position both have, where they differ, plus the
     *     difference in length
     * @param unidentified messages without a sequence number of the stream, which could not be compared
     * @param duplicates messages of a record that an earlier message already carried (at-least-once
     *     delivery allows them; they are compared too)
     * @param missing records of the stream that no message carried
     */
    record Result(long messages, long alteredMessages, long alteredBytes, long unidentified, long duplicates, long missing) {
        /** Both checks' counts added up: the check of two runs. */
        Result plus(Result other) {
            return new Result(messages + other.messages, alteredMessages + other.alteredMessages,
                    alteredBytes + other.alteredBytes, unidentified + other.unidentified, duplicates + other.duplicates,
                    missing + other.missing);
        }

        /** Every record there once at least, and every byte as served. */
        boolean unaltered() {
            return alteredMessages == 0 && unidentified == 0;
        }
    }

    private final ReplayStream stream;
    private final BitSet[] seen;
    private long messages;
    private long alteredMessages;
    private long alteredBytes;
    private long unidentified;
    private long duplicates;

    PayloadCheck(ReplayStream stream) {
        this.stream = requireNonNull(stream, "stream is null");
        if (stream.recordsPerShard() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a shard of more than " + Integer.MAX_VALUE + " records cannot be checked");
        }
        this.seen = new BitSet[stream.shardCount()];
        for (int shard = 0; shard < seen.length; shard++) {
            seen[shard] = new BitSet((int) stream.recordsPerShard());
        }
    }

    /** Compares one message: its sequence number property (null when it has none) and its value (null when none). */
    void check(String sequenceNumber, byte[] value) {
        messages++;
        int shard = shardOf(sequenceNumber);
        long index = shard < 0 ? -1 : stream.indexOf(shard, sequenceNumber);
        if (index < 0) {
            unidentified++;
            return;
        }
        if (seen[shard].get((int) index)) {
            duplicates++;
        }
        seen[shard].set((int) index);
        long differing = differingBytes(stream.payload(shard, index), value == null ? new byte[0] : value);
        if (differing > 0) {
            alteredMessages++;
            alteredBytes += differing;
        }
    }

    Result result() {
        long distinct = 0;
        for (BitSet shard : seen) {
            distinct += shard.cardinality();
        }
        return new Result(messages, alteredMessages, alteredBytes, unidentified, duplicates,
                stream.shardCount() * stream.recordsPerShard() - distinct);
    }

    /** Bytes that differ between what was served and what arrived: position by position, plus the difference in length. */
    static long differingBytes(byte[] served, byte[] received) {
        int common = Math.min(served.length, received.length);
        long differing = Math.abs(served.length - received.length);
        for (int i = 0; i < common; i++) {
            if (served[i] != received[i]) {
                differing++;
            }
        }
        return differing;
    }

    /** The shard that the replay endpoint's sequence number names ({@code 49}, then 12 digits of shard), or -1. */
    private int shardOf(String sequenceNumber) {
        if (sequenceNumber == null || sequenceNumber.length() < 14 || !sequenceNumber.startsWith("49")) {
            return -1;
        }
        try {
            long shard = Long.parseLong(sequenceNumber.substring(2, 14));
            return shard < stream.shardCount() ? (int) shard : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads {@code topic} from its start to its end and checks every message. Call it once the
     * subject has stopped: the end is the topic's last message when reading starts.
     *
     * @throws IllegalStateException when the topic has not been read to its end within {@code timeout}
     */
    static Result readTopic(String pulsarUrl, String topic, ReplayStream stream, Duration timeout)
            throws IOException {
        PayloadCheck check = new PayloadCheck(stream);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(pulsarUrl).build();
                Reader<byte[]> reader = client.newReader(Schema.BYTES)
                        .topic(topic)
                        .startMessageId(MessageId.earliest)
                        .receiverQueueSize(1000)
                        .create()) {
            while (reader.hasMessageAvailable()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the check of " + topic + " read " + check.messages
                            + " messages in " + timeout.toSeconds() + " s without reaching the topic's end");
                }
                Message<byte[]> message = reader.readNext(1, TimeUnit.SECONDS);
                if (message != null) {
                    check.check(message.getProperty(SEQUENCE_NUMBER), message.getData());
                }
            }
        }
        return check.result();
    }
}
