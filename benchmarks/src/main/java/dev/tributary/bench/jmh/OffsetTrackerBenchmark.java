package dev.tributary.bench.jmh;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.runtime.offsets.OffsetTracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The runtime's bookkeeping per record: tracking it when handed to Pulsar and acknowledging it,
 * in order (one producer's acks) and shuffled (acks across producers), and the committer's
 * snapshot of what may be committed. Records are spread round-robin over {@code partitions}
 * (shards). Track-and-ack scores are records per second; snapshot scores are snapshots per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class OffsetTrackerBenchmark {
    private static final int BATCH = 1024;

    @Param({"1", "64"})
    int partitions;

    private final OffsetTracker tracker = new OffsetTracker();
    private final OffsetTracker.Tracked[] tracked = new OffsetTracker.Tracked[BATCH];
    private SourcePartition[] partitionOf;
    private SourceOffset[] offsets;
    private int[] shuffled;
    private SourcePartition[] distinctPartitions;

    @Setup
    public void setUp() {
        distinctPartitions = new SourcePartition[partitions];
        for (int p = 0; p < partitions; p++) {
            distinctPartitions[p] = KinesisOffsets.partition("bench", String.format("shardId-%012d", p));
        }
        partitionOf = new SourcePartition[BATCH];
        offsets = new SourceOffset[BATCH];
        for (int i = 0; i < BATCH; i++) {
            partitionOf[i] = distinctPartitions[i % partitions];
            offsets[i] = KinesisOffsets.offset("4965000000000000000000000000000000000000000000" + (1_000_000_000 + i), 0);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(11));
        shuffled = order.stream().mapToInt(Integer::intValue).toArray();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Map<SourcePartition, SourceOffset> trackAndAckInOrder() {
        for (int i = 0; i < BATCH; i++) {
            tracked[i] = tracker.track(partitionOf[i], offsets[i]);
        }
        for (int i = 0; i < BATCH; i++) {
            tracked[i].ack();
        }
        return tracker.takeCommittable();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Map<SourcePartition, SourceOffset> trackAndAckOutOfOrder() {
        for (int i = 0; i < BATCH; i++) {
            tracked[i] = tracker.track(partitionOf[i], offsets[i]);
        }
        for (int i = 0; i < BATCH; i++) {
            tracked[shuffled[i]].ack();
        }
        return tracker.takeCommittable();
    }

    /** One commit cycle: one record per partition tracked and acknowledged, then the snapshot. */
    @Benchmark
    public Map<SourcePartition, SourceOffset> snapshotAfterProgress() {
        for (int p = 0; p < partitions; p++) {
            tracker.track(distinctPartitions[p], offsets[p]).ack();
        }
        return tracker.takeCommittable();
    }

    /** The snapshot when nothing moved: the committer's cost on an idle task. */
    @Benchmark
    public void snapshotIdle(Blackhole blackhole) {
        blackhole.consume(tracker.takeCommittable());
    }
}
