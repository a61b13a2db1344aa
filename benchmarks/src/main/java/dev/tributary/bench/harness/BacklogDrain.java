package dev.tributary.bench.harness;

import dev.tributary.bench.replay.ReplayServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits while a subject that runs outside the harness's {@link Subject} rounds (the Pulsar IO
 * archive, the peer) reads a backlog into a topic, and finds the window that scenario 1 measures
 * ({@link Scenarios#window}).
 */
final class BacklogDrain {
    static final long TICK_MS = 250;

    /**
     * The run's two ticks, each {wall ms, messages, GetRecords calls}, and the time from
     * {@code startedMillis} to the first message, or -1 when none came.
     */
    record Drained(long[] from, long[] to, long firstRecordMillis) {
    }

    private BacklogDrain() {
    }

    /**
     * Waits until the topic holds {@code expected} messages or {@code limit} has passed since
     * {@code startedMillis}, reading its count every {@code firstTickMs} until the first message
     * and every {@value #TICK_MS} ms after. When the window cannot be found (too few ticks), it is
     * the whole run.
     *
     * @param scenario names the scenario in the log line of a run that moved less than expected
     * @throws IOException when {@code alive} turns false: the subject stopped on its own
     */
    static Drained drain(String scenario, String adminUrl, ReplayServer server, String topic, long expected,
            Duration limit, long startedMillis, long firstTickMs, BooleanSupplier alive, Path log) throws Exception {
        TopicCounter counter = new TopicCounter(adminUrl, topic);
        List<long[]> ticks = new ArrayList<>();
        long deadline = startedMillis + limit.toMillis();
        long count = 0;
        long firstRecord = -1;
        while (count < expected && System.currentTimeMillis() < deadline) {
            if (!alive.getAsBoolean()) {
                throw new IOException("the subject stopped on its own; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(firstRecord < 0 ? firstTickMs : TICK_MS);
            count = counter.messagesIn();
            long now = System.currentTimeMillis();
            if (firstRecord < 0 && count > 0) {
                firstRecord = now - startedMillis;
            }
            ticks.add(new long[] {now, count, server.stats().getRecordsCalls()});
        }
        if (count < expected) {
            Scenarios.log("%s: moved only %,d of %,d records in %d s; the figures cover what it moved", scenario, count,
                    expected, limit.toSeconds());
        }
        long[][] window = Scenarios.window(ticks, expected, count);
        return new Drained(window[0], window[1], firstRecord);
    }
}
