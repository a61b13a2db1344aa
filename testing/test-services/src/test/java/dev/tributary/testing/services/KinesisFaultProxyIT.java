package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The SDK sees each injected fault as the exception real Kinesis would cause. */
@ExtendWith(TestServices.class)
class KinesisFaultProxyIT {
    @Test
    void injectedFaultsReachTheSdkAsKinesisErrorsAndOtherCallsPassThrough(KinesisMock kinesis) {
        String stream = "faults-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        kinesis.putRecord(stream, "k", "through".getBytes(StandardCharsets.UTF_8));
        try (KinesisFaultProxy proxy = KinesisFaultProxy.start(kinesis.endpoint());
             KinesisAsyncClient client = KinesisAsyncClient.builder()
                     .endpointOverride(proxy.endpoint())
                     .region(kinesis.region())
                     .credentialsProvider(kinesis.credentials())
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
                             .readTimeout(Duration.ofSeconds(5)))
                     .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                     .build()) {
            String shard = client.listShards(b -> b.streamName(stream)).join().shards().get(0).shardId();
            String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();

            proxy.inject("GetRecords", KinesisFaultProxy.Fault.THROTTLE, 1);
            proxy.inject("GetRecords", KinesisFaultProxy.Fault.EXPIRED_ITERATOR, 1);
            proxy.inject("GetRecords", KinesisFaultProxy.Fault.SERVER_ERROR, 1);
            proxy.inject("GetRecords", KinesisFaultProxy.Fault.CONNECTION_RESET, 1);
            assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ProvisionedThroughputExceededException.class);
            assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)).join())
                    .hasCauseInstanceOf(ExpiredIteratorException.class);
            assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)).join())
                    .satisfies(e -> assertThat(((KinesisException) e.getCause()).statusCode()).isEqualTo(500));
            assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator)).join())
                    .hasCauseInstanceOf(SdkClientException.class);

            var records = client.getRecords(b -> b.shardIterator(iterator)).join().records();
            assertThat(records).singleElement().satisfies(r -> assertThat(r.data().asUtf8String()).isEqualTo("through"));
            assertThat(proxy.pending()).isZero();
            assertThat(proxy.injected(KinesisFaultProxy.Fault.THROTTLE)).isEqualTo(1);
            assertThat(proxy.calls("GetRecords")).as("faulted calls count too").isEqualTo(5);
            assertThat(proxy.calls("GetShardIterator")).isEqualTo(1);
            assertThat(proxy.calls("ListShards")).isEqualTo(1);
        }
    }
}
