package dev.tributary.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.FakeKinesisProxy;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.ShardAssignment;
import dev.tributary.kinesis.reader.StartOffsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task's side of {@code kclLeaseTable}: imported offsets stand in for missing ones and are committed first. */
class KinesisSourceTaskTest {
    private static final String STREAM = "orders";

    private final FakeKinesisProxy kinesis = new FakeKinesisProxy().shard("shard-0").shard("shard-1");
    private final Map<SourcePartition, SourceOffset> committed = new HashMap<>();
    private final List<Map.Entry<SourcePartition, SourceOffset>> commits = new ArrayList<>();
    private final KinesisSourceTask task = new KinesisSourceTask();
    private SharedClients.Lease fake;

    @AfterEach
    void stop() {
        task.stop();
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void importedOffsetsOfShardsWithoutOneAreCommittedAloneInTheFirstPollAndOnlyThere() throws Exception {
        long created = kinesis.created.toEpochMilli();
        SourceOffset imported0 = KinesisOffsets.start(StartPosition.latest(), created);
        SourceOffset imported1 = KinesisOffsets.offset("1000000000000000000000000000", 0, created);
        SourceOffset newer1 = KinesisOffsets.offset("2000000000000000000000000000", 0, created);
        // Committed since the connector planned the import: newer than the KCL's checkpoint, so it stays.
        committed.put(KinesisOffsets.partition(STREAM, "shard-1"), newer1);
        Map<SourcePartition, SourceOffset> imported = new LinkedHashMap<>();
        imported.put(KinesisOffsets.partition(STREAM, "shard-0"), imported0);
        imported.put(KinesisOffsets.partition(STREAM, "shard-1"), imported1);

        start(imported);

        assertThat(task.poll(Duration.ofMillis(50))).as("nothing goes ahead of the imported offsets").isEmpty();
        assertThat(commits).containsExactly(Map.entry(KinesisOffsets.partition(STREAM, "shard-0"), imported0));
        task.poll(Duration.ofMillis(50));
        assertThat(commits).as("committed once").hasSize(1);
    }

    @Test
    void withoutImportedOffsetsTheFirstPollCommitsNothing() throws Exception {
        start(Map.of());

        task.poll(Duration.ofMillis(50));

        assertThat(commits).isEmpty();
    }

    private void start(Map<SourcePartition, SourceOffset> imported) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("awsRegion", "us-east-1");
        props.put("awsKinesisStreamName", STREAM);
        // The task finds this fake under its connector keys, as it would the shared SDK client.
        props.put("awsEndpoint", "http://127.0.0.1:1/" + System.identityHashCode(kinesis));
        fake = SharedClients.acquire(props, kinesis);
        long created = kinesis.created.toEpochMilli();
        Map<String, String> taskConfig = new LinkedHashMap<>(props);
        taskConfig.put(KinesisSourceConnector.ASSIGNMENT, ShardAssignment.encode(List.of(
                new ShardAssignment(STREAM, "", "shard-0", false, List.of(), created, true),
                new ShardAssignment(STREAM, "", "shard-1", false, List.of(), created, true))));
        if (!imported.isEmpty()) {
            taskConfig.put(KinesisSourceConnector.KCL_START, StartOffsets.encode(imported));
        }
        task.start(new SourceTaskContext() {
            @Override
            public String connectorName() {
                return "orders-to-pulsar";
            }

            @Override
            public int taskId() {
                return 0;
            }

            @Override
            public Map<String, String> config() {
                return taskConfig;
            }

            @Override
            public OffsetReader offsetReader() {
                return new OffsetReader() {
                    @Override
                    public Map<SourcePartition, SourceOffset> offsets(Collection<SourcePartition> partitions) {
                        Map<SourcePartition, SourceOffset> found = new HashMap<>();
                        partitions.stream().filter(committed::containsKey).forEach(p -> found.put(p, committed.get(p)));
                        return found;
                    }

                    @Override
                    public Map<SourcePartition, SourceOffset> allOffsets() {
                        return Map.copyOf(committed);
                    }
                };
            }

            @Override
            public void commitOffset(SourcePartition partition, SourceOffset offset) {
                commits.add(Map.entry(partition, offset));
            }
        });
    }
}
