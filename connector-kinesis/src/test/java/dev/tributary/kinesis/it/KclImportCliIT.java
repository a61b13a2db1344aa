package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * {@code connect-runtime offsets import-kcl} as an operator runs it, in its own JVM: a lease table
 * the KCL's own refresher wrote in dynalite, a stream in kinesis-mock, the file offset store.
 */
@ExtendWith(TestServices.class)
class KclImportCliIT {
    @TempDir
    Path dir;

    @Test
    void dryRunPrintsThePlanThenTheImportWritesAndRefusesToOverwrite(KinesisMock kinesis, Dynalite dynalite)
            throws Exception {
        String stream = "kcl-cli-" + System.nanoTime();
        String app = "pulsar-io-app-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        PutRecordsResultEntry checkpointed = kinesis.putRecord(stream, "k", "one".getBytes(StandardCharsets.UTF_8));
        kinesis.putRecord(stream, "k", "two".getBytes(StandardCharsets.UTF_8));
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            kcl.createLeaseIfNotExists(lease(checkpointed.shardId(),
                    new ExtendedSequenceNumber(checkpointed.sequenceNumber(), 0L)));
            kcl.createLeaseIfNotExists(lease("shardId-000000000042", ExtendedSequenceNumber.TRIM_HORIZON));
        }
        Path worker = Files.writeString(dir.resolve("worker.properties"), "pulsar.service.url=pulsar://127.0.0.1:1\n"
                + "data.dir=" + dir.resolve("data") + "\noffset.store=file\n");
        Map<String, String> config = KinesisItSupport.connector("migrated", kinesis, stream, "persistent://public/default/t");
        config.put("applicationName", app);
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        Path connector = PropertiesFiles.write(dir.resolve("migrated.properties"), config);

        Result dryRun = cli("offsets", "import-kcl", "--worker", worker.toString(), connector.toString(), "--dry-run");
        assertThat(dryRun.code).as(dryRun.output).isZero();
        assertThat(dryRun.output).contains("KCL checkpoint " + checkpointed.sequenceNumber() + ":0",
                "resumes after this record", "shardId-000000000042", "has no shard 'shardId-000000000042'",
                "Dry run: nothing written (1 offset would be written");
        assertThat(export(worker)).doesNotContain(checkpointed.sequenceNumber());

        Result imported = cli("offsets", "import-kcl", "--worker", worker.toString(), connector.toString());
        assertThat(imported.code).as(imported.output).isZero();
        assertThat(imported.output).contains("Imported 1 offset of connector 'migrated' into the file offset store");
        assertThat(export(worker)).contains("\"migrated\"", checkpointed.shardId(), checkpointed.sequenceNumber());

        Result again = cli("offsets", "import-kcl", "--worker", worker.toString(), connector.toString());
        assertThat(again.code).as(again.output).isEqualTo(1);
        assertThat(again.output).contains("already has stored offsets for 1 partition of the 1 to import",
                "nothing written. Add --overwrite to replace them");

        Result overwrite = cli("offsets", "import-kcl", "--worker", worker.toString(), connector.toString(), "--overwrite");
        assertThat(overwrite.code).as(overwrite.output).isZero();
    }

    @Test
    void aMissingLeaseTableFailsInOneLineAndWritesNothing(KinesisMock kinesis, Dynalite dynalite) throws Exception {
        String stream = "kcl-cli-missing-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        Path worker = Files.writeString(dir.resolve("worker.properties"), "pulsar.service.url=pulsar://127.0.0.1:1\n"
                + "data.dir=" + dir.resolve("data") + "\noffset.store=file\n");
        Map<String, String> config = KinesisItSupport.connector("migrated", kinesis, stream, "persistent://public/default/t");
        config.put("applicationName", "no-such-application");
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        Path connector = PropertiesFiles.write(dir.resolve("migrated.properties"), config);

        Result result = cli("offsets", "import-kcl", "--worker", worker.toString(), connector.toString());

        assertThat(result.code).as(result.output).isEqualTo(1);
        assertThat(result.output).contains("error: lease table 'no-such-application' does not exist")
                .doesNotContain("Exception", "\tat ");
        assertThat(export(worker)).doesNotContain("migrated");
    }

    private String export(Path worker) throws Exception {
        Result result = cli("offsets", "export", "--worker", worker.toString());
        assertThat(result.code).as(result.output).isZero();
        return result.output;
    }

    private record Result(int code, String output) {
    }

    private Result cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.tributary.runtime.cli.Main"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "cli-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("connect-runtime " + String.join(" ", args) + " did not finish within 60 s; see " + log);
        }
        return new Result(process.exitValue(), Files.readString(log));
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
