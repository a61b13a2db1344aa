package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.junit.jupiter.api.Test;

class PulsarRecordWriterTest {
    private static final String TOPIC = "persistent://public/default/orders";
    private static final SourcePartition P = SourcePartition.of("p", "0");
    private static final ProducerSettings SETTINGS = new ProducerSettings(true, java.time.Duration.ofMillis(1), 1000,
            128 * 1024, "NONE", 1000, java.time.Duration.ofSeconds(30), false);
    private static final SourceRecord LARGE = new SourceRecord(P, SourceOffset.of("seq", 7L), null, "kk",
            new byte[200_000], Map.of("id", "7"), null);
    private static final SourceRecord SMALL = new SourceRecord(P, SourceOffset.of("seq", 8L), "k", new byte[300], null);

    @Test
    void anUnbatchedRefusalGivesPulsarsSizeAndLimit() {
        Throwable error = new PulsarClientException.InvalidMessageException("The producer orders-0-0-1 of the topic "
                + TOPIC + " sends a  message with 200123 bytes that exceeds 102400 bytes");

        Throwable mapped = PulsarRecordWriter.tooLarge(error, TOPIC, LARGE, 0);

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
            RecordTooLargeException mapped = (RecordTooLargeException) PulsarRecordWriter.tooLarge(error, TOPIC, LARGE, 0);
            assertThat(mapped.sizeBytes()).as("value, key and properties").isEqualTo(200_000 + 2 + 3);
            assertThat(mapped.limitBytes()).isEqualTo(102_400);
        }
    }

    @Test
    void aRecordUnderTheLimitIsNeverTooLargeEvenInABatchThatIs() {
        Throwable batch = new PulsarClientException.InvalidMessageException("Message size is bigger than 102400 bytes");

        assertThat(PulsarRecordWriter.tooLarge(batch, TOPIC, SMALL, 0)).as("a record failed with its batch").isSameAs(batch);
    }

    @Test
    void aBatchOverTheLimitBecauseOfTheBatchSizeSettingNamesIt() {
        Throwable batch = new PulsarClientException.InvalidMessageException(
                "Message size 1040000 is bigger than 524288 bytes");

        Throwable mapped = PulsarRecordWriter.tooLarge(batch, TOPIC, SMALL, 1_048_576);

        assertThat(mapped).isInstanceOf(PulsarClientException.InvalidMessageException.class)
                .hasMessageContaining("Message size 1040000 is bigger than 524288 bytes")
                .hasMessageContaining("pulsar.producer.batching.max.bytes=1048576")
                .hasMessageContaining("set pulsar.producer.batching.max.bytes below 524288");
        assertThat(PulsarRecordWriter.tooLarge(batch, TOPIC, SMALL, 131_072))
                .as("batches under the limit by their setting: some other cause").isSameAs(batch);
        Throwable small = new PulsarClientException.InvalidMessageException("Message size is bigger than 102400 bytes");
        assertThat(PulsarRecordWriter.tooLarge(small, TOPIC, LARGE, 1_048_576))
                .as("the record alone is over the limit").isInstanceOf(RecordTooLargeException.class);
    }

    @Test
    void leavesOtherErrorsAlone() {
        Throwable reused = new PulsarClientException.InvalidMessageException("The producer x of the topic " + TOPIC
                + " can not reuse the same message");
        Throwable otherWords = new PulsarClientException.InvalidMessageException("message exceeds the limit");
        Throwable timeout = new PulsarClientException.TimeoutException("sends a message with 9 bytes that exceeds 1 bytes");

        assertThat(PulsarRecordWriter.tooLarge(reused, TOPIC, LARGE, 0)).isSameAs(reused);
        assertThat(PulsarRecordWriter.tooLarge(otherWords, TOPIC, LARGE, 0)).isSameAs(otherWords);
        assertThat(PulsarRecordWriter.tooLarge(timeout, TOPIC, LARGE, 0)).isSameAs(timeout);
    }

    @SuppressWarnings("unchecked")
    private static final class FakeClient {
        final PulsarClient client = mock(PulsarClient.class);
        final ProducerBuilder<byte[]> builder = mock(ProducerBuilder.class, RETURNS_SELF);
        final Producer<byte[]> producer = mock(Producer.class);

        FakeClient() throws PulsarClientException {
            when(client.newProducer()).thenReturn(builder);
            TypedMessageBuilder<byte[]> message = mock(TypedMessageBuilder.class, RETURNS_SELF);
            when(message.sendAsync()).thenReturn(CompletableFuture.completedFuture(MessageId.earliest));
            when(producer.newMessage()).thenReturn(message);
            when(producer.closeAsync()).thenReturn(CompletableFuture.completedFuture(null));
        }

        PulsarRecordWriter writer() {
            return new PulsarRecordWriter(client, SETTINGS, TOPIC, "orders-0");
        }
    }

    private static Object sendAndGetId(PulsarRecordWriter writer) throws PulsarClientException {
        AtomicReference<Object> id = new AtomicReference<>();
        writer.send(SMALL, (messageId, error) -> id.set(error == null ? messageId : error));
        return id.get();
    }

    @Test
    void theDefaultTopicsProducerStartedAheadServesTheFirstRecord() throws Exception {
        FakeClient pulsar = new FakeClient();
        CompletableFuture<Producer<byte[]>> creating = new CompletableFuture<>();
        when(pulsar.builder.createAsync()).thenReturn(creating);

        PulsarRecordWriter writer = pulsar.writer().startDefaultProducer();
        verify(pulsar.builder).topic(TOPIC);
        verify(pulsar.builder).batchingMaxMessages(1000);
        verify(pulsar.builder).batchingMaxBytes(128 * 1024);
        creating.complete(pulsar.producer);

        assertThat(sendAndGetId(writer)).isEqualTo(MessageId.earliest);
        assertThat(sendAndGetId(writer)).isEqualTo(MessageId.earliest);
        verify(pulsar.builder, times(1)).createAsync();
        verify(pulsar.builder, never()).create();
        assertThat(writer.topics()).containsExactly(TOPIC);
    }

    @Test
    void aFailedStartIsTriedAgainByTheFirstRecordWhichGetsThatAttemptsError() throws Exception {
        FakeClient pulsar = new FakeClient();
        when(pulsar.builder.createAsync())
                .thenReturn(CompletableFuture.failedFuture(new PulsarClientException.TimeoutException("ahead")));
        when(pulsar.builder.create()).thenThrow(new PulsarClientException.AuthorizationException("not allowed"));

        PulsarRecordWriter writer = pulsar.writer().startDefaultProducer();

        assertThatThrownBy(() -> sendAndGetId(writer)).isInstanceOf(PulsarClientException.AuthorizationException.class)
                .hasMessage("not allowed");
        verify(pulsar.builder, times(1)).create();
    }

    @Test
    void closingBeforeAnyRecordClosesTheProducerStartedAhead() throws Exception {
        FakeClient pulsar = new FakeClient();
        CompletableFuture<Producer<byte[]>> creating = new CompletableFuture<>();
        when(pulsar.builder.createAsync()).thenReturn(creating);
        PulsarRecordWriter writer = pulsar.writer().startDefaultProducer();

        writer.close();
        creating.complete(pulsar.producer);

        verify(pulsar.producer).closeAsync();
        verify(pulsar.producer, never()).newMessage();
    }

    @Test
    void aTransactionalWriterCannotStartAProducerAhead() {
        PulsarRecordWriter transactional = new PulsarRecordWriter(mock(PulsarClient.class), SETTINGS,
                TOPIC, "orders-0", () -> null, java.time.Duration.ofSeconds(1));

        assertThatThrownBy(transactional::startDefaultProducer).isInstanceOf(IllegalStateException.class);
    }
}
