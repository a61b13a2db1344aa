package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.offsets.FileOffsetStore;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Delivered;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * Issue 16's durability gap, through a real worker process: a worker that imported {@code kclLeaseTable}
 * is SIGKILLed before its first offset commit, and only one task's commit made it to the store (written
 * here while the worker is down, as the runtime would have). With {@code initialPositionInStream=LATEST}
 * the next start must read the table again for the shard without an offset, or its records are lost.
 */
@ExtendWith(TestServices.class)
class KclImportCrashIT {
    private static final String CONNECTOR = "kcl-crash";
    private static final int BEFORE = 400;

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledBeforeEveryTaskCommittedTheImportLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis,
            Dynalite dynalite) throws Exception {
        String stream = "kcl-crash-" + System.nanoTime();
        String app = "pulsar-io-crash-" + System.nanoTime();
        kinesis.createStream(stream, 2);
        Map<String, List<Put>> byShard = new LinkedHashMap<>();
        put(kinesis, stream, "before-", BEFORE, byShard);
        assertThat(byShard).hasSize(2);

        // The KCL checkpointed the middle record of each shard.
        DeliveryAccounting accounting = new DeliveryAccounting();
        Map<String, Put> checkpoints = new LinkedHashMap<>();
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            for (Map.Entry<String, List<Put>> shard : byShard.entrySet()) {
                List<Put> puts = shard.getValue();
                Put checkpoint = puts.get(puts.size() / 2);
                checkpoints.put(shard.getKey(), checkpoint);
                kcl.createLeaseIfNotExists(lease(shard.getKey(), checkpoint.sequenceNumber()));
                puts.subList(puts.size() / 2 + 1, puts.size()).forEach(p -> accounting.written(p.value(), shard.getKey()));
            }
        }

        String topic = KinesisItSupport.topic("kcl-crash");
        Path data = dir.resolve("data");
        Path worker = dir.resolve("worker.properties");
        Files.writeString(worker, "pulsar.service.url=" + pulsar.serviceUrl() + "\nlisteners=http://127.0.0.1:0\n"
                + "data.dir=" + data + "\n");
        Map<String, String> config = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        config.put("kclLeaseTable", app);
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        // Anything not imported starts at the end of the stream: a shard that misses its import loses records.
        config.put("initialPositionInStream", "LATEST");
        // No commit before the kill.
        config.put("checkpointInterval", "600s");
        Path connectorFile = PropertiesFiles.write(dir.resolve("kinesis.properties"), config);

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("first.log"));
            reader.readUntil(m -> m.size() >= accounting.writtenCount(), Duration.ofSeconds(180));
            first.kill();
            assertThat(storedOffsets(data)).as("killed before the first commit").isEmpty();

            // One task's commit got through: shard A at its last record. Shard B has no offset.
            String shardA = byShard.keySet().iterator().next();
            List<Put> putsA = byShard.get(shardA);
            long created = kinesis.helperClient().describeStreamSummary(b -> b.streamName(stream)).join()
                    .streamDescriptionSummary().streamCreationTimestamp().toEpochMilli();
            try (FileOffsetStore store = new FileOffsetStore(data.resolve("offsets.json"), new OffsetCodec())) {
                store.write(CONNECTOR, Map.of(KinesisOffsets.partition(stream, shardA),
                        KinesisOffsets.offset(putsA.get(putsA.size() - 1).sequenceNumber(), 0, created)));
            }
            // Records arrive while the worker is down.
            Map<String, List<Put>> whileDown = new LinkedHashMap<>();
            put(kinesis, stream, "down-", 100, whileDown);
            whileDown.forEach((shard, puts) -> puts.forEach(p -> accounting.written(p.value(), shard)));
            int beforeRestart = reader.readToEnd(Duration.ofSeconds(10)).size();

            WorkerProcess second = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("second.log"));
            // Shard B again from its KCL checkpoint, shard A after its commit, and the records put while down.
            List<Put> putsB = byShard.entrySet().stream().filter(e -> !e.getKey().equals(shardA)).findFirst()
                    .orElseThrow().getValue();
            int expected = beforeRestart + putsB.size() - (putsB.size() / 2 + 1) + 100;
            reader.readUntil(m -> m.size() >= expected, Duration.ofSeconds(180));
            reader.readUntil(m -> false, Duration.ofSeconds(2));
            second.terminate();
            List<Message<byte[]>> messages = List.copyOf(reader.messages());
            Report report = accounting.check(messages, KclImportCrashIT::delivered);

            assertThat(report.exact()).as("every record after the KCL checkpoints, nothing before: %s; see %s", report, dir)
                    .isTrue();
            assertThat(report.duplicateIds()).as("only shard B's uncommitted import is read twice")
                    .allMatch(id -> !putsA.stream().anyMatch(p -> p.value().equals(id)));
            assertThat(Files.readString(dir.resolve("second.log"))).contains("so kclLeaseTable '" + app + "' is read again");
        }
    }

    private static Map<?, ?> storedOffsets(Path data) throws Exception {
        Path file = data.resolve("offsets.json");
        if (!Files.exists(file)) {
            return Map.of();
        }
        try (FileOffsetStore store = new FileOffsetStore(file, new OffsetCodec())) {
            return store.readAll(CONNECTOR);
        }
    }

    private static Delivered delivered(Message<byte[]> m) {
        return new Delivered(new String(m.getValue(), StandardCharsets.UTF_8), m.getProperty("kinesis.shard.id"));
    }

    private record Put(String sequenceNumber, String value) {
    }

    /** Puts {@code count} records; each shard's list is in the shard's order, as one PutRecords keeps it. */
    private static void put(KinesisMock kinesis, String stream, String prefix, int count, Map<String, List<Put>> byShard) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                    .data(SdkBytes.fromUtf8String(prefix + i)).build());
        }
        List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
        for (int i = 0; i < count; i++) {
            byShard.computeIfAbsent(results.get(i).shardId(), s -> new ArrayList<>())
                    .add(new Put(results.get(i).sequenceNumber(), prefix + i));
        }
    }

    private static Lease lease(String shardId, String sequenceNumber) {
        Lease lease = new Lease();
        lease.leaseKey(shardId);
        lease.checkpoint(new ExtendedSequenceNumber(sequenceNumber, 0L));
        lease.leaseCounter(1L);
        lease.ownerSwitchesSinceCheckpoint(0L);
        lease.parentShardIds(List.of());
        return lease;
    }
}
