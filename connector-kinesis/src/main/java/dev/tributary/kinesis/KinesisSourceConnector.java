package dev.tributary.kinesis;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.OffsetCommitPolicy;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.offset.OffsetImporter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.config.KinesisStreamRef;
import dev.tributary.kinesis.kcl.KclImport;
import dev.tributary.kinesis.kcl.KclImportException;
import dev.tributary.kinesis.kcl.KclImportPlan;
import dev.tributary.kinesis.kcl.KclOffsetImporter;
import dev.tributary.kinesis.proxy.FanOutConsumer;
import dev.tributary.kinesis.proxy.KinesisErrors;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.StreamRef;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.ShardAssignment;
import dev.tributary.kinesis.reader.StartOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Amazon Kinesis Data Streams source: a drop-in replacement for Pulsar IO's KinesisSource
 * that needs no KCL and no DynamoDB. Offsets live in the runtime's offset store, committed only
 * after Pulsar acknowledged the records.
 *
 * <p>The connector lists the shards, spreads those still to read over the tasks, and lists them
 * again every {@code shardDiscoveryInterval}; when new shards appear (after a split or a merge)
 * it asks the runtime to reconfigure the tasks.
 *
 * <p>{@link #start} lists the shards and, with enhanced fan-out, registers the consumer and waits
 * up to 2 minutes for it to become ACTIVE. It runs on the connector's own thread, so that holds up
 * no other connector, and every wait in it ends when the runtime interrupts the thread to stop
 * the connector.
 *
 * <p>A stream deleted and created again under the same name has shards with the old shards' ids.
 * The connector tells them apart by the stream's creation time, which every offset records
 * ({@link KinesisOffsets#STREAM_CREATED_AT}): offsets of another creation time are of the old
 * stream, so they are ignored (with a WARN) and the new stream's shards are read from their start.
 * When a listing finds a stream's creation time changed, the tasks are reconfigured.
 *
 * <p>With {@code kclLeaseTable}, the connector reads that KCL lease table in {@link #start} when it has
 * no offsets at all, or when some listed shard still has no stored offset (the worker may have stopped
 * between an import and the tasks' first commit), and hands each task the imported offsets of its shards
 * that still have no stored offset; the task commits them before its first record. Stored offsets
 * always win, so importing again is harmless. Without offsets, a table that cannot be imported fails the
 * start; with offsets, a table that no longer exists is a WARN.
 */
public final class KinesisSourceConnector implements SourceConnector {
    /** The task-config key that carries a task's shards. */
    static final String ASSIGNMENT = "kinesis.assignment";
    /** The task-config key that carries the fan-out consumer ARN of each stream: {@code name=arn;...}. */
    static final String CONSUMERS = "kinesis.consumers";
    /** The task-config key that carries the imported KCL offsets of the task's shards ({@link StartOffsets}). */
    static final String KCL_START = "kinesis.kclStart";
    private static final Duration CONSUMER_ACTIVE_TIMEOUT = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSourceConnector.class);

    /** Hands out the Kinesis client of a config: the shared SDK client, or in tests a fake. */
    @FunctionalInterface
    interface Clients {
        SharedClients.Lease acquire(Map<String, String> props, KinesisSourceConfig config);
    }

    /** Plans the import of a KCL lease table for a config: {@link KclImport} with its own clients, or in tests a fake. */
    @FunctionalInterface
    interface KclPlanner {
        KclImportPlan plan(KinesisSourceConfig config, String table);
    }

    private final Clients clients;
    private final KclPlanner kclPlanner;

    private KinesisSourceConfig config;
    private SharedClients.Lease client;
    private KinesisProxy proxy;
    private ConnectorContext context;
    private Map<String, String> props;
    private ScheduledExecutorService discoveryThread;
    private volatile Map<StreamRef, List<ShardInfo>> shards = Map.of();
    /** Each stream's creation time in epoch millis, by name, as last listed. */
    private volatile Map<String, Long> createdAt = Map.of();
    private volatile Set<String> assigned = Set.of();
    /** Written by the discovery thread after a recreated stream's consumer is registered, read by taskConfigs. */
    private volatile String consumers = "";
    /** The offsets imported from kclLeaseTable at start; empty when it was not read. */
    private Map<SourcePartition, SourceOffset> kclStart = Map.of();

    /** The connector, for ServiceLoader. */
    public KinesisSourceConnector() {
        this(SharedClients::acquire, KinesisSourceConnector::planKclImport);
    }

    KinesisSourceConnector(Clients clients) {
        this(clients, KinesisSourceConnector::planKclImport);
    }

    KinesisSourceConnector(Clients clients, KclPlanner kclPlanner) {
        this.clients = java.util.Objects.requireNonNull(clients, "clients is null");
        this.kclPlanner = java.util.Objects.requireNonNull(kclPlanner, "kclPlanner is null");
    }

    private static KclImportPlan planKclImport(KinesisSourceConfig config, String table) {
        try (KinesisClientFactory factory = new KinesisClientFactory(config)) {
            return KclImport.plan(factory, Optional.of(table));
        }
    }

    @Override
    public String version() {
        String version = KinesisSourceConnector.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public ConfigSchema configSchema() {
        return KinesisSourceConfig.SCHEMA;
    }

    @Override
    public void start(ConnectorContext context, Map<String, String> props) {
        this.context = context;
        this.props = Map.copyOf(props);
        this.config = KinesisSourceConfig.from(props);
        boolean hasOffsets = !context.offsetReader().allOffsets().isEmpty();
        if (!hasOffsets) {
            // Before any client: a wrong table fails the start with nothing read.
            config.kclLeaseTable().ifPresent(table -> importKclLeaseTable(table, false));
        }
        this.client = clients.acquire(props, config);
        this.proxy = client.proxy();
        Listing listing = discover();
        shards = listing.shards();
        createdAt = listing.createdAt();
        if (hasOffsets) {
            config.kclLeaseTable().ifPresent(this::importKclLeaseTableForShardsWithoutOffsets);
        }
        warnAboutOffsetsOfEarlierStreams(Set.copyOf(createdAt.keySet()));
        if (config.useEnhancedFanOut()) {
            consumers = registerConsumers();
        }
        discoveryThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinesis-discovery-" + context.connectorName());
            t.setDaemon(true);
            return t;
        });
        long every = config.shardDiscoveryInterval().toMillis();
        discoveryThread.scheduleWithFixedDelay(this::rediscover, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<OffsetCommitPolicy> offsetCommitPolicy() {
        return Optional.of(new OffsetCommitPolicy(config.checkpointInterval(), config.numRetries(), config.backoffTime()));
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<ShardAssignment>> perTask = ShardAssigner.assign(shards, createdAt, finishedShards(), maxTasks);
        Set<String> nowAssigned = new HashSet<>();
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<ShardAssignment> assignments : perTask) {
            assignments.forEach(a -> nowAssigned.add(a.stream() + "/" + a.shardId()));
            Map<String, String> task = new LinkedHashMap<>(props);
            task.put(ASSIGNMENT, ShardAssignment.encode(assignments));
            if (!consumers.isEmpty()) {
                task.put(CONSUMERS, consumers);
            }
            String start = StartOffsets.encode(kclStartOf(assignments));
            if (!start.isEmpty()) {
                task.put(KCL_START, start);
            }
            configs.add(task);
        }
        assigned = nowAssigned;
        return configs;
    }

    /**
     * Reads {@code table} again at a start with offsets, as long as a listed shard has no stored offset: the worker may
     * have stopped after an earlier import but before every task committed it. Stored offsets win over imported ones
     * ({@link #kclStartOf}), so a repeated import changes nothing already committed.
     */
    private void importKclLeaseTableForShardsWithoutOffsets(String table) {
        List<SourcePartition> listed = new ArrayList<>();
        shards.forEach((stream, list) -> list.forEach(s -> listed.add(KinesisOffsets.partition(stream.name(), s.shardId()))));
        Map<SourcePartition, SourceOffset> stored = context.offsetReader().offsets(listed);
        List<String> without = listed.stream().filter(p -> !stored.containsKey(p)).map(KinesisSourceConnector::shardKey).toList();
        if (without.isEmpty()) {
            LOG.info("connector {}: every shard has an offset, so kclLeaseTable '{}' is not read; it can be deleted",
                    context.connectorName(), table);
            return;
        }
        LOG.info("connector {}: {} of the {} listed shards {} no offset yet (such as {}), so kclLeaseTable '{}' is read"
                + " again; stored offsets win over the table's", context.connectorName(), without.size(), listed.size(),
                without.size() == 1 ? "has" : "have", without.get(0), table);
        importKclLeaseTable(table, true);
    }

    /**
     * Reads {@code table}; logs what each lease becomes.
     *
     * @param hasOffsets whether the connector has offsets; then a table that no longer exists is a WARN, as it was read
     *     at an earlier start, and the connector continues
     * @throws ConnectException with the import's message when the table cannot be imported
     */
    private void importKclLeaseTable(String table, boolean hasOffsets) {
        KclImportPlan plan;
        try {
            plan = kclPlanner.plan(config, table);
        } catch (KclImportException e) {
            if (hasOffsets && e.tableMissing()) {
                LOG.warn("connector {}: kclLeaseTable '{}' no longer exists, and some shards have no offset yet: they"
                        + " start at initialPositionInStream (children after their parents). If the table was deleted"
                        + " before every shard of it had an offset, those shards' KCL positions are gone; remove"
                        + " kclLeaseTable from the config to silence this", context.connectorName(), table);
                return;
            }
            throw new ConnectException("kclLeaseTable: " + e.getMessage() + "; nothing was read or written."
                    + " Fix kclLeaseTable (or remove it to start at initialPositionInStream)", e);
        }
        for (KclImportPlan.Entry e : plan.entries()) {
            switch (e.action()) {
                case SKIPPED_UNKNOWN_SHARD, SKIPPED_OTHER_STREAM -> LOG.warn("connector {}: kclLeaseTable '{}': lease of"
                        + " {}/{} (checkpoint {}) skipped: {}", context.connectorName(), table, e.stream(), e.shardId(),
                        e.checkpoint(), e.note());
                default -> LOG.info("connector {}: kclLeaseTable '{}': {}/{} starts from KCL checkpoint {}: {}",
                        context.connectorName(), table, e.stream(), e.shardId(), e.checkpoint(), e.offset());
            }
        }
        kclStart = plan.offsets();
        LOG.info("connector {}: kclLeaseTable '{}': {} read, {} imported; read at each start until every shard has an"
                + " offset", context.connectorName(), table, KclImportException.leases(plan.entries().size()),
                kclStart.size());
    }

    /** The imported offsets of these shards and the parents they wait for, where the store has none yet. */
    private Map<SourcePartition, SourceOffset> kclStartOf(List<ShardAssignment> assignments) {
        Map<SourcePartition, SourceOffset> imported = kclStart;
        if (imported.isEmpty()) {
            return Map.of();
        }
        List<SourcePartition> partitions = new ArrayList<>();
        for (ShardAssignment a : assignments) {
            partitions.add(KinesisOffsets.partition(a.stream(), a.shardId()));
            a.waitFor().forEach(p -> partitions.add(KinesisOffsets.partition(a.stream(), p)));
        }
        Map<SourcePartition, SourceOffset> stored = context.offsetReader().offsets(partitions);
        Map<SourcePartition, SourceOffset> start = new LinkedHashMap<>();
        for (SourcePartition p : partitions) {
            if (imported.containsKey(p) && !stored.containsKey(p)) {
                start.put(p, imported.get(p));
            }
        }
        return start;
    }

    /** {@code kcl}: imports the checkpoints of a KCL application (a Pulsar IO Kinesis source) from its lease table. */
    @Override
    public Optional<OffsetImporter> offsetImporter(String format) {
        return KclOffsetImporter.FORMAT.equals(format) ? Optional.of(new KclOffsetImporter()) : Optional.empty();
    }

    @Override
    public SourceTask createTask() {
        return new KinesisSourceTask();
    }

    @Override
    public void stop() {
        if (discoveryThread != null) {
            // A ListShards call being issued must reach the client before it closes (see Quiesce).
            Quiesce.stop(discoveryThread, Quiesce.BOUND);
        }
        if (client != null) {
            client.close();
        }
    }

    /**
     * Lists again; new shards (children of a reshard) or a stream created again mean the tasks
     * must be reconfigured. Runs on the discovery thread (tests call it directly).
     */
    void rediscover() {
        try {
            Listing listing = discover();
            Map<StreamRef, List<ShardInfo>> listed = listing.shards();
            Set<String> recreated = new HashSet<>();
            listing.createdAt().forEach((stream, created) -> {
                long before = createdAt.getOrDefault(stream, KinesisOffsets.UNKNOWN_CREATION);
                // A time that was or is unknown (no kinesis:DescribeStreamSummary) tells nothing.
                if (before != KinesisOffsets.UNKNOWN_CREATION && created != KinesisOffsets.UNKNOWN_CREATION
                        && before != created) {
                    recreated.add(stream);
                }
            });
            shards = listed;
            if (!recreated.isEmpty() && config.useEnhancedFanOut()) {
                // Deleting a stream deletes its consumers. Before the new creation time is kept, so a failure is retried.
                consumers = registerConsumers();
            }
            createdAt = listing.createdAt();
            if (!recreated.isEmpty()) {
                warnAboutOffsetsOfEarlierStreams(recreated);
                LOG.warn("connector {}: streams {} were deleted and created again; reassigning their shards to tasks, to"
                        + " be read from their start", context.connectorName(), recreated);
                context.requestTaskReconfiguration();
                return;
            }
            Set<String> finished = finishedShards();
            Set<String> unassigned = new HashSet<>();
            listed.forEach((stream, list) -> list.forEach(s -> {
                String key = stream.name() + "/" + s.shardId();
                if (!finished.contains(key) && !assigned.contains(key)) {
                    unassigned.add(key);
                }
            }));
            if (!unassigned.isEmpty()) {
                LOG.info("connector {}: new shards {}; reassigning shards to tasks", context.connectorName(), unassigned);
                context.requestTaskReconfiguration();
            }
        } catch (RuntimeException e) {
            LOG.warn("connector {}: shard discovery failed, will retry: {}", context.connectorName(), KinesisErrors.describe(e));
        }
    }

    /** What a listing found: each stream's shards, and each stream's creation time by name. */
    private record Listing(Map<StreamRef, List<ShardInfo>> shards, Map<String, Long> createdAt) {
    }

    private Listing discover() {
        ShardDiscovery discovery = new ShardDiscovery(proxy, config.backoffTime());
        Map<StreamRef, List<ShardInfo>> listed = new LinkedHashMap<>();
        Map<String, Long> created = new LinkedHashMap<>();
        try {
            for (KinesisStreamRef ref : config.streams()) {
                StreamRef stream = new StreamRef(ref.name(), ref.arn().orElse(knownArn(ref.name())));
                // A recreation between the two calls stamps the new shards' first offsets with the old time; the next
                // listing sees the new time, and the shards are read again from their start: repeats, never a loss.
                created.put(stream.name(), discovery.creationTime(stream));
                listed.put(stream, discovery.shards(stream));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while listing shards", e);
        } catch (IllegalStateException e) {
            throw new ConnectException(e.getMessage(), e.getCause());
        }
        return new Listing(listed, Map.copyOf(created));
    }

    /**
     * Registers the fan-out consumer on every stream (or finds it) and waits until it is ACTIVE.
     * Returns {@code name=consumerArn} pairs for the task configs.
     */
    private String registerConsumers() {
        List<String> pairs = new ArrayList<>();
        Map<StreamRef, List<ShardInfo>> resolved = new LinkedHashMap<>();
        try {
            for (Map.Entry<StreamRef, List<ShardInfo>> e : shards.entrySet()) {
                StreamRef stream = e.getKey();
                String streamArn = ShardDiscovery.await(proxy.streamArn(stream));
                resolved.put(stream.withArn(streamArn), e.getValue());
                FanOutConsumer consumer = ShardDiscovery.await(proxy.registerConsumer(streamArn, config.consumerName()));
                long deadline = System.nanoTime() + CONSUMER_ACTIVE_TIMEOUT.toNanos();
                while (!consumer.isActive()) {
                    if (System.nanoTime() > deadline) {
                        throw new ConnectException("consumerName: fan-out consumer " + config.consumerName() + " of stream "
                                + stream.name() + " is still " + consumer.status() + " after " + CONSUMER_ACTIVE_TIMEOUT.toMinutes()
                                + " minutes");
                    }
                    TimeUnit.MILLISECONDS.sleep(250);
                    consumer = ShardDiscovery.await(proxy.describeConsumer(streamArn, config.consumerName()));
                }
                LOG.info("connector {}: fan-out consumer {} of stream {} is ACTIVE", context.connectorName(),
                        config.consumerName(), stream.name());
                pairs.add(stream.name() + "=" + consumer.arn());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while registering the fan-out consumer", e);
        } catch (java.util.concurrent.CompletionException e) {
            throw new ConnectException("cannot register the fan-out consumer " + config.consumerName() + ": "
                    + KinesisErrors.describe(e), KinesisErrors.unwrap(e));
        }
        // Later listings keep the ARNs, so the tasks' subscriptions and requests name the same streams.
        shards = resolved;
        return String.join(";", pairs);
    }

    /** Logs, once per stream, that committed offsets of these streams belong to an earlier stream of the same name. */
    private void warnAboutOffsetsOfEarlierStreams(Set<String> streams) {
        Map<String, Long> created = createdAt;
        Set<String> open = openShards();
        Map<String, Integer> stale = new LinkedHashMap<>();
        for (Map.Entry<SourcePartition, SourceOffset> e : context.offsetReader().allOffsets().entrySet()) {
            String stream = e.getKey().getString(KinesisOffsets.STREAM);
            if (streams.contains(stream) && KinesisOffsets.isOfAnotherStream(e.getValue(),
                    created.getOrDefault(stream, KinesisOffsets.UNKNOWN_CREATION), open.contains(shardKey(e.getKey())))) {
                stale.merge(stream, 1, Integer::sum);
            }
        }
        stale.forEach((stream, count) -> LOG.warn("connector {}: {} of stream {} {} to an earlier"
                + " stream of that name, deleted since; the shards of the stream now there are read from their start"
                + " (TRIM_HORIZON), and their commits replace those offsets", context.connectorName(),
                count == 1 ? "1 committed offset" : count + " committed offsets", stream, count == 1 ? "belongs" : "belong"));
    }

    /** The shards Kinesis listed as open, as {@code stream/shardId}. */
    private Set<String> openShards() {
        Set<String> open = new HashSet<>();
        shards.forEach((stream, list) -> list.forEach(s -> {
            if (!s.isClosed()) {
                open.add(stream.name() + "/" + s.shardId());
            }
        }));
        return open;
    }

    private static String shardKey(SourcePartition partition) {
        return partition.getString(KinesisOffsets.STREAM) + "/" + partition.getString(KinesisOffsets.SHARD);
    }

    private String knownArn(String streamName) {
        return shards.keySet().stream().filter(s -> s.name().equals(streamName)).map(StreamRef::arn)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** The shards whose end is committed, as {@code stream/shardId}; ends of an earlier stream of the same name do not count. */
    private Set<String> finishedShards() {
        Map<String, Long> created = createdAt;
        Set<String> open = openShards();
        Set<String> finished = new HashSet<>();
        for (Map.Entry<SourcePartition, SourceOffset> e : context.offsetReader().allOffsets().entrySet()) {
            String stream = e.getKey().getString(KinesisOffsets.STREAM);
            long streamCreated = created.getOrDefault(stream, KinesisOffsets.UNKNOWN_CREATION);
            String key = shardKey(e.getKey());
            if (KinesisOffsets.isShardEnd(e.getValue())
                    && !KinesisOffsets.isOfAnotherStream(e.getValue(), streamCreated, open.contains(key))) {
                finished.add(key);
            }
        }
        return finished;
    }
}
