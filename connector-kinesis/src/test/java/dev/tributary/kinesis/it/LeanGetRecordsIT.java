package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.kpl.KplAggregator;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.LeanGetRecords;
import dev.tributary.kinesis.proxy.SdkKinesisProxy;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.core.SdkBytes;

/**
 * The connector's GetRecords reader against the SDK's, on the bytes a real Kinesis emulator sends:
 * the same shard iterators read through a client with {@link LeanGetRecords} and one without must
 * give equal records (binary payloads, KPL aggregates, a payload near 1 MiB, keys outside ASCII),
 * and every answer must have been read by the connector's reader, not left to the SDK.
 */
@ExtendWith(TestServices.class)
class LeanGetRecordsIT {
    @Test
    void theEmulatorsResponsesReadAsTheSdkReadsThem(KinesisMock kinesis) throws Exception {
        String stream = "lean-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        Random random = new Random(42);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[1 + random.nextInt(i % 10 == 0 ? 20_000 : 300)];
            random.nextBytes(data);
            entries.add(PutRecordsRequestEntry.builder().partitionKey("clé-" + i + "-\u4e2d\uD83D\uDE00")
                    .data(SdkBytes.fromByteArray(data)).build());
        }
        List<KplAggregator.Entry> users = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            users.add(new KplAggregator.Entry("user-" + u, ("user record " + u).getBytes(StandardCharsets.UTF_8)));
        }
        entries.add(PutRecordsRequestEntry.builder().partitionKey("aggregate")
                .data(SdkBytes.fromByteArray(KplAggregator.aggregate(users))).build());
        byte[] large = new byte[900 * 1024];
        random.nextBytes(large);
        entries.add(PutRecordsRequestEntry.builder().partitionKey("large").data(SdkBytes.fromByteArray(large)).build());
        for (int from = 0; from < entries.size(); from += 100) {
            kinesis.putRecords(stream, entries.subList(from, Math.min(entries.size(), from + 100)));
        }

        AtomicInteger leftToSdk = new AtomicInteger();
        StreamRef ref = new StreamRef(stream, null);
        try (SdkKinesisProxy lean = new SdkKinesisProxy(client(kinesis, new LeanGetRecords(), new CountSdkReads(leftToSdk)));
                SdkKinesisProxy sdk = new SdkKinesisProxy(client(kinesis))) {
            String shard = lean.listShards(ref, null).get(30, TimeUnit.SECONDS).shards().get(0).shardId();
            String iterator = lean.shardIterator(ref, shard, StartPosition.trimHorizon()).get(30, TimeUnit.SECONDS);
            List<KinesisRecord> read = new ArrayList<>();
            int calls = 0;
            while (read.size() < entries.size() && calls++ < 100) {
                // A small limit, so that the records come in several answers.
                FetchResult viaLean = lean.records(ref, iterator, 37).get(60, TimeUnit.SECONDS);
                FetchResult viaSdk = sdk.records(ref, iterator, 37).get(60, TimeUnit.SECONDS);
                assertThat(viaLean.records()).hasSameSizeAs(viaSdk.records());
                for (int i = 0; i < viaSdk.records().size(); i++) {
                    KinesisRecord l = viaLean.records().get(i);
                    KinesisRecord s = viaSdk.records().get(i);
                    assertThat(l.sequenceNumber()).isEqualTo(s.sequenceNumber());
                    assertThat(l.partitionKey()).isEqualTo(s.partitionKey());
                    assertThat(l.data()).isEqualTo(s.data());
                    assertThat(l.arrival()).isEqualTo(s.arrival());
                    assertThat(l.encryptionType()).isEqualTo(s.encryptionType());
                }
                assertThat(viaLean.nextIterator() == null).isEqualTo(viaSdk.nextIterator() == null);
                read.addAll(viaLean.records());
                iterator = viaLean.nextIterator();
            }
            assertThat(read).hasSize(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                assertThat(read.get(i).partitionKey()).isEqualTo(entries.get(i).partitionKey());
                assertThat(read.get(i).data()).isEqualTo(entries.get(i).data().asByteArrayUnsafe());
            }
            assertThat(leftToSdk).as("answers the SDK had to read").hasValue(0);
        }
    }

    private static KinesisAsyncClient client(KinesisMock kinesis, ExecutionInterceptor... interceptors) {
        return KinesisAsyncClient.builder()
                .endpointOverride(kinesis.endpoint())
                .region(kinesis.region())
                .credentialsProvider(kinesis.credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
                        .readTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.executionInterceptors(List.of(interceptors)))
                .build();
    }

    /** Counts GetRecords answers that reached the SDK with their records: the reader left them to it. */
    private static final class CountSdkReads implements ExecutionInterceptor {
        private final AtomicInteger count;

        CountSdkReads(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void afterUnmarshalling(Context.AfterUnmarshalling context, ExecutionAttributes attributes) {
            if (context.response() instanceof GetRecordsResponse r && (r.hasRecords() || r.nextShardIterator() != null)) {
                count.incrementAndGet();
            }
        }
    }
}
