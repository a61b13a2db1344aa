package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** {@link KinesisProxy} over the AWS SDK v2 async client. Owns and closes the client. */
public final class SdkKinesisProxy implements KinesisProxy {
    private final KinesisAsyncClient client;

    public SdkKinesisProxy(KinesisAsyncClient client) {
        this.client = requireNonNull(client, "client is null");
    }

    /** The SDK client, for the fan-out reader, which subscribes through it directly. */
    public KinesisAsyncClient client() {
        return client;
    }

    @Override
    public CompletableFuture<String> streamArn(StreamRef stream) {
        if (stream.arn() != null) {
            return CompletableFuture.completedFuture(stream.arn());
        }
        return client.describeStreamSummary(b -> b.streamName(stream.name()))
                .thenApply(r -> r.streamDescriptionSummary().streamARN());
    }

    @Override
    public CompletableFuture<ShardPage> listShards(StreamRef stream, String nextToken) {
        ListShardsRequest.Builder request = ListShardsRequest.builder();
        if (nextToken != null) {
            // With a token, Kinesis rejects the stream name: the token names the stream.
            request.nextToken(nextToken);
        } else if (stream.arn() != null) {
            request.streamARN(stream.arn());
        } else {
            request.streamName(stream.name());
        }
        return client.listShards(request.build()).thenApply(r -> new ShardPage(
                r.shards().stream().map(SdkKinesisProxy::toShardInfo).toList(), r.nextToken()));
    }

    @Override
    public CompletableFuture<String> shardIterator(StreamRef stream, String shardId, StartPosition position) {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                .shardId(shardId)
                .shardIteratorType(ShardIteratorType.fromValue(position.type().name()));
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        } else {
            request.streamName(stream.name());
        }
        if (position.sequenceNumber() != null) {
            request.startingSequenceNumber(position.sequenceNumber());
        }
        if (position.timestamp() != null) {
            request.timestamp(position.timestamp());
        }
        return client.getShardIterator(request.build()).thenApply(r -> r.shardIterator());
    }

    @Override
    public CompletableFuture<FetchResult> records(StreamRef stream, String iterator, int limit) {
        GetRecordsRequest.Builder request = GetRecordsRequest.builder().shardIterator(iterator).limit(limit);
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        }
        return client.getRecords(request.build()).thenApply(r -> new FetchResult(
                toRecords(r.records()), r.nextShardIterator(),
                r.millisBehindLatest() == null ? 0L : r.millisBehindLatest()));
    }

    /** Converts SDK records without copying their bytes. */
    public static List<KinesisRecord> toRecords(List<Record> records) {
        return records.stream().map(r -> new KinesisRecord(r.sequenceNumber(), r.partitionKey(),
                r.data().asByteArrayUnsafe(), r.approximateArrivalTimestamp(),
                r.encryptionType() == null ? null : r.encryptionTypeAsString())).toList();
    }

    private static ShardInfo toShardInfo(Shard shard) {
        String ending = shard.sequenceNumberRange() == null ? null : shard.sequenceNumberRange().endingSequenceNumber();
        return new ShardInfo(shard.shardId(), shard.parentShardId(), shard.adjacentParentShardId(), ending);
    }

    @Override
    public void close() {
        client.close();
    }
}
