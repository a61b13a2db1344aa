package dev.tributary.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.kcl.KclImportPlan.Action;
import dev.tributary.kinesis.kcl.KclImportPlan.StreamShards;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.leases.Lease;
import software.amazon.kinesis.leases.MultiStreamLease;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.leases.dynamodb.DynamoDBMultiStreamLeaseSerializer;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

/** Lease items made by the KCL's own serializers, read and planned. */
class KclImportPlanTest {
    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";
    private static final long CREATED_MILLIS = 1_700_000_000_123L;

    @Test
    void aMidShardCheckpointBecomesTheOffsetOfThatRecordAndItsSubSequence() {
        KclLease lease = singleStream("shardId-000000000001", new ExtendedSequenceNumber(SEQ, 7L));

        KclImportPlan plan = plan(List.of(lease), Set.of("shardId-000000000001"));

        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(Action.OFFSET);
            assertThat(e.partition()).isEqualTo(KinesisOffsets.partition("s", "shardId-000000000001"));
            assertThat(e.offset()).isEqualTo(KinesisOffsets.offset(SEQ, 7, CREATED_MILLIS));
            assertThat(e.checkpoint()).hasToString(SEQ + ":7");
        });
    }

    @Test
    void shardEndBecomesAFinishedShard() {
        KclImportPlan plan = plan(List.of(singleStream("shardId-000000000000", ExtendedSequenceNumber.SHARD_END)),
                Set.of("shardId-000000000000"));

        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(Action.SHARD_FINISHED);
            assertThat(KinesisOffsets.isShardEnd(e.offset())).isTrue();
            assertThat(KinesisOffsets.isOfAnotherStream(e.offset(), CREATED_MILLIS)).isFalse();
        });
    }

    @Test
    void startSentinelsBecomeTheStartPositionsTheKclWouldHaveUsed() {
        Instant startAt = Instant.parse("2026-11-30T08:00:00Z");
        KclImportPlan plan = KclImportPlan.of(List.of(
                singleStream("shardId-000000000000", ExtendedSequenceNumber.TRIM_HORIZON),
                singleStream("shardId-000000000001", ExtendedSequenceNumber.LATEST),
                singleStream("shardId-000000000002", ExtendedSequenceNumber.AT_TIMESTAMP)),
                Optional.of("s"), Map.of("s", new StreamShards(CREATED_MILLIS,
                        Set.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"))),
                Optional.of(startAt));

        assertThat(plan.entries()).extracting(KclImportPlan.Entry::action).containsOnly(Action.START_POSITION);
        assertThat(plan.offsets().values()).containsExactly(
                KinesisOffsets.start(StartPosition.trimHorizon(), CREATED_MILLIS),
                KinesisOffsets.start(StartPosition.latest(), CREATED_MILLIS),
                KinesisOffsets.start(StartPosition.atTimestamp(startAt), CREATED_MILLIS));
        assertThat(plan.offsets().values()).map(KinesisOffsets::startPosition).map(Optional::orElseThrow).containsExactly(
                StartPosition.trimHorizon(), StartPosition.latest(), StartPosition.atTimestamp(startAt));
        assertThat(plan.entries().get(2).note()).contains("AT_TIMESTAMP", startAt.toString(), "startAtTime");
    }

    @Test
    void anAtTimestampSentinelWithoutStartAtTimeIsRefusedWithTheFix() {
        List<KclLease> leases = List.of(singleStream("shardId-000000000000", new ExtendedSequenceNumber(SEQ, 0L)),
                singleStream("shardId-000000000002", ExtendedSequenceNumber.AT_TIMESTAMP));

        assertThatThrownBy(() -> plan(leases, Set.of("shardId-000000000000", "shardId-000000000002")))
                .isInstanceOf(KclImportException.class)
                .hasMessageContaining("lease 'shardId-000000000002' has the checkpoint AT_TIMESTAMP")
                .hasMessageContaining("Set startAtTime to the Pulsar IO source's startAtTime")
                .hasMessageContaining("--set startAtTime=")
                .hasMessageContaining("nothing was written");
    }

    @Test
    void aChildShardNotStartedYetStartsAtItsBeginningWhateverTheSentinel() {
        KclLease child = KclLeaseTable.parse("t", new DynamoDBLeaseSerializer().toDynamoRecord(
                lease("shardId-000000000003", ExtendedSequenceNumber.AT_TIMESTAMP, Set.of("shardId-000000000000"))));

        KclImportPlan plan = plan(List.of(child), Set.of("shardId-000000000003"));

        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.offset()).isEqualTo(KinesisOffsets.start(StartPosition.trimHorizon(), CREATED_MILLIS));
            assertThat(e.note()).contains("once its parents are finished");
        });
    }

    @Test
    void aLeaseOfAShardTheStreamNoLongerHasIsSkippedAndSaysSo() {
        KclImportPlan plan = plan(List.of(singleStream("shardId-000000000009", new ExtendedSequenceNumber(SEQ, 0L))),
                Set.of("shardId-000000000000"));

        assertThat(plan.entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(Action.SKIPPED_UNKNOWN_SHARD);
            assertThat(e.note()).contains("has no shard 'shardId-000000000009'");
        });
        assertThat(plan.offsets()).isEmpty();
    }

    @Test
    void multiStreamLeasesNameTheirStreamAndAnEarlierStreamOfTheNameIsSkipped() {
        long epoch = CREATED_MILLIS / 1000;
        KclLease current = multiStream("123456789012:orders:" + epoch, "shardId-000000000000", new ExtendedSequenceNumber(SEQ, 0L));
        KclLease earlier = multiStream("123456789012:orders:" + (epoch - 86_400), "shardId-000000000001",
                new ExtendedSequenceNumber(SEQ, 0L));
        KclLease notRead = multiStream("123456789012:payments:" + epoch, "shardId-000000000000",
                new ExtendedSequenceNumber(SEQ, 0L));

        KclImportPlan plan = KclImportPlan.of(List.of(current, earlier, notRead), Optional.empty(),
                Map.of("orders", new StreamShards(CREATED_MILLIS, Set.of("shardId-000000000000", "shardId-000000000001"))),
                Optional.empty());

        assertThat(current.stream()).contains("orders");
        assertThat(plan.entries()).extracting(KclImportPlan.Entry::action)
                .containsExactly(Action.OFFSET, Action.SKIPPED_OTHER_STREAM, Action.SKIPPED_OTHER_STREAM);
        assertThat(plan.offsets()).containsOnlyKeys(KinesisOffsets.partition("orders", "shardId-000000000000"));
        assertThat(plan.entries().get(1).note()).contains("earlier stream");
        assertThat(plan.entries().get(2).note()).contains("does not read stream 'payments'");
    }

    @Test
    void singleStreamLeasesNeedAConnectorThatReadsOneStream() {
        assertThatThrownBy(() -> KclImportPlan.of(
                List.of(singleStream("shardId-000000000000", ExtendedSequenceNumber.TRIM_HORIZON)), Optional.empty(), Map.of(),
                Optional.empty()))
                .isInstanceOf(KclImportException.class)
                .hasMessageContaining("exactly one stream");
    }

    @Test
    void anItemWithoutACheckpointIsNotALease() {
        var item = new java.util.HashMap<>(new DynamoDBLeaseSerializer().toDynamoRecord(lease("shardId-000000000000",
                ExtendedSequenceNumber.TRIM_HORIZON)));
        item.remove(KclLeaseTable.CHECKPOINT);

        assertThatThrownBy(() -> KclLeaseTable.parse("orders-app", item))
                .isInstanceOf(KclImportException.class)
                .hasMessage("table 'orders-app' is not a KCL lease table: item 'shardId-000000000000' has no checkpoint attribute");
    }

    @Test
    void aCheckpointThatIsNeitherANumberNorASentinelIsRefused() {
        assertThatThrownBy(() -> KclCheckpoint.parse("12ab", 0))
                .hasMessageContaining("'12ab' is neither a sequence number nor one of");
    }

    private static KclImportPlan plan(List<KclLease> leases, Set<String> shards) {
        return KclImportPlan.of(leases, Optional.of("s"), Map.of("s", new StreamShards(CREATED_MILLIS, shards)),
                Optional.empty());
    }

    private static KclLease singleStream(String shardId, ExtendedSequenceNumber checkpoint) {
        return KclLeaseTable.parse("t", new DynamoDBLeaseSerializer().toDynamoRecord(lease(shardId, checkpoint)));
    }

    private static KclLease multiStream(String streamIdentifier, String shardId, ExtendedSequenceNumber checkpoint) {
        MultiStreamLease lease = new MultiStreamLease();
        lease.streamIdentifier(streamIdentifier);
        lease.shardId(shardId);
        lease.leaseKey(MultiStreamLease.getLeaseKey(streamIdentifier, shardId));
        lease.checkpoint(checkpoint);
        lease.leaseCounter(1L);
        lease.ownerSwitchesSinceCheckpoint(0L);
        lease.parentShardIds(List.of());
        return KclLeaseTable.parse("t", new DynamoDBMultiStreamLeaseSerializer().toDynamoRecord(lease));
    }

    static Lease lease(String shardId, ExtendedSequenceNumber checkpoint) {
        return lease(shardId, checkpoint, Set.of());
    }

    static Lease lease(String shardId, ExtendedSequenceNumber checkpoint, Set<String> parents) {
        Lease lease = new Lease();
        lease.leaseKey(shardId);
        lease.checkpoint(checkpoint);
        lease.leaseCounter(1L);
        lease.ownerSwitchesSinceCheckpoint(0L);
        lease.parentShardIds(parents);
        return lease;
    }
}
