package dev.tributary.kinesis.kcl;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What importing a lease table would write: one entry per lease, with the KCL checkpoint and the
 * offset it becomes. A checkpoint at a record resumes after that record, exactly as the KCL would
 * (our offset names the last record delivered, down to the user record inside a KPL aggregate).
 *
 * @param entries one per lease, in the table's order
 */
public record KclImportPlan(List<Entry> entries) {
    /** What the import does with one lease. */
    public enum Action {
        /** Writes the offset: reading resumes after the checkpointed record. */
        OFFSET,
        /** Writes a finished shard ({@code shardEnd}): the KCL read it to its end. */
        SHARD_FINISHED,
        /**
         * Writes a start position ({@link KinesisOffsets#start}): the checkpoint is a start sentinel, the KCL had
         * read nothing of the shard yet. TRIM_HORIZON and LATEST start there; AT_TIMESTAMP starts at the config's
         * {@code startAtTime}, as the lease does not record the timestamp; a child shard starts at its beginning
         * once its parents are finished, as the KCL reads children.
         */
        START_POSITION,
        /** Writes nothing: the lease is of a shard the stream no longer has (or never had). */
        SKIPPED_UNKNOWN_SHARD,
        /** Writes nothing: the lease is of a stream this connector does not read, or of an earlier stream of that name. */
        SKIPPED_OTHER_STREAM
    }

    /** The shards a stream has now, and when it was created (epoch millis, or {@link KinesisOffsets#UNKNOWN_CREATION}). */
    public record StreamShards(long createdAtMillis, Set<String> shardIds) {
        public StreamShards {
            shardIds = Set.copyOf(shardIds);
        }
    }

    /**
     * @param stream the stream the lease is for
     * @param partition our partition {@code {stream, shard}}
     * @param offset what is written, or {@code null} when nothing is
     * @param note why, in a line, for entries that write nothing or differ from the checkpoint
     */
    public record Entry(String stream, String shardId, KclCheckpoint checkpoint, Action action,
            SourcePartition partition, SourceOffset offset, String note) {
        public Entry {
            requireNonNull(stream, "stream is null");
            requireNonNull(shardId, "shardId is null");
            requireNonNull(checkpoint, "checkpoint is null");
            requireNonNull(action, "action is null");
            requireNonNull(partition, "partition is null");
            requireNonNull(note, "note is null");
            if ((offset != null) != (action == Action.OFFSET || action == Action.SHARD_FINISHED
                    || action == Action.START_POSITION)) {
                throw new IllegalArgumentException("an offset goes with OFFSET, SHARD_FINISHED and START_POSITION only");
            }
        }
    }

    public KclImportPlan {
        entries = List.copyOf(entries);
    }

    /** The offsets to write, in entry order. */
    public Map<SourcePartition, SourceOffset> offsets() {
        Map<SourcePartition, SourceOffset> offsets = new java.util.LinkedHashMap<>();
        entries.stream().filter(e -> e.offset() != null).forEach(e -> offsets.put(e.partition(), e.offset()));
        return offsets;
    }

    /**
     * Plans the import of {@code leases} for a connector that reads {@code streams}.
     *
     * @param singleStream the stream a single-stream application's leases (keyed by shard id alone)
     *     belong to; empty when the connector reads several streams
     * @param streams the streams the connector reads, with the shards each has now
     * @param startAtTime where an {@code AT_TIMESTAMP} start sentinel starts: the config's {@code startAtTime}
     *     (the KCL application's), or empty when it has none
     * @throws KclImportException if the table holds single-stream leases and the connector does not
     *     read exactly one stream, since such leases do not name their stream; or if a shard that is not
     *     a child has the sentinel AT_TIMESTAMP and {@code startAtTime} is empty
     */
    public static KclImportPlan of(List<KclLease> leases, Optional<String> singleStream, Map<String, StreamShards> streams,
            Optional<Instant> startAtTime) {
        List<Entry> entries = new ArrayList<>();
        for (KclLease lease : leases) {
            String stream = lease.stream().or(() -> singleStream).orElseThrow(() -> new KclImportException(
                    "lease '" + lease.leaseKey() + "' is of a single-stream KCL application, which does not record its"
                            + " stream: import it with a connector config that reads exactly one stream"));
            SourcePartition partition = KinesisOffsets.partition(stream, lease.shardId());
            StreamShards shards = streams.get(stream);
            KclCheckpoint checkpoint = lease.checkpoint();
            if (shards == null) {
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.SKIPPED_OTHER_STREAM, partition, null,
                        "this connector does not read stream '" + stream + "'"));
                continue;
            }
            if (lease.streamCreationEpochSeconds() != 0 && shards.createdAtMillis() != KinesisOffsets.UNKNOWN_CREATION
                    && lease.streamCreationEpochSeconds() != shards.createdAtMillis() / 1000) {
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.SKIPPED_OTHER_STREAM, partition, null,
                        "the lease is of an earlier stream of this name (created at epoch second "
                                + lease.streamCreationEpochSeconds() + ", the stream now was created at "
                                + shards.createdAtMillis() / 1000 + ")"));
                continue;
            }
            if (!shards.shardIds().contains(lease.shardId())) {
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.SKIPPED_UNKNOWN_SHARD, partition, null,
                        "stream '" + stream + "' has no shard '" + lease.shardId() + "' (expired after resharding, or"
                                + " the lease is of another stream)"));
                continue;
            }
            long created = shards.createdAtMillis();
            if (!checkpoint.isSentinel()) {
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.OFFSET, partition,
                        KinesisOffsets.offset(checkpoint.sequenceNumber(), checkpoint.subSequenceNumber(), created), ""));
            } else if (checkpoint.sentinel() == KclCheckpoint.Sentinel.SHARD_END) {
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.SHARD_FINISHED, partition,
                        KinesisOffsets.shardEnd("0", 0, created), ""));
            } else {
                boolean child = !lease.parentShardIds().isEmpty();
                StartPosition start = start(lease, child, startAtTime);
                entries.add(new Entry(stream, lease.shardId(), checkpoint, Action.START_POSITION, partition,
                        KinesisOffsets.start(start, created), startNote(start, child)));
            }
        }
        return new KclImportPlan(entries);
    }

    private static StartPosition start(KclLease lease, boolean child, Optional<Instant> startAtTime) {
        if (child) {
            // A child holds only records written after its parents closed; the KCL reads it from its start too.
            return StartPosition.trimHorizon();
        }
        return switch (lease.checkpoint().sentinel()) {
            case TRIM_HORIZON -> StartPosition.trimHorizon();
            case LATEST -> StartPosition.latest();
            case AT_TIMESTAMP -> StartPosition.atTimestamp(startAtTime.orElseThrow(() -> new KclImportException("lease '"
                    + lease.leaseKey() + "' has the checkpoint AT_TIMESTAMP: the KCL had read nothing of shard '"
                    + lease.shardId() + "' yet and was to start it at a timestamp, which the lease does not record. Set"
                    + " startAtTime to the Pulsar IO source's startAtTime (on the command line: --set"
                    + " startAtTime=2019-03-05T19:28:58.000Z); nothing was written")));
            case SHARD_END -> throw new IllegalStateException("SHARD_END is not a start position");
        };
    }

    private static String startNote(StartPosition start, boolean child) {
        if (child) {
            return "no records checkpointed yet: read from the start once its parents are finished";
        }
        return "no records checkpointed yet: starts at " + start.type()
                + (start.timestamp() == null ? "" : " " + start.timestamp() + " (startAtTime)");
    }
}
