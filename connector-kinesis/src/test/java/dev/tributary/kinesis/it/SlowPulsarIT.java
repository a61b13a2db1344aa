package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.KinesisFaultProxy;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulsar stays up but slow, throttled by a namespace publish rate far below what the stream
 * brings, for 50 s (6 minutes with {@code -Dtributary.reliability.long=true}, longer than a
 * Kinesis shard iterator lives). The producer's queue fills and stays full, so the task blocks:
 * what the connector has fetched from Kinesis and Pulsar has not acknowledged stays within its
 * buffers, the worker (a JVM with a small heap) does not run out of memory, shard iterators are
 * renewed once per expiry and never in a loop, and once the throttle is lifted the backlog
 * drains at full speed with nothing lost.
 */
@ExtendWith(TestServices.class)
class SlowPulsarIT {
    private static final boolean LONG = Boolean.getBoolean("tributary.reliability.long");
    private static final Duration SLOW = LONG ? Duration.ofMinutes(6) : Duration.ofSeconds(50);
    /** kinesis-mock, like Kinesis, expires a shard iterator 5 minutes after it was issued. */
    private static final Duration ITERATOR_LIFETIME = Duration.ofMinutes(5);
    private static final int SHARDS = 2;
    private static final int THROTTLE_MSG_PER_SECOND = 40;
    private static final int MAX_PENDING = 200;
    private static final int RECEIVE_QUEUE = 500;
    private static final int FETCH = 100;
    private static final int INJECTED_EXPIRIES = 2;
    private static final String HEAP = "-Xmx128m";
    private static final long HEAP_BYTES = 128L << 20;
    private static final String CONNECTOR = "kinesis-slow-pulsar";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSlowPulsarBlocksTheTaskWithBoundedMemoryAndLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis)
            throws Exception {
        String namespace = "public/slow-" + System.nanoTime();
        admin(pulsar, "PUT", "/admin/v2/namespaces/" + namespace, "{}");
        String topic = "persistent://" + namespace + "/records";
        String stream = "slow-pulsar-" + System.nanoTime();
        kinesis.createStream(stream, SHARDS);
        Map<String, String> worker = new LinkedHashMap<>(Map.of("pulsar.service.url", pulsar.serviceUrl(),
                "listeners", "http://127.0.0.1:0", "data.dir", dir.resolve("data").toString(),
                "offset.flush.interval.ms", "500",
                // One message per publish, so that the broker's message rate is the records' rate.
                "pulsar.producer.batching.enabled", "false",
                "pulsar.producer.max.pending.messages", Integer.toString(MAX_PENDING)));
        Path workerFile = PropertiesFiles.write(dir.resolve("worker.properties"), worker);

        try (KinesisFaultProxy kinesisProxy = KinesisFaultProxy.start(kinesis.endpoint());
             KinesisLoad load = new KinesisLoad(kinesis, stream, 20, 20, Duration.ofMillis(200), 512);
             PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            Map<String, String> connector = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
            connector.put("awsEndpoint", kinesisProxy.endpoint().toString());
            connector.put("tasks.max", "1");
            connector.put("receiveQueueSize", Integer.toString(RECEIVE_QUEUE));
            connector.put("maxRecordsPerFetch", Integer.toString(FETCH));
            Path connectorFile = PropertiesFiles.write(dir.resolve("kinesis.properties"), connector);

            admin(pulsar, "POST", "/admin/v2/namespaces/" + namespace + "/publishRate",
                    "{\"publishThrottlingRateInMsg\":" + THROTTLE_MSG_PER_SECOND + ",\"publishThrottlingRateInByte\":-1}");
            load.start();
            WorkerProcess process = WorkerProcess.start(workerFile, List.of(connectorFile), Map.of(), List.of(HEAP),
                    dir.resolve("worker.log"));
            try {
                throttleAndDrain(process, pulsar, namespace, kinesisProxy, load, reader);
            } finally {
                // A failed assertion must not leave a worker running.
                if (process.isAlive()) {
                    process.kill();
                }
            }
        }
    }

    private void throttleAndDrain(WorkerProcess process, PulsarStandalone pulsar, String namespace, KinesisFaultProxy kinesisProxy,
            KinesisLoad load, PulsarTopicReader reader) throws Exception {
        URI rest = KinesisItSupport.restAddress(process);
        reader.readUntil(m -> !m.isEmpty(), Duration.ofSeconds(60));

        long slowStart = System.nanoTime();
        int deliveredAtStart = reader.messages().size();
        long slowEnd = slowStart + SLOW.toNanos();
        double maxHeap = 0;
        double maxDepth = 0;
        double maxUnacknowledged = 0;
        boolean injected = false;
        while (System.nanoTime() < slowEnd) {
            reader.readUntil(m -> false, Duration.ofSeconds(1));
            String metrics = KinesisItSupport.get(rest, "/metrics");
            maxHeap = Math.max(maxHeap, sum(metrics, "tributary_jvm_heap_used_bytes"));
            maxDepth = Math.max(maxDepth, sum(metrics, "tributary_task_queue_depth"));
            maxUnacknowledged = Math.max(maxUnacknowledged, sum(metrics, "tributary_kinesis_shard_records_fetched_total")
                    - sum(metrics, "tributary_task_records_written_total"));
            if (!injected && System.nanoTime() - slowStart > SLOW.toNanos() / 2) {
                // As if the iterators had aged past their lifetime while the task was blocked.
                kinesisProxy.inject("GetRecords", KinesisFaultProxy.Fault.EXPIRED_ITERATOR, INJECTED_EXPIRIES);
                injected = true;
            }
            assertThat(process.isAlive()).as("the worker runs; see %s", dir).isTrue();
        }
        double slowSeconds = (System.nanoTime() - slowStart) / 1e9;
        int deliveredSlow = reader.messages().size() - deliveredAtStart;
        long heapAfterGc = heapAfterGc(process, rest);
        assertThat(deliveredSlow).as("Pulsar really was throttled").isLessThan(
                (int) (slowSeconds * THROTTLE_MSG_PER_SECOND * 1.5) + MAX_PENDING);
        assertThat(load.written() - reader.messages().size()).as("a backlog built up in Kinesis")
                .isGreaterThan(2 * RECEIVE_QUEUE + MAX_PENDING);
        assertThat(maxDepth).as("the producer's queue filled and stayed bounded")
                .isGreaterThanOrEqualTo(MAX_PENDING * 0.9).isLessThanOrEqualTo(MAX_PENDING + 1);
        assertThat(maxUnacknowledged).as("fetched and not acknowledged stays within the connector's buffers")
                .isLessThanOrEqualTo(2 * RECEIVE_QUEUE + MAX_PENDING + FETCH);

        admin(pulsar, "DELETE", "/admin/v2/namespaces/" + namespace + "/publishRate", null);
        DeliveryAccounting accounting = load.stop();
        int backlog = accounting.writtenCount() - reader.messages().size();
        long drainStart = System.nanoTime();
        // At the throttled rate the backlog would take twice this long: it must drain at full speed.
        Duration drainBound = Duration.ofSeconds(Math.min(60, backlog / THROTTLE_MSG_PER_SECOND / 2));
        List<Message<byte[]>> messages = reader.readUntil(m -> m.size() >= accounting.writtenCount(), drainBound);
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        reader.readUntil(m -> false, Duration.ofSeconds(2));
        messages = reader.messages();
        int iteratorCalls = kinesisProxy.calls("GetShardIterator");
        process.terminate();

        DeliveryAccounting.Report report = accounting.check(messages, KinesisLoad::describe);
        System.out.printf("[SlowPulsarIT] slow %.0f s at %d msg/s: %d delivered meanwhile; queue depth max %.0f of"
                + " %d; fetched-not-acknowledged max %.0f; heap max %.1f MB, %.1f MB after GC (-Xmx128m);"
                + " GetShardIterator %d (%d shards, %d injected expiries); backlog %d drained in %.1f s (%.0f"
                + " rec/s); %s%n", slowSeconds, THROTTLE_MSG_PER_SECOND, deliveredSlow, maxDepth, MAX_PENDING,
                maxUnacknowledged, maxHeap / (1 << 20), heapAfterGc / (double) (1 << 20), iteratorCalls, SHARDS,
                INJECTED_EXPIRIES, backlog, drainSeconds, backlog / drainSeconds, report);
        assertThat(report.lost()).as("%s; see %s", report, dir).isEmpty();
        assertThat(report.unexpected()).isEmpty();
        assertThat(report.orderViolations()).as("%s", report).isZero();
        assertThat(report.duplicates()).as("no restart, so no repeat: %s", report).isZero();
        assertThat(kinesisProxy.pending()).as("the injected expiries were hit").isZero();
        long realExpiries = SHARDS * (SLOW.toNanos() / ITERATOR_LIFETIME.toNanos() + 1);
        assertThat(iteratorCalls).as("one iterator per shard, plus one per expiry; never a loop")
                .isBetween(SHARDS + INJECTED_EXPIRIES, (int) (SHARDS + INJECTED_EXPIRIES + realExpiries));
        assertThat(heapAfterGc).as("live heap after a full GC").isLessThan(HEAP_BYTES * 3 / 4);
        assertThat(process.output()).doesNotContain("OutOfMemoryError");
    }

    /** Forces a full GC in the worker with jcmd, then reads the heap in use from its metrics. */
    private long heapAfterGc(WorkerProcess process, URI rest) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).start();
        String output = new String(gc.getInputStream().readAllBytes());
        assertThat(gc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gc.exitValue()).as("jcmd GC.run printed %s", output).isZero();
        return (long) sum(KinesisItSupport.get(rest, "/metrics"), "tributary_jvm_heap_used_bytes");
    }

    /** The sum of every sample of {@code name}, whatever its labels, in a Prometheus text exposition. */
    private static double sum(String exposition, String name) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private void admin(PulsarStandalone pulsar, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pulsar.adminUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s answered %s", method, path, response.body()).isBetween(200, 299);
    }
}
