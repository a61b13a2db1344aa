package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.sink.RecordWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {
    private static final SourcePartition P = SourcePartition.of("p", "0");

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final MemoryOffsetStore store = new MemoryOffsetStore();
    private final ConnectorOffsets offsets = new ConnectorOffsets("c", store);
    private final HeldWriter writer = new HeldWriter();

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

    private TaskRunner runner(SourceTask task, RestartPolicy policy) {
        SourceConnector connector = new SourceConnector() {
            @Override
            public String version() {
                return "1";
            }

            @Override
            public ConfigSchema configSchema() {
                return ConfigSchema.builder().build();
            }

            @Override
            public void start(ConnectorContext context, Map<String, String> config) {
            }

            @Override
            public List<Map<String, String>> taskConfigs(int maxTasks) {
                return List.of(Map.of());
            }

            @Override
            public SourceTask createTask() {
                return task;
            }

            @Override
            public void stop() {
            }
        };
        return new TaskRunner("c", 0, Map.of(), connector, () -> writer, offsets,
                new MetricsRegistry(System::nanoTime), policy, Duration.ofSeconds(1),
                Clock.systemUTC(), "test-worker");
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
            return List.of(new SourceRecord(P, SourceOffset.of("seq", next++), "k", new byte[] {1}, null));
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

        @Override
        public CompletableFuture<?> send(SourceRecord record) {
            CompletableFuture<Object> future = new CompletableFuture<>();
            pending.add(future);
            return future;
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
