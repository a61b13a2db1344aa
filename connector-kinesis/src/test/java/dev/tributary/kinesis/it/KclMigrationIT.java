package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.kcl.KclImport;
import dev.tributary.kinesis.kcl.KclImportPlan;
import dev.tributary.kinesis.kpl.KplAggregator;
import dev.tributary.offsets.FileOffsetStore;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Delivered;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The switch from Pulsar IO end to end, as issue 16 asks: a 4-shard stream of 10,000 records, KCL
 * checkpoints (written by the KCL's own lease code) in the middle of each shard, one of them inside a
 * KPL aggregate, one shard split after its checkpoint; after the import Tributary delivers exactly the
 * records after each checkpoint, parents before children, and none before. Once through the import
 * (what {@code offsets import-kcl} does), once through the connector's own {@code kclLeaseTable},
 * which, once every shard has an offset, starts without the table.
 */
@ExtendWith(TestServices.class)
class KclMigrationIT {
    private static final int SHARDS = 4;
    private static final int RECORDS = 10_000;
    private static final int AFTER_SPLIT = 500;
    private static final int USERS = 8;

    @TempDir
    Path dir;

    /** How the checkpoints get to the connector. */
    enum Import {
        /** The import's plan written into the offset store before the connector starts, as the command does. */
        COMMAND,
        /** {@code kclLeaseTable} in the connector's config. */
        CONNECTOR_OPTION
    }

    @ParameterizedTest
    @EnumSource(Import.class)
    void afterTheImportExactlyTheRecordsAfterEachCheckpointAreDelivered(Import how, PulsarStandalone pulsar,
            KinesisMock kinesis, Dynalite dynalite) throws Exception {
        String stream = "kcl-migrate-" + System.nanoTime();
        String app = "pulsar-io-" + System.nanoTime();
        kinesis.createStream(stream, SHARDS);
        KinesisAsyncClient client = kinesis.helperClient();
        List<Shard> initial = client.listShards(b -> b.streamName(stream)).join().shards();
        Shard aggregateShard = initial.get(SHARDS - 1);

        // Before the switch: half the records, one KPL aggregate on the last shard, the other half.
        Map<String, List<Put>> byShard = new LinkedHashMap<>();
        put(kinesis, stream, "before-a-", RECORDS / 2, byShard);
        List<KplAggregator.Entry> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add(new KplAggregator.Entry("user-" + u, ("agg-u" + u).getBytes(StandardCharsets.UTF_8)));
        }
        byte[] aggregated = KplAggregator.aggregate(users);
        var aggregate = client.putRecord(b -> b.streamName(stream).partitionKey("outer")
                .explicitHashKey(aggregateShard.hashKeyRange().startingHashKey())
                .data(SdkBytes.fromByteArray(aggregated))).join();
        assertThat(aggregate.shardId()).isEqualTo(aggregateShard.shardId());
        for (int u = 0; u < USERS; u++) {
            byShard.get(aggregateShard.shardId()).add(new Put(aggregate.sequenceNumber(), u, "agg-u" + u));
        }
        put(kinesis, stream, "before-b-", RECORDS / 2, byShard);
        byShard.values().forEach(list -> list.sort(Put.ORDER));
        assertThat(byShard).hasSize(SHARDS);

        // The KCL's checkpoints: the middle record of each shard; on the last, user record 3 of the aggregate.
        Map<String, Put> checkpoints = new LinkedHashMap<>();
        for (Shard shard : initial) {
            List<Put> puts = byShard.get(shard.shardId());
            checkpoints.put(shard.shardId(), shard == aggregateShard
                    ? puts.stream().filter(p -> p.value().equals("agg-u3")).findFirst().orElseThrow()
                    : puts.get(puts.size() / 2));
        }
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            for (Map.Entry<String, Put> c : checkpoints.entrySet()) {
                kcl.createLeaseIfNotExists(lease(c.getKey(),
                        new ExtendedSequenceNumber(c.getValue().sequenceNumber(), c.getValue().subSequence())));
            }
        }

        // Pulsar IO stopped; the first shard is split after its checkpoint, and more records arrive.
        Shard parent = initial.get(0);
        BigInteger low = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger high = new BigInteger(parent.hashKeyRange().endingHashKey());
        client.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId())
                .newStartingHashKey(low.add(high).shiftRight(1).toString())).join();
        kinesis.awaitActive(client, stream, Duration.ofSeconds(30));
        Map<String, List<Put>> afterSplit = new LinkedHashMap<>();
        put(kinesis, stream, "after-", AFTER_SPLIT, afterSplit);
        Set<String> parentIds = new LinkedHashSet<>();
        initial.forEach(sh -> parentIds.add(sh.shardId()));
        Set<String> childValues = new LinkedHashSet<>();
        afterSplit.forEach((shard, puts) -> {
            if (!parentIds.contains(shard)) {
                puts.forEach(p -> childValues.add(p.value()));
            }
        });
        assertThat(childValues).as("records reached the split shard's children").isNotEmpty();

        // Expected: everything after each checkpoint, in its shard's order; whatever else arrives is unexpected.
        DeliveryAccounting accounting = new DeliveryAccounting();
        Map<String, List<String>> expectedByShard = new LinkedHashMap<>();
        checkpoints.forEach((shard, checkpoint) -> {
            List<Put> puts = byShard.get(shard);
            List<String> after = puts.subList(puts.indexOf(checkpoint) + 1, puts.size()).stream().map(Put::value).toList();
            expectedByShard.put(shard, after);
            after.forEach(v -> accounting.written(v, shard));
        });
        afterSplit.forEach((shard, puts) -> puts.forEach(p -> accounting.written(p.value(), shard)));

        String topic = KinesisItSupport.topic("kcl-migrate");
        Map<String, String> config = new LinkedHashMap<>(KinesisItSupport.connector("migrated", kinesis, stream, topic));
        config.put("applicationName", app);
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        // Nothing may come from a start position: every shard without an imported offset is a child.
        config.put("initialPositionInStream", "LATEST");
        Path data = dir.resolve("data");
        if (how == Import.COMMAND) {
            Map<String, String> own = new LinkedHashMap<>(config);
            own.keySet().removeAll(ConnectorConfig.RUNTIME_KEYS);
            KclImportPlan plan;
            try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(own))) {
                plan = KclImport.plan(factory, Optional.empty());
            }
            assertThat(plan.offsets()).hasSize(SHARDS);
            try (FileOffsetStore store = new FileOffsetStore(data.resolve("offsets.json"), new OffsetCodec())) {
                store.write("migrated", plan.offsets());
            }
        } else {
            config.put("kclLeaseTable", app);
        }

        List<Message<byte[]>> messages;
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), data);
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            reader.readUntil(m -> m.size() >= accounting.writtenCount(), Duration.ofSeconds(180));
            // Anything delivered beyond the expected records (a replay) would arrive now.
            reader.readUntil(m -> false, Duration.ofSeconds(2));
            messages = List.copyOf(reader.messages());
        }
        DeliveryAccounting.Report report = accounting.check(messages, KclMigrationIT::delivered);
        assertThat(report.exact()).as("exactly the records after each KCL checkpoint, in shard order: %s", report).isTrue();
        assertThat(report.duplicates()).as("nothing before a checkpoint or twice: %s", report).isZero();

        List<String> delivered = messages.stream().map(m -> new String(m.getValue(), StandardCharsets.UTF_8)).toList();
        assertThat(delivered).as("the aggregate resumes at user record 4")
                .filteredOn(v -> v.startsWith("agg-")).containsExactly("agg-u4", "agg-u5", "agg-u6", "agg-u7");
        List<String> parentExpected = expectedByShard.get(parent.shardId());
        int lastParent = delivered.indexOf(parentExpected.get(parentExpected.size() - 1));
        for (String child : childValues) {
            assertThat(delivered.indexOf(child)).as("child record %s after the parent's last", child).isGreaterThan(lastParent);
        }

        if (how == Import.CONNECTOR_OPTION) {
            // The connector has offsets now: without its lease table it starts, and resumes from its own offsets.
            try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
                dynamo.deleteTable(b -> b.tableName(app)).join();
            }
            put(kinesis, stream, "restart-", 20, afterSplit);
            DeliveryAccounting again = new DeliveryAccounting();
            afterSplit.forEach((shard, puts) -> puts.stream().filter(p -> p.value().startsWith("restart-"))
                    .forEach(p -> again.written(p.value(), shard)));
            try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), data);
                 PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
                runtime.worker().startConnector(config);
                reader.readUntil(m -> m.size() >= messages.size() + again.writtenCount(), Duration.ofSeconds(120));
                reader.readUntil(m -> false, Duration.ofSeconds(2));
                List<Message<byte[]>> all = List.copyOf(reader.messages());
                DeliveryAccounting.Report restart = again.check(all.subList(messages.size(), all.size()),
                        KclMigrationIT::delivered);
                assertThat(restart.exact()).as("after the restart, the new records only: %s", restart).isTrue();
                assertThat(restart.duplicates()).as("%s", restart).isZero();
            }
        }
    }

    private static Delivered delivered(Message<byte[]> m) {
        return new Delivered(new String(m.getValue(), StandardCharsets.UTF_8), m.getProperty("kinesis.shard.id"));
    }

    /** A record put: where it is in its shard, and its value. */
    private record Put(String sequenceNumber, long subSequence, String value) {
        static final Comparator<Put> ORDER = Comparator.comparing((Put p) -> new BigInteger(p.sequenceNumber()))
                .thenComparingLong(Put::subSequence);
    }

    private static void put(KinesisMock kinesis, String stream, String prefix, int count, Map<String, List<Put>> byShard) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                    .data(SdkBytes.fromUtf8String(prefix + i)).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
        for (int i = 0; i < count; i++) {
            byShard.computeIfAbsent(results.get(i).shardId(), s -> new ArrayList<>())
                    .add(new Put(results.get(i).sequenceNumber(), 0, prefix + i));
        }
    }

    private static Lease lease(String shardId, ExtendedSequenceNumber checkpoint) {
        Lease lease = new Lease();
        lease.leaseKey(shardId);
        lease.checkpoint(checkpoint);
        lease.leaseCounter(1L);
        lease.ownerSwitchesSinceCheckpoint(0L);
        lease.parentShardIds(List.of());
        return lease;
    }
}
