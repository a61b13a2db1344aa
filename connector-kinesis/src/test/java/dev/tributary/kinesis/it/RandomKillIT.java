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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on the file offset store is killed with SIGKILL at random moments, five times, while a
 * producer keeps writing to a 4-shard stream; each time it is restarted, and the last one is
 * stopped cleanly once it has caught up. Nothing may be lost, every key keeps its order, and every
 * record read again lies after the offset its shard had committed before the kill that preceded it.
 *
 * <p>The kill moments come from a seeded {@link Random}; the seed is printed, and
 * {@code -Dtributary.reliability.seed=<seed>} replays the same plan of delays and keys.
 */
@ExtendWith(TestServices.class)
class RandomKillIT {
    private static final String SEED_PROPERTY = "tributary.reliability.seed";
    private static final String CONNECTOR = "random-kill";
    private static final int ROUNDS = 5;
    private static final int SHARDS = 4;
    private static final int KEYS = 30;
    private static final int PER_PUT = 20;
    /** About 150 records/s with kinesis-mock's own latency: a few thousand over the whole run. */
    private static final Duration PUT_PAUSE = Duration.ofMillis(100);
    private static final int SHORTEST_KILL_DELAY_MS = 1000;
    private static final int LONGEST_KILL_DELAY_MS = 6000;

    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomPointsOverFiveRoundsLosesNothingAndRepeatsOnlyUncommittedRecords(PulsarStandalone pulsar,
            KinesisMock kinesis) throws Exception {
        long began = System.nanoTime();
        long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
        System.out.println("RandomKillIT: seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")");
        Random random = new Random(seed);
        String stream = "random-kill-" + System.nanoTime();
        kinesis.createStream(stream, SHARDS);
        String topic = KinesisItSupport.topic("random-kill");
        Path worker = workerConfig(pulsar);
        Path connector = connectorConfig(kinesis, stream, topic);
        Path offsets = dir.resolve("data/offsets.json");

        DeliveryAccounting accounting = new DeliveryAccounting();
        AccountedProducer producer = new AccountedProducer(kinesis, stream, accounting);
        AtomicBoolean keepWriting = new AtomicBoolean(true);
        Random keys = new Random(random.nextLong());
        ExecutorService producerThread = Executors.newSingleThreadExecutor();
        WorkerProcess current = null;
        try (PulsarTopicReader reader = new PulsarTopicReader(pulsar.serviceUrl(), topic)) {
            Future<?> producing = producerThread.submit(() -> {
                for (int next = 0; keepWriting.get(); ) {
                    List<String> ids = new ArrayList<>(PER_PUT);
                    List<String> batchKeys = new ArrayList<>(PER_PUT);
                    for (int i = 0; i < PER_PUT; i++, next++) {
                        ids.add("id-" + next);
                        batchKeys.add("key-" + keys.nextInt(KEYS));
                    }
                    producer.put(ids, batchKeys);
                    Thread.sleep(PUT_PAUSE.toMillis());
                }
                return null;
            });

            // Where each worker's messages start in the topic, and what was committed when it was killed.
            List<Integer> roundStarts = new ArrayList<>();
            List<Map<String, String>> committedAtKills = new ArrayList<>();
            List<Integer> killDelays = new ArrayList<>();
            for (int round = 0; round <= ROUNDS; round++) {
                int start = reader.messages().size();
                roundStarts.add(start);
                current = WorkerProcess.start(worker, List.of(connector), Map.of(),
                        dir.resolve("worker-" + round + ".log"));
                reader.readUntil(m -> m.size() > start, Duration.ofSeconds(60));
                assertThat(reader.messages().size()).as("worker %d delivers; see %s", round, dir).isGreaterThan(start);
                if (round == ROUNDS) {
                    break;
                }
                int delay = SHORTEST_KILL_DELAY_MS + random.nextInt(LONGEST_KILL_DELAY_MS - SHORTEST_KILL_DELAY_MS + 1);
                killDelays.add(delay);
                reader.readUntil(m -> false, Duration.ofMillis(delay));
                current.kill();
                committedAtKills.add(Files.exists(offsets)
                        ? KinesisItSupport.fileStoreSequences(offsets, CONNECTOR) : Map.of());
                // The killed worker writes nothing more: all it wrote is in the topic now.
                reader.readToEnd(Duration.ofSeconds(30));
            }

            keepWriting.set(false);
            producing.get(60, TimeUnit.SECONDS);
            int written = accounting.writtenCount();
            reader.readUntil(KinesisItSupport.everyRecordRead(written), Duration.ofSeconds(120));
            int exit = current.terminate();
            List<Message<byte[]>> messages = reader.readToEnd(Duration.ofSeconds(30));
            Report report = accounting.check(messages, AccountedProducer::delivered);
            List<List<Message<byte[]>>> repeats = repeatsPerRound(messages, roundStarts);
            System.out.println("RandomKillIT: " + report + "; kill delays (ms) " + killDelays
                    + "; duplicates per worker run " + repeats.stream().map(List::size).toList() + "; seed " + seed + "; "
                    + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");

            assertThat(report.lost()).as("nothing lost: %s; seed %d; see %s", report, seed, dir).isEmpty();
            assertThat(report.unexpected()).as("nothing that nobody wrote: %s", report).isEmpty();
            assertThat(report.orderViolations()).as("every key in the order written: %s", report).isZero();
            assertThat(report.keyMismatches()).as("every record under its own key: %s", report).isZero();
            assertThat(repeats.get(0)).as("the first worker, never killed before, repeats nothing").isEmpty();
            for (int round = 1; round < repeats.size(); round++) {
                KinesisItSupport.assertRepeatsFollowCommits(repeats.get(round), committedAtKills.get(round - 1),
                        "worker " + round + ", after kill " + round + ", seed " + seed);
            }
            assertThat(exit).as("SIGTERM stops the last worker through its shutdown hook").isIn(0, 143);
        } finally {
            keepWriting.set(false);
            producerThread.shutdownNow();
            if (current != null && current.isAlive()) {
                current.kill();
            }
        }
    }

    /** For each worker run, the messages it wrote that repeat one written before. */
    private static List<List<Message<byte[]>>> repeatsPerRound(List<Message<byte[]>> messages,
            List<Integer> roundStarts) {
        Set<String> seen = new HashSet<>();
        List<List<Message<byte[]>>> rounds = new ArrayList<>();
        for (int round = 0; round < roundStarts.size(); round++) {
            int end = round + 1 < roundStarts.size() ? roundStarts.get(round + 1) : messages.size();
            List<Message<byte[]>> repeats = new ArrayList<>();
            for (Message<byte[]> m : messages.subList(roundStarts.get(round), end)) {
                if (!seen.add(AccountedProducer.delivered(m).id())) {
                    repeats.add(m);
                }
            }
            rounds.add(repeats);
        }
        return rounds;
    }

    private Path workerConfig(PulsarStandalone pulsar) throws Exception {
        return write("worker.properties", "pulsar.service.url=" + pulsar.serviceUrl() + "\n"
                + "listeners=http://127.0.0.1:0\n"
                + "data.dir=" + dir.resolve("data") + "\n"
                + "offset.store=file\n"
                + "offset.flush.interval.ms=300\n");
    }

    private Path connectorConfig(KinesisMock kinesis, String stream, String topic) throws Exception {
        Map<String, String> config = KinesisItSupport.connector(CONNECTOR, kinesis, stream, topic);
        config.put("maxRecordsPerFetch", "100");
        config.put("checkpointInterval", "300");
        return PropertiesFiles.write(dir.resolve("kinesis.properties"), config);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
