package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** What every Kinesis provider must do for our tests: create a stream, take records, give them back. */
abstract class KinesisRoundTripContract {
    abstract KinesisService kinesis();

    @Test
    void putsAndReadsBackOneHundredRecords() {
        String stream = "smoke-" + System.nanoTime();
        kinesis().createStream(stream, 2);
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 100)
                .mapToObj(i -> PutRecordsRequestEntry.builder()
                        .partitionKey("key-" + (i % 7))
                        .data(SdkBytes.fromUtf8String("record-" + i))
                        .build())
                .toList();

        List<PutRecordsResultEntry> put = kinesis().putRecords(stream, entries);

        assertThat(put).hasSize(100).allSatisfy(r -> assertThat(r.sequenceNumber()).isNotBlank());
        Map<String, List<String>> read = readAll(stream, 100);
        assertThat(read.values().stream().flatMap(List::stream))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList());
        // Within a shard the stream keeps put order, so every key's records come back in order.
        read.forEach((key, values) -> assertThat(values)
                .isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b))));
    }

    /** Reads every shard from TRIM_HORIZON with the async client; returns values by partition key. */
    Map<String, List<String>> readAll(String stream, int expected) {
        Map<String, List<String>> byKey = new HashMap<>();
        int count = 0;
        try (KinesisAsyncClient client = kinesis().newAsyncClient()) {
            List<Shard> shards = client.listShards(b -> b.streamName(stream)).join().shards();
            assertThat(shards).hasSize(2);
            for (Shard shard : shards) {
                String iterator = client.getShardIterator(b -> b.streamName(stream)
                        .shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
                for (int call = 0; call < 50 && iterator != null; call++) {
                    String current = iterator;
                    GetRecordsResponse response = client.getRecords(b -> b.shardIterator(current)).join();
                    for (Record record : response.records()) {
                        byKey.computeIfAbsent(record.partitionKey(), k -> new ArrayList<>())
                                .add(new String(record.data().asByteArray(), StandardCharsets.UTF_8));
                        count++;
                    }
                    if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
                        break;
                    }
                    iterator = response.nextShardIterator();
                }
            }
        }
        assertThat(count).isEqualTo(expected);
        return byKey;
    }

    private static int number(String value) {
        return Integer.parseInt(value.substring("record-".length()));
    }
}
