package dev.tributary.kinesis.proxy;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The calls the connector makes to Kinesis, and nothing more: a narrow seam in front of the AWS
 * SDK, so that readers can be tested against a hand-written fake. Every call is asynchronous and
 * never blocks the caller; futures fail with the SDK's exceptions, which
 * {@link KinesisErrors#classify} sorts into what to do about them.
 *
 * <p>Thread-safe. Futures complete on the SDK's I/O threads.
 */
public interface KinesisProxy extends AutoCloseable {
    /** The stream's ARN, for fan-out and for naming the stream in requests. */
    CompletableFuture<String> streamArn(StreamRef stream);

    /**
     * When the stream was created (DescribeStreamSummary's StreamCreationTimestamp). A stream
     * deleted and created again under the same name keeps its name, its ARN and its shard ids, but
     * not this, so it tells the new stream from the old one.
     */
    CompletableFuture<Instant> streamCreationTime(StreamRef stream);

    /** One page of the stream's shards; pass the previous page's token for the next. */
    CompletableFuture<ShardPage> listShards(StreamRef stream, String nextToken);

    /** An iterator at {@code position} in the shard. */
    CompletableFuture<String> shardIterator(StreamRef stream, String shardId, StartPosition position);

    /** Up to {@code limit} records from {@code iterator}. */
    CompletableFuture<FetchResult> records(StreamRef stream, String iterator, int limit);

    /**
     * Registers an enhanced fan-out consumer on the stream, or finds the one already registered
     * under that name; completes with its ARN and status (CREATING, ACTIVE or DELETING).
     */
    CompletableFuture<FanOutConsumer> registerConsumer(String streamArn, String consumerName);

    /** The consumer's current ARN and status. */
    CompletableFuture<FanOutConsumer> describeConsumer(String streamArn, String consumerName);

    /**
     * Subscribes to a shard through a fan-out consumer. Events reach {@code subscriber} as they
     * are requested, each as a {@link FetchResult} whose {@code nextIterator} is the continuation
     * sequence number (null once the shard has ended). Kinesis ends a subscription after five
     * minutes; the returned future completes then, or fails with the subscription's error.
     */
    CompletableFuture<Void> subscribe(String consumerArn, String shardId, StartPosition position,
            Flow.Subscriber<FetchResult> subscriber);

    @Override
    void close();
}
