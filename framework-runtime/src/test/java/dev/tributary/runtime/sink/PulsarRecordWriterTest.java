package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Map;
import org.apache.pulsar.client.api.PulsarClientException;
import org.junit.jupiter.api.Test;

class PulsarRecordWriterTest {
    private static final String TOPIC = "persistent://public/default/orders";
    private static final SourcePartition P = SourcePartition.of("p", "0");
    private static final SourceRecord LARGE = new SourceRecord(P, SourceOffset.of("seq", 7L), null, "kk",
            new byte[200_000], Map.of("id", "7"), null);
    private static final SourceRecord SMALL = new SourceRecord(P, SourceOffset.of("seq", 8L), "k", new byte[300], null);

    @Test
    void anUnbatchedRefusalGivesPulsarsSizeAndLimit() {
        Throwable error = new PulsarClientException.InvalidMessageException("The producer orders-0-0-1 of the topic "
                + TOPIC + " sends a  message with 200123 bytes that exceeds 102400 bytes");

        Throwable mapped = PulsarRecordWriter.tooLarge(error, TOPIC, LARGE);

        assertThat(mapped).isInstanceOfSatisfying(RecordTooLargeException.class, e -> {
            assertThat(e.topic()).isEqualTo(TOPIC);
            assertThat(e.sizeBytes()).isEqualTo(200_123);
            assertThat(e.limitBytes()).isEqualTo(102_400);
            assertThat(e.getCause()).isSameAs(error);
        });
    }

    @Test
    void aBatchRefusalGivesTheRecordsOwnSize() {
        Throwable bare = new PulsarClientException.InvalidMessageException("Message size is bigger than 102400 bytes");
        Throwable sized = new PulsarClientException.InvalidMessageException(
                "Message size 250000 is bigger than 102400 bytes");

        for (Throwable error : new Throwable[] {bare, sized}) {
            RecordTooLargeException mapped = (RecordTooLargeException) PulsarRecordWriter.tooLarge(error, TOPIC, LARGE);
            assertThat(mapped.sizeBytes()).as("value, key and properties").isEqualTo(200_000 + 2 + 3);
            assertThat(mapped.limitBytes()).isEqualTo(102_400);
        }
    }

    @Test
    void aRecordUnderTheLimitIsNeverTooLargeEvenInABatchThatIs() {
        Throwable batch = new PulsarClientException.InvalidMessageException("Message size is bigger than 102400 bytes");

        assertThat(PulsarRecordWriter.tooLarge(batch, TOPIC, SMALL)).as("a record failed with its batch").isSameAs(batch);
    }

    @Test
    void leavesOtherErrorsAlone() {
        Throwable reused = new PulsarClientException.InvalidMessageException("The producer x of the topic " + TOPIC
                + " can not reuse the same message");
        Throwable otherWords = new PulsarClientException.InvalidMessageException("message exceeds the limit");
        Throwable timeout = new PulsarClientException.TimeoutException("sends a message with 9 bytes that exceeds 1 bytes");

        assertThat(PulsarRecordWriter.tooLarge(reused, TOPIC, LARGE)).isSameAs(reused);
        assertThat(PulsarRecordWriter.tooLarge(otherWords, TOPIC, LARGE)).isSameAs(otherWords);
        assertThat(PulsarRecordWriter.tooLarge(timeout, TOPIC, LARGE)).isSameAs(timeout);
    }
}
