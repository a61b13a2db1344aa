package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.datagen.DatagenPayload;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TaskStatus;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records larger than the broker's {@code maxMessageSize}, through the real runtime into a real
 * Pulsar standalone of this test's own, whose limit is 100 KiB (the shared test broker keeps the
 * 5 MB default). Datagen makes every second record 200,000 bytes; each connector runs one of the
 * three {@code errors.record.too.large} policies.
 */
class RecordTooLargeIT {
    private static final int LIMIT = 100 * 1024;
    private static final int SMALL = 100;
    private static final int LARGE = 200_000;
    private static final int COUNT = 200;

    @TempDir
    static Path dataDir;

    private static PulsarStandalone pulsar;
    private static TributaryRuntime runtime;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        pulsar = PulsarStandalone.startDedicated("record-too-large", Map.of("maxMessageSize", Integer.toString(LIMIT)));
        runtime = TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString(),
                "offset.flush.interval.ms", "200",
                "task.restart.backoff.initial.ms", "200",
                "task.restart.backoff.max.ms", "200",
                "task.restart.max.attempts", "2")));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (pulsar != null) {
            pulsar.stop();
        }
    }

    @Test
    void failStopsAtTheRecordWithAClearStatusAndTheOffsetBeforeIt() throws Exception {
        String name = "too-large-fail";
        String topic = topic(name);
        runtime.worker().startConnector(datagen(name, topic, 10));

        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.worker().connectorStatus(name).tasks().stream()
                .anyMatch(t -> t.state() == State.FAILED));
        TaskStatus task = runtime.worker().taskStatus(name, 0);
        String status = get("/connectors/" + name + "/status");
        System.out.println("[RecordTooLargeIT] fail: task 0 " + task.state() + ": " + task.trace());

        assertThat(task.trace()).contains("RecordTooLargeException: the record at partition",
                "offset {seq=1}", "is 2000", "bytes, more than the broker's maxMessageSize of " + LIMIT + " bytes",
                "errors.record.too.large", "errors.dead.letter.topic").doesNotContain("\n", "\tat ");
        assertThat(status).contains("\"state\":\"FAILED\"", "offset {seq=1}", "errors.record.too.large");
        assertThat(committedSeq(name)).as("the offset stays before the large record").isEqualTo(0L);
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            List<Message<byte[]>> read = reader.readUntil(m -> false, Duration.ofSeconds(3));
            assertThat(read).extracting(m -> m.getProperty("datagen.id")).contains("0-0").doesNotContain("0-1");
        }
    }

    @Test
    void skipDeliversEveryOtherRecordAndCountsTheSkippedOnes() throws Exception {
        String name = "too-large-skip";
        String topic = topic(name);
        Map<String, String> config = datagen(name, topic, COUNT);
        config.put("errors.record.too.large", "skip");
        runtime.worker().startConnector(config);

        DeliveryAccounting accounting = new DeliveryAccounting();
        for (int seq = 0; seq < COUNT; seq += 2) {
            accounting.written("0-" + seq, "key-" + seq);
        }
        List<Message<byte[]>> read;
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            reader.readUntil(m -> m.size() >= COUNT / 2, Duration.ofSeconds(60));
            read = reader.readUntil(m -> false, Duration.ofSeconds(2));
        }
        DeliveryAccounting.Report report = accounting.check(read, RecordTooLargeIT::delivered);
        System.out.println("[RecordTooLargeIT] skip: " + report);

        assertThat(report.lost()).isEmpty();
        assertThat(report.unexpected()).as("no large record reached the topic").isEmpty();
        assertThat(report.exact()).isTrue();
        for (Message<byte[]> m : read) {
            assertThat(m.getValue()).isEqualTo(DatagenPayload.encode(m.getProperty("datagen.id"), SMALL));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metric(name, "tributary_task_records_skipped_total") == COUNT / 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeq(name) == COUNT - 1);
        assertThat(runtime.worker().taskStatus(name, 0).state()).isEqualTo(State.RUNNING);
    }

    @Test
    void deadLetterPutsEveryRecordInExactlyOneOfTheTwoTopicsByteForByte() throws Exception {
        String name = "too-large-dead-letter";
        String topic = topic(name);
        String deadLetter = topic + "-too-large";
        Map<String, String> config = datagen(name, topic, COUNT);
        config.put("errors.record.too.large", "dead-letter");
        config.put("errors.dead.letter.topic", deadLetter);
        runtime.worker().startConnector(config);

        DeliveryAccounting accounting = new DeliveryAccounting();
        for (int seq = 0; seq < COUNT; seq++) {
            accounting.written("0-" + seq, "key-" + seq);
        }
        List<Message<byte[]>> main;
        List<Message<byte[]>> dead;
        try (PulsarTopicReader mainReader = new PulsarTopicReader(pulsar.serviceUrl(), topic);
                PulsarTopicReader deadReader = new PulsarTopicReader(pulsar.serviceUrl(), deadLetter)) {
            mainReader.readUntil(m -> m.size() >= COUNT / 2, Duration.ofSeconds(60));
            deadReader.readUntil(m -> m.size() >= COUNT / 2, Duration.ofSeconds(60));
            main = mainReader.readUntil(m -> false, Duration.ofSeconds(2));
            dead = deadReader.readUntil(m -> false, Duration.ofSeconds(2));
        }
        List<Message<byte[]>> both = new ArrayList<>(main);
        both.addAll(dead);
        DeliveryAccounting.Report report = accounting.check(both, RecordTooLargeIT::delivered);
        System.out.println("[RecordTooLargeIT] dead-letter: " + main.size() + " in " + topic + ", " + dead.size()
                + " in " + deadLetter + "; " + report);

        assertThat(report.lost()).isEmpty();
        assertThat(report.duplicates()).as("each record in exactly one topic").isZero();
        assertThat(report.unexpected()).isEmpty();
        assertThat(main).hasSize(COUNT / 2).allSatisfy(m -> assertThat(m.getValue())
                .isEqualTo(DatagenPayload.encode(m.getProperty("datagen.id"), SMALL)));
        assertThat(dead).hasSize(COUNT / 2).allSatisfy(m -> {
            String id = m.getProperty("datagen.id");
            long seq = Long.parseLong(m.getProperty("datagen.seq"));
            assertThat(seq % 2).isEqualTo(1);
            assertThat(m.getValue()).hasSize(LARGE).isEqualTo(DatagenPayload.encode(id, LARGE));
            assertThat(m.getKey()).isEqualTo("key-" + seq);
            assertThat(m.getEventTime()).isPositive();
            assertThat(m.getProperties()).containsEntry("tributary.error.reason", "too_large")
                    .containsEntry("tributary.error.topic", topic)
                    .containsEntry("tributary.error.offset", "{seq=" + seq + "}")
                    .containsEntry("tributary.error.connector", name)
                    .containsEntry("tributary.error.limit.bytes", Integer.toString(LIMIT))
                    .containsKey("tributary.error.partition")
                    .containsEntry("datagen.task", "0");
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> metric(name, "tributary_task_records_dead_lettered_total") == COUNT / 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> committedSeq(name) == COUNT - 1);
        assertThat(runtime.worker().taskStatus(name, 0).state()).isEqualTo(State.RUNNING);
    }

    private static Map<String, String> datagen(String name, String topic, int count) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", "datagen");
        config.put("tasks.max", "1");
        config.put("topic", topic);
        config.put("count", Integer.toString(count));
        config.put("rate", "0");
        config.put("record.size", Integer.toString(SMALL));
        config.put("key.cardinality", Integer.toString(count));
        config.put("large.record.every", "2");
        config.put("large.record.size", Integer.toString(LARGE));
        return config;
    }

    private static String topic(String name) {
        return "persistent://public/default/" + name + "-" + System.nanoTime();
    }

    private static DeliveryAccounting.Delivered delivered(Message<byte[]> m) {
        return new DeliveryAccounting.Delivered(m.getProperty("datagen.id"), m.getKey());
    }

    /** The committed sequence number of the connector's only task, or -1 before the first commit. */
    private static long committedSeq(String name) {
        Map<?, SourceOffset> offsets = runtime.worker().connectorOffsets(name);
        return offsets.values().stream().mapToLong(o -> o.getLong("seq", -1)).max().orElse(-1);
    }

    private static long metric(String connector, String family) throws Exception {
        Pattern sample = Pattern.compile("^" + family + "\\{connector=\"" + Pattern.quote(connector)
                + "\",reason=\"too_large\",task=\"0\"} (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(get("/metrics"));
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private static String get(String path) throws Exception {
        URI uri = runtime.baseUri().resolve(path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
        return response.body();
    }
}
