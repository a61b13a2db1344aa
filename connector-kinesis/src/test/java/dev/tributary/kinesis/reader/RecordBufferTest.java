package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.offset.SourcePartition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
    private static final SourcePartition PARTITION = SourcePartition.of("shard", "shard-0");
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicInteger spaces = new AtomicInteger();

    @Test
    void aDrainHandsOverWholeBatchesUntilItHasAboutTakeRecords() throws Exception {
        RecordBuffer buffer = buffer(10_000, 1000, 200);
        for (int i = 0; i < 3; i++) {
            add(buffer, 600);
        }

        assertThat(buffer.drain(0)).extracting(ShardBatch::kinesisRecords).containsExactly(600, 600);
        assertThat(buffer.queuedRecords()).isEqualTo(600);
        assertThat(buffer.queuedBytes()).isEqualTo(600);
        assertThat(buffer.drain(0)).extracting(ShardBatch::kinesisRecords).containsExactly(600);
        assertThat(buffer.queuedRecords()).isZero();
        assertThat(spaces).hasValue(2);
    }

    @Test
    void aBatchLargerThanTakeRecordsIsHandedOverWhole() throws Exception {
        RecordBuffer buffer = buffer(10_000, 100, 200);
        add(buffer, 500);

        assertThat(buffer.drain(0)).extracting(ShardBatch::kinesisRecords).containsExactly(500);
    }

    @Test
    void theCountBoundsRecordsWaitingAndReservedTogether() {
        RecordBuffer buffer = buffer(1000, 1000, 5000);

        assertThat(buffer.reserve(600, 0)).isEqualTo(600);
        assertThat(buffer.reserve(600, 0)).isEqualTo(400);
        assertThat(buffer.reserve(1, 0)).isZero();
        buffer.cancel(400);
        assertThat(buffer.reserve(600, 0)).isEqualTo(400);
    }

    @Test
    void beforeTheTaskHasTakenAnythingFetchesPauseAtTheFloor() {
        RecordBuffer buffer = buffer(10_000, 1000, 2000);
        add(buffer, 1999);

        assertThat(buffer.readyLimit(50 * MILLI)).isEqualTo(2000);
        assertThat(buffer.reserve(1000, 50 * MILLI)).as("below the floor").isEqualTo(1000);
        add(buffer, 1, 1000);
        assertThat(buffer.reserve(1000, 50 * MILLI)).as("at the floor").isZero();
    }

    @Test
    void fetchesPauseWhileTheWaitingRecordsWouldLastTheTaskTwoFetchRoundTrips() throws Exception {
        RecordBuffer buffer = buffer(100_000, 1000, 200);
        // The task takes 1,000 records every 10 ms: 100,000 a second.
        takeEvery(buffer, 10);
        // Fetches that take 30 ms: two of them are 6,000 records' worth.
        assertThat(buffer.readyLimit(30 * MILLI)).isBetween(5900, 6100);
        add(buffer, 5000);
        assertThat(buffer.reserve(1000, 30 * MILLI)).isEqualTo(1000);
        buffer.add(batch(1000), 1000);
        add(buffer, 500);
        assertThat(buffer.reserve(1000, 30 * MILLI)).as("6,500 waiting").isZero();
        // Slower fetches need more waiting records; the count stays the cap.
        assertThat(buffer.reserve(1000, 60 * MILLI)).isEqualTo(1000);
        assertThat(buffer.readyLimit(10_000 * MILLI)).isEqualTo(100_000);
    }

    @Test
    void aTaskThatSlowsDownLowersTheLimit() throws Exception {
        RecordBuffer buffer = buffer(100_000, 1000, 200);
        takeEvery(buffer, 10);
        int fast = buffer.readyLimit(30 * MILLI);
        // Now Pulsar lets the task take 1,000 records every 100 ms.
        takeEvery(buffer, 100);

        assertThat(buffer.readyLimit(30 * MILLI)).isLessThan(fast / 5).isBetween(590, 610);
    }

    @Test
    void bytesBoundFetchesAsBefore() {
        RecordBuffer buffer = new RecordBuffer(10_000, 1000, 1000, 5000, clock::get, spaces::incrementAndGet);
        buffer.add(new ShardBatch(PARTITION, List.of(), 10, 1000, null), 0);

        assertThat(buffer.reserve(10, 0)).isZero();
    }

    /** Thirty times: a fetch of 1,000 records lands, {@code millis} pass, and the task takes them. */
    private void takeEvery(RecordBuffer buffer, long millis) throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            add(buffer, 1000);
            clock.addAndGet(millis * MILLI);
            buffer.drain(0);
        }
    }

    private RecordBuffer buffer(int maxRecords, int takeRecords, int readyFloor) {
        return new RecordBuffer(maxRecords, 1L << 40, takeRecords, readyFloor, clock::get, spaces::incrementAndGet);
    }

    private static void add(RecordBuffer buffer, int records) {
        add(buffer, records, 0);
    }

    /** Adds a fetch's batch of {@code records} Kinesis records, one byte each, that had reserved {@code reserved}. */
    private static void add(RecordBuffer buffer, int records, int reserved) {
        buffer.add(batch(records), reserved);
    }

    private static ShardBatch batch(int records) {
        return new ShardBatch(PARTITION, List.of(), records, records, null);
    }
}
