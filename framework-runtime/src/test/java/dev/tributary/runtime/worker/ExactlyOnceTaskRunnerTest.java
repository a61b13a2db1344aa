package dev.tributary.runtime.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.connector.SourceTaskContext;
import dev.tributary.api.offset.OffsetWriterFencedException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.MemoryOffsetStore;
import dev.tributary.runtime.config.RecordTooLargePolicy;
import dev.tributary.runtime.metrics.MetricsRegistry;
import dev.tributary.runtime.offsets.ConnectorOffsets;
import dev.tributary.runtime.sink.RecordWriter;
import dev.tributary.runtime.sink.TransactionalOutput;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task loop under exactly-once delivery, over a fake transactional output that logs what happens. */
class ExactlyOnceTaskRunnerTest {
    private static final SourcePartition P = SourcePartition.of("p", "0");

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ConnectorOffsets offsets = new ConnectorOffsets("c", new MemoryOffsetStore());
    private final FakeTransactions transactions = new FakeTransactions();

    @AfterEach
    void shutDown() {
        pool.shutdownNow();
    }

    @Test
    void recordsAndTheOffsetsThatCoverThemCommitInOneTransactionEachInterval() throws Exception {
        SequenceTask task = new SequenceTask(6, Duration.ofMillis(40));
        TaskRunner runner = runner(task, Duration.ofMillis(100), new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);

        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.committedOffset() == 5L);
        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();

