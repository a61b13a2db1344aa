package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each initialPositionInStream starts where it should on a shard with no committed offset. */
@ExtendWith(TestServices.class)
class StartingPositionIT {
    @TempDir
    Path dir;

    @Test
    void trimHorizonReadsFromTheOldestRecord(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = stream(kinesis);
        put(kinesis, stream, "old", 5);

        List<String> values = run(pulsar, kinesis, stream, Map.of("initialPositionInStream", "TRIM_HORIZON"), 5,
                () -> { });

        assertThat(values).containsExactly("old-0", "old-1", "old-2", "old-3", "old-4");
    }

    @Test
    void latestSkipsWhatWasWrittenBeforeTheStart(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = stream(kinesis);
        put(kinesis, stream, "old", 5);

        List<String> values = run(pulsar, kinesis, stream, Map.of("initialPositionInStream", "LATEST"), 5,
                () -> put(kinesis, stream, "new", 5));

        assertThat(values).containsExactly("new-0", "new-1", "new-2", "new-3", "new-4");
    }

    @Test
    void atTimestampStartsAtTheFirstRecordAtOrAfterTheTime(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = stream(kinesis);
        put(kinesis, stream, "old", 5);
        Thread.sleep(2000);
        Instant start = Instant.now();
        Thread.sleep(1000);
        put(kinesis, stream, "new", 5);

        List<String> values = run(pulsar, kinesis, stream,
                Map.of("initialPositionInStream", "AT_TIMESTAMP", "startAtTime", start.toString()), 5, () -> { });

        assertThat(values).containsExactly("new-0", "new-1", "new-2", "new-3", "new-4");
    }

    /**
     * Starts the connector, runs {@code afterStart} once it reads (known by a probe record reaching
     * Pulsar for LATEST), and returns the values read, probes left out.
     */
    private List<String> run(PulsarStandalone pulsar, KinesisMock kinesis, String stream, Map<String, String> position,
            int expected, Runnable afterStart) throws Exception {
        String topic = KinesisItSupport.topic("position");
        Map<String, String> config = new java.util.LinkedHashMap<>(KinesisItSupport.connector("position", kinesis, stream, topic));
        config.putAll(position);
        try (TributaryRuntime runtime = KinesisItSupport.runtime(pulsar.serviceUrl(), dir.resolve("data"));
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            runtime.worker().startConnector(config);
            if (position.get("initialPositionInStream").equals("LATEST")) {
                // LATEST begins when the iterator is taken: probe until a record written now arrives.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (reader.messages().stream().noneMatch(m -> value(m).startsWith("probe")) && System.nanoTime() < deadline) {
                    kinesis.putRecord(stream, "probe", "probe".getBytes(StandardCharsets.UTF_8));
                    reader.readUntil(m -> m.stream().anyMatch(x -> value(x).startsWith("probe")), Duration.ofSeconds(2));
                }
            }
            afterStart.run();
            reader.readUntil(m -> m.stream().filter(x -> !value(x).startsWith("probe")).count() >= expected,
                    Duration.ofSeconds(60));
            // A little longer, so that a record read by mistake would show up too.
            reader.readUntil(m -> false, Duration.ofSeconds(2));
            return reader.messages().stream().map(StartingPositionIT::value).filter(v -> !v.startsWith("probe")).toList();
        }
    }

    private static String stream(KinesisMock kinesis) {
        String stream = "position-" + System.nanoTime();
        kinesis.createStream(stream, 1);
        return stream;
    }

    private static void put(KinesisMock kinesis, String stream, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            kinesis.putRecord(stream, "k", (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String value(Message<byte[]> message) {
        return new String(message.getValue(), StandardCharsets.UTF_8);
    }
}
