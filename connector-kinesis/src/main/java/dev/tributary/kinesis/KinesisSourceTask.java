package dev.tributary.kinesis;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.config.MessageKeyMode;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.FanOutFetcher;
import dev.tributary.kinesis.reader.PollingFetcher;
import dev.tributary.kinesis.reader.PulsarIoRecordMapper;
import dev.tributary.kinesis.reader.ReaderSettings;
import dev.tributary.kinesis.reader.ShardAssignment;
import dev.tributary.kinesis.reader.ShardFetcher;
import dev.tributary.kinesis.reader.StartOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Reads the shards the connector assigned to this task, through one {@link PollingFetcher}
 * (GetRecords) or, with {@code useEnhancedFanOut}, one {@link FanOutFetcher} (SubscribeToShard).
 * Resumes from the committed offsets; hands each finished shard's end to the runtime so that it
 * is committed after the shard's last record.
 *
 * <p>Offsets the connector imported from a KCL lease table ({@code kclLeaseTable}) stand in for the
 * shards that have no committed offset; the first {@link #poll} commits them and returns no records,
 * so that they are committed before, never after, any record of their shards.
 */
public final class KinesisSourceTask implements SourceTask {
    private SourceTaskContext context;
    private SharedClients.Lease client;
    private ScheduledExecutorService scheduler;
    private ShardFetcher fetcher;
    /** Imported offsets not committed yet; touched on the task thread only. */
    private Map<SourcePartition, SourceOffset> importedToCommit = Map.of();
    private volatile boolean stopped;

    @Override
    public void start(SourceTaskContext context) {
        this.context = context;
        Map<String, String> props = new HashMap<>(context.config());
        List<ShardAssignment> shards = ShardAssignment.decode(props.remove(KinesisSourceConnector.ASSIGNMENT));
        Map<String, String> consumers = decodeConsumers(props.remove(KinesisSourceConnector.CONSUMERS));
        Map<SourcePartition, SourceOffset> imported = StartOffsets.decode(props.remove(KinesisSourceConnector.KCL_START));
        KinesisSourceConfig config = KinesisSourceConfig.from(props);
        client = SharedClients.acquire(props, config);
        KinesisProxy proxy = client.proxy();
        List<SourcePartition> partitions = new ArrayList<>();
        for (ShardAssignment a : shards) {
            partitions.add(KinesisOffsets.partition(a.stream(), a.shardId()));
            a.waitFor().forEach(p -> partitions.add(KinesisOffsets.partition(a.stream(), p)));
        }
        Map<SourcePartition, SourceOffset> committed = new LinkedHashMap<>(context.offsetReader().offsets(partitions));
        Map<SourcePartition, SourceOffset> toCommit = new LinkedHashMap<>();
        imported.forEach((partition, offset) -> {
            // An offset committed since the connector planned the import is newer than the KCL's checkpoint.
            if (!committed.containsKey(partition)) {
                committed.put(partition, offset);
                toCommit.put(partition, offset);
            }
        });
        importedToCommit = toCommit;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kinesis-fetcher-" + context.connectorName() + "-" + context.taskId());
            t.setDaemon(true);
            return t;
        });
        PulsarIoRecordMapper mapper = new PulsarIoRecordMapper(config.messageKeyMode() == MessageKeyMode.SHARD_ID,
                Set.copyOf(config.kinesisRecordProperties()), null);
        fetcher = config.useEnhancedFanOut()
                ? new FanOutFetcher(proxy, consumers, settings(config), mapper, new KplDeaggregator(), shards, committed,
                        scheduler, System::nanoTime)
                : new PollingFetcher(proxy, settings(config), mapper, new KplDeaggregator(), shards, committed,
                        scheduler, System::nanoTime);
        fetcher.registerMetrics(context.metrics());
        fetcher.start();
    }

    private static Map<String, String> decodeConsumers(String text) {
        Map<String, String> consumers = new HashMap<>();
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(";")) {
                int eq = pair.indexOf('=');
                consumers.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return consumers;
    }

    static ReaderSettings settings(KinesisSourceConfig config) {
        StartPosition initial = switch (config.initialPositionInStream()) {
            case LATEST -> StartPosition.latest();
            case TRIM_HORIZON -> StartPosition.trimHorizon();
            case AT_TIMESTAMP -> StartPosition.atTimestamp(config.startAtTime().orElseThrow());
        };
        return new ReaderSettings(initial, config.receiveQueueSize(), config.receiveQueueBytes(),
                config.maxRecordsPerFetch(), config.maxConcurrentFetches(), config.pollInterval(), config.backoffTime(), config.paceShardReads(),
                config.maxBytesPerFetch());
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
        if (stopped) {
            return List.of();
        }
        if (!importedToCommit.isEmpty()) {
            // Alone in this poll, so that each is queued ahead of every record of its shard.
            importedToCommit.forEach(context::commitOffset);
            importedToCommit = Map.of();
            return List.of();
        }
        List<SourceRecord> records = new ArrayList<>();
        for (var batch : fetcher.poll(timeout)) {
            records.addAll(batch.records());
            if (batch.endOffset() != null) {
                // Queued behind this poll's records of the shard, so the end is committed only after them.
                context.commitOffset(batch.partition(), batch.endOffset());
            }
        }
        return records;
    }

    @Override
    public void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
        ShardFetcher f = fetcher;
        if (f != null) {
            f.onCommitted(offsets);
        }
    }

    @Override
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (fetcher != null) {
            fetcher.close();
        }
        if (scheduler != null) {
            // A fetch the scheduler is issuing must reach the HTTP client before the client closes
            // (seen once in a clean-clone IT run, as StartingPositionIT stopped its worker).
            Quiesce.stop(scheduler, Quiesce.BOUND);
        }
        if (client != null) {
            client.close();
        }
    }
}
