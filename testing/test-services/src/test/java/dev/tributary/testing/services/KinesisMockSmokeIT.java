package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

@ExtendWith(TestServices.class)
class KinesisMockSmokeIT extends KinesisRoundTripContract {
    private static KinesisMock mock;

    @BeforeAll
    static void start(KinesisMock kinesis) {
        mock = kinesis;
    }

    @Override
    KinesisService kinesis() {
        return mock;
    }

    @Test
    void sameEmulatorServesEveryTestInTheJvm(KinesisMock again) {
        assertThat(again).isSameAs(mock);
    }

    @Test
    void tlsEndpointServesHttp2WithAlpn() {
        String stream = "tls-" + System.nanoTime();
        mock.createStream(stream, 1);
        mock.putRecord(stream, "k", "over-tls".getBytes(StandardCharsets.UTF_8));

        try (KinesisAsyncClient client = mock.newTlsAsyncClient()) {
            String shardId = client.listShards(b -> b.streamName(stream)).join().shards().get(0).shardId();
            String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            var records = client.getRecords(b -> b.shardIterator(iterator)).join().records();

            assertThat(records).singleElement()
                    .satisfies(r -> assertThat(r.data().asUtf8String()).isEqualTo("over-tls"));
        }
    }
}
