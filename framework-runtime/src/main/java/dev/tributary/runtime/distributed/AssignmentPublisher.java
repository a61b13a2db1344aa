package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.distributed.GroupRecord.AssignmentRecord;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's only way to write the assignments topic: a producer in
 * {@link ProducerAccessMode#ExclusiveWithFencing}. Opening it fences every earlier producer of the
 * topic, so a deposed leader that still believes it leads has every later publish refused
 * ({@link AssignmentFencedException}); two leaders can never both write.
 *
 * <p>Generations: {@link #publish} numbers each assignment one above the last one published: the
 * higher of the assignments view's and the topic's last message, which {@link #open} reads after
 * the fence, when no other producer can write any more. (The leader also refreshes the view after
 * opening the publisher, but a completed refresh does not always mean that the view has applied
 * the last record; two assignments of one generation would leave members that applied the first
 * one ignoring the second.)
 *
 * <p>Threads: one caller at a time (the leader's thread).
 */
public final class AssignmentPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentPublisher.class);

    private final Producer<byte[]> producer;
    private final GroupRecordCodec codec;
    private final String leaderId;
    private long lastGeneration;

    private AssignmentPublisher(Producer<byte[]> producer, GroupRecordCodec codec, String leaderId,
            long lastGeneration) {
        this.producer = producer;
        this.codec = codec;
        this.leaderId = leaderId;
        this.lastGeneration = lastGeneration;
    }

    /**
     * Opens the fencing producer, then reads the topic: completes once the broker fenced every
     * other producer of the topic and the highest generation any leader published is known, so
     * that the next one is numbered above it even when the assignments view has not applied it
     * yet (a completed TableView refresh does not always mean that the view applied the last
     * record).
     */
    public static CompletableFuture<AssignmentPublisher> open(PulsarClient client, GroupTopics topics, String leaderId,
            GroupRecordCodec codec) {
        requireNonNull(client, "client is null");
        requireNonNull(leaderId, "leaderId is null");
        requireNonNull(codec, "codec is null");
        return client.newProducer(Schema.BYTES)
                .topic(topics.assignments())
                .accessMode(ProducerAccessMode.ExclusiveWithFencing)
                .enableBatching(false)
                .sendTimeout(30, TimeUnit.SECONDS)
                .createAsync()
                .thenCompose(producer -> lastGeneration(client, topics, codec)
                        .handle((generation, error) -> {
                            if (error != null) {
                                producer.closeAsync();
                                throw error instanceof CompletionException c ? c : new CompletionException(error);
                            }
                            return new AssignmentPublisher(producer, codec, leaderId, generation);
                        }));
    }

    /**
     * The highest generation on the topic, read from its start (with the compacted part, should
     * compaction have trimmed the ledger that held the last record) by a reader of its own; 0 when
     * the topic holds no assignment. The topic is compacted to its one key past
     * {@code GroupAdmin#COMPACTION_THRESHOLD_BYTES}, so this reads at most about that much.
     *
     * <p>Not a reader at the latest message, inclusive: the client seeks such a reader to the last
     * message when asked whether one is available, and on an empty topic it answers before the
     * reader has reconnected from that seek; a reader closed then makes the client close its
     * whole connection once the reconnection completes, and with it this worker's membership.
     */
    private static CompletableFuture<Long> lastGeneration(PulsarClient client, GroupTopics topics,
            GroupRecordCodec codec) {
        return client.newReader(Schema.BYTES)
                .topic(topics.assignments())
                .startMessageId(MessageId.earliest)
                .readCompacted(true)
                .createAsync()
                .thenCompose(reader -> highestGeneration(reader, codec, 0L)
                        .whenComplete((generation, error) -> reader.closeAsync()));
    }

    private static CompletableFuture<Long> highestGeneration(Reader<byte[]> reader, GroupRecordCodec codec,
            long highest) {
        return reader.hasMessageAvailableAsync().thenCompose(available -> available
                // Async: a queue of received records must not deepen the stack by one frame each.
                ? reader.readNextAsync().thenComposeAsync(message ->
                        highestGeneration(reader, codec, Math.max(highest, generationOf(codec, message))))
                : CompletableFuture.completedFuture(highest));
    }

    private static long generationOf(GroupRecordCodec codec, Message<byte[]> message) {
        if (!GroupRecord.ASSIGNMENT_KEY.equals(message.getKey()) || message.getValue() == null) {
            return 0L;
        }
        try {
            return codec.decode(message.getKey(), message.getValue()) instanceof AssignmentRecord assignment
                    ? assignment.assignment().generation() : 0L;
        } catch (GroupRecordCodec.UndecodableRecordException e) {
            return 0L;
        }
    }

    /**
     * Publishes {@code workers} as the next generation after {@code previous}, and returns it once
     * the broker stored it.
     *
     * @param previous the last assignment published, as the refreshed view holds it
     * @param restUrls each member's REST URL, for forwarding
     * @throws AssignmentFencedException when another leader's producer has taken over
     * @throws GroupAdminException when the broker could not store it for another reason
     */
    public Assignment publish(Assignment previous, SortedMap<String, WorkerAssignment> workers,
            Map<String, String> restUrls) {
        long generation = Math.max(previous.generation(), lastGeneration) + 1;
        Assignment next = new Assignment(generation, leaderId, workers);
        try {
            producer.newMessage().key(GroupRecord.ASSIGNMENT_KEY)
                    .value(codec.encode(new AssignmentRecord(next, restUrls))).send();
        } catch (PulsarClientException.ProducerFencedException e) {
            throw new AssignmentFencedException("worker " + leaderId + " was fenced off the assignments topic: another"
                    + " worker leads now", e);
        } catch (PulsarClientException e) {
            if (isFenced(e)) {
                throw new AssignmentFencedException("worker " + leaderId + " was fenced off the assignments topic:"
                        + " another worker leads now", e);
            }
            throw new GroupAdminException("could not publish assignment generation " + generation + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        lastGeneration = generation;
        LOG.info("worker {} published assignment generation {}: {}", leaderId, generation, summary(workers));
        return next;
    }

    private static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PulsarClientException.ProducerFencedException
                    || t instanceof PulsarClientException.ProducerBusyException) {
                return true;
            }
        }
        return false;
    }

    private static String summary(SortedMap<String, WorkerAssignment> workers) {
        StringBuilder text = new StringBuilder();
        workers.forEach((id, w) -> text.append(text.length() == 0 ? "" : ", ").append(id).append('=')
                .append(w.connectors().size()).append(" connectors/").append(w.tasks().size()).append(" tasks"));
        return text.toString();
    }

    @Override
    public void close() {
        producer.closeAsync();
    }
}
