package dev.tributary.bench.harness;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * How many messages readers of a topic can see, counted by a reader in the harness from the
 * start of the topic. A reader gets the messages of a transaction only once it is committed, and
 * never those of an aborted one, so under exactly-once this counts what was committed; the
 * broker's {@link TopicCounter#messagesIn()} counts every message it stored, open and aborted
 * transactions included.
 */
final class CommittedCounter implements AutoCloseable {
    private final PulsarClient client;
    private final Reader<byte[]> reader;
    private final AtomicLong count = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /** Creates the topic if it does not exist yet, so the subject's producer finds it there. */
    CommittedCounter(String pulsarUrl, String topic) throws PulsarClientException {
        client = PulsarClient.builder().serviceUrl(pulsarUrl).build();
        // A reader, not a subscription: no acknowledgements to send back to the broker that the subject shares.
        reader = client.newReader(Schema.BYTES)
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .receiverQueueSize(1000)
                .create();
        thread = new Thread(this::read, "committed-counter");
        thread.setDaemon(true);
        thread.start();
    }

    /** Messages read so far. */
    long messagesRead() {
        return count.get();
    }

    private void read() {
        while (!closed) {
            try {
                Message<byte[]> message = reader.readNext(200, TimeUnit.MILLISECONDS);
                if (message != null) {
                    count.incrementAndGet();
                }
            } catch (PulsarClientException e) {
                if (!closed) {
                    System.err.println("committed counter: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        thread.join(5000);
        reader.close();
        client.close();
    }
}
