package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import org.apache.pulsar.client.api.PulsarClientException;
import org.junit.jupiter.api.Test;

class PulsarRecordWriterTest {
    private static final String TOPIC = "persistent://public/default/orders";
    private static final SourceRecord RECORD = new SourceRecord(SourcePartition.of("p", "0"), SourceOffset.of("seq", 7L),
            "k", new byte[300], null);

    @Test
    void readsTheSizesOutOfPulsarsTooLargeError() {
        Throwable error = new PulsarClientException.InvalidMessageException("The producer orders-0-0-1 of the topic "
                + TOPIC + " sends a  message with 200123 bytes that exceeds 102400 bytes");

        Throwable mapped = PulsarRecordWriter.tooLarge(error, TOPIC, RECORD);

        assertThat(mapped).isInstanceOfSatisfying(RecordTooLargeException.class, e -> {
            assertThat(e.topic()).isEqualTo(TOPIC);
            assertThat(e.sizeBytes()).isEqualTo(200_123);
            assertThat(e.limitBytes()).isEqualTo(102_400);
            assertThat(e.getCause()).isSameAs(error);
        });
    }

    @Test
    void readsTheCompressedAndMetadataForms() {
        Throwable compressed = new PulsarClientException.InvalidMessageException("The producer x of the topic "
                + TOPIC + " sends a Compressed message with 5000 bytes that exceeds 4096 bytes");
        Throwable metadata = new PulsarClientException.InvalidMessageException("The producer x of the topic "
                + TOPIC + " sends a message with 9000 bytes metadata that exceeds 4096 bytes");

        assertThat(((RecordTooLargeException) PulsarRecordWriter.tooLarge(compressed, TOPIC, RECORD)).sizeBytes())
                .isEqualTo(5000);
        assertThat(((RecordTooLargeException) PulsarRecordWriter.tooLarge(metadata, TOPIC, RECORD)).sizeBytes())
                .isEqualTo(9000);
    }

    @Test
    void fallsBackToTheValueSizeWhenTheWordsChange() {
        Throwable error = new PulsarClientException.InvalidMessageException("message exceeds the limit");

        RecordTooLargeException mapped = (RecordTooLargeException) PulsarRecordWriter.tooLarge(error, TOPIC, RECORD);

        assertThat(mapped.sizeBytes()).isEqualTo(300);
        assertThat(mapped.limitBytes()).isEqualTo(-1);
        assertThat(mapped.getMessage()).isEqualTo("a record for " + TOPIC
                + " is 300 bytes, more than the broker's maxMessageSize");
    }

    @Test
    void leavesOtherErrorsAlone() {
        Throwable reused = new PulsarClientException.InvalidMessageException("The producer x of the topic " + TOPIC
                + " can not reuse the same message");
        Throwable timeout = new PulsarClientException.TimeoutException("exceeds the send timeout");

        assertThat(PulsarRecordWriter.tooLarge(reused, TOPIC, RECORD)).isSameAs(reused);
        assertThat(PulsarRecordWriter.tooLarge(timeout, TOPIC, RECORD)).isSameAs(timeout);
    }
}
