package dev.tributary.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Every operation and iterator type through the real SDK client, in CBOR (the SDK's default) and
 * in AWS JSON 1.1: the SDK is the judge of whether the server's bytes are right.
 */
class ReplayServerSdkTest {
    private static final String STREAM = "orders";
    private static final int SHARDS = 3;
    private static final int RECORDS = 25;
    private static final int PAYLOAD = 100;

    private static ReplayServer server;
    private static ReplayStream stream;
    private static KinesisAsyncClient cborClient;
    private static KinesisAsyncClient jsonClient;

    @BeforeAll
    static void start() {
        server = ReplayServer.start(ReplayConfig.builder()
                .stream(STREAM, SHARDS, RECORDS, PAYLOAD)
                .stream("big", 1, 15, ReplayStream.MAX_PAYLOAD_BYTES)
                .build());
        stream = server.stream(STREAM);
        // Shared by the tests: closing a Netty client takes two seconds.
        cborClient = checkedClient(true);
        jsonClient = checkedClient(false);
    }

    @AfterAll
    static void stop() {
        try (ReplayServer s = server; KinesisAsyncClient c = cborClient; KinesisAsyncClient j = jsonClient) {
            // Closed in reverse order.
        }
    }

    private static KinesisAsyncClient checkedClient(boolean cbor) {
        SdkClients.ContentTypes contentTypes = new SdkClients.ContentTypes();
        KinesisAsyncClient client = SdkClients.async(server.endpoint(), cbor, contentTypes);
        client.describeStreamSummary(b -> b.streamName(STREAM)).join();
        assertThat(contentTypes.seen).as("the client speaks the format under test")
                .containsExactly(cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1");
        return client;
    }

    private static KinesisAsyncClient client(boolean cbor) {
        return cbor ? cborClient : jsonClient;
    }

    private static String iterator(KinesisAsyncClient client, int shard, ShardIteratorType type, String sequence,
            Instant timestamp) {
        return client.getShardIterator(b -> b.streamName(STREAM).shardId(ReplayStream.shardId(shard))
                .shardIteratorType(type).startingSequenceNumber(sequence).timestamp(timestamp)).join().shardIterator();
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void listShardsSplitsTheHashSpaceEvenlyAndPages(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        ListShardsResponse all = client.listShards(b -> b.streamName(STREAM)).join();
        assertThat(all.nextToken()).isNull();
        assertThat(all.shards()).extracting(Shard::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        BigInteger expectedStart = BigInteger.ZERO;
        for (Shard shard : all.shards()) {
            assertThat(new BigInteger(shard.hashKeyRange().startingHashKey())).isEqualTo(expectedStart);
            expectedStart = new BigInteger(shard.hashKeyRange().endingHashKey()).add(BigInteger.ONE);
            assertThat(shard.parentShardId()).isNull();
            assertThat(shard.sequenceNumberRange().endingSequenceNumber()).as("open").isNull();
            assertThat(shard.sequenceNumberRange().startingSequenceNumber()).hasSize(56);
        }
        assertThat(expectedStart).isEqualTo(BigInteger.ONE.shiftLeft(128));

        ListShardsResponse first = client.listShards(b -> b.streamName(STREAM).maxResults(2)).join();
        assertThat(first.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001");
        ListShardsResponse second = client.listShards(b -> b.nextToken(first.nextToken())).join();
        assertThat(second.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000002");
        assertThat(second.nextToken()).isNull();

        assertThat(client.listShards(b -> b.streamARN(stream.arn()).exclusiveStartShardId("shardId-000000000000"))
                .join().shards()).extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002");
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void describesTheStream(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        StreamDescriptionSummary summary = client.describeStreamSummary(b -> b.streamName(STREAM)).join()
                .streamDescriptionSummary();
        assertThat(summary.streamName()).isEqualTo(STREAM);
        assertThat(summary.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/orders");
        assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(summary.openShardCount()).isEqualTo(SHARDS);
        assertThat(summary.streamCreationTimestamp()).isBetween(Instant.now().minusSeconds(600), Instant.now());

        DescribeStreamResponse described = client.describeStream(b -> b.streamName(STREAM).limit(2)).join();
        assertThat(described.streamDescription().shards()).hasSize(2);
        assertThat(described.streamDescription().hasMoreShards()).isTrue();
        assertThat(described.streamDescription().streamCreationTimestamp()).isEqualTo(summary.streamCreationTimestamp());
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void readsEveryRecordOfAShardInPagesOfLimitThenIdles(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        String iterator = iterator(client, 1, ShardIteratorType.TRIM_HORIZON, null, null);
        List<Record> records = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        GetRecordsResponse response;
        do {
            String current = iterator;
            response = client.getRecords(b -> b.shardIterator(current).limit(10)).join();
            pageSizes.add(response.records().size());
            records.addAll(response.records());
            iterator = response.nextShardIterator();
        } while (!response.records().isEmpty());

        assertThat(pageSizes).containsExactly(10, 10, 5, 0);
        assertThat(response.nextShardIterator()).as("the shard stays open").isNotNull();
        assertThat(response.millisBehindLatest()).isZero();
        for (int i = 0; i < RECORDS; i++) {
            Record record = records.get(i);
            assertThat(record.sequenceNumber()).isEqualTo(stream.sequenceNumber(1, i));
            assertThat(record.partitionKey()).isEqualTo(stream.partitionKey(1, i));
            assertThat(record.data().asByteArray()).isEqualTo(stream.payload(1, i));
            if (i > 0) {
                assertThat(new BigInteger(record.sequenceNumber()))
                        .isGreaterThan(new BigInteger(records.get(i - 1).sequenceNumber()));
                assertThat(record.approximateArrivalTimestamp())
                        .isEqualTo(records.get(i - 1).approximateArrivalTimestamp().plusMillis(1));
            }
        }
        assertThat(records.get(RECORDS - 1).approximateArrivalTimestamp())
                .isBetween(Instant.now().minusSeconds(600), Instant.now());

        String idle = response.nextShardIterator();
        GetRecordsResponse again = client.getRecords(b -> b.shardIterator(idle)).join();
        assertThat(again.records()).as("still idle: no record arrives at a rate of 0").isEmpty();
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void startsAtEveryKindOfPosition(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        String seven = stream.sequenceNumber(2, 7);
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AT_SEQUENCE_NUMBER, seven, null)))
                .isEqualTo(seven);
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AFTER_SEQUENCE_NUMBER, seven, null)))
                .isEqualTo(stream.sequenceNumber(2, 8));

        String trimHorizon = iterator(client, 2, ShardIteratorType.TRIM_HORIZON, null, null);
        Instant twelfth = client.getRecords(b -> b.shardIterator(trimHorizon)).join().records().get(12)
                .approximateArrivalTimestamp();
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AT_TIMESTAMP, null, twelfth)))
                .isEqualTo(stream.sequenceNumber(2, 12));
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AT_TIMESTAMP, null, twelfth.minusMillis(1))))
                .isEqualTo(stream.sequenceNumber(2, 11));
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AT_TIMESTAMP, null, Instant.EPOCH)))
                .isEqualTo(stream.sequenceNumber(2, 0));
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.AT_TIMESTAMP, null, Instant.now().plusSeconds(60))))
                .isNull();
        assertThat(firstSequence(client, iterator(client, 2, ShardIteratorType.LATEST, null, null)))
                .as("every record has arrived, so LATEST is past them all").isNull();
    }

    private static String firstSequence(KinesisAsyncClient client, String iterator) {
        List<Record> records = client.getRecords(b -> b.shardIterator(iterator).limit(1)).join().records();
        return records.isEmpty() ? null : records.get(0).sequenceNumber();
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void capsAResponseAtTenMebibytes(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        String iterator = client.getShardIterator(b -> b.streamName("big").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
        GetRecordsResponse first = client.getRecords(b -> b.shardIterator(iterator)).join();
        assertThat(first.records()).hasSize(10);
        assertThat(first.records()).extracting(r -> r.data().asByteArray().length).containsOnly(ReplayStream.MAX_PAYLOAD_BYTES);
        assertThat(first.millisBehindLatest()).as("5 records are left").isPositive();
        GetRecordsResponse second = client.getRecords(b -> b.shardIterator(first.nextShardIterator())).join();
        assertThat(second.records()).hasSize(5);
        assertThat(second.millisBehindLatest()).isZero();
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void answersErrorsThatTheSdkUnderstands(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        assertThatThrownBy(() -> client.describeStreamSummary(b -> b.streamName("missing")).join())
                .cause().isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream missing under account 000000000000 not found");
        assertThatThrownBy(() -> iterator(client, 7, ShardIteratorType.TRIM_HORIZON, null, null))
                .cause().isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> iterator(client, 0, ShardIteratorType.AT_SEQUENCE_NUMBER, stream.sequenceNumber(1, 3), null))
                .as("another shard's sequence number")
                .cause().isInstanceOf(InvalidArgumentException.class);
        String iterator = iterator(client, 0, ShardIteratorType.TRIM_HORIZON, null, null);
        assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator(iterator).limit(10_001)).join())
                .cause().isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> client.getRecords(b -> b.shardIterator("not-an-iterator")).join())
                .cause().isInstanceOf(InvalidArgumentException.class);

        Throwable unknown = cause(org.assertj.core.api.Assertions.catchThrowable(() -> client.listStreams().join()));
        assertThat(unknown).isInstanceOf(KinesisException.class);
        KinesisException error = (KinesisException) unknown;
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("ListStreams");
    }

    @Test
    void servesTheSynchronousClientToo() {
        for (boolean cbor : new boolean[] {true, false}) {
            try (KinesisClient client = SdkClients.sync(server.endpoint(), cbor)) {
                assertThat(client.listShards(b -> b.streamName(STREAM)).shards()).hasSize(SHARDS);
                String iterator = client.getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000000")
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
                assertThat(records).extracting(Record::data)
                        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, RECORDS)
                                .mapToObj(i -> SdkBytes.fromByteArray(stream.payload(0, i))).toList());
            }
        }
    }
}
