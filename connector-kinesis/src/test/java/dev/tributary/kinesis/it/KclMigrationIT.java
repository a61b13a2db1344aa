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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The switch from Pulsar IO end to end: KCL checkpoints (written by the KCL's own lease code) in
 * the middle of each shard and inside a KPL aggregate, one shard split after its checkpoint; after
 * the import Tributary delivers exactly the records after each checkpoint, parents before children.
 */
@ExtendWith(TestServices.class)
class KclMigrationIT {
    private static final int PER_ROUND = 120;
    private static final int USERS = 8;

    @TempDir
    Path dir;

    @Test
    void afterTheImportExactlyTheRecordsAfterEachCheckpointAreDelivered(PulsarStandalone pulsar, KinesisMock kinesis,
            Dynalite dynalite) throws Exception {
        String stream = "kcl-migrate-" + System.nanoTime();
        String app = "pulsar-io-" + System.nanoTime();
        kinesis.createStream(stream, 2);
        // Before the switch: plain records on both shards, and one KPL aggregate on one of them.
        Map<String, List<String>> valuesByShard = new LinkedHashMap<>();
        Map<String, List<PutRecordsResultEntry>> putByShard = new LinkedHashMap<>();
        for (int i = 0; i < PER_ROUND; i++) {
            String value = "before-" + i;
            PutRecordsResultEntry put = kinesis.putRecord(stream, "key-" + i, value.getBytes(StandardCharsets.UTF_8));
            valuesByShard.computeIfAbsent(put.shardId(), s -> new ArrayList<>()).add(value);
            putByShard.computeIfAbsent(put.shardId(), s -> new ArrayList<>()).add(put);
        }
        assertThat(putByShard).hasSize(2);
        List<String> shards = new ArrayList<>(putByShard.keySet());
        String plainShard = shards.get(0);
        String aggregateShard = shards.get(1);
        // The aggregate goes to aggregateShard by its explicit hash key, as a KPL producer may send it.
        List<KplAggregator.Entry> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add(new KplAggregator.Entry("user-" + u, ("agg-u" + u).getBytes(StandardCharsets.UTF_8)));
        }
        KinesisAsyncClient client = kinesis.helperClient();
        String aggregateShardStart = client.listShards(b -> b.streamName(stream)).join().shards().stream()
                .filter(s -> s.shardId().equals(aggregateShard)).findFirst().orElseThrow()
                .hashKeyRange().startingHashKey();
        byte[] aggregated = KplAggregator.aggregate(users);
        var aggregate = client.putRecord(b -> b.streamName(stream).partitionKey("outer")
                .explicitHashKey(aggregateShardStart)
                .data(software.amazon.awssdk.core.SdkBytes.fromByteArray(aggregated))).join();
        assertThat(aggregate.shardId()).isEqualTo(aggregateShard);
        for (int u = 0; u < USERS; u++) {
            valuesByShard.get(aggregateShard).add("agg-u" + u);
        }
        PutRecordsResultEntry last = kinesis.putRecord(stream, "key-0", "before-last".getBytes(StandardCharsets.UTF_8));
        valuesByShard.get(last.shardId()).add("before-last");
        putByShard.get(last.shardId()).add(last);

        // The KCL's checkpoints: the middle plain record of plainShard, user record 3 of the aggregate.
        List<PutRecordsResultEntry> plain = putByShard.get(plainShard);
        PutRecordsResultEntry middle = plain.get(plain.size() / 2);
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            createKcl3Table(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            kcl.createLeaseIfNotExists(lease(plainShard, new ExtendedSequenceNumber(middle.sequenceNumber(), 0L)));
            kcl.createLeaseIfNotExists(lease(aggregateShard, new ExtendedSequenceNumber(aggregate.sequenceNumber(), 3L)));
        }

        // Pulsar IO stopped; the plain shard is split after its checkpoint, and more records arrive.
        Shard parent = client.listShards(b -> b.streamName(stream)).join().shards().stream()
                .filter(s -> s.shardId().equals(plainShard)).findFirst().orElseThrow();
        BigInteger low = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger high = new BigInteger(parent.hashKeyRange().endingHashKey());
        client.splitShard(b -> b.streamName(stream).shardToSplit(plainShard)
                .newStartingHashKey(low.add(high).shiftRight(1).toString())).join();
        kinesis.awaitActive(client, stream, Duration.ofSeconds(30));
        List<String> afterSplit = new ArrayList<>();
        Set<String> childValues = new LinkedHashSet<>();
        for (int i = 0; i < PER_ROUND / 2; i++) {
            String value = "after-" + i;
            PutRecordsResultEntry put = kinesis.putRecord(stream, "key-" + i, value.getBytes(StandardCharsets.UTF_8));
            afterSplit.add(value);
            if (!put.shardId().equals(aggregateShard)) {
                childValues.add(value);
            }
        }

        // Expected: everything after each checkpoint, in each shard's order.
        List<String> plainValues = valuesByShard.get(plainShard);
        List<String> expectedParent = plainValues.subList(plain.indexOf(middle) + 1, plainValues.size());
        List<String> aggregateValues = valuesByShard.get(aggregateShard);
        List<String> expectedAggregateShard = new ArrayList<>(
                aggregateValues.subList(aggregateValues.indexOf("agg-u0") + 4, aggregateValues.size()));

        // The import, from the connector's config, into the worker's file offset store.
        String topic = KinesisItSupport.topic("kcl-migrate");
        Map<String, String> config = new LinkedHashMap<>(KinesisItSupport.connector("migrated", kinesis, stream, topic));
        config.put("applicationName", app);
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        config.put("initialPositionInStream", "LATEST");
        Map<String, String> own = new LinkedHashMap<>(config);
        own.keySet().removeAll(ConnectorConfig.RUNTIME_KEYS);
        KclImportPlan plan;
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(own))) {
            plan = KclImport.plan(factory, Optional.empty());
        }
        assertThat(plan.offsets()).hasSize(2);
        Path data = dir.resolve("data");
        try (FileOffsetStore store = new FileOffsetStore(data.resolve("offsets.json"), new OffsetCodec())) {
            store.write("migrated", plan.offsets());
        }

        int expected = expectedParent.size() + expectedAggregateShard.size() + afterSplit.size();
        List<String> delivered = new ArrayList<>();
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), data);
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            reader.readUntil(m -> m.size() >= expected, Duration.ofSeconds(90));
            // Anything delivered beyond the expected records (a replay) would arrive now.
            reader.readUntil(m -> false, Duration.ofSeconds(2));
            for (Message<byte[]> m : reader.messages()) {
                delivered.add(new String(m.getValue(), StandardCharsets.UTF_8));
            }
        }

        List<String> expectedAll = new ArrayList<>(expectedParent);
        expectedAll.addAll(expectedAggregateShard);
        expectedAll.addAll(afterSplit);
        assertThat(delivered).as("exactly the records after each KCL checkpoint, each once")
                .containsExactlyInAnyOrderElementsOf(expectedAll);
        assertThat(delivered).as("the plain shard's records in order, none before its checkpoint")
                .filteredOn(expectedParent::contains).containsExactlyElementsOf(expectedParent);
        assertThat(delivered).as("the aggregate resumes at user record 4")
                .filteredOn(v -> v.startsWith("agg-")).containsExactly("agg-u4", "agg-u5", "agg-u6", "agg-u7");
        int lastParent = delivered.indexOf(expectedParent.get(expectedParent.size() - 1));
        for (String child : childValues) {
            assertThat(delivered.indexOf(child)).as("child record %s after the parent's last", child).isGreaterThan(lastParent);
        }
    }

    private static void createKcl3Table(DynamoDbAsyncClient dynamo, String name) {
        dynamo.createTable(b -> b.tableName(name)
                .attributeDefinitions(
                        d -> d.attributeName("leaseKey").attributeType(ScalarAttributeType.S),
                        d -> d.attributeName("leaseOwner").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                .globalSecondaryIndexes(g -> g.indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH),
                                k -> k.attributeName("leaseKey").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L)))
                .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L))).join();
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
