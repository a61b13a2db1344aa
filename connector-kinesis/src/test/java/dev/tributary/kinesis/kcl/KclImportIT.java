package dev.tributary.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.kcl.KclImportPlan.Action;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.kinesis.common.DdbTableConfig;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.TableCreatorCallback;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/**
 * The import's plan from a connector config alone: the lease table in dynalite, written by the KCL's
 * own refresher, and the stream in kinesis-mock, both reached with the connector's keys.
 */
@ExtendWith(TestServices.class)
class KclImportIT {

    @Test
    void plansFromTheConnectorConfigWithRealSequenceNumbers(KinesisMock kinesis, Dynalite dynalite) throws Exception {
        String stream = "kcl-import-" + System.nanoTime();
        String app = "pulsar-io-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        PutRecordsResultEntry first = kinesis.putRecord(stream, "k", "one".getBytes(StandardCharsets.UTF_8));
        kinesis.putRecord(stream, "k", "two".getBytes(StandardCharsets.UTF_8));
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            kcl.createLeaseIfNotExists(lease(first.shardId(), new ExtendedSequenceNumber(first.sequenceNumber(), 0L)));
            kcl.createLeaseIfNotExists(lease("shardId-000000000007", new ExtendedSequenceNumber(first.sequenceNumber(), 0L)));
        }
        Map<String, String> config = config(kinesis, dynalite, stream, app);

        KclImportPlan plan;
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(config))) {
            plan = KclImport.plan(factory, Optional.empty());
        }

        assertThat(plan.entries()).extracting(KclImportPlan.Entry::action)
                .containsExactly(Action.OFFSET, Action.SKIPPED_UNKNOWN_SHARD);
        assertThat(plan.offsets()).containsOnlyKeys(KinesisOffsets.partition(stream, first.shardId()));
        assertThat(plan.offsets().values()).singleElement().satisfies(offset -> {
            assertThat(offset.getString(KinesisOffsets.SEQUENCE_NUMBER)).isEqualTo(first.sequenceNumber());
            assertThat(offset.getLong(KinesisOffsets.SUB_SEQUENCE_NUMBER, -1)).isZero();
            assertThat(offset.getLong(KinesisOffsets.STREAM_CREATED_AT, 0)).isPositive();
        });
    }

    @Test
    void aTableOfAnotherApplicationIsRefused(KinesisMock kinesis, Dynalite dynalite) throws Exception {
        String stream = "kcl-other-" + System.nanoTime();
        String app = "other-app-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
            DynamoDBLeaseRefresher kcl = new DynamoDBLeaseRefresher(app, dynamo, new DynamoDBLeaseSerializer(), true,
                    TableCreatorCallback.NOOP_TABLE_CREATOR_CALLBACK, Duration.ofSeconds(10), new DdbTableConfig(),
                    false, false, List.of());
            kcl.createLeaseIfNotExists(lease("shardId-000000000031", ExtendedSequenceNumber.TRIM_HORIZON));
            kcl.createLeaseIfNotExists(lease("shardId-000000000032", ExtendedSequenceNumber.SHARD_END));
        }
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(
                config(kinesis, dynalite, stream, app)))) {
            assertThatThrownBy(() -> KclImport.plan(factory, Optional.empty()))
                    .isInstanceOf(KclImportException.class)
                    .hasMessage("lease table '" + app + "' has 2 leases, and none is for a shard of " + stream + ": it"
                            + " looks like another application's table. Set applicationName to the Pulsar IO source's"
                            + " (or name the table with --from)");
        }
    }

    @Test
    void aMissingTableOrStreamIsNamed(KinesisMock kinesis, Dynalite dynalite) {
        String stream = "kcl-missing-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(
                config(kinesis, dynalite, stream, "no-such-app")))) {
            assertThatThrownBy(() -> KclImport.plan(factory, Optional.empty()))
                    .isInstanceOf(KclImportException.class)
                    .hasMessageStartingWith("lease table 'no-such-app' does not exist");
        }
        String app = "app-" + System.nanoTime();
        try (DynamoDbAsyncClient dynamo = dynalite.newAsyncClient()) {
            Dynalite.createKcl3LeaseTable(dynamo, app);
        }
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(
                config(kinesis, dynalite, "no-such-stream", app)))) {
            assertThatThrownBy(() -> KclImport.plan(factory, Optional.empty()))
                    .isInstanceOf(KclImportException.class)
                    .hasMessageStartingWith("stream 'no-such-stream' does not exist");
        }
    }

    private static Map<String, String> config(KinesisMock kinesis, Dynalite dynalite, String stream, String app) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("awsEndpoint", kinesis.endpoint().toString());
        config.put("dynamoEndpoint", dynalite.endpoint().toString());
        config.put("awsRegion", kinesis.region().id());
        config.put("awsKinesisStreamName", stream);
        config.put("applicationName", app);
        config.put("awsCredentialPluginParam", "{\"accessKey\":\"test-key\",\"secretKey\":\"test-secret\"}");
        return config;
    }

    private static Lease lease(String shardId, ExtendedSequenceNumber checkpoint) {
        return KclImportPlanTest.lease(shardId, checkpoint);
    }
}
