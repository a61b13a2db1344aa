package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;

/**
 * Writes records to a group topic that several members write (configs, status): a shared
 * producer, so any member may write, one record per message, so that a record is stored whole or
 * not at all. Writes of one writer keep their order; between writers, the topic's order decides
 * and the last record of a key wins.
 *
 * <p>Thread-safe; the futures complete on the Pulsar client's threads.
 */
public final class GroupTopicWriter implements AutoCloseable {
    private final Producer<byte[]> producer;
    private final GroupRecordCodec codec;

    private GroupTopicWriter(Producer<byte[]> producer, GroupRecordCodec codec) {
        this.producer = producer;
        this.codec = codec;
    }

    /** Opens a writer of {@code topic}; completes once the broker accepted the producer. */
    public static CompletableFuture<GroupTopicWriter> open(PulsarClient client, String topic, GroupRecordCodec codec) {
        requireNonNull(client, "client is null");
        requireNonNull(codec, "codec is null");
        return client.newProducer(Schema.BYTES)
                .topic(requireNonNull(topic, "topic is null"))
                .enableBatching(false)
                .sendTimeout(0, TimeUnit.MILLISECONDS)
                .blockIfQueueFull(true)
                .createAsync()
                .thenApply(producer -> new GroupTopicWriter(producer, codec));
    }

    /** Writes {@code record} under its key; completes once the broker stored it. */
    public CompletableFuture<MessageId> put(GroupRecord record) {
        requireNonNull(record, "record is null");
        return producer.newMessage().key(record.key()).value(codec.encode(record)).sendAsync();
    }

    /** Writes a tombstone for {@code key}: views drop the key, and compaction drops its records. */
    public CompletableFuture<MessageId> delete(String key) {
        requireNonNull(key, "key is null");
        return producer.newMessage().key(key).value(null).sendAsync();
    }

    @Override
    public void close() {
        producer.closeAsync();
    }
}
