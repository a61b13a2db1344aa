package dev.tributary.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kcl.KclCheckpoint;
import dev.tributary.kinesis.kcl.KclImportException;
import dev.tributary.kinesis.kcl.KclImportPlan;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.FakeKinesisProxy;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.ShardAssignment;
import dev.tributary.kinesis.reader.StartOffsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connector's side of a stream deleted and created again (which shards it assigns, and when it
 * reassigns), and of {@code kclLeaseTable} (when the table is read, and what the tasks get).
 */
class KinesisSourceConnectorTest {
    private static final String STREAM = "orders";

    private final FakeKinesisProxy kinesis = new FakeKinesisProxy().shard("shard-0").shard("shard-1");
    private final Map<SourcePartition, SourceOffset> committed = new HashMap<>();
    private final AtomicInteger reconfigurations = new AtomicInteger();
    private final List<String> kclTablesRead = new ArrayList<>();
    private Supplier<KclImportPlan> kclPlan = () -> {
        throw new AssertionError("no lease table should be read");
    };
    private final KinesisSourceConnector connector =
            new KinesisSourceConnector((props, config) -> SharedClients.acquire(props, kinesis), (config, table) -> {
                kclTablesRead.add(table);
                return kclPlan.get();
            });

    @AfterEach
    void stop() {
        connector.stop();
    }

    @Test
    void endsOfAnEarlierStreamOfTheSameNameDoNotKeepItsShardsFromBeingAssigned() {
        long old = kinesis.created.toEpochMilli();
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.shardEnd("5", 0, old));
        kinesis.recreate();

        start();

