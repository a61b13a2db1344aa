package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.runtime.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one task's records to Pulsar: one producer per destination topic, created on first
 * use, cached, and closed with the writer.
 *
 * <p>The key, value bytes (unchanged), properties and event time of each record are mapped onto
 * the message. Producers block when their pending queue is full, so {@link #send} blocks the task
 * thread: that is the backpressure which stops polling while Pulsar is slow.
 *
 * <p>{@link #send} is called from the task thread only; the returned futures complete on
 * Pulsar's I/O threads.
 */
public final class PulsarRecordWriter implements RecordWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PulsarRecordWriter.class);
    private static final Pattern TOO_LARGE = Pattern.compile(
            "(?:with (\\d+) bytes(?: metadata)? that exceeds|Message size (?:(\\d+) )?is bigger than) (\\d+) bytes");

    private final PulsarClient client;
    private final ProducerSettings settings;
    private final String defaultTopic;
    private final String producerNamePrefix;
    private final Map<String, Producer<byte[]>> producers = new ConcurrentHashMap<>();
    /** The open transaction each record is sent in, for exactly-once delivery; null for at-least-once. */
    private final Supplier<Transaction> transaction;
    /** How long registering a topic with a transaction may take before the record fails. */
    private final Duration registrationWait;
    /** Per topic, the transaction it is registered with; task thread only. */
    private final Map<String, Transaction> registeredIn = new HashMap<>();
    /**
     * The default topic's producer while {@link #startDefaultProducer} is creating it, until the
     * first record for that topic (or {@link #close}) takes it; null otherwise.
     */
    private volatile CompletableFuture<Producer<byte[]>> startingDefault;

    /**
     * @param client the worker's shared client
     * @param settings batching, compression and pending limits
     * @param defaultTopic the connector's {@code topic}, for records that name none
     * @param producerNamePrefix a prefix unique to the task, such as {@code orders-0}, for the broker's stats
     */
    public PulsarRecordWriter(PulsarClient client, ProducerSettings settings, String defaultTopic, String producerNamePrefix) {
        this(client, settings, defaultTopic, producerNamePrefix, null, Duration.ZERO);
    }

    /**
     * A writer whose every record is sent inside the transaction that {@code transaction} gives at
     * the time of the send, which must then not be null.
     *
     * <p>Before the first record of a transaction goes to a topic, the topic (each of its
     * partitions) is registered with the transaction, unless {@link #register} did so ahead: see
     * {@link TransactionTopics} for why, without it, a second record could overtake the first.
     * Producers of such a writer keep the partitions their topic had when
     * they were created (no automatic partition update), so that no partition goes unregistered;
     * partitions added later are written to once the task starts again.
     *
     * @param transaction the open transaction, read on the task thread at each send; null to send
     *     outside transactions
     * @param registrationWait how long that registration may take; a record whose registration
     *     takes longer fails (its transaction is then aborted, and nothing is lost)
     */
    public PulsarRecordWriter(PulsarClient client, ProducerSettings settings, String defaultTopic,
            String producerNamePrefix, Supplier<Transaction> transaction, Duration registrationWait) {
        this.transaction = transaction;
        this.registrationWait = requireNonNull(registrationWait, "registrationWait is null");
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.defaultTopic = requireNonNull(defaultTopic, "defaultTopic is null");
        this.producerNamePrefix = requireNonNull(producerNamePrefix, "producerNamePrefix is null");
    }

    /**
     * Starts creating the default topic's producer now, in the background, so that a task's first
     * record need not wait for it: the broker's topic lookup and producer handshake then overlap
     * the task's own start. Call it once, right after construction, on the thread that sends; for
     * a writer outside transactions only. The first record for the default topic waits for that
     * creation to end; if it failed, the record creates the producer again as any other topic's
     * would, and gets that attempt's error.
     *
     * @return this writer
     */
    public PulsarRecordWriter startDefaultProducer() {
        if (transaction != null) {
            throw new IllegalStateException("a transactional writer registers each producer's topic; it cannot start one"
                    + " ahead");
        }
        if (startingDefault == null && !producers.containsKey(defaultTopic)) {
            startingDefault = producerBuilder(defaultTopic).createAsync();
        }
        return this;
    }

    /**
     * Hands {@code record} to its topic's producer; blocks while that producer's queue is full.
     *
     * @return completes with the message id once the broker has persisted the message, or
     *     exceptionally when the send failed: with {@link RecordTooLargeException} when the record
     *     is larger than the broker's maximum message size
     * @throws PulsarClientException when the producer cannot be created
     */
    @Override
    public CompletableFuture<MessageId> send(SourceRecord record) throws PulsarClientException {
        CompletableFuture<MessageId> result = new CompletableFuture<>();
        send(record, (id, error) -> {
            if (error == null) {
                result.complete((MessageId) id);
            } else {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /**
     * As {@link #send(SourceRecord)}, without a future of its own: {@code done} gets the message
     * id once the broker has persisted the message, or the failure, a
     * {@link RecordTooLargeException} when the record is larger than the broker's maximum message
     * size. It runs on the client's I/O thread, or at once on this one when the send fails before
     * it starts.
     *
     * @throws PulsarClientException when the producer cannot be created
     */
    @Override
    public void send(SourceRecord record, BiConsumer<Object, Throwable> done) throws PulsarClientException {
        String topic = record.topic() != null ? record.topic() : defaultTopic;
        Producer<byte[]> producer = producerFor(topic);
        Transaction open = openTransaction();
        if (open != null && registeredIn.get(topic) != open) {
            Throwable failed = await(TransactionTopics.register(open, producer));
            if (failed != null) {
                done.accept(null, failed);
                return;
            }
            registeredIn.put(topic, open);
        }
        TypedMessageBuilder<byte[]> message = (open == null ? producer.newMessage() : producer.newMessage(open))
                .value(record.value());
        if (record.key() != null) {
            message.key(record.key());
        }
        if (!record.properties().isEmpty()) {
            message.properties(record.properties());
        }
        if (record.eventTime() != null) {
            message.eventTime(record.eventTime().toEpochMilli());
        }
        message.sendAsync().whenComplete((id, error) -> {
            if (error == null) {
                done.accept(id, null);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                done.accept(null, tooLarge(cause, topic, record, settings.batching() ? settings.batchMaxBytes() : 0));
            }
        });
    }

    /**
     * Registers the topics of every producer this writer has with {@code txn}, ahead of its first
     * record, so that its first sends need not wait. Any thread may call it; call
     * {@link #registered} on the task thread once the returned future completed.
     *
     * @return completes with the topics registered
     */
    public CompletableFuture<List<String>> register(Transaction txn) {
        List<String> topics = new ArrayList<>();
        List<CompletableFuture<Void>> registering = new ArrayList<>();
        for (Map.Entry<String, Producer<byte[]>> e : producers.entrySet()) {
            topics.add(e.getKey());
            registering.add(TransactionTopics.register(txn, e.getValue()));
        }
        return CompletableFuture.allOf(registering.toArray(CompletableFuture[]::new)).thenApply(ignored -> topics);
    }

    /** Notes that {@link #register} registered {@code topics} with {@code txn}; task thread only. */
    public void registered(Transaction txn, List<String> topics) {
        for (String topic : topics) {
            registeredIn.put(topic, txn);
        }
    }

    /**
     * Waits up to {@code registrationWait} for {@code future}; returns null when it completed
     * normally, or the failure to fail the record with (its transaction is then aborted).
     */
    private Throwable await(CompletableFuture<?> future) {
        try {
            future.get(registrationWait.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PulsarClientException("interrupted while registering a topic with a transaction; the"
                    + " transaction is aborted");
        } catch (TimeoutException e) {
            return new PulsarClientException.TimeoutException("registering a topic with a transaction took more than "
                    + registrationWait.toMillis() + " ms; the transaction is aborted");
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /** The transaction to send in: null for an at-least-once writer. */
    private Transaction openTransaction() {
        if (transaction == null) {
            return null;
        }
        Transaction open = transaction.get();
        if (open == null) {
            throw new IllegalStateException("no open transaction: an exactly-once writer sends only inside one");
        }
        return open;
    }

    /**
     * {@code error} as a {@link RecordTooLargeException} when it says that {@code record} is larger
     * than the broker's limit, else unchanged. The client says so only in words, with the limit
     * (pulsar-client 4.0: "... sends a message with N bytes that exceeds M bytes" unbatched,
     * "Message size [N ]is bigger than M bytes" for a batch). A batch over the limit fails every
     * record in it, so only a record whose own key, value and properties exceed the limit counts
     * as too large; any other stays an ordinary send failure, which fails the task and loses
     * nothing. When that batch could only grow past the limit because {@code batchMaxBytes} (0 when
     * batching is off) is above it, the failure says which setting to lower.
     */
    static Throwable tooLarge(Throwable error, String topic, SourceRecord record, int batchMaxBytes) {
        if (!(error instanceof PulsarClientException.InvalidMessageException) || error.getMessage() == null) {
            return error;
        }
        Matcher words = TOO_LARGE.matcher(error.getMessage());
        if (!words.find()) {
            return error;
        }
        long limit = Long.parseLong(words.group(3));
        long own = ownSize(record);
        if (own <= limit) {
            if (batchMaxBytes > limit) {
                return new PulsarClientException.InvalidMessageException(error.getMessage() + ": a batch of the"
                        + " producer for " + topic + " may hold up to " + WorkerConfig.PRODUCER_BATCH_BYTES + "="
                        + batchMaxBytes + " bytes, more than the broker's maxMessageSize of " + limit + " bytes; set "
                        + WorkerConfig.PRODUCER_BATCH_BYTES + " below " + limit);
            }
            return error;
        }
        // An unbatched message's size is the record's own; a batch's may hold others too.
        long size = words.group(1) != null ? Math.max(own, Long.parseLong(words.group(1))) : own;
        return new RecordTooLargeException(topic, size, limit, error);
    }

    /** The bytes of a record's key, value and properties: a lower bound of its message's size. */
    static long ownSize(SourceRecord record) {
        long size = record.value().length;
        if (record.key() != null) {
            size += record.key().getBytes(StandardCharsets.UTF_8).length;
        }
        for (Map.Entry<String, String> property : record.properties().entrySet()) {
            size += property.getKey().getBytes(StandardCharsets.UTF_8).length
                    + property.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /** Sends everything batched so far without waiting for the batch delay. */
    @Override
    public void flush() {
        for (Producer<byte[]> producer : producers.values()) {
            producer.flushAsync();
        }
    }

    /** Topics this writer has producers for. */
    public List<String> topics() {
        return new ArrayList<>(producers.keySet());
    }

    private Producer<byte[]> producerFor(String topic) throws PulsarClientException {
        Producer<byte[]> producer = producers.get(topic);
        if (producer != null) {
            return producer;
        }
        // Only the task thread creates producers, so a plain check-then-put is enough.
        CompletableFuture<Producer<byte[]>> started = startingDefault;
        if (started != null && topic.equals(defaultTopic)) {
            startingDefault = null;
            producer = awaitStarted(started);
            if (producer != null) {
                producers.put(topic, producer);
                LOG.info("producer for {} created ({})", topic, producerNamePrefix);
                return producer;
            }
        }
        producer = producerBuilder(topic).create();
        producers.put(topic, producer);
        LOG.info("producer for {} created ({})", topic, producerNamePrefix);
        return producer;
    }

    /** The producer {@link #startDefaultProducer} created, or null when that failed (the caller tries again). */
    private static Producer<byte[]> awaitStarted(CompletableFuture<Producer<byte[]>> started)
            throws PulsarClientException {
        try {
            // Bounded: the client fails a creation after its operation timeout.
            return started.get();
        } catch (ExecutionException e) {
            LOG.debug("creating the default topic's producer ahead failed; creating it again", e.getCause());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.thenAccept(Producer::closeAsync);
            throw new PulsarClientException("interrupted while the default topic's producer was being created");
        }
    }

    private org.apache.pulsar.client.api.ProducerBuilder<byte[]> producerBuilder(String topic) {
        return client.newProducer()
                .topic(topic)
                .producerName(producerNamePrefix + "-" + producers.size() + "-" + Long.toHexString(System.nanoTime()))
                .accessMode(ProducerAccessMode.Shared)
                .enableBatching(settings.batching())
                .enableChunking(settings.chunking())
                .batchingMaxPublishDelay(Math.max(1, settings.batchDelay().toMillis()), TimeUnit.MILLISECONDS)
                .batchingMaxMessages(settings.batchMaxMessages())
                .batchingMaxBytes(settings.batchMaxBytes())
                .compressionType(CompressionType.valueOf(settings.compression()))
                .maxPendingMessages(settings.maxPendingMessages())
                .blockIfQueueFull(true)
                .sendTimeout((int) settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // In a transaction, every partition is registered before it is written to: see the constructor.
                .autoUpdatePartitions(transaction == null);
    }

    /** Closes every producer; messages still pending fail their futures. */
    @Override
    public void close() {
        CompletableFuture<Producer<byte[]>> started = startingDefault;
        if (started != null) {
            startingDefault = null;
            started.thenAccept(Producer::closeAsync);
        }
        for (Map.Entry<String, Producer<byte[]>> e : producers.entrySet()) {
            try {
                e.getValue().close();
            } catch (PulsarClientException ex) {
                LOG.warn("closing the producer for {} failed: {}", e.getKey(), ex.getMessage());
            }
        }
        producers.clear();
        registeredIn.clear();
    }
}
