package dev.tributary.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuiesceTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        executor.shutdownNow();
    }

    @Test
    void waitsForTheRunningTaskAndDropsTheQueuedOnes() throws Exception {
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        startATaskThatIgnoresInterrupts(() -> finished.set(true));
        executor.execute(() -> queuedRan.set(true));
        new Thread(() -> {
            sleepQuietly(100);
            release.countDown();
        }).start();

        assertThat(Quiesce.stop(executor, Duration.ofSeconds(30))).isTrue();

        assertThat(finished).isTrue();
        assertThat(queuedRan).isFalse();
    }

    @Test
    void givesUpAfterTheBoundWhenTheTaskDoesNotReturn() throws Exception {
        startATaskThatIgnoresInterrupts(() -> { });

        assertThat(Quiesce.stop(executor, Duration.ofMillis(50))).isFalse();
        assertThat(executor.isTerminated()).isFalse();
    }

    @Test
    void anInterruptedCallerStopsWaitingAndKeepsItsInterrupt() throws Exception {
        startATaskThatIgnoresInterrupts(() -> { });

        Thread.currentThread().interrupt();
        try {
            assertThat(Quiesce.stop(executor, Duration.ofSeconds(30))).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anIdleExecutorEndsAtOnce() {
        assertThat(Quiesce.stop(executor, Duration.ofSeconds(30))).isTrue();
        assertThat(executor.isTerminated()).isTrue();
    }

    /**
     * Starts a task that waits for {@link #release} through interrupts, as a thread inside a client
     * call may, then runs {@code then}; returns once it runs.
     */
    private void startATaskThatIgnoresInterrupts(Runnable then) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        executor.execute(() -> {
            running.countDown();
            awaitUninterruptibly(release);
            then.run();
        });
        running.await();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
