package dev.tributary.kinesis.proxy;

import java.util.concurrent.CompletableFuture;

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

    /** One page of the stream's shards; pass the previous page's token for the next. */
    CompletableFuture<ShardPage> listShards(StreamRef stream, String nextToken);

    /** An iterator at {@code position} in the shard. */
    CompletableFuture<String> shardIterator(StreamRef stream, String shardId, StartPosition position);

    /** Up to {@code limit} records from {@code iterator}. */
    CompletableFuture<FetchResult> records(StreamRef stream, String iterator, int limit);

    @Override
    void close();
}
