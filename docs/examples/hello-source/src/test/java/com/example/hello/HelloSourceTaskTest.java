package com.example.hello;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloSourceTaskTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final HelloSourceTask task = new HelloSourceTask(clock);

    @Test
    void sendsNumberedGreetingsWithOffsetsToResumeFrom() throws Exception {
        task.start(new FakeTaskContext("greeter", 1, Map.of("greeting", "hi", "count", "3", "interval", "0")));

        List<SourceRecord> records = task.poll(Duration.ZERO);

        assertEquals(List.of("hi #0", "hi #1", "hi #2"), values(records));
        SourceRecord first = records.get(0);
        assertEquals(HelloSourceTask.partition("greeter", 1), first.partition());
        assertEquals(SourceOffset.of("seq", 0L), first.offset());
        assertEquals("task-1", first.key());
        assertEquals(Map.of("hello.seq", "0"), first.properties());
        assertEquals(clock.instant(), first.eventTime());
        assertEquals(List.of(), task.poll(Duration.ZERO), "the count is reached");
    }

    @Test
    void resumesAfterTheCommittedOffset() throws Exception {
        FakeTaskContext context = new FakeTaskContext("greeter", 0, Map.of("count", "7", "interval", "0"))
                .withCommitted(HelloSourceTask.partition("greeter", 0), SourceOffset.of("seq", 4L));
        task.start(context);

        assertEquals(List.of("hello #5", "hello #6"), values(task.poll(Duration.ZERO)));
    }

    @Test
    void sendsOneGreetingPerInterval() throws Exception {
        task.start(new FakeTaskContext("greeter", 0, Map.of("interval", "1s")));

        assertEquals(List.of("hello #0"), values(task.poll(Duration.ZERO)));
        assertEquals(List.of(), task.poll(Duration.ZERO), "the next greeting is not due yet");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of("hello #1"), values(task.poll(Duration.ZERO)));
    }

    @Test
    void stopWakesAWaitingPoll() {
        task.start(new FakeTaskContext("greeter", 0, Map.of("interval", "1h")));

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            task.poll(Duration.ZERO);
            task.stop();
            assertEquals(List.of(), task.poll(Duration.ofMinutes(5)));
        });
    }

    @Test
    void countsWhatItSentInAMetric() throws Exception {
        FakeTaskContext context = new FakeTaskContext("greeter", 0, Map.of("count", "5", "interval", "0"));
        task.start(context);

        task.poll(Duration.ZERO);

        assertEquals(5.0, context.metric("hello_greetings_total"));
    }

    @Test
    void greetingsAreUtf8() throws Exception {
        task.start(new FakeTaskContext("greeter", 0, Map.of("greeting", "grüß dich", "count", "1", "interval", "0")));

        byte[] value = task.poll(Duration.ZERO).get(0).value();

        assertTrue(java.util.Arrays.equals("grüß dich #0".getBytes(UTF_8), value));
    }

    private static List<String> values(List<SourceRecord> records) {
        return records.stream().map(r -> new String(r.value(), UTF_8)).toList();
    }
}
