package dev.tributary.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.kcl.KclImportPlan.Action;
import dev.tributary.kinesis.kcl.KclImportPlan.StreamShards;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.TestServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.LeaseSerializer;
import software.amazon.kinesis.leases.MultiStreamLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.DynamoDBMultiStreamLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * Lease tables written by the KCL's own lease refresher and serializers (KCL 3, the table created
 * with its owner index as KCL 3 creates it), in dynalite, read back by {@link KclLeaseTable}.
 */
@ExtendWith(TestServices.class)
class KclLeaseTableIT {
    private static final String SEQ_A = "49590338271490256608559692538361571095921575989136588898";
    private static final String SEQ_B = "49590338271490256608559692540925702759324208523137515618";
    private static final long CREATED_MILLIS = 1_700_000_000_000L;

    private static DynamoDbAsyncClient dynamo;

    @BeforeAll
    static void connect(Dynalite dynalite) {
        dynamo = dynalite.newAsyncClient();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @Test
    void readsEachCheckpointTheKclWroteAndPlansItsOffset() throws Exception {
        String table = kcl3Table("app-" + System.nanoTime());
        DynamoDBLeaseRefresher kcl = refresher(table, new DynamoDBLeaseSerializer());
        kcl.createLeaseIfNotExists(lease("shardId-000000000000", ExtendedSequenceNumber.SHARD_END, List.of()));
        kcl.createLeaseIfNotExists(lease("shardId-000000000001", new ExtendedSequenceNumber(SEQ_A, 0L), List.of()));
        kcl.createLeaseIfNotExists(lease("shardId-000000000002", new ExtendedSequenceNumber(SEQ_B, 3L), List.of()));
        kcl.createLeaseIfNotExists(lease("shardId-000000000003", ExtendedSequenceNumber.TRIM_HORIZON,
                List.of("shardId-000000000000")));
        kcl.createLeaseIfNotExists(lease("shardId-000000000004", ExtendedSequenceNumber.LATEST, List.of()));
        kcl.createLeaseIfNotExists(lease("shardId-000000000099", new ExtendedSequenceNumber(SEQ_A, 0L), List.of()));
        // The KCL reads its own items back as written: the test is of real lease items.
        assertThat(kcl.getCheckpoint("shardId-000000000002")).isEqualTo(new ExtendedSequenceNumber(SEQ_B, 3L));

        List<KclLease> leases = new KclLeaseTable(dynamo).read(table);
        KclImportPlan plan = KclImportPlan.of(leases, Optional.of("orders"), Map.of("orders", new StreamShards(CREATED_MILLIS,
                Set.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003",
                        "shardId-000000000004"))), Optional.empty());

        assertThat(leases).hasSize(6);
        assertThat(leases).filteredOn(l -> l.shardId().equals("shardId-000000000003")).singleElement()
                .satisfies(l -> assertThat(l.parentShardIds()).containsExactly("shardId-000000000000"));
        Map<String, KclImportPlan.Entry> byShard = new java.util.HashMap<>();
        plan.entries().forEach(e -> byShard.put(e.shardId(), e));
        assertThat(byShard.get("shardId-000000000000").action()).isEqualTo(Action.SHARD_FINISHED);
        assertThat(byShard.get("shardId-000000000001").offset()).isEqualTo(KinesisOffsets.offset(SEQ_A, 0, CREATED_MILLIS));
        assertThat(byShard.get("shardId-000000000002").offset()).isEqualTo(KinesisOffsets.offset(SEQ_B, 3, CREATED_MILLIS));
        assertThat(byShard.get("shardId-000000000003").action()).isEqualTo(Action.START_POSITION);
        assertThat(byShard.get("shardId-000000000003").note()).contains("once its parents are finished");
        assertThat(byShard.get("shardId-000000000004").action()).isEqualTo(Action.START_POSITION);
        assertThat(byShard.get("shardId-000000000099").action()).isEqualTo(Action.SKIPPED_UNKNOWN_SHARD);
        assertThat(byShard.get("shardId-000000000004").offset())
                .isEqualTo(KinesisOffsets.start(StartPosition.latest(), CREATED_MILLIS));
        assertThat(plan.offsets()).hasSize(5);
    }

    @Test
    void readsMultiStreamLeaseKeys() throws Exception {
        String table = kcl3Table("multi-" + System.nanoTime());
        DynamoDBLeaseRefresher kcl = refresher(table, new DynamoDBMultiStreamLeaseSerializer());
        String streamIdentifier = "123456789012:orders:" + CREATED_MILLIS / 1000;
        MultiStreamLease lease = new MultiStreamLease();
        lease.streamIdentifier(streamIdentifier);
        lease.shardId("shardId-000000000001");
        lease.leaseKey(MultiStreamLease.getLeaseKey(streamIdentifier, "shardId-000000000001"));
        lease.checkpoint(new ExtendedSequenceNumber(SEQ_A, 2L));
        lease.leaseCounter(1L);
        lease.ownerSwitchesSinceCheckpoint(0L);
        lease.parentShardIds(List.of());
        kcl.createLeaseIfNotExists(lease);

        List<KclLease> leases = new KclLeaseTable(dynamo).read(table);

        assertThat(leases).singleElement().satisfies(l -> {
            assertThat(l.leaseKey()).isEqualTo(streamIdentifier + ":shardId-000000000001");
            assertThat(l.stream()).contains("orders");
            assertThat(l.streamCreationEpochSeconds()).isEqualTo(CREATED_MILLIS / 1000);
            assertThat(l.shardId()).isEqualTo("shardId-000000000001");
            assertThat(l.checkpoint()).isEqualTo(KclCheckpoint.parse(SEQ_A, 2));
        });
    }

    @Test
    void aMissingTableIsNamedWithTheFix() {
        assertThatThrownBy(() -> new KclLeaseTable(dynamo).read("no-such-app"))
                .isInstanceOf(KclImportException.class)
                .hasMessageStartingWith("lease table 'no-such-app' does not exist")
                .hasMessageContaining("applicationName")
                .matches(e -> ((KclImportException) e).tableMissing(), "tells that the table is missing");
    }

    @Test
    void aTableThatIsNotALeaseTableIsRefused() {
        String table = "other-" + System.nanoTime();
        dynamo.createTable(b -> b.tableName(table)
                .attributeDefinitions(d -> d.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L))).join();
        Dynalite.awaitActive(dynamo, table);

        assertThatThrownBy(() -> new KclLeaseTable(dynamo).read(table))
                .isInstanceOf(KclImportException.class)
                .hasMessageContaining("is not a KCL lease table: its key is [id (HASH)]")
                .matches(e -> !((KclImportException) e).tableMissing(), "is not taken for a missing table");
    }

    @Test
    void anEmptyLeaseTableHasNoLeases() {
        assertThat(new KclLeaseTable(dynamo).read(kcl3Table("empty-" + System.nanoTime()))).isEmpty();
    }

    /** The lease table as KCL 3 creates it; dynalite cannot add the index later (see the test-services notes). */
    private static String kcl3Table(String name) {
        Dynalite.createKcl3LeaseTable(dynamo, name);
        return name;
    }

    private static DynamoDBLeaseRefresher refresher(String table, LeaseSerializer serializer) {
        return new DynamoDBLeaseRefresher(table, dynamo, serializer, true, TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK,
                Duration.ofSeconds(10), new DdbTableConfig(), false, false, List.of());
    }

    private static Lease lease(String shardId, ExtendedSequenceNumber checkpoint, List<String> parents) {
        Lease lease = KclImportPlanTest.lease(shardId, checkpoint);
        lease.parentShardIds(parents);
        return lease;
    }
}
