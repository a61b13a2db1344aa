package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.PropertiesFiles;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL mid-stream, then a restart: every record is in Pulsar, and the only duplicates are
 * records after the sequence numbers committed before the kill.
 */
@ExtendWith(TestServices.class)
class KinesisCrashRecoveryIT {
    private static final int COUNT = 3000;
    private static final String CONNECTOR = "kinesis-crash";

    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLosesNothing(PulsarStandalone pulsar, KinesisMock kinesis) throws Exception {
        String stream = "crash-" + System.nanoTime();
        kinesis.createStream(stream, 4);
        DeliveryAccounting accounting = new DeliveryAccounting();
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            ids.add("id-" + i);
            keys.add("pk-" + (i % 40));
        }
        new AccountedProducer(kinesis, stream, accounting).put(ids, keys);
        String topic = KinesisItSupport.topic("crash");
        Path worker = write("worker.properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n");
        Map<String, String> config = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        // Small fetches keep the read slow enough to be killed in the middle.
        config.put("maxRecordsPerFetch", "40");
        config.put("checkpointInterval", "300");
        Path connectorFile = PropertiesFiles.write(dir.resolve("kinesis.properties"), config);
        Path offsets = dir.resolve("data/offsets.json");

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("first.log"));
            reader.readUntil(m -> m.size() >= COUNT / 5, Duration.ofSeconds(120));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(offsets));
            first.kill();
            Map<String, String> committedAtKill = KinesisItSupport.fileStoreSequences(offsets, CONNECTOR);
            int readBeforeKill = reader.readToEnd(Duration.ofSeconds(30)).size();
            assertThat(readBeforeKill).as("killed mid-stream; see %s", dir).isLessThan(COUNT);
            assertThat(committedAtKill).isNotEmpty();

            WorkerProcess second = WorkerProcess.start(worker, List.of(connectorFile), Map.of(), dir.resolve("second.log"));
            reader.readUntil(KinesisItSupport.everyRecordRead(COUNT), Duration.ofSeconds(180));
            second.terminate();
            List<Message<byte[]>> messages = reader.readToEnd(Duration.ofSeconds(30));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            System.out.println("KinesisCrashRecoveryIT: " + report + "; " + readBeforeKill + " read before the kill");

            assertThat(report.exact()).as("every record reached Pulsar, in order per key: %s; see %s", report, dir)
                    .isTrue();
            KinesisItSupport.assertRepeatsFollowCommits(KinesisItSupport.repeats(report, messages), committedAtKill,
                    "after the kill");
        }
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
