package dev.tributary.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.testing.services.DatagenAccounting;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.PulsarStandalone;
import dev.tributary.testing.services.PulsarTopicReader;
import dev.tributary.testing.services.TestServices;
import dev.tributary.testing.services.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the worker with SIGKILL in the middle of a stream, restarts it, and checks the
 * at-least-once promise exactly: every id reaches Pulsar, and the only duplicates are records
 * after the offsets committed before the kill.
 */
@ExtendWith(TestServices.class)
class CrashRecoveryIT {
    private static final int COUNT = 20_000;
    private static final int TASKS = 2;
    private static final String CONNECTOR = "crash-it";

    @TempDir
    Path dir;

    @Test
    void sigkillMidStreamLosesNothingAndRepeatsOnlyUncommittedRecords(PulsarStandalone pulsar) throws Exception {
        String topic = "persistent://public/default/crash-it-" + System.nanoTime();
        Path worker = write("worker.properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n"
                + "offset.flush.interval.ms=300\n");
        Path connector = write("datagen.properties", "name=" + CONNECTOR + "\n"
                + "connector.class=datagen\n"
                + "tasks.max=" + TASKS + "\n"
                + "topic=" + topic + "\n"
                + "count=" + COUNT + "\n"
                + "rate=4000\n"
                + "record.size=100\n");
        Path offsets = dir.resolve("data/offsets.json");

        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            WorkerProcess first = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("first.log"));
            reader.readUntil(m -> m.size() >= COUNT / 4, Duration.ofSeconds(120));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(offsets));
            first.kill();
            Map<Long, Long> committedAtKill = committedSeqByTask(offsets);
            int seenBeforeKill = reader.messages().size();
            assertThat(seenBeforeKill).as("killed mid-stream").isLessThan(COUNT);
            assertThat(committedAtKill).as("some offsets were committed before the kill").isNotEmpty();

            WorkerProcess second = WorkerProcess.start(worker, List.of(connector), Map.of(), dir.resolve("second.log"));
            reader.readUntil(m -> m.size() >= COUNT && distinctIds(m).size() >= COUNT, Duration.ofSeconds(180));
            int exit = second.terminate();
            List<Message<byte[]>> messages = reader.readToEnd(Duration.ofSeconds(30));
            Report report = DatagenAccounting.expected(COUNT, TASKS).check(messages, DatagenAccounting::delivered);
            System.out.println("CrashRecoveryIT: " + report + "; " + seenBeforeKill + " read before the kill");

            assertThat(report.exact()).as("every generated id is in Pulsar, in order per task: %s; see %s", report, dir)
                    .isTrue();
            for (String id : report.duplicateIds()) {
                long task = Long.parseLong(id.substring(0, id.indexOf('-')));
                long seq = Long.parseLong(id.substring(id.indexOf('-') + 1));
                assertThat(seq).as("duplicate %s must come after task %d's committed seq %s", id, task,
                        committedAtKill.get(task)).isGreaterThan(committedAtKill.getOrDefault(task, -1L));
            }
            assertThat(exit).as("SIGTERM stops the worker through its shutdown hook").isIn(0, 143);
            assertThat(second.output()).contains("worker stopped");
            Map<Long, Long> finalCommitted = committedSeqByTask(offsets);
            assertThat(finalCommitted).as("the clean shutdown committed the last record of each task")
                    .containsOnly(Map.entry(0L, (long) COUNT / TASKS - 1), Map.entry(1L, (long) COUNT / TASKS - 1));
        }
    }

    private static Set<String> distinctIds(List<Message<byte[]>> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getProperty("datagen.id")));
        return ids;
    }

    /** The committed datagen seq per task, read from the file store's JSON. */
    private static Map<Long, Long> committedSeqByTask(Path offsets) throws Exception {
        JsonNode root = new ObjectMapper().readTree(offsets.toFile());
        Map<Long, Long> result = new HashMap<>();
        for (JsonNode entry : root.path("connectors").path(CONNECTOR)) {
            result.put(entry.path("partition").path("task").asLong(), entry.path("offset").path("seq").asLong());
        }
        return result;
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
