package dev.tributary.pulsario;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.OffsetCommitPolicy;
import dev.tributary.api.connector.RetriableException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.offsets.OffsetTracker;
import dev.tributary.runtime.worker.SecretMasking;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Pulsar IO source instance running one Tributary task: instance {@code i} of {@code N}
 * starts the connector, asks it for {@code taskConfigs(N)} and runs the {@code i}-th task. Free
 * of Pulsar's types, so that it can be tested with a plain offset store.
 *
 * <p>Records flow from the task thread through a bounded hand-off queue to {@link #next()}, which
 * Pulsar's instance thread calls; when the queue is full the task thread waits, so backpressure
 * reaches the source. Each record is tracked from the moment it is polled; its {@link Delivery}
 * is acknowledged (Pulsar stored it) or failed (Pulsar did not). Offsets are committed only for
 * the contiguous acknowledged prefix of each partition, by a committer thread every flush
 * interval and once more at {@link #close()}.
 *
 * <p>A failed record fails the instance: the next {@link #next()} throws, Pulsar restarts the
 * instance, and the new instance resumes after the last committed offset, which never passes the
 * failed record. So nothing is skipped and the order per partition is kept (records after the
 * committed offset are sent again). Retrying the one record in place would put it behind
 * records of the same key that Pulsar has already stored.
 *
 * <p>Threads: {@link #open}, {@link #next} and {@link #close} on Pulsar's instance thread; the
 * connector on its own thread; the task on its own thread; the committer on its own thread;
 * {@link Delivery} callbacks on Pulsar's I/O threads.
 */
final class SourceInstance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceInstance.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CONNECTOR_CALL_TIMEOUT = Duration.ofMinutes(2);
    /** Consecutive failed commits after which the instance fails, so that Pulsar restarts it. */
    static final int MAX_FAILED_COMMITS = 3;

    /** What the instance needs besides the connector: how it is named, and its settings. */
    record Settings(InstanceIdentity identity, Duration defaultFlushInterval, int queueCapacity,
            Duration shutdownTimeout) {
        Settings {
            requireNonNull(identity, "identity is null");
            requireNonNull(defaultFlushInterval, "defaultFlushInterval is null");
            requireNonNull(shutdownTimeout, "shutdownTimeout is null");
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1");
            }
        }
    }

    /** A record on its way to Pulsar, and what to do when Pulsar has or has not stored it. */
    interface Delivery {
        SourceRecord record();

        /** Pulsar stored the record. Idempotent; any thread. */
        void ack();

        /** Pulsar did not store the record: the instance fails. Any thread. */
        void fail();
    }

    private final SourceConnector connector;
    private final Settings settings;
    private final InstanceOffsets offsets;
    private final OffsetTracker tracker = new OffsetTracker();
    private final BlockingQueue<Delivery> handOff;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Queue<Map.Entry<SourcePartition, SourceOffset>> markers = new ConcurrentLinkedQueue<>();
    private final Map<SourcePartition, SourceOffset> pending = new LinkedHashMap<>();
    private final AtomicBoolean reconfigure = new AtomicBoolean();
    private final ExecutorService connectorThread;
    private final ScheduledExecutorService committer;
    /** Hides the connector's secret values in what the instance logs or throws; set once the config is known. */
    private volatile SecretMasking masking = SecretMasking.of(Optional.empty(), Map.of());
    private volatile boolean closing;
    private volatile SourceTask task;
    private Thread taskThread;
    private boolean connectorStarted;
    private int failedCommits;

    SourceInstance(SourceConnector connector, InstanceOffsets offsets, Settings settings) {
        this.connector = requireNonNull(connector, "connector is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.handOff = new ArrayBlockingQueue<>(settings.queueCapacity());
        String name = settings.identity().name() + "-" + settings.identity().instanceId();
        this.connectorThread = Executors.newSingleThreadExecutor(r -> daemon(r, "tributary-connector-" + name));
        this.committer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tributary-offsets-" + name));
    }

    /** A thread of this instance; its context class loader is the archive's, as plugin code expects. */
    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(SourceInstance.class.getClassLoader());
        return thread;
    }

    /**
     * Validates the connector's config, starts the connector and this instance's task. Returns
     * once the task thread runs; an instance whose number is past the connector's task count
     * (more instances than work) runs no task and delivers nothing.
     *
     * @param connectorConfig the connector's own keys, as text
     * @throws ConfigException when the config is invalid, one line per field
     */
    void open(Map<String, String> connectorConfig) throws Exception {
        requireNonNull(connectorConfig, "connectorConfig is null");
        masking = SecretMasking.of(Optional.ofNullable(onConnectorThread(connector::configSchema)), connectorConfig);
        var validation = onConnectorThread(() -> connector.validate(connectorConfig));
        if (!validation.isValid()) {
            throw new ConfigException(validation.errorLines());
        }
        InstanceIdentity identity = settings.identity();
        Map<String, String> taskConfig = onConnectorThread(() -> {
            connector.start(new Context(), connectorConfig);
            connectorStarted = true;
            return taskConfig(connector.taskConfigs(identity.numInstances()));
        });
        Duration interval = onConnectorThread(connector::offsetCommitPolicy)
                .map(OffsetCommitPolicy::interval).orElse(settings.defaultFlushInterval());
        committer.scheduleWithFixedDelay(this::commitQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        taskThread = daemon(() -> runTask(taskConfig), "tributary-task-" + identity.name() + "-" + identity.instanceId());
        taskThread.start();
        LOG.info("{} started with {} (offsets committed every {} ms)", identity,
                taskConfig == null ? "no task: the connector has less work than instances" : "task "
                        + identity.instanceId(), interval.toMillis());
    }

    /** This instance's task config, or null when the connector made fewer tasks. */
    private Map<String, String> taskConfig(List<Map<String, String>> configs) {
        int id = settings.identity().instanceId();
        if (configs == null || configs.size() > settings.identity().numInstances() || configs.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalStateException("the connector returned invalid task configs (null, a null entry, or more"
                    + " than " + settings.identity().numInstances() + ")");
        }
        return id < configs.size() ? Map.copyOf(configs.get(id)) : null;
    }

    /**
     * The next record to send, waiting for one while none is ready.
     *
     * @throws Exception the failure of the task, of a record's delivery or of the commits,
     *     after which the instance must be closed and restarted
     */
    Delivery next() throws Exception {
        while (true) {
            rethrowFailure();
            if (closing) {
                throw new IllegalStateException(settings.identity() + " is closed");
            }
            Delivery delivery = handOff.poll(100, TimeUnit.MILLISECONDS);
            if (delivery != null) {
                return delivery;
            }
        }
    }

    private void rethrowFailure() throws Exception {
        Throwable failed = failure.get();
        if (failed != null) {
            String message = String.valueOf(failed.getMessage());
            String redacted = masking.redact(message);
            if (!redacted.equals(message)) {
                // Pulsar logs the exception and shows it in sources status: neither may hold a secret.
                throw new IllegalStateException(failed.getClass().getSimpleName() + ": " + redacted);
            }
        }
        if (failed instanceof Exception e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    private void fail(Throwable error) {
        if (failure.compareAndSet(null, error)) {
            LOG.error("{} fails and will be restarted by Pulsar: {}", settings.identity(),
                    masking.redact(error.toString()));
        }
    }

    private void runTask(Map<String, String> taskConfig) {
        Map<String, String> current = taskConfig;
        while (!closing && failure.get() == null) {
            if (current == null) {
                if (!reconfigure.getAndSet(false)) {
                    sleep(Duration.ofMillis(200));
                    continue;
                }
            } else {
                runTaskOnce(current);
            }
            if (closing || failure.get() != null) {
                return;
            }
            try {
                // The connector asked for new task configs (a stream gained shards, say).
                current = onConnectorThread(() -> taskConfig(connector.taskConfigs(settings.identity().numInstances())));
            } catch (Exception e) {
                fail(e);
                return;
            }
        }
    }

    /** Runs the task until the instance closes, fails, or the connector asks for new task configs. */
    private void runTaskOnce(Map<String, String> taskConfig) {
        SourceTask created = connector.createTask();
        task = created;
        boolean started = false;
        try {
            created.start(new TaskContext(taskConfig));
            started = true;
            while (!closing && failure.get() == null && !reconfigure.getAndSet(false)) {
                List<SourceRecord> records;
                try {
                    records = created.poll(POLL_TIMEOUT);
                } catch (RetriableException e) {
                    LOG.warn("{}: poll will be retried: {}", settings.identity(),
                            masking.redact(String.valueOf(e.getMessage())));
                    sleep(Duration.ofSeconds(1));
                    continue;
                }
                if (records != null) {
                    for (SourceRecord record : records) {
                        OffsetTracker.Tracked tracked = tracker.track(record.partition(), record.offset());
                        Delivery delivery = new TrackedDelivery(record, tracked, created);
                        while (!handOff.offer(delivery, 100, TimeUnit.MILLISECONDS)) {
                            if (closing || failure.get() != null) {
                                return;
                            }
                        }
                    }
                }
                // Offsets without a record go behind this poll's records, so they never pass one of them.
                for (var marker = markers.poll(); marker != null; marker = markers.poll()) {
                    tracker.track(marker.getKey(), marker.getValue()).ack();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!closing) {
                fail(e);
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            if (started) {
                try {
                    created.stop();
                } catch (RuntimeException e) {
                    LOG.warn("{}: task stop threw: {}", settings.identity(), masking.redact(e.toString()));
                }
            }
            task = null;
        }
    }

    /** Commits what has been acknowledged; a failure keeps it for the next try. Committer thread. */
    private void commitQuietly() {
        try {
            commit();
        } catch (RuntimeException e) {
            failedCommits++;
            LOG.warn("{}: committing offsets failed ({} in a row); they are kept and tried again: {}",
                    settings.identity(), failedCommits, e.getMessage());
            if (failedCommits >= MAX_FAILED_COMMITS) {
                fail(new IllegalStateException("committing offsets failed " + failedCommits + " times in a row: "
                        + e.getMessage(), e));
            }
        }
    }

    private synchronized void commit() {
        pending.putAll(tracker.takeCommittable());
        if (pending.isEmpty()) {
            return;
        }
        Map<SourcePartition, SourceOffset> batch = Map.copyOf(pending);
        offsets.write(batch);
        pending.clear();
        failedCommits = 0;
        SourceTask current = task;
        if (current != null) {
            try {
                current.onOffsetsCommitted(batch);
            } catch (RuntimeException e) {
                LOG.warn("{}: onOffsetsCommitted threw: {}", settings.identity(), masking.redact(e.toString()));
            }
        }
    }

    /** Records handed out and not yet stored by Pulsar. */
    long inFlight() {
        return tracker.inFlight();
    }

    /**
     * Stops the task, waits up to the shutdown timeout for Pulsar to acknowledge what it was
     * given, commits the acknowledged offsets, and stops the connector. Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        SourceTask current = task;
        if (current != null) {
            try {
                current.stop();
            } catch (RuntimeException e) {
                LOG.warn("{}: task stop threw: {}", settings.identity(), masking.redact(e.toString()));
            }
        }
        if (taskThread != null) {
            try {
                taskThread.join(settings.shutdownTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Records still in the hand-off queue were never given to Pulsar; they are read again next time.
        handOff.clear();
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        while (tracker.inFlight() > 0 && System.nanoTime() < deadline && failure.get() == null) {
            sleep(Duration.ofMillis(10));
        }
        committer.shutdown();
        try {
            committer.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            commit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("{}: the last commit failed; records after the previous commit will be sent again: {}",
                    settings.identity(), e.getMessage());
        }
        if (connectorStarted) {
            try {
                onConnectorThread(() -> {
                    connector.stop();
                    return null;
                });
            } catch (Exception e) {
                LOG.warn("{}: connector stop failed: {}", settings.identity(), masking.redact(e.toString()));
            }
        }
        connectorThread.shutdownNow();
        offsets.close();
    }

    private <T> T onConnectorThread(java.util.concurrent.Callable<T> call) throws Exception {
        Future<T> result = connectorThread.submit(call);
        try {
            return result.get(CONNECTOR_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new IllegalStateException("the connector did not answer within " + CONNECTOR_CALL_TIMEOUT.toSeconds()
                    + " s", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class TrackedDelivery implements Delivery {
        private final SourceRecord record;
        private final OffsetTracker.Tracked tracked;
        private final SourceTask owner;

        TrackedDelivery(SourceRecord record, OffsetTracker.Tracked tracked, SourceTask owner) {
            this.record = record;
            this.tracked = tracked;
            this.owner = owner;
        }

        @Override
        public SourceRecord record() {
            return record;
        }

        @Override
        public void ack() {
            tracked.ack();
            try {
                owner.onRecordAcked(record);
            } catch (RuntimeException e) {
                LOG.warn("{}: onRecordAcked threw: {}", settings.identity(), masking.redact(e.toString()));
            }
        }

        @Override
        public void fail() {
            SourceInstance.this.fail(new IllegalStateException("Pulsar did not store a record of partition "
                    + record.partition() + " at offset " + record.offset() + "; the instance restarts from the last"
                    + " committed offset, so the record is read again"));
        }
    }

    private final class Context implements ConnectorContext {
        @Override
        public String connectorName() {
            return settings.identity().connectorKey();
        }

        @Override
        public void requestTaskReconfiguration() {
            reconfigure.set(true);
        }

        @Override
        public void raiseError(Throwable error) {
            fail(error);
        }

        @Override
        public OffsetReader offsetReader() {
            return offsets;
        }
    }

    private final class TaskContext implements SourceTaskContext {
        private final Map<String, String> config;

        TaskContext(Map<String, String> config) {
            this.config = config;
        }

        @Override
        public String connectorName() {
            return settings.identity().connectorKey();
        }

        @Override
        public int taskId() {
            return settings.identity().instanceId();
        }

        @Override
        public Map<String, String> config() {
            return config;
        }

        @Override
        public OffsetReader offsetReader() {
            return offsets;
        }

        @Override
        public void commitOffset(SourcePartition partition, SourceOffset offset) {
            markers.add(new AbstractMap.SimpleImmutableEntry<>(requireNonNull(partition, "partition is null"),
                    requireNonNull(offset, "offset is null")));
        }
    }
}
