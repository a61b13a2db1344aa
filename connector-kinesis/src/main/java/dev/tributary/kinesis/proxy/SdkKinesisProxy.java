package dev.tributary.kinesis.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

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
    public CompletableFuture<Instant> streamCreationTime(StreamRef stream) {
        return client.describeStreamSummary(b -> {
            if (stream.arn() != null) {
                b.streamARN(stream.arn());
            } else {
                b.streamName(stream.name());
            }
        }).thenApply(r -> r.streamDescriptionSummary().streamCreationTimestamp());
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
        // A client built with LeanGetRecords reads the records into the slot; any other leaves it empty.
        LeanGetRecords.Slot slot = new LeanGetRecords.Slot();
        GetRecordsRequest.Builder request = GetRecordsRequest.builder().shardIterator(iterator).limit(limit)
                .overrideConfiguration(o -> o.putExecutionAttribute(LeanGetRecords.SLOT, slot));
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        }
        return client.getRecords(request.build()).thenApply(r -> {
            FetchResult parsed = slot.parsed();
            if (parsed != null) {
                return parsed;
            }
            return new FetchResult(toRecords(r.records()), r.nextShardIterator(),
                    r.millisBehindLatest() == null ? 0L : r.millisBehindLatest());
        });
    }

    @Override
    public CompletableFuture<FanOutConsumer> registerConsumer(String streamArn, String consumerName) {
        return client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(consumerName))
                .thenApply(r -> new FanOutConsumer(r.consumer().consumerARN(), r.consumer().consumerStatusAsString()))
                // Off the event loop that completed the call: starting another may fetch credentials.
                .exceptionallyComposeAsync(error -> KinesisErrors.classify(error) == KinesisErrors.Kind.IN_USE
                        // Already registered, by an earlier run or another task: use it.
                        ? describeConsumer(streamArn, consumerName)
                        : CompletableFuture.failedFuture(KinesisErrors.unwrap(error)));
    }

    @Override
    public CompletableFuture<FanOutConsumer> describeConsumer(String streamArn, String consumerName) {
        return client.describeStreamConsumer(b -> b.streamARN(streamArn).consumerName(consumerName))
                .thenApply(r -> new FanOutConsumer(r.consumerDescription().consumerARN(),
                        r.consumerDescription().consumerStatusAsString()));
    }

    @Override
    public CompletableFuture<Void> subscribe(String consumerArn, String shardId, StartPosition position,
            Flow.Subscriber<FetchResult> subscriber) {
        StartingPosition.Builder start = StartingPosition.builder().type(ShardIteratorType.fromValue(position.type().name()));
        if (position.sequenceNumber() != null) {
            start.sequenceNumber(position.sequenceNumber());
        }
        if (position.timestamp() != null) {
            start.timestamp(position.timestamp());
        }
        SubscribeToShardRequest request = SubscribeToShardRequest.builder()
                .consumerARN(consumerArn).shardId(shardId).startingPosition(start.build()).build();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                // Errors reach the subscriber and the returned future; nothing more to do here.
                .onError(error -> { })
                .subscriber(() -> new EventAdapter(subscriber))
                .build();
        return client.subscribeToShard(request, handler);
    }

    /** Passes fan-out events on as FetchResults, and demand and cancellation back. */
    private static final class EventAdapter implements Subscriber<SubscribeToShardEventStream> {
        private final Flow.Subscriber<FetchResult> downstream;

        EventAdapter(Flow.Subscriber<FetchResult> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            downstream.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onNext(SubscribeToShardEventStream event) {
            if (event instanceof SubscribeToShardEvent e) {
                downstream.onNext(new FetchResult(toRecords(e.records()), e.continuationSequenceNumber(),
                        e.millisBehindLatest() == null ? 0L : e.millisBehindLatest()));
            }
        }

        @Override
        public void onError(Throwable error) {
            downstream.onError(error);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
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
