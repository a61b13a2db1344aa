package dev.tributary.testing.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/** Reads a topic from its start, for tests that check what a worker wrote. Acknowledges what it reads. */
public final class PulsarTopicReader implements AutoCloseable {
    private final PulsarClient client;
    private final Consumer<byte[]> consumer;
    private final List<Message<byte[]>> messages = new ArrayList<>();

    public PulsarTopicReader(String serviceUrl, String topic) throws PulsarClientException {
        client = PulsarClient.builder().serviceUrl(serviceUrl).build();
        consumer = client.newConsumer(Schema.BYTES)
                .topic(topic)
                .subscriptionName("test-reader-" + System.nanoTime())
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .receiverQueueSize(5000)
                .subscribe();
    }

    /** Reads until {@code done} holds for what was read so far, or {@code timeout} passes. */
    public List<Message<byte[]>> readUntil(Predicate<List<Message<byte[]>>> done, Duration timeout) throws PulsarClientException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(messages) && System.nanoTime() < deadline) {
            Message<byte[]> message = consumer.receive(200, TimeUnit.MILLISECONDS);
            if (message != null) {
                messages.add(message);
                consumer.acknowledge(message);
            }
        }
        return List.copyOf(messages);
    }

    public List<Message<byte[]>> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() throws PulsarClientException {
        consumer.close();
        client.close();
    }
}
