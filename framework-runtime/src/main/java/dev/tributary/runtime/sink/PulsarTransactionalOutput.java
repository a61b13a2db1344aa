package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.api.offset.StagedOffsetWrite;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once output into Pulsar. Each life of a task holds:
 * <ul>
 *   <li>a <em>fence</em>: an exclusive-with-fencing producer on a topic of its own per task
 *       ({@link #fenceTopic}); opening it makes every older producer there fail, and each
 *       transaction sends one message with it just before its commit, so an older life's
 *       transaction can no longer commit once a newer life opened its fence;</li>
 *   <li>a scoped writer of the offset store (scope {@code task-<id>}), opened after the fence:
 *       its claim waits until every transaction already open on the offsets topic has ended (see
 *       {@link OffsetStore#openWriter} of the pulsar store), so it carries over exactly what the
 *       older lives committed;</li>
 *   <li>one transaction at a time, holding the records, the staged offsets
 *       ({@link ScopedOffsetWriter#stage}) and the fence message.</li>
 * </ul>
 * A crash leaves an open transaction, which the broker aborts after
 * {@code exactly.once.transaction.timeout.ms}; until then it holds back readers of the topics it
 * wrote to (Pulsar's max read position), and the successor's claim waits for it.
 *
 * <p>The fence producers are made by a client of their own ({@code fencing}), not by the client
 * that makes the transactions and every other producer: the broker fences a producer without
 * telling its client, which learns it only when it next sends, and the broker answers that send
 * by closing the client's whole connection. On the worker's main client that would cut off every
 * producer and consumer of the worker, in a group its membership too, each time a fenced copy of
 * a task commits or asks whether it was fenced ({@link Session#fencedOut}). A message is sent in a
 * transaction from any client's producer: the transaction, not the producer's client, registers
 * the topic with the coordinator.
 */
public final class PulsarTransactionalOutput implements TransactionalOutput {
    private static final Logger LOG = LoggerFactory.getLogger(PulsarTransactionalOutput.class);
    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.UTF_8);

    private final PulsarClient client;
    private final Supplier<PulsarClient> fencing;
    private final OffsetStore store;
    private final ProducerSettings settings;
    private final String defaultTopic;
    private final Duration transactionTimeout;

    /**
     * @param client a client built with transactions enabled: it makes the transactions, the
     *     records' producers and the offsets' producer
     * @param fencing gives the client for the fence producers alone (see above), which needs no
     *     transactions; called by each {@link #open}
     * @param store the offset store; must have a {@link OffsetStore#transactionalTopic()}
     * @param transactionTimeout how long the broker keeps a transaction open; also the longest wait
     *     for the broker's answers
     */
    public PulsarTransactionalOutput(PulsarClient client, Supplier<PulsarClient> fencing, OffsetStore store,
            ProducerSettings settings, String defaultTopic, Duration transactionTimeout) {
        this.client = requireNonNull(client, "client is null");
        this.fencing = requireNonNull(fencing, "fencing is null");
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.defaultTopic = requireNonNull(defaultTopic, "defaultTopic is null");
        this.transactionTimeout = requireNonNull(transactionTimeout, "transactionTimeout is null");
    }

    @Override
    public Session open(String connector, int taskId) throws Exception {
        String offsetsTopic = store.transactionalTopic().orElseThrow(() -> new OffsetStoreException(
                "exactly.once.source.support: the offset store cannot commit offsets inside a Pulsar transaction;"
                        + " set offset.store=pulsar"));
        String scope = ConnectorOffsets.taskScope(taskId);
        Producer<byte[]> fence = fencing.get().newProducer()
                .topic(fenceTopic(offsetsTopic, connector, taskId))
                .accessMode(ProducerAccessMode.ExclusiveWithFencing)
                .enableBatching(false)
                .sendTimeout((int) transactionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .create();
        ScopedOffsetWriter writer = null;
        Producer<byte[]> offsets = null;
        try {
            writer = store.openWriter(connector, scope);
            offsets = client.newProducer()
                    .topic(offsetsTopic)
                    .enableBatching(false)
                    .sendTimeout((int) transactionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .create();
            return new PulsarSession(connector, taskId, fence, writer, offsets);
        } catch (Exception | Error e) {
            closeQuietly(offsets);
            if (writer != null) {
                writer.close();
            }
            closeQuietly(fence);
            throw e;
        }
    }

    /**
     * The fence topic of a task: next to the offsets topic, named after the connector (cut to what
     * a topic name allows) and the task, with a hash of the connector's name so that two names that
     * read alike once cut never share one.
     */
    static String fenceTopic(String offsetsTopic, String connector, int taskId) {
        String readable = connector.replaceAll("[^A-Za-z0-9_-]", "_");
        if (readable.length() > 60) {
            readable = readable.substring(0, 60);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(connector.getBytes(StandardCharsets.UTF_8));
            return offsetsTopic + "-fence-" + readable + "-" + HexFormat.of().formatHex(digest, 0, 6) + "-" + taskId;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void closeQuietly(Producer<byte[]> producer) {
        if (producer != null) {
            producer.closeAsync();
        }
    }

    /** A transaction made ahead, with the writer's topics registered with it. */
    private record Prepared(Transaction transaction, List<String> topics, long madeAt) {
    }

    private final class PulsarSession implements Session {
        private final String connector;
        private final int taskId;
        private final Producer<byte[]> fence;
        private final ScopedOffsetWriter writer;
        private final Producer<byte[]> offsets;
        private final PulsarRecordWriter records;
        private volatile Transaction transaction;
        /** The next transaction, made ahead while the last one commits; task thread only. */
        private CompletableFuture<Prepared> next;
        /** Sealed transactions whose commit has not completed: aborted with the session. */
        private final Set<Transaction> sealed = ConcurrentHashMap.newKeySet();
        private long commits;

        PulsarSession(String connector, int taskId, Producer<byte[]> fence, ScopedOffsetWriter writer,
                Producer<byte[]> offsets) {
            this.connector = connector;
            this.taskId = taskId;
            this.fence = fence;
            this.writer = writer;
            this.offsets = offsets;
            this.records = new PulsarRecordWriter(client, settings, defaultTopic, connector + "-" + taskId,
                    () -> transaction, transactionTimeout);
        }

        @Override
        public RecordWriter records() {
            return records;
        }

        @Override
        public boolean inTransaction() {
            return transaction != null;
        }

        /**
         * Opens the transaction made ahead ({@link #prepare}) when there is one young enough, else
         * a new one; either way with the task's topics registered before its first record.
         */
        @Override
        public void begin() throws Exception {
            if (transaction != null) {
                throw new IllegalStateException("a transaction is open already");
            }
            Prepared ready = null;
            CompletableFuture<Prepared> ahead = next;
            next = null;
            if (ahead != null) {
                try {
                    ready = await(ahead);
                } catch (Exception e) {
                    LOG.debug("task {}-{} could not make its next transaction ahead; it makes one now: {}", connector,
                            taskId, e.toString());
                }
                // An idle task's transaction made ahead long ago may time out before it commits.
                if (ready != null && System.nanoTime() - ready.madeAt() > transactionTimeout.toNanos() / 4) {
                    abort(ready.transaction());
                    ready = null;
                }
            }
            if (ready == null) {
                ready = await(prepare());
            }
            records.registered(ready.transaction(), ready.topics());
            transaction = ready.transaction();
        }

        @Override
        public Sealed seal() {
            Transaction open = transaction;
            if (open == null) {
                throw new IllegalStateException("no open transaction to seal");
            }
            transaction = null;
            sealed.add(open);
            // The next transaction is made while this one commits, so that the task need not wait for it.
            next = prepare();
            return offsets -> commit(open, offsets);
        }

        /**
         * A new transaction, with the topics of the task's producers, its offsets and its fence
         * registered, so that neither the first records nor the commit wait for registrations.
         */
        private CompletableFuture<Prepared> prepare() {
            long madeAt = System.nanoTime();
            return client.newTransaction()
                    .withTransactionTimeout(transactionTimeout.toMillis(), TimeUnit.MILLISECONDS).build()
                    .thenCompose(txn -> {
                        CompletableFuture<Void> own = CompletableFuture.allOf(
                                TransactionTopics.register(txn, offsets), TransactionTopics.register(txn, fence));
                        return records.register(txn).thenCombine(own, (topics, ignored) ->
                                new Prepared(txn, topics, madeAt));
                    });
        }

        /**
         * Stages the offsets, sends them into {@code open}, then the fence message, then commits:
         * one after the other, so that a newer life whose claim did not wait for this offsets
         * message has its fence already, and this fence message fails.
         */
        private CompletableFuture<Void> commit(Transaction open, Map<SourcePartition, SourceOffset> committed) {
            StagedOffsetWrite staged;
            try {
                staged = committed.isEmpty() ? null : writer.stage(committed);
            } catch (RuntimeException e) {
                abort(open);
                return CompletableFuture.failedFuture(e);
            }
            byte[] mark = Long.toString(++commits).getBytes(StandardCharsets.UTF_8);
            CompletableFuture<?> offsetsSent = staged == null ? CompletableFuture.completedFuture(null)
                    : offsets.newMessage(open).key(staged.key()).value(staged.value()).sendAsync();
            return offsetsSent
                    .thenCompose(ignored -> fence.newMessage(open).value(mark).sendAsync())
                    .thenCompose(ignored -> open.commit())
                    .orTimeout(transactionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((ignored, error) -> {
                        if (error != null) {
                            abort(open);
                            Throwable cause = unwrap(error);
                            if (cause instanceof PulsarClientException.ProducerFencedException e) {
                                throw fenced(e);
                            }
                            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
                        }
                        sealed.remove(open);
                        if (staged != null) {
                            staged.committed();
                        }
                        return null;
                    });
        }

        private static Throwable unwrap(Throwable error) {
            Throwable cause = error;
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }

        private OffsetWriterFencedException fenced(Exception cause) {
            OffsetWriterFencedException fenced = new OffsetWriterFencedException("task " + taskId + " of connector '"
                    + connector + "' was started again elsewhere (its fence topic has a newer producer), so this copy"
                    + " is fenced: its open transaction is aborted and it must stop");
            fenced.initCause(cause);
            return fenced;
        }

        /** Sends a probe outside any transaction with the fence producer, which fails once it is fenced. */
        @Override
        public boolean fencedOut() {
            try {
                fence.newMessage().value(PROBE).send();
                return false;
            } catch (PulsarClientException.ProducerFencedException e) {
                return true;
            } catch (PulsarClientException e) {
                LOG.debug("task {}-{} could not tell whether it was fenced: {}", connector, taskId, e.toString());
                return false;
            }
        }

        @Override
        public void abort() {
            Transaction open = transaction;
            transaction = null;
            if (open != null) {
                abort(open);
            }
            for (Transaction each : sealed) {
                abort(each);
            }
        }

        private void abort(Transaction txn) {
            sealed.remove(txn);
            txn.abort().exceptionally(e -> {
                LOG.debug("abort of a transaction of task {}-{} failed; the broker aborts it after its timeout: {}",
                        connector, taskId, e.toString());
                return null;
            });
        }

        @Override
        public void close() {
            abort();
            CompletableFuture<Prepared> ahead = next;
            next = null;
            if (ahead != null) {
                ahead.thenAccept(ready -> abort(ready.transaction()));
            }
            records.close();
            closeQuietly(offsets);
            writer.close();
            closeQuietly(fence);
        }

        private <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
            try {
                return future.get(transactionTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof Exception x) {
                    throw x;
                }
                throw e;
            }
        }
    }
}
