package dev.tributary.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.SdkKinesisProxy;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The connector's own Kinesis proxy, built from connector config the way the source task builds
 * it, against the replay server: what the benchmarks will run.
 */
class SdkKinesisProxyReplayTest {
    /** A factory for the connector config that reads stream "bench" of {@code server}. */
    private static KinesisClientFactory factory(ReplayServer server) {
        return factory(server, "");
    }

    /** As above, with {@code httpClient} set to {@code httpClient} (empty: the connector's choice). */
    private static KinesisClientFactory factory(ReplayServer server, String httpClient) {
        return new KinesisClientFactory(KinesisSourceConfig.from(Map.of(
                "awsEndpoint", server.endpoint().toString(),
                "awsRegion", "us-east-1",
                "awsKinesisStreamName", "bench",
                "awsCredentialPluginParam", "{\"accessKey\":\"test-key\",\"secretKey\":\"test-secret\"}",
                "httpClient", httpClient)));
    }

    @Test
    void listsShardsAndFetchesRecordsThroughTheConnectorsProxy() {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("bench", 4, 30, 200).build());
                KinesisClientFactory factory = factory(server);
                SdkKinesisProxy proxy = new SdkKinesisProxy(factory.kinesisClient())) {
            ReplayStream stream = server.stream("bench");
            StreamRef byName = new StreamRef("bench", null);

            ShardPage page = proxy.listShards(byName, null).join();
            assertThat(page.shards()).extracting(ShardInfo::shardId)
                    .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003");
            assertThat(page.shards()).noneMatch(ShardInfo::isClosed).allMatch(s -> s.parents().isEmpty());
            assertThat(page.nextToken()).isNull();

            String arn = proxy.streamArn(byName).join();
            assertThat(arn).isEqualTo(stream.arn());
            StreamRef byArn = byName.withArn(arn);

            String iterator = proxy.shardIterator(byArn, "shardId-000000000002", StartPosition.trimHorizon()).join();
            FetchResult first = proxy.records(byArn, iterator, 20).join();
            assertThat(first.records()).hasSize(20);
            assertThat(first.shardEnded()).isFalse();
            assertThat(first.millisBehindLatest()).isPositive();
            for (int i = 0; i < 20; i++) {
                KinesisRecord record = first.records().get(i);
                assertThat(record.sequenceNumber()).isEqualTo(stream.sequenceNumber(2, i));
                assertThat(record.partitionKey()).isEqualTo(stream.partitionKey(2, i));
                assertThat(record.data()).isEqualTo(stream.payload(2, i));
                assertThat(record.arrival()).isNotNull();
            }

            FetchResult rest = proxy.records(byArn, first.nextIterator(), 20).join();
            assertThat(rest.records()).hasSize(10);
            assertThat(rest.millisBehindLatest()).isZero();
            FetchResult idle = proxy.records(byArn, rest.nextIterator(), 20).join();
            assertThat(idle.records()).isEmpty();
            assertThat(idle.shardEnded()).as("an open shard that has nothing new").isFalse();

            KinesisRecord fifth = first.records().get(5);
            assertThat(proxy.records(byName, proxy.shardIterator(byName, "shardId-000000000002",
                    StartPosition.afterSequence(fifth.sequenceNumber())).join(), 1).join().records())
                    .extracting(KinesisRecord::sequenceNumber).containsExactly(stream.sequenceNumber(2, 6));
            assertThat(proxy.records(byName, proxy.shardIterator(byName, "shardId-000000000002",
                    StartPosition.atTimestamp(fifth.arrival())).join(), 1).join().records())
                    .extracting(KinesisRecord::sequenceNumber).containsExactly(fifth.sequenceNumber());
        }
    }

    @ParameterizedTest
    @CsvSource({"'', AwsEventLoop", "CRT, AwsEventLoop", "NETTY, kinesis-io-"})
    void aCallCompletesOnTheSharedEventLoopsNotOnACompletionThreadOfTheSdk(String httpClient, String loopThreads) {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("bench", 1, 30, 200).build());
                KinesisClientFactory factory = factory(server, httpClient);
                SdkKinesisProxy proxy = new SdkKinesisProxy(factory.kinesisClient())) {
            StreamRef stream = new StreamRef("bench", null);
            String iterator = proxy.shardIterator(stream, "shardId-000000000000", StartPosition.trimHorizon()).join();
            String caller = Thread.currentThread().getName();
            String completedOn = caller;
            // A stage runs on the caller when the call is done before it is chained: try again then.
            for (int attempt = 0; attempt < 5 && completedOn.equals(caller); attempt++) {
                CompletableFuture<FetchResult> call = proxy.records(stream, iterator, 10);
                completedOn = call.thenApply(result -> Thread.currentThread().getName()).join();
            }
            assertThat(completedOn).startsWith(loopThreads);
        }
    }
}
