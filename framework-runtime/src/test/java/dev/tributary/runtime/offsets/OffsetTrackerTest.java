package dev.tributary.runtime.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final SourcePartition A = SourcePartition.of("shard", "a");
    private static final SourcePartition B = SourcePartition.of("shard", "b");

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitsOnlyTheContiguousAcknowledgedPrefix() {
        OffsetTracker.Tracked first = tracker.track(A, offset(1));
        OffsetTracker.Tracked second = tracker.track(A, offset(2));
        OffsetTracker.Tracked third = tracker.track(A, offset(3));

        third.ack();
        assertThat(tracker.takeCommittable()).as("a gap before 3 blocks it").isEmpty();

        first.ack();
        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(A, offset(1)));

        second.ack();
        assertThat(tracker.takeCommittable()).as("2 fills the gap, so 3 is committable").containsExactly(Map.entry(A, offset(3)));
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void partitionsAreIndependent() {
        OffsetTracker.Tracked a1 = tracker.track(A, offset(1));
        tracker.track(A, offset(2));
        OffsetTracker.Tracked b1 = tracker.track(B, offset(10));

        b1.ack();
        a1.ack();

        assertThat(tracker.takeCommittable()).containsOnly(Map.entry(A, offset(1)), Map.entry(B, offset(10)));
        assertThat(tracker.inFlight()).isEqualTo(1);
    }

    @Test
    void eachCommittableOffsetIsReturnedOnceAndAcksAreIdempotent() {
        OffsetTracker.Tracked t = tracker.track(A, offset(1));
        t.ack();
        t.ack();

        assertThat(tracker.takeCommittable()).hasSize(1);
        assertThat(tracker.takeCommittable()).isEmpty();
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void acksInRandomOrderFromManyThreadsEndAtTheLastOffset() throws Exception {
        List<OffsetTracker.Tracked> tracked = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            tracked.add(tracker.track(i % 2 == 0 ? A : B, offset(i)));
        }
        Collections.shuffle(tracked, new Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (OffsetTracker.Tracked t : tracked) {
                pool.execute(t::ack);
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(tracker.takeCommittable()).containsOnly(Map.entry(A, offset(9998)), Map.entry(B, offset(9999)));
        assertThat(tracker.inFlight()).isZero();
    }

    private static SourceOffset offset(long n) {
        return SourceOffset.of("seq", n);
    }
}
