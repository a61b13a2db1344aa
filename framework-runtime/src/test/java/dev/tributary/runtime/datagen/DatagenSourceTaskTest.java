package dev.tributary.runtime.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DatagenSourceTaskTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private final FakeTime time = new FakeTime(T0);

    /** A task config like the connector makes, with these keys changed. */
    private static Map<String, String> config(String... overrides) {
        Map<String, String> config = new HashMap<>(Map.of("rate", "0", "record.size", "100", "key.cardinality", "7",
                "count", "0", "batch.size", "50", "task.index", "2"));
        for (int i = 0; i < overrides.length; i += 2) {
            config.put(overrides[i], overrides[i + 1]);
        }
        return config;
    }

    private DatagenSourceTask started(FakeTaskContext context) {
        DatagenSourceTask task = new DatagenSourceTask(time, time);
        task.start(context);
        return task;
    }

    private DatagenSourceTask started(String... overrides) {
        return started(new FakeTaskContext("demo", config(overrides)));
    }

    private static List<Long> seqs(List<SourceRecord> records) {
        return records.stream().map(r -> r.offset().getLong("seq", -1)).toList();
    }

    @Test
    void recordsHaveContiguousIdsKeysPropertiesAndExactSizes() throws Exception {
        DatagenSourceTask task = started("record.size", "64");
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.addAll(task.poll(Duration.ZERO));
        }

        assertThat(records).hasSize(150);
        for (int seq = 0; seq < records.size(); seq++) {
            SourceRecord record = records.get(seq);
            String id = "2-" + seq;
            assertThat(record.value()).hasSize(64);
            assertThat(DatagenPayload.idOf(record.value())).isEqualTo(id);
            assertThat(record.key()).isEqualTo("key-" + (seq % 7));
            assertThat(record.properties()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("datagen.id", id, "datagen.task", "2", "datagen.seq", Integer.toString(seq)));
            assertThat(record.partition()).isEqualTo(DatagenSourceTask.partition("demo", 2));
            assertThat(record.partition().getString("datagen")).isEqualTo("demo");
            assertThat(record.offset()).isEqualTo(SourceOffset.of("seq", (long) seq));
            assertThat(record.topic()).isNull();
            assertThat(record.eventTime()).isEqualTo(T0);
        }
    }

    @Test
    void everyNthRecordIsLargeWhenAskedTo() throws Exception {
        DatagenSourceTask task = started("record.size", "64", "large.record.every", "3", "large.record.size", "5000");

        List<SourceRecord> records = task.poll(Duration.ZERO);

        assertThat(records).hasSize(50);
        for (int seq = 0; seq < records.size(); seq++) {
            SourceRecord record = records.get(seq);
            assertThat(record.value()).as("seq " + seq).hasSize(seq % 3 == 2 ? 5000 : 64);
            assertThat(DatagenPayload.idOf(record.value())).isEqualTo("2-" + seq);
        }
    }

    @Test
    void rateZeroReturnsAFullBatchAtOnce() throws Exception {
        DatagenSourceTask task = started("batch.size", "7");

        assertThat(task.poll(Duration.ofSeconds(10))).hasSize(7);
        assertThat(task.poll(Duration.ofSeconds(10))).hasSize(7);
        assertThat(time.instant()).isEqualTo(T0);
    }

    @Test
    void followsTheRateOnTheClock() throws Exception {
        DatagenSourceTask task = started("rate", "10");

        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(0L);
        assertThat(task.poll(Duration.ZERO)).isEmpty();

        time.advance(Duration.ofMillis(99));
        assertThat(task.poll(Duration.ZERO)).isEmpty();

        time.advance(Duration.ofMillis(1));
        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(1L);

        time.advance(Duration.ofMillis(950));
        List<SourceRecord> caughtUp = task.poll(Duration.ZERO);
        assertThat(seqs(caughtUp)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(caughtUp).allSatisfy(r -> assertThat(r.eventTime()).isEqualTo(T0.plusMillis(1050)));
    }

    @Test
    void waitsOnTheClockForTheNextRecord() throws Exception {
        DatagenSourceTask task = started("rate", "4");
        task.poll(Duration.ZERO);

        List<SourceRecord> next = task.poll(Duration.ofSeconds(10));

        assertThat(seqs(next)).containsExactly(1L);
        assertThat(time.instant()).isEqualTo(T0.plusMillis(250));
        assertThat(next.get(0).eventTime()).isEqualTo(T0.plusMillis(250));
    }

    @Test
    void returnsEmptyWhenNothingIsDueWithinTheTimeout() throws Exception {
        DatagenSourceTask task = started("rate", "1");
        task.poll(Duration.ZERO);

        assertThat(task.poll(Duration.ofMillis(300))).isEmpty();
        assertThat(time.instant()).isEqualTo(T0.plusMillis(300));
    }

    @Test
    void neverReturnsMoreThanABatchEvenWhenBehind() throws Exception {
        DatagenSourceTask task = started("rate", "1000", "batch.size", "20");
        time.advance(Duration.ofSeconds(1));

        assertThat(task.poll(Duration.ZERO)).hasSize(20);
        assertThat(seqs(task.poll(Duration.ZERO))).startsWith(20L).hasSize(20);
    }

    @Test
    void stopsAtItsCountShareAndThenWaitsOutEachPoll() throws Exception {
        DatagenSourceTask task = started("count", "5", "batch.size", "3");

        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(0L, 1L, 2L);
        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(3L, 4L);
        assertThat(task.poll(Duration.ofSeconds(5))).isEmpty();
        assertThat(time.instant()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void resumesAfterTheCommittedOffset() throws Exception {
        FakeTaskContext context = new FakeTaskContext("demo", config())
                .withCommitted(DatagenSourceTask.partition("demo", 2), SourceOffset.of("seq", 41L))
                .withCommitted(DatagenSourceTask.partition("demo", 1), SourceOffset.of("seq", 1000L))
                .withCommitted(DatagenSourceTask.partition("other", 2), SourceOffset.of("seq", 2000L));

        List<SourceRecord> records = started(context).poll(Duration.ZERO);

        assertThat(records.get(0).properties()).containsEntry("datagen.id", "2-42");
        assertThat(seqs(records)).startsWith(42L, 43L);
        assertThat(records.get(0).key()).isEqualTo("key-" + (42 % 7));
    }

    @Test
    void resumingUnderARateStartsANewScheduleAtTheResumePoint() throws Exception {
        FakeTaskContext context = new FakeTaskContext("demo", config("rate", "2"))
                .withCommitted(DatagenSourceTask.partition("demo", 2), SourceOffset.of("seq", 9L));
        DatagenSourceTask task = started(context);

        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(10L);
        time.advance(Duration.ofMillis(500));
        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(11L);
    }

    @Test
    void aResumedTaskCountsItsShareAcrossRestarts() throws Exception {
        FakeTaskContext context = new FakeTaskContext("demo", config("count", "10"))
                .withCommitted(DatagenSourceTask.partition("demo", 2), SourceOffset.of("seq", 7L));
        DatagenSourceTask task = started(context);

        assertThat(seqs(task.poll(Duration.ZERO))).containsExactly(8L, 9L);
        assertThat(task.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aCommittedOffsetWithoutASequenceNumberFailsTheTask() {
        FakeTaskContext context = new FakeTaskContext("demo", config())
                .withCommitted(DatagenSourceTask.partition("demo", 2), SourceOffset.of("seq", "x"));

        assertThatThrownBy(() -> started(context))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("reset the connector's offsets");
    }

    @Test
    void tasksOfOneConnectorMakeExactlyCountUniqueRecords() throws Exception {
        DatagenSourceConnector connector = new DatagenSourceConnector();
        connector.start(new FakeConnectorContext(), Map.of("count", "1001", "rate", "0", "batch.size", "64"));
        Set<String> ids = new HashSet<>();
        int total = 0;
        for (Map<String, String> taskConfig : connector.taskConfigs(4)) {
            DatagenSourceTask task = started(new FakeTaskContext("demo", taskConfig));
            for (List<SourceRecord> batch = task.poll(Duration.ZERO); !batch.isEmpty();
                    batch = task.poll(Duration.ZERO)) {
                assertThat(batch).hasSizeLessThanOrEqualTo(64);
                total += batch.size();
                batch.forEach(r -> ids.add(r.properties().get("datagen.id")));
            }
        }

        assertThat(total).isEqualTo(1001);
        assertThat(ids).hasSize(1001).contains("0-250", "3-249").doesNotContain("1-251", "3-250");
    }

    @Test
    void stopWakesABlockedPoll() throws Exception {
        DatagenSourceTask task = new DatagenSourceTask();
        task.start(new FakeTaskContext("demo", config("rate", "0.001")));
        assertThat(task.poll(Duration.ZERO)).hasSize(1);
        CountDownLatch polling = new CountDownLatch(1);

        CompletableFuture<List<SourceRecord>> blocked = CompletableFuture.supplyAsync(() -> {
            polling.countDown();
            try {
                return task.poll(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        assertThat(polling.await(5, TimeUnit.SECONDS)).isTrue();
        task.stop();

        assertThat(blocked.get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(task.poll(Duration.ofMinutes(10))).isEmpty();
    }

    @Test
    void pollBeforeStartIsAnError() {
        assertThatThrownBy(() -> new DatagenSourceTask(time, time).poll(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
    }
}
