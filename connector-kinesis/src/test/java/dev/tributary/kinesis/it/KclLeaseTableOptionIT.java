package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.State;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code kclLeaseTable} when the table cannot be imported, through a real worker: the connector is
 * FAILED with the import's one-line message, no record is read, and no offset is written.
 */
@ExtendWith(TestServices.class)
class KclLeaseTableOptionIT {
    @TempDir
    Path dir;

    @Test
    void aMissingTableFailsTheConnectorWithItsNameAndNothingIsReadOrWritten(PulsarStandalone pulsar, KinesisMock kinesis,
            Dynalite dynalite) throws Exception {
        String stream = "kcl-option-missing-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        kinesis.putRecord(stream, "k", "must-not-arrive".getBytes(StandardCharsets.UTF_8));

        assertFailsAndWritesNothing(pulsar, kinesis, dynalite, stream, "no-such-pulsar-io-app",
                "kclLeaseTable: lease table 'no-such-pulsar-io-app' does not exist at this DynamoDB endpoint");
    }

    @Test
    void aTableOfAnotherApplicationFailsTheConnectorAndNothingIsReadOrWritten(PulsarStandalone pulsar,
            KinesisMock kinesis, Dynalite dynalite) throws Exception {
        String stream = "kcl-option-other-" + System.nanoTime();
        String table = "other-app-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        kinesis.putRecord(stream, "k", "must-not-arrive".getBytes(StandardCharsets.UTF_8));
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, table);
            // A lease of another application's stream, as its KCL keyed it: a shard this stream does not have.
            dynamo.putItem(b -> b.tableName(table).item(Map.of("leaseKey", AttributeValue.fromS("shardId-000000000031"),
                    "checkpoint", AttributeValue.fromS("TRIM_HORIZON"), "leaseCounter", AttributeValue.fromN("1"),
                    "checkpointSubSequenceNumber", AttributeValue.fromN("0")))).join();
        }

        assertFailsAndWritesNothing(pulsar, kinesis, dynalite, stream, table, "kclLeaseTable: lease table '" + table
                + "' has 1 lease, and it is not for a shard of " + stream + ": it looks like another application's table."
                + " Name the lease table of the Pulsar IO source that read this stream");
    }

    private void assertFailsAndWritesNothing(PulsarStandalone pulsar, KinesisMock kinesis, Dynalite dynalite,
            String stream, String table, String message) throws Exception {
        String topic = KinesisItSupport.topic("kcl-option");
        Map<String, String> config = KinesisItSupport.connector("from-kcl", kinesis, stream, topic);
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        config.put("kclLeaseTable", table);
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> runtime.worker().connectorStatus("from-kcl").state() == State.FAILED);
            ConnectorStatus status = runtime.worker().connectorStatus("from-kcl");
            assertThat(status.trace()).as("%s", status).contains(message).contains("nothing was read or written");
            assertThat(status.trace()).doesNotContain("test-secret");
            assertThat(status.tasks()).isEmpty();
            assertThat(reader.readUntil(m -> false, Duration.ofSeconds(3))).isEmpty();
            assertThat(runtime.worker().connectorOffsets("from-kcl")).isEmpty();
        }
    }
}
