package dev.tributary.runtime.datagen;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits while a task has nothing to return; tests replace it so that waiting moves a fake clock. */
@FunctionalInterface
interface Sleeper {
    /** Waits in real time, and returns as soon as {@code wakeUp} opens. */
    Sleeper REAL = (duration, wakeUp) -> wakeUp.await(duration.toNanos(), TimeUnit.NANOSECONDS);

    /**
     * Waits for {@code duration}, or less once {@code wakeUp} has opened.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    void sleep(Duration duration, CountDownLatch wakeUp) throws InterruptedException;
}
