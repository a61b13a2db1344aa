package dev.tributary.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The modes a benchmark turns on: Kinesis's per-shard limits, arrivals at a steady rate, payload
 * stamps, and streams of many shards. Time is moved by hand, so nothing here depends on how fast
 * this machine is.
 */
class ReplayServerModesTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static String trimHorizon(KinesisAsyncClient kinesis, String stream, int shard) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(ReplayStream.shardId(shard))
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
    }

    private static GetRecordsResponse get(KinesisAsyncClient kinesis, String iterator, Integer limit) {
        return kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit)).join();
    }

    @Test
    void throttlesAShardPastFiveCallsASecond() {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("s", 2, 1000, 10)
                .perShardLimits(true).nanoTime(now::get).build());
                KinesisAsyncClient kinesis = SdkClients.async(server.endpoint())) {
            String iterator = trimHorizon(kinesis, "s", 0);
            for (int i = 0; i < 5; i++) {
                assertThat(get(kinesis, iterator, 1).records()).hasSize(1);
            }
            assertThatThrownBy(() -> get(kinesis, iterator, 1)).cause()
                    .isInstanceOf(ProvisionedThroughputExceededException.class)
                    .hasMessageContaining("Rate exceeded for shard shardId-000000000000 in stream s")
                    .satisfies(e -> assertThat(((ProvisionedThroughputExceededException) e).statusCode()).isEqualTo(400));

            String otherShard = trimHorizon(kinesis, "s", 1);
            assertThat(get(kinesis, otherShard, 1).records()).as("limits are per shard").hasSize(1);

            advance(Duration.ofMillis(200));
            assertThat(get(kinesis, iterator, 1).records()).as("a fifth of a second brings one call back").hasSize(1);
            assertThat(server.stats().throttledCalls()).isEqualTo(1);
            assertThat(server.stats().getRecordsCalls()).isEqualTo(7);
        }
    }

    @Test
    void throttlesAShardAfterALargeReadUntilItsTwoMebibytesASecondCatchUp() {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("s", 1, 30, 1 << 20)
                .perShardLimits(true).nanoTime(now::get).build());
                KinesisAsyncClient kinesis = SdkClients.async(server.endpoint())) {
            String iterator = trimHorizon(kinesis, "s", 0);
            GetRecordsResponse big = get(kinesis, iterator, null);
            assertThat(big.records()).as("10 MiB are served at once").hasSize(10);

            advance(Duration.ofSeconds(1));
            assertThatThrownBy(() -> get(kinesis, big.nextShardIterator(), 1)).cause()
                    .isInstanceOf(ProvisionedThroughputExceededException.class);
            advance(Duration.ofMillis(2900));
            assertThatThrownBy(() -> get(kinesis, big.nextShardIterator(), 1)).as("8 MiB of debt take 4 s").cause()
                    .isInstanceOf(ProvisionedThroughputExceededException.class);
            advance(Duration.ofMillis(200));
            assertThat(get(kinesis, big.nextShardIterator(), 1).records()).hasSize(1);
            assertThat(server.stats().throttledCalls()).isEqualTo(2);
        }
    }

    @Test
    void recordsArriveAtTheConfiguredRateOnceArrivalsStart() {
        // 100-byte records at 1000 bytes/s: one every 100 ms.
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("live", 2, 50, 100)
                .perShardBytesPerSecond(1000).deferArrivals(true).nanoTime(now::get).build());
                KinesisAsyncClient kinesis = SdkClients.async(server.endpoint())) {
            ReplayStream stream = server.stream("live");
            String iterator = trimHorizon(kinesis, "live", 1);
            GetRecordsResponse before = get(kinesis, iterator, null);
            assertThat(before.records()).as("nothing before startArrivals()").isEmpty();
            assertThat(before.nextShardIterator()).isNotNull();

            assertThat(server.startArrivals()).isTrue();
            assertThat(server.startArrivals()).as("only the first call starts them").isFalse();
            advance(Duration.ofMillis(950));
            GetRecordsResponse first = get(kinesis, before.nextShardIterator(), 4);
            assertThat(first.records()).extracting(Record::sequenceNumber)
                    .containsExactly(stream.sequenceNumber(1, 0), stream.sequenceNumber(1, 1), stream.sequenceNumber(1, 2),
                            stream.sequenceNumber(1, 3));
            assertThat(Duration.between(first.records().get(0).approximateArrivalTimestamp(),
                    first.records().get(3).approximateArrivalTimestamp())).isEqualTo(Duration.ofMillis(300));
            assertThat(first.millisBehindLatest()).as("record 4 arrived 550 ms ago").isEqualTo(550);

            GetRecordsResponse rest = get(kinesis, first.nextShardIterator(), null);
            assertThat(rest.records()).as("10 records by 950 ms: 0 to 9").hasSize(6);
            assertThat(rest.millisBehindLatest()).isZero();
            assertThat(get(kinesis, rest.nextShardIterator(), null).records()).isEmpty();

            String latest = kinesis.getShardIterator(b -> b.streamName("live").shardId("shardId-000000000001")
                    .shardIteratorType(ShardIteratorType.LATEST)).join().shardIterator();
            advance(Duration.ofMillis(100));
            assertThat(get(kinesis, latest, null).records()).extracting(Record::sequenceNumber)
                    .as("LATEST sees only what arrives after it").containsExactly(stream.sequenceNumber(1, 10));

            Record third = first.records().get(2);
            String atTimestamp = kinesis.getShardIterator(b -> b.streamName("live").shardId("shardId-000000000001")
                    .shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                    .timestamp(third.approximateArrivalTimestamp().minusMillis(50))).join().shardIterator();
            assertThat(get(kinesis, atTimestamp, 1).records()).extracting(Record::sequenceNumber)
                    .containsExactly(third.sequenceNumber());

            advance(Duration.ofSeconds(60));
            assertThat(get(kinesis, rest.nextShardIterator(), null).records()).as("all 50 have arrived").hasSize(40);
        }
    }

    @Test
    void stampsEveryPayloadWithTheNanoTimeOfItsResponse() {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("s", 1, 20, 64)
                .stampPayloads(true).build())) {
            ReplayStream stream = server.stream("s");
            for (boolean cbor : new boolean[] {true, false}) {
                try (KinesisAsyncClient kinesis = SdkClients.async(server.endpoint(), cbor, new SdkClients.ContentTypes())) {
                    String iterator = trimHorizon(kinesis, "s", 0);
                    long before = System.nanoTime();
                    List<Record> records = kinesis.getRecords(b -> b.shardIterator(iterator)).join().records();
                    long after = System.nanoTime();
                    assertThat(records).hasSize(20);
                    long arrived = ByteBuffer.wrap(records.get(0).data().asByteArray()).getLong(8);
                    assertThat(arrived).as("a backlog arrived as the server started").isLessThan(before);
                    for (int i = 0; i < records.size(); i++) {
                        byte[] data = records.get(i).data().asByteArray();
                        assertThat(ByteBuffer.wrap(data).getLong()).isBetween(before, after);
                        assertThat(ByteBuffer.wrap(data).getLong(8)).as("arrival").isEqualTo(arrived);
                        assertThat(Arrays.copyOfRange(data, 16, 64)).as("the rest is the record's own")
                                .isEqualTo(Arrays.copyOfRange(stream.payload(0, i), 16, 64));
                    }
                }
            }
        }
    }

    @Test
    void refusesToStampPayloadsShorterThanTheStamp() {
        assertThatThrownBy(() -> ReplayConfig.builder().stream("s", 1, 1, 7).stampPayloads(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stampPayloads needs payloads of at least 8 bytes, but stream s has 7");
    }

    @Test
    void servesAThousandIdleShardsAndReadsTwoHundredFiftySixAtOnce() {
        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
                .stream("idle", 1000, 0, 1)
                .stream("wide", 256, 3, 32)
                .build());
                KinesisAsyncClient kinesis = SdkClients.async(server.endpoint())) {
            assertThat(kinesis.listShards(b -> b.streamName("idle")).join().shards()).hasSize(1000);
            String last = trimHorizon(kinesis, "idle", 999);
            GetRecordsResponse idle = get(kinesis, last, null);
            assertThat(idle.records()).isEmpty();
            assertThat(idle.nextShardIterator()).isNotNull();
            assertThat(server.stats().emptyResponses()).isEqualTo(1);

            List<CompletableFuture<Integer>> reads = IntStream.range(0, 256)
                    .mapToObj(shard -> kinesis.getShardIterator(b -> b.streamName("wide").shardId(ReplayStream.shardId(shard))
                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                            .thenCompose(r -> kinesis.getRecords(b -> b.shardIterator(r.shardIterator())))
                            .thenApply(r -> r.records().size()))
                    .toList();
            assertThat(reads).extracting(CompletableFuture::join).containsOnly(3);
            ReplayStats stats = server.stats();
            assertThat(stats.recordsServed()).isEqualTo(768);
            assertThat(stats.bytesServed()).isEqualTo(768 * 32);
            assertThat(stats.calls("GetShardIterator")).isEqualTo(257);
            assertThat(stats.calls("ListShards")).isEqualTo(1);
            assertThat(stats.serverCpuNanos()).isPositive();
        }
    }
}
