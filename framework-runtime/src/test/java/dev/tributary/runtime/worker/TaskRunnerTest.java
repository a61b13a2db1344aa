package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.sink.RecordTooLargeException;
import dev.tributary.runtime.sink.RecordWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {
    private static final SourcePartition P = SourcePartition.of("p", "0");

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final MemoryOffsetStore store = new MemoryOffsetStore();
    private final ConnectorOffsets offsets = new ConnectorOffsets("c", store);
    private final HeldWriter writer = new HeldWriter();
    private final HeldWriter deadLetters = new HeldWriter();
    private final MetricsRegistry metrics = new MetricsRegistry(System::nanoTime);

    @AfterEach
    void shutDown() {
        pool.shutdownNow();
    }

    @Test
    void commitsOnlyWhatPulsarAcknowledgedInOrder() {
        CountingTask task = new CountingTask(5);
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 5);

        writer.ack(4);
        writer.ack(2);
        offsets.commit();
        assertThat(store.readAll("c")).as("record 0 is not acknowledged yet").isEmpty();

        writer.ack(0);
        writer.ack(1);
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 2L)));

        writer.ack(3);
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 4L)));
        assertThat(task.committed).contains(Map.of(P, SourceOffset.of("seq", 4L)));
        assertThat(task.acked.get()).isEqualTo(5);
        runner.stop();
    }

    @Test
    void anOffsetWithoutARecordWaitsBehindThatPollsRecords() {
        SourceOffset end = SourceOffset.of("seq", 99L, "end", true);
        CountingTask task = new CountingTask(2) {
            private SourceTaskContext context;

            @Override
            public void start(SourceTaskContext context) {
                this.context = context;
            }

            @Override
            public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
                List<SourceRecord> records = super.poll(timeout);
                if (next == 2 && records.size() == 1) {
                    context.commitOffset(P, end);
                }
                return records;
            }
        };
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 2);

        writer.ack(0);
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 0L)));

        writer.ack(1);
        offsets.commit();
        assertThat(store.readAll("c")).as("the end follows the last record").containsExactly(Map.entry(P, end));
        runner.stop();
    }

    @Test
    void aFailingTaskIsRestartedWithBackoffThenFailsWithAReadableTrace() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        SourceTask failing = new CountingTask(0) {
            @Override
            public void start(SourceTaskContext context) {
                starts.incrementAndGet();
                throw new IllegalStateException("stream orders does not exist");
            }
        };
        TaskRunner runner = runner(failing, new RestartPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 3));

        pool.submit(runner);

        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(starts.get()).as("the first start and three restarts").isEqualTo(4);
        TaskStatus status = runner.status();
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.trace()).isEqualTo("IllegalStateException: stream orders does not exist");
    }

    @Test
    void aFailedSendFailsTheTaskAndTheRestartResumesFromCommittedOffsets() throws Exception {
        List<Long> resumedFrom = new CopyOnWriteArrayList<>();
        CountingTask task = new CountingTask(3) {
            @Override
            public void start(SourceTaskContext context) {
                long from = context.offsetReader().offset(P).map(o -> o.getLong("seq", -1) + 1).orElse(0L);
                resumedFrom.add(from);
                next = from;
            }
        };
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 5));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 3);

        writer.ack(0);
        writer.fail(1, new RuntimeException("broker said no"));

        await().atMost(Duration.ofSeconds(10)).until(() -> resumedFrom.size() == 2);
        assertThat(resumedFrom).containsExactly(0L, 1L);
        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(runner.status().state()).isEqualTo(State.STOPPED);
    }

    @Test
    void pauseStopsPollingAndResumeStartsItAgain() {
        CountingTask task = new CountingTask(Integer.MAX_VALUE);
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.status().state() == State.RUNNING);

        runner.pause();
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.status().state() == State.PAUSED);
        int polled = task.polls.get();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(task.polls.get()).isLessThanOrEqualTo(polled + 1);

        runner.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> task.polls.get() > polled + 1);
        assertThat(runner.status().state()).isEqualTo(State.RUNNING);
        runner.stop();
    }

    @Test
    void underFailARecordTooLargeFailsTheTaskWithOneLineAndTheOffsetStaysBeforeIt() throws Exception {
        CountingTask task = new CountingTask(3);
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0), RecordTooLargePolicy.FAIL);
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 3);

        writer.ack(0);
        writer.ack(2);
        writer.refuseAsTooLarge(1);

        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        TaskStatus status = runner.status();
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.trace()).isEqualTo("RecordTooLargeException: the record at partition {p=0} offset {seq=1}"
                + " for topic persistent://public/default/t is 6000000 bytes, more than the broker's maxMessageSize"
                + " of 5242880 bytes; set errors.record.too.large to skip, or to dead-letter with"
                + " errors.dead.letter.topic, to go past it, or raise the broker's maxMessageSize");
        offsets.commit();
        assertThat(store.readAll("c")).as("record 2 was acknowledged, but record 1 was not")
                .containsExactly(Map.entry(P, SourceOffset.of("seq", 0L)));
        assertThat(metric("tributary_task_send_failures_total{connector=\"c\",task=\"0\"}")).isEqualTo(1);
        assertThat(deadLetters.pending).isEmpty();
    }

    @Test
    void underSkipARecordTooLargeCountsAsAcknowledgedAndTheOffsetMovesPastIt() {
        CountingTask task = new CountingTask(4);
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0),
                new RecordTooLargePolicy(RecordTooLargePolicy.Action.SKIP, null));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 4);

        writer.ack(0);
        writer.refuseAsTooLarge(1);
        writer.ack(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(SKIPPED) == 1);
        offsets.commit();
        assertThat(store.readAll("c")).as("record 2 is not acknowledged yet, so the offset stops before it")
                .containsExactly(Map.entry(P, SourceOffset.of("seq", 1L)));

        writer.ack(2);
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 3L)));
        assertThat(runner.status().state()).isEqualTo(State.RUNNING);
        assertThat(task.acked.get()).as("the skipped record gets no onRecordAcked").isEqualTo(3);
        assertThat(deadLetters.pending).isEmpty();
        runner.stop();
    }

    @Test
    void underDeadLetterTheRecordGoesWholeToTheDeadLetterTopicAndCountsOnceThatTopicHasIt() {
        Instant eventTime = Instant.parse("2024-05-01T10:15:30.123Z");
        CountingTask task = new CountingTask(3) {
            @Override
            SourceRecord record(long seq) {
                return new SourceRecord(P, SourceOffset.of("seq", seq), null, "key-" + seq,
                        new byte[] {(byte) seq, 0, (byte) 0xFF}, Map.of("origin", "test-" + seq), eventTime);
            }
        };
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0),
                new RecordTooLargePolicy(RecordTooLargePolicy.Action.DEAD_LETTER, "orders-too-large"));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 3);

        writer.ack(0);
        writer.refuseAsTooLarge(1);
        writer.ack(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.pending.size() == 1);
        offsets.commit();
        assertThat(store.readAll("c")).as("the dead-letter topic has not acknowledged record 1 yet")
                .containsExactly(Map.entry(P, SourceOffset.of("seq", 0L)));
        SourceRecord sent = deadLetters.records.get(0);
        assertThat(sent.topic()).isEqualTo("orders-too-large");
        assertThat(sent.key()).isEqualTo("key-1");
        assertThat(sent.value()).containsExactly(1, 0, 0xFF);
        assertThat(sent.eventTime()).isEqualTo(eventTime);
        assertThat(sent.partition()).isEqualTo(P);
        assertThat(sent.offset()).isEqualTo(SourceOffset.of("seq", 1L));
        assertThat(sent.properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "origin", "test-1",
                "tributary.error.reason", "too_large",
                "tributary.error.topic", "persistent://public/default/t",
                "tributary.error.partition", "{p=0}",
                "tributary.error.offset", "{seq=1}",
                "tributary.error.connector", "c",
                "tributary.error.task", "0",
                "tributary.error.size.bytes", "6000000",
                "tributary.error.limit.bytes", "5242880"));
        assertThat(metric(DEAD_LETTERED)).isZero();

        deadLetters.ack(0);
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 2L)));
        assertThat(metric(DEAD_LETTERED)).isEqualTo(1);
        assertThat(runner.status().state()).isEqualTo(State.RUNNING);
        runner.stop();
    }

    @Test
    void aDeadLetterTopicThatFailsFailsTheTaskAndTheOffsetStaysBeforeTheRecord() throws Exception {
        CountingTask task = new CountingTask(3);
        TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0),
                new RecordTooLargePolicy(RecordTooLargePolicy.Action.DEAD_LETTER, "orders-too-large"));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.pending.size() == 3);

        writer.ack(0);
        writer.ack(2);
        writer.refuseAsTooLarge(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.pending.size() == 1);
        deadLetters.fail(0, new IllegalStateException("not authorized on orders-too-large"));

        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(runner.status().state()).isEqualTo(State.FAILED);
        assertThat(runner.status().trace()).startsWith("IllegalStateException: the dead-letter topic orders-too-large"
                + " did not take the record at partition {p=0} offset {seq=1} (6000000 bytes); its offset stays"
                + " before it; caused by IllegalStateException: not authorized on orders-too-large");
        offsets.commit();
        assertThat(store.readAll("c")).containsExactly(Map.entry(P, SourceOffset.of("seq", 0L)));
        assertThat(metric(DEAD_LETTERED)).isZero();
    }

    private static final String SKIPPED =
            "tributary_task_records_skipped_total{connector=\"c\",reason=\"too_large\",task=\"0\"}";
    private static final String DEAD_LETTERED =
            "tributary_task_records_dead_lettered_total{connector=\"c\",reason=\"too_large\",task=\"0\"}";

    /** The value of one sample in a scrape of the runner's metrics. */
    private long metric(String sample) {
        return metrics.scrape().lines()
                .filter(line -> line.startsWith(sample + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(sample.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + sample));
    }

    @Test
    void aTaskStoppedBeforeItGotAThreadIsStoppedAtOnceAndNeverStarts() throws Exception {
        ExecutorService onePool = Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        try {
            onePool.submit(() -> {
                busy.await();
                return null;
            });
            AtomicInteger starts = new AtomicInteger();
            CountingTask task = new CountingTask(0) {
                @Override
                public void start(SourceTaskContext context) {
                    starts.incrementAndGet();
                }
            };
            TaskRunner runner = runner(task, new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
            java.util.concurrent.Future<?> queued = onePool.submit(runner);
            assertThat(runner.status().state()).isEqualTo(State.UNASSIGNED);

            runner.stop();

            assertThat(runner.awaitStopped(Duration.ZERO)).as("stopped without waiting for a thread").isTrue();
            assertThat(runner.status().state()).isEqualTo(State.STOPPED);
            busy.countDown();
            queued.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(starts.get()).as("the pool thread that comes later does not start it").isZero();
            assertThat(runner.status().state()).isEqualTo(State.STOPPED);
        } finally {
            busy.countDown();
            onePool.shutdownNow();
        }
    }

    private TaskRunner runner(SourceTask task, RestartPolicy policy) {
        return runner(task, policy, RecordTooLargePolicy.FAIL);
    }

    private TaskRunner runner(SourceTask task, RestartPolicy policy, RecordTooLargePolicy tooLarge) {
        SourceConnector connector = new OneTaskConnector(task);
        return new TaskRunner("c", 0, Map.of(), connector, new TaskOutput(() -> writer, tooLarge, () -> deadLetters),
                offsets, metrics, policy, Duration.ofSeconds(1), Clock.systemUTC(), "test-worker",
                UnaryOperator.identity());
    }

    /** Emits {@code limit} records, one per poll, numbered from {@code next}. */
    private static class CountingTask implements SourceTask {
        final int limit;
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();
        final List<Map<SourcePartition, SourceOffset>> committed = new CopyOnWriteArrayList<>();
        volatile long next;
        private int emitted;

        CountingTask(int limit) {
            this.limit = limit;
        }

        @Override
        public void start(SourceTaskContext context) {
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
            polls.incrementAndGet();
            if (emitted >= limit) {
                Thread.sleep(10);
                return List.of();
            }
            emitted++;
            return List.of(record(next++));
        }

        SourceRecord record(long seq) {
            return new SourceRecord(P, SourceOffset.of("seq", seq), "k", new byte[] {1}, null);
        }

        @Override
        public void onRecordAcked(SourceRecord record) {
            acked.incrementAndGet();
        }

        @Override
        public void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
            committed.add(offsets);
        }

        @Override
        public void stop() {
        }
    }

    /** Holds every send until the test acknowledges or fails it, by its position in send order. */
    private static final class HeldWriter implements RecordWriter {
        final List<CompletableFuture<Object>> pending = new CopyOnWriteArrayList<>();
        final List<SourceRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<?> send(SourceRecord record) {
            CompletableFuture<Object> future = new CompletableFuture<>();
            records.add(record);
            pending.add(future);
            return future;
        }

        /** Fails a send as Pulsar's writer does for a record above the broker's maxMessageSize. */
        void refuseAsTooLarge(int index) {
            fail(index, new RecordTooLargeException("persistent://public/default/t", 6_000_000, 5_242_880,
                    new IllegalStateException("the client's own words")));
        }

        void ack(int index) {
            pending.get(index).complete("id");
        }

        void fail(int index, Throwable error) {
            pending.get(index).completeExceptionally(error);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            pending.forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
            pending.clear();
        }
    }
}
