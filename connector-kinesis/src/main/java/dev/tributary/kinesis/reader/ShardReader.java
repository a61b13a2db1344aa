package dev.tributary.kinesis.reader;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.util.List;

/**
 * The reading state of one shard. Not a thread: the task's fetcher drives every shard from one
 * scheduler thread, and only that thread (or the completion of this shard's single call in
 * flight) touches this state.
 */
final class ShardReader {
    enum State {
        /** Waiting until every parent's end is committed. */
        WAITING_FOR_PARENTS,
        /** Needs a shard iterator (or a fan-out subscription) at {@link #position}. */
        NEEDS_ITERATOR,
        /** Has an iterator; fetches when {@link #nextFetchAtNanos} comes. */
        READY,
        /** A call is in flight. */
        BUSY,
        /** Every record is read and the end is queued: never read again. */
        ENDED
    }

    final StreamRef stream;
    final String shardId;
    final SourcePartition partition;
    final List<String> waitFor;
    /** The stream's creation time, which every offset of this shard records; or KinesisOffsets.UNKNOWN_CREATION. */
    final long streamCreatedAt;

    State state;
    StartPosition position;
    String iterator;
    long nextFetchAtNanos;
    int consecutiveErrors;
    int idleFetches;
    /** When the shard's last caught-up call started (0 before one): the start of its current cycle ({@link CallSpacing}). */
    long caughtUpCallStartNanos;
    /** Kinesis records fetched by the calls of the current cycle so far. */
    long cycleRecords;
    /**
     * Where in each period this shard's caught-up calls fall, as a fraction of the period in
     * [0, 1): the task's shards spread over it, so that their responses do not arrive together.
     */
    double callPhase;
    /** How many records to ask for, by the bytes this shard's records take. */
    final FetchSizer sizer = new FetchSizer();

    /** Resume point: user records of this sequence number up to this subsequence are already in Pulsar. */
    String skipSequenceNumber;
    long skipThroughSubSequence = -1;

    /** The last record fetched, for a new iterator after an expired one, and for the end offset. */
    String lastSequenceNumber;
    long lastSubSequence;

    // Per-shard figures for metrics: written by one thread at a time, read by the scraper.
    volatile long fetchedRecords;
    volatile long fetchedBytes;
    volatile long throttles;
    volatile long iteratorRenewals;
    volatile long millisBehindLatest;

    ShardReader(StreamRef stream, String shardId, SourcePartition partition, List<String> waitFor, long streamCreatedAt) {
        this.stream = requireNonNull(stream, "stream is null");
        this.shardId = requireNonNull(shardId, "shardId is null");
        this.partition = requireNonNull(partition, "partition is null");
        this.waitFor = List.copyOf(waitFor);
        this.streamCreatedAt = streamCreatedAt;
    }

    @Override
    public String toString() {
        return stream.name() + "/" + shardId;
    }
}
