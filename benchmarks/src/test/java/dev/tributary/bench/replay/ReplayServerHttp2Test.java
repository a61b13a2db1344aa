package dev.tributary.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.Http2Configuration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The HTTP/2 endpoint through a client built as the KCL builds its own ({@code KinesisClientUtil}:
 * Netty, {@code Protocol.HTTP2}, a 512 KiB stream window): the calls the KCL makes before and while
 * it polls, and responses larger than the window, several at once on one connection.
 */
class ReplayServerHttp2Test {
    private static final String STREAM = "peer";
    private static final int SHARDS = 4;
    private static final int RECORDS = 3000;
    private static final int PAYLOAD = 1024;

    private static ReplayServer server;
    private static KinesisAsyncClient client;

    @BeforeAll
    static void start() {
        server = ReplayServer.start(ReplayConfig.builder().stream(STREAM, SHARDS, RECORDS, PAYLOAD).http2(true).build());
        client = KinesisAsyncClient.builder()
                .endpointOverride(server.http2Endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Integer.MAX_VALUE)
                        .http2Configuration(Http2Configuration.builder().initialWindowSize(512 * 1024).build())
                        .protocol(Protocol.HTTP2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stop() {
        try (ReplayServer s = server; KinesisAsyncClient c = client) {
            // Closed in reverse order.
        }
    }

    @Test
    void theCallsOfTheKclBeforeItPollsAreAnswered() {
        assertThat(client.describeStreamSummary(b -> b.streamName(STREAM)).join().streamDescriptionSummary().openShardCount())
                .isEqualTo(SHARDS);
        assertThat(client.listShards(b -> b.streamName(STREAM)
                .shardFilter(f -> f.type(ShardFilterType.AT_TRIM_HORIZON))).join().shards())
                .extracting(s -> s.shardId())
                .containsExactly(ReplayStream.shardId(0), ReplayStream.shardId(1), ReplayStream.shardId(2),
                        ReplayStream.shardId(3));
    }

    @Test
    void responsesLargerThanTheStreamWindowArriveWholeAndEqualToWhatWasGenerated() {
        ReplayStream stream = server.stream(STREAM);
        List<CompletableFuture<GetRecordsResponse>> reads = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            int s = shard;
            reads.add(client.getShardIterator(b -> b.streamARN(stream.arn()).shardId(ReplayStream.shardId(s))
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .thenCompose(it -> client.getRecords(b -> b.shardIterator(it.shardIterator()).limit(10_000))));
        }
        for (int shard = 0; shard < SHARDS; shard++) {
            List<Record> records = reads.get(shard).join().records();
            assertThat(records).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                assertThat(records.get(i).sequenceNumber()).isEqualTo(stream.sequenceNumber(shard, i));
                assertThat(records.get(i).data().asByteArray()).isEqualTo(stream.payload(shard, i));
            }
        }
        assertThat(server.stats().recordsServed()).isGreaterThanOrEqualTo((long) SHARDS * RECORDS);
    }

    @Test
    void errorsKeepTheirKinesisType() {
        assertThatThrownBy(() -> client.describeStreamSummary(b -> b.streamName("absent")).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aServerWithoutHttp2SaysHowToGetIt() {
        try (ReplayServer plain = ReplayServer.start(ReplayConfig.builder().stream(STREAM, 1, 1, 1).build())) {
            assertThatThrownBy(plain::http2Endpoint).isInstanceOf(IllegalStateException.class).hasMessageContaining("http2(true)");
        }
    }
}
