package dev.tributary.testing.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.TopicMessageId;

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

    /**
     * Reads until it has every message that the topic held when called: once the only writer has
     * stopped, what was read is all it wrote, so a test can tell apart what each writer wrote.
     *
     * @throws IllegalStateException when the topic's last message has not arrived within {@code timeout}
     */
    public List<Message<byte[]>> readToEnd(Duration timeout) throws PulsarClientException {
        List<TopicMessageId> ends = consumer.getLastMessageIds();
        MessageIdAdv end = ends.isEmpty() ? null : (MessageIdAdv) ends.get(0);
        if (end == null || end.getEntryId() < 0) {
            return List.copyOf(messages);
        }
        readUntil(m -> !m.isEmpty() && !before((MessageIdAdv) m.get(m.size() - 1).getMessageId(), end), timeout);
        if (messages.isEmpty() || before((MessageIdAdv) messages.get(messages.size() - 1).getMessageId(), end)) {
            throw new IllegalStateException("the topic's last message " + end + " did not arrive within " + timeout);
        }
        return List.copyOf(messages);
    }

    /** Whether {@code id} lies before {@code end} in the topic; a message outside a batch has batch index -1. */
    private static boolean before(MessageIdAdv id, MessageIdAdv end) {
        if (id.getLedgerId() != end.getLedgerId()) {
            return id.getLedgerId() < end.getLedgerId();
        }
        if (id.getEntryId() != end.getEntryId()) {
            return id.getEntryId() < end.getEntryId();
        }
        return id.getBatchIndex() < end.getBatchIndex();
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