        assertThat(transactions.commits.size()).as("several transactions: %s", transactions.log).isGreaterThan(1);
        // Every record was sent inside a transaction that committed, and each commit's offset is the last
        // record of that transaction: nothing outside a transaction, nothing past its offsets.
        for (FakeTransactions.Commit commit : transactions.commits) {
            List<Long> sent = transactions.sentIn(commit.transaction());
            assertThat(sent).as("transaction %s", commit.transaction()).isNotEmpty();
            assertThat(commit.offsets()).containsExactly(Map.entry(P, SourceOffset.of("seq", sent.get(sent.size() - 1))));
        }
        assertThat(transactions.sentOutsideTransactions.get()).isZero();
        assertThat(transactions.aborts).isEmpty();
        assertThat(task.committed).as("the task hears of each commit").hasSize(transactions.commits.size());
        assertThat(transactions.sessions.get()).isEqualTo(1);
        assertThat(transactions.closed.get()).isEqualTo(1);
    }

    @Test
    void theNextTransactionTakesRecordsWhileThePreviousOneCommitsAndOnlyOneCommitsAtATime() throws Exception {
        CompletableFuture<Void> firstCommit = new CompletableFuture<>();
        transactions.commitGates.add(firstCommit);
        SequenceTask task = new SequenceTask(Integer.MAX_VALUE, Duration.ofMillis(5));
        TaskRunner runner = runner(task, Duration.ofMillis(50), new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);

        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.log.stream().anyMatch(l -> l.startsWith("commit 1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.sentIn(2).size() >= 20);
        assertThat(transactions.commits).as("the first commit still waits").isEmpty();
        assertThat(transactions.log).as("no second seal before the first commit completes").doesNotContain("seal 2");

        firstCommit.complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.commits.size() >= 3);
        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();

        assertThat(transactions.aborts).isEmpty();
        assertThat(transactions.sentOutsideTransactions.get()).isZero();
        long expected = 0;
        for (FakeTransactions.Commit commit : transactions.commits) {
            List<Long> sent = transactions.sentIn(commit.transaction());
            assertThat(sent.get(0)).as("transaction %s follows the one before without a gap", commit.transaction())
                    .isEqualTo(expected);
            assertThat(commit.offsets()).as("transaction %s's offsets are those of its last record", commit.transaction())
                    .containsExactly(Map.entry(P, SourceOffset.of("seq", sent.get(sent.size() - 1))));
            expected = sent.get(sent.size() - 1) + 1;
        }
        assertThat(transactions.sent).as("every record sent was committed").hasSize((int) expected);
    }

    @Test
    void aFailedCommitAbortsTheTransactionOpenMeanwhileAndTheNextLifeResumesFromTheLastCommit() throws Exception {
        List<Long> resumedFrom = new CopyOnWriteArrayList<>();
        SequenceTask task = resumingTask(resumedFrom, Duration.ofMillis(5));
        CompletableFuture<Void> secondCommit = new CompletableFuture<>();
        transactions.commitGates.add(CompletableFuture.completedFuture(null));
        transactions.commitGates.add(secondCommit);
        TaskRunner runner = runner(task, Duration.ofMillis(50), new RestartPolicy(Duration.ofMillis(10),
                Duration.ofMillis(10), 5));
        pool.submit(runner);

        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.log.stream().anyMatch(l -> l.startsWith("commit 2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> !transactions.sentIn(3).isEmpty());
        secondCommit.completeExceptionally(new RuntimeException("the coordinator said no"));
        await().atMost(Duration.ofSeconds(10)).until(() -> resumedFrom.size() >= 2);
        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();

        assertThat(transactions.aborts).as("the transaction open meanwhile is aborted with it").contains(3L);
        assertThat(transactions.commits.get(0).transaction()).isEqualTo(1L);
        assertThat(transactions.commits).noneMatch(c -> c.transaction() == 2L || c.transaction() == 3L);
        List<Long> first = transactions.sentIn(1);
        assertThat(resumedFrom.get(1)).as("resumes after the first commit").isEqualTo(first.get(first.size() - 1) + 1);
    }

    @Test
    void aStopCommitsTheOpenTransaction() throws Exception {
        SequenceTask task = new SequenceTask(3, Duration.ZERO);
        TaskRunner runner = runner(task, Duration.ofHours(1), new RestartPolicy(Duration.ZERO, Duration.ZERO, 0));
        pool.submit(runner);
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions.sent.size() == 3);
        assertThat(transactions.commits).as("the interval has not passed").isEmpty();

        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();

        assertThat(transactions.committedOffset()).isEqualTo(2L);
        assertThat(runner.status().state()).isEqualTo(State.STOPPED);
    }

    @Test
    void aFailedSendAbortsTheTransactionAndTheNextLifeResumesFromTheLastCommit() throws Exception {
        List<Long> resumedFrom = new CopyOnWriteArrayList<>();
        SequenceTask task = resumingTask(resumedFrom, Duration.ofMillis(20));
        transactions.failSend = seq -> seq == 8;
        TaskRunner runner = runner(task, Duration.ofMillis(50), new RestartPolicy(Duration.ofMillis(10),
                Duration.ofMillis(10), 5));
        pool.submit(runner);

        await().atMost(Duration.ofSeconds(10)).until(() -> resumedFrom.size() >= 2);
        runner.stop();
        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();

        assertThat(transactions.aborts).as("the failed transaction is aborted").isNotEmpty();
        long failedIn = transactions.transactionOf(8L);
        assertThat(transactions.aborts).contains(failedIn);
        assertThat(transactions.commits).noneMatch(c -> c.transaction() == failedIn);
        assertThat(resumedFrom.get(1)).as("resumes after the last commit, before the failed transaction's records")
                .isLessThanOrEqualTo(transactions.sentIn(failedIn).get(0));
        assertThat(transactions.sessions.get()).as("a new session (a new fence) per life").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFencedTaskFailsWithoutRestartingSoThatItDoesNotFenceItsSuccessor() throws Exception {
        SequenceTask task = new SequenceTask(Integer.MAX_VALUE, Duration.ofMillis(10));
        transactions.fenceAtCommit = 2;
        TaskRunner runner = runner(task, Duration.ofMillis(50), new RestartPolicy(Duration.ZERO, Duration.ZERO, 5));
        pool.submit(runner);

        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        TaskStatus status = runner.status();
        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.trace()).contains("fenced");
        assertThat(transactions.sessions.get()).as("no restart").isEqualTo(1);
        assertThat(transactions.commits).hasSize(1);
    }

    @Test
    void aTaskThatFailsAfterItWasFencedDoesNotStartAgain() throws Exception {
        SequenceTask task = new SequenceTask(Integer.MAX_VALUE, Duration.ofMillis(10));
        // As an old copy sees it after a pause: its transaction timed out, and its fence was taken meanwhile.
        transactions.failSend = seq -> seq == 5;
        transactions.fencedOut = true;
        TaskRunner runner = runner(task, Duration.ofMillis(50), new RestartPolicy(Duration.ZERO, Duration.ZERO, 5));
        pool.submit(runner);

        assertThat(runner.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(runner.status().state()).isEqualTo(State.FAILED);
        assertThat(runner.status().trace()).contains("fenced").contains("broker said no");
        assertThat(transactions.sessions.get()).as("no restart").isEqualTo(1);
    }

    /** A task that resumes after the fake's last commit (its "store") at each start, noting where it resumed. */
    private SequenceTask resumingTask(List<Long> resumedFrom, Duration pause) {
        return new SequenceTask(Integer.MAX_VALUE, pause) {
            @Override
            public void start(SourceTaskContext context) {
                long from = transactions.committedOffset() + 1;
                resumedFrom.add(from);
                next = from;
            }
        };
    }

    private TaskRunner runner(SourceTask task, Duration interval, RestartPolicy policy) {
        SourceConnector connector = new OneTaskConnector(task);
        return new TaskRunner("c", 0, Map.of(), connector, TaskOutput.exactlyOnce(transactions, RecordTooLargePolicy.FAIL),
                offsets, new MetricsRegistry(System::nanoTime), policy, Duration.ofSeconds(5), Clock.systemUTC(),
                "test-worker", UnaryOperator.identity(), () -> interval);
    }

    /** Emits records numbered from {@code next}, one per poll, {@code pause} apart. */
    private static class SequenceTask implements SourceTask {
        final List<Map<SourcePartition, SourceOffset>> committed = new CopyOnWriteArrayList<>();
        private final int limit;
        private final Duration pause;
        volatile long next;
        private int emitted;

        SequenceTask(int limit, Duration pause) {
            this.limit = limit;
            this.pause = pause;
        }

        @Override
        public void start(SourceTaskContext context) {
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
            Thread.sleep(Math.max(1, pause.toMillis()));
            if (emitted >= limit) {
                return List.of();
            }
            emitted++;
            long seq = next++;
            return List.of(new SourceRecord(P, SourceOffset.of("seq", seq), "k", new byte[] {(byte) seq}, null));
        }

        @Override
        public void onOffsetsCommitted(Map<SourcePartition, SourceOffset> offsets) {
            committed.add(offsets);
        }

        @Override
        public void stop() {
        }
    }

    /**
     * Numbers transactions from 1, acknowledges each send at once, commits at once or when the
     * test opens a gate, and logs begins, sends, seals, commits and aborts.
     */
    private static final class FakeTransactions implements TransactionalOutput {
        record Sent(long transaction, long seq) {
        }

        record Commit(long transaction, Map<SourcePartition, SourceOffset> offsets) {
        }

        final List<String> log = new CopyOnWriteArrayList<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final List<Commit> commits = new CopyOnWriteArrayList<>();
        final List<Long> aborts = new CopyOnWriteArrayList<>();
        final AtomicInteger sentOutsideTransactions = new AtomicInteger();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        volatile Predicate<Long> failSend = seq -> false;
        /** The commit (counted from 1 over all sessions) that finds the session fenced; 0 for none. */
        volatile int fenceAtCommit;
        /** What a session answers when asked whether it was fenced. */
        volatile boolean fencedOut;
        /** Each commit takes the next gate, if any, and completes when the gate does. */
        final java.util.Queue<CompletableFuture<Void>> commitGates = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicInteger transactionNumbers = new AtomicInteger();
        private final AtomicInteger commitAttempts = new AtomicInteger();

        long committedOffset() {
            return commits.isEmpty() ? -1L : commits.get(commits.size() - 1).offsets().get(P).getLong("seq", -1);
        }

        List<Long> sentIn(long transaction) {
            List<Long> result = new ArrayList<>();
            sent.stream().filter(s -> s.transaction() == transaction).forEach(s -> result.add(s.seq()));
            return result;
        }

        long transactionOf(long seq) {
            return sent.stream().filter(s -> s.seq() == seq).findFirst().orElseThrow().transaction();
        }

        @Override
        public Session open(String connector, int taskId) {
            sessions.incrementAndGet();
            log.add("open");
            return new Session() {
                private volatile long current;
                /** Sealed transactions whose commit has not completed. */
                private final List<Long> pending = new CopyOnWriteArrayList<>();

                private final RecordWriter records = new RecordWriter() {
                    @Override
                    public CompletableFuture<?> send(SourceRecord record) {
                        long seq = record.offset().getLong("seq", -1);
                        if (current == 0) {
                            sentOutsideTransactions.incrementAndGet();
                        }
                        sent.add(new Sent(current, seq));
                        return failSend.test(seq) ? CompletableFuture.failedFuture(new RuntimeException("broker said no"))
                                : CompletableFuture.completedFuture("id");
                    }

                    @Override
                    public void flush() {
                    }

                    @Override
                    public void close() {
                    }
                };

                @Override
                public RecordWriter records() {
                    return records;
                }

                @Override
                public boolean inTransaction() {
                    return current != 0;
                }

                @Override
                public void begin() {
                    current = transactionNumbers.incrementAndGet();
                    log.add("begin " + current);
                }

                @Override
                public Sealed seal() {
                    long txn = current;
                    if (txn == 0) {
                        throw new IllegalStateException("no open transaction");
                    }
                    current = 0;
                    pending.add(txn);
                    log.add("seal " + txn);
                    return offsets -> {
                        if (commitAttempts.incrementAndGet() == fenceAtCommit) {
                            pending.remove(txn);
                            aborts.add(txn);
                            return CompletableFuture.failedFuture(
                                    new OffsetWriterFencedException("task 0 of connector 'c' is fenced"));
                        }
                        log.add("commit " + txn + " " + offsets);
                        CompletableFuture<Void> gate = commitGates.poll();
                        CompletableFuture<Void> done = gate == null ? CompletableFuture.completedFuture(null) : gate;
                        return done.thenRun(() -> {
                            pending.remove(txn);
                            commits.add(new Commit(txn, Map.copyOf(offsets)));
                        });
                    };
                }

                @Override
                public boolean fencedOut() {
                    return fencedOut;
                }

                @Override
                public void abort() {
                    if (current != 0) {
                        aborts.add(current);
                        log.add("abort " + current);
                    }
                    current = 0;
                    for (Long txn : pending) {
                        aborts.add(txn);
                        log.add("abort " + txn);
                    }
                    pending.clear();
                }

                @Override
                public void close() {
                    abort();
                    closed.incrementAndGet();
                }
            };
        }
    }
}