        assertThat(assigned()).extracting(ShardAssignment::shardId).containsExactly("shard-0", "shard-1");
        assertThat(assigned()).extracting(ShardAssignment::streamCreatedAt).containsOnly(kinesis.created.toEpochMilli());
    }

    @Test
    void endsOfTheSameStreamAndEndsWithoutACreationTimeOfClosedShardsStillCount() {
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.shardEnd("5", 0, kinesis.created.toEpochMilli()));
        committed.put(KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.shardEnd("7", 0));
        kinesis.close("shard-1");
        kinesis.shard("shard-2");

        start();

        assertThat(assigned()).extracting(ShardAssignment::shardId).containsExactly("shard-2");
    }

    @Test
    void anEndWithoutACreationTimeOfAShardThatIsOpenIsOfAnEarlierStream() {
        // Written before offsets recorded the creation time; a shard ends only once closed, and never opens again.
        committed.put(KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.shardEnd("7", 0));

        start();

        assertThat(assigned()).extracting(ShardAssignment::shardId).containsExactly("shard-0", "shard-1");
        assertThat(assigned()).extracting(ShardAssignment::open).containsOnly(true);
    }

    @Test
    void aStreamCreatedAgainWhileTheConnectorRunsIsReassignedWithItsNewCreationTime() {
        start();
        long first = kinesis.created.toEpochMilli();
        assertThat(assigned()).extracting(ShardAssignment::streamCreatedAt).containsOnly(first);

        connector.rediscover();
        assertThat(reconfigurations).as("nothing changed").hasValue(0);

        // The tasks read both shards to their end before the stream was deleted.
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.shardEnd("5", 0, first));
        committed.put(KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.shardEnd("9", 0, first));
        kinesis.recreate();
        connector.rediscover();

        assertThat(reconfigurations).hasValue(1);
        assertThat(assigned()).extracting(ShardAssignment::shardId).containsExactly("shard-0", "shard-1");
        assertThat(assigned()).extracting(ShardAssignment::streamCreatedAt).containsOnly(kinesis.created.toEpochMilli());

        connector.rediscover();
        assertThat(reconfigurations).as("the new stream is reassigned once").hasValue(1);
    }

    @Test
    void withKclLeaseTableAndNoOffsetsTheTableIsReadOnceAndEachTaskGetsTheImportOfItsShards() {
        long created = kinesis.created.toEpochMilli();
        SourceOffset afterCheckpoint = KinesisOffsets.offset("49590338271490256608559692538361571095921575989136588898", 3,
                created);
        SourceOffset trimHorizon = KinesisOffsets.start(StartPosition.trimHorizon(), created);
        kclPlan = () -> new KclImportPlan(List.of(
                entry("shard-0", KclCheckpoint.parse("49590338271490256608559692538361571095921575989136588898", 3),
                        KclImportPlan.Action.OFFSET, afterCheckpoint),
                entry("shard-1", KclCheckpoint.parse("TRIM_HORIZON", 0), KclImportPlan.Action.START_POSITION, trimHorizon)));

        start(Map.of("kclLeaseTable", "pulsar-io-orders"));

        assertThat(kclTablesRead).containsExactly("pulsar-io-orders");
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertThat(StartOffsets.decode(tasks.get(0).get(KinesisSourceConnector.KCL_START)))
                .containsExactly(Map.entry(KinesisOffsets.partition(STREAM, "shard-0"), afterCheckpoint));
        assertThat(StartOffsets.decode(tasks.get(1).get(KinesisSourceConnector.KCL_START)))
                .containsExactly(Map.entry(KinesisOffsets.partition(STREAM, "shard-1"), trimHorizon));

        // Once a shard has a committed offset, that offset is newer than the KCL's checkpoint.
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset("4959033827149025660855969253836157109592157598913658889900", 0, created));
        tasks = connector.taskConfigs(1);
        assertThat(StartOffsets.decode(tasks.get(0).get(KinesisSourceConnector.KCL_START)))
                .containsOnlyKeys(KinesisOffsets.partition(STREAM, "shard-1"));
        assertThat(kclTablesRead).as("read once").hasSize(1);
    }

    @Test
    void aConnectorWhoseShardsAllHaveOffsetsDoesNotReadItsKclLeaseTable() {
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset("5", 0, kinesis.created.toEpochMilli()));
        committed.put(KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.offset("6", 0, kinesis.created.toEpochMilli()));

        start(Map.of("kclLeaseTable", "pulsar-io-orders"));

        assertThat(kclTablesRead).isEmpty();
        assertThat(connector.taskConfigs(2)).allSatisfy(t -> assertThat(t).doesNotContainKey(KinesisSourceConnector.KCL_START));
    }

    @Test
    void aConnectorStoppedBeforeEveryTaskCommittedItsImportReadsTheTableAgainAndStoredOffsetsWin() {
        long created = kinesis.created.toEpochMilli();
        SourceOffset stored = KinesisOffsets.offset("7", 0, created);
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), stored);
        SourceOffset imported0 = KinesisOffsets.offset("5", 0, created);
        SourceOffset imported1 = KinesisOffsets.offset("6", 0, created);
        kclPlan = () -> new KclImportPlan(List.of(
                entry("shard-0", KclCheckpoint.parse("5", 0), KclImportPlan.Action.OFFSET, imported0),
                entry("shard-1", KclCheckpoint.parse("6", 0), KclImportPlan.Action.OFFSET, imported1)));

        start(Map.of("kclLeaseTable", "pulsar-io-orders"));

        assertThat(kclTablesRead).containsExactly("pulsar-io-orders");
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertThat(tasks.get(0)).as("shard-0's stored offset wins").doesNotContainKey(KinesisSourceConnector.KCL_START);
        assertThat(StartOffsets.decode(tasks.get(1).get(KinesisSourceConnector.KCL_START)))
                .containsExactly(Map.entry(KinesisOffsets.partition(STREAM, "shard-1"), imported1));
    }

    @Test
    void aLeaseTableGoneOnceTheConnectorHasOffsetsDoesNotFailTheStart() {
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset("5", 0, kinesis.created.toEpochMilli()));
        kclPlan = () -> {
            throw new KclImportException("lease table 'pulsar-io-orders' does not exist", null, true);
        };

        start(Map.of("kclLeaseTable", "pulsar-io-orders"));

        assertThat(kclTablesRead).containsExactly("pulsar-io-orders");
        assertThat(connector.taskConfigs(2)).allSatisfy(t -> assertThat(t).doesNotContainKey(KinesisSourceConnector.KCL_START));
    }

    @Test
    void aLeaseTableThatCannotBeReadForAnotherReasonFailsTheStartEvenWithOffsets() {
        // DynamoDB refusing the call may be passing: starting shards without offsets at initialPositionInStream could lose records.
        committed.put(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset("5", 0, kinesis.created.toEpochMilli()));
        kclPlan = () -> {
            throw new KclImportException("could not read lease table 'pulsar-io-orders': throttled");
        };

        assertThatThrownBy(() -> start(Map.of("kclLeaseTable", "pulsar-io-orders")))
                .isInstanceOf(ConnectException.class)
                .hasMessageStartingWith("kclLeaseTable: could not read lease table 'pulsar-io-orders': throttled;");
    }

    @Test
    void withoutKclLeaseTableNoTableIsRead() {
        start();

        assertThat(kclTablesRead).isEmpty();
        assertThat(connector.taskConfigs(1)).allSatisfy(t -> assertThat(t).doesNotContainKey(KinesisSourceConnector.KCL_START));
    }

    @Test
    void aLeaseTableThatCannotBeImportedFailsTheStartWithItsMessageAndTheFix() {
        kclPlan = () -> {
            throw new KclImportException("lease table 'pulsar-io-orders' does not exist at this DynamoDB endpoint and"
                    + " region");
        };

        assertThatThrownBy(() -> start(Map.of("kclLeaseTable", "pulsar-io-orders")))
                .isInstanceOf(ConnectException.class)
                .hasMessage("kclLeaseTable: lease table 'pulsar-io-orders' does not exist at this DynamoDB endpoint and"
                        + " region; nothing was read or written. Fix kclLeaseTable (or remove it to start at"
                        + " initialPositionInStream)");
    }

    private static KclImportPlan.Entry entry(String shard, KclCheckpoint checkpoint, KclImportPlan.Action action,
            SourceOffset offset) {
        return new KclImportPlan.Entry(STREAM, shard, checkpoint, action, KinesisOffsets.partition(STREAM, shard), offset, "");
    }

    private void start() {
        start(Map.of());
    }

    private void start(Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("awsRegion", "us-east-1");
        props.put("awsKinesisStreamName", STREAM);
        // Each test names its own fake, so no two tests share a client; the discovery thread never runs on its own.
        props.put("awsEndpoint", "http://127.0.0.1:1/" + System.identityHashCode(kinesis));
        props.put("shardDiscoveryInterval", "1h");
        props.putAll(extra);
        connector.start(new ConnectorContext() {
            @Override
            public String connectorName() {
                return "orders-to-pulsar";
            }

            @Override
            public void requestTaskReconfiguration() {
                reconfigurations.incrementAndGet();
            }

            @Override
            public void raiseError(Throwable error) {
                throw new AssertionError("the connector raised an error", error);
            }

            @Override
            public OffsetReader offsetReader() {
                return new OffsetReader() {
                    @Override
                    public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
                        Map<SourcePartition, SourceOffset> found = new HashMap<>();
                        partitions.forEach(p -> {
                            if (committed.containsKey(p)) {
                                found.put(p, committed.get(p));
                            }
                        });
                        return found;
                    }

                    @Override
                    public Map<SourcePartition, SourceOffset> allOffsets() {
                        return Map.copyOf(committed);
                    }
                };
            }
        }, props);
    }

    private List<ShardAssignment> assigned() {
        List<Map<String, String>> tasks = connector.taskConfigs(1);
        assertThat(tasks).hasSize(1);
        return ShardAssignment.decode(tasks.get(0).get(KinesisSourceConnector.ASSIGNMENT));
    }
}
