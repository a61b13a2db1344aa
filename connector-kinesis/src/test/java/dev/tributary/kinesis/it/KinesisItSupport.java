package dev.tributary.kinesis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.DeliveryAccounting.Report;
import dev.tributary.testing.services.KinesisMock;
import dev.tributary.testing.services.WorkerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.api.Message;
import org.awaitility.Awaitility;

/** Shared set-up for the Kinesis connector's integration tests. */
final class KinesisItSupport {
    private static final Pattern LISTENING = Pattern.compile("REST and metrics on (http://127\\.0\\.0\\.1:\\d+)");
    /** The machine's PostgreSQL, trust authentication, database {@code test}. */
    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KinesisItSupport() {
    }

    /** The REST address that a worker process prints once it listens. */
    static URI restAddress(WorkerProcess worker) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(worker.output()).find());
        try {
            Matcher m = LISTENING.matcher(worker.output());
            m.find();
            return URI.create(m.group(1));
        } catch (IOException e) {
            throw new AssertionError("could not read the worker's log", e);
        }
    }

    /** GET {@code path} on a worker; the body of a 200, or an AssertionError naming the status. */
    static String get(URI worker, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(worker.resolve(path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** A worker in this JVM, writing to {@code pulsarUrl}, with a file offset store under {@code dataDir}. */
    static TributaryRuntime runtime(String pulsarUrl, Path dataDir) {
        return TributaryRuntime.start(WorkerConfig.fromMap(Map.of(
                "pulsar.service.url", pulsarUrl,
                "listeners", "http://127.0.0.1:0",
                "data.dir", dataDir.toString(),
                "offset.flush.interval.ms", "500")));
    }

    /** A Kinesis connector config for {@code stream} on the emulator, reading from TRIM_HORIZON. */
    static Map<String, String> connector(String name, KinesisMock kinesis, String stream, String topic) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("connector.class", "kinesis");
        config.put("topic", topic);
        config.put("tasks.max", "2");
        config.put("awsEndpoint", kinesis.endpoint().toString());
        config.put("awsRegion", kinesis.region().id());
        config.put("awsKinesisStreamName", stream);
        config.put("awsCredentialPluginParam", "{\"accessKey\":\"test-key\",\"secretKey\":\"test-secret\"}");
        config.put("initialPositionInStream", "TRIM_HORIZON");
        config.put("checkpointInterval", "500");
        config.put("pollInterval", "200ms");
        config.put("shardDiscoveryInterval", "1s");
        config.put("maxRecordsPerFetch", "500");
        return config;
    }

    static String topic(String prefix) {
        return "persistent://public/default/" + prefix + "-" + System.nanoTime();
    }

    /** A connection to the machine's PostgreSQL as {@code postgres}; fails with the fix when it is not there. */
    static Connection postgres() {
        try {
            return DriverManager.getConnection(POSTGRES_URL, "postgres", "");
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is not reachable at " + POSTGRES_URL + " as postgres ("
                    + e.getMessage() + "); this test needs it there with trust authentication and a database"
                    + " 'test' (on this machine kind it is started before each session)", e);
        }
    }

    /** The committed sequence number of each shard of {@code connector} in a file store's state file. */
    static Map<String, String> fileStoreSequences(Path offsetsFile, String connector) throws Exception {
        Map<String, Map<SourcePartition, SourceOffset>> state =
                new OffsetCodec().decodeState(Files.readAllBytes(offsetsFile), offsetsFile.toString());
        return sequenceByShard(state.getOrDefault(connector, Map.of()));
    }

    /** The sequence number of each shard in a connector's committed offsets. */
    static Map<String, String> sequenceByShard(Map<SourcePartition, SourceOffset> offsets) {
        Map<String, String> result = new HashMap<>();
        offsets.forEach((partition, offset) -> result.put(partition.getString(KinesisOffsets.SHARD),
                offset.getString(KinesisOffsets.SEQUENCE_NUMBER)));
        return result;
    }

    /**
     * Holds once {@code count} different records were read: a cheap count of messages first, since
     * a reader tests it after every message.
     */
    static Predicate<List<Message<byte[]>>> everyRecordRead(int count) {
        return messages -> messages.size() >= count && messages.stream()
                .map(m -> AccountedProducer.delivered(m).id()).distinct().count() >= count;
    }

    /** Every copy, first one included, of each id that {@code report} found delivered more than once. */
    static List<Message<byte[]>> repeats(Report report, List<Message<byte[]>> messages) {
        return messages.stream().filter(m -> report.duplicateIds().contains(AccountedProducer.delivered(m).id()))
                .toList();
    }

    /**
     * Asserts that each of {@code repeats}, messages read again after a restart, lies after the
     * sequence number its shard had committed before that restart: the restart resumes after the
     * commit, so a repeat at or before it would mean an offset committed ahead of Pulsar or moved
     * back. A shard with no commit yet is read again from its start, so any of its records may repeat.
     */
    static void assertRepeatsFollowCommits(List<Message<byte[]>> repeats, Map<String, String> committedByShard,
            String when) {
        for (Message<byte[]> m : repeats) {
            String committed = committedByShard.get(m.getProperty("kinesis.shard.id"));
            if (committed != null) {
                assertThat(KinesisOffsets.compare(m.getProperty("kinesis.sequence.number"), committed))
                        .as("%s: repeat %s (shard %s, sequence %s) lies after the committed sequence number %s", when,
                                new String(m.getValue(), StandardCharsets.UTF_8), m.getProperty("kinesis.shard.id"),
                                m.getProperty("kinesis.sequence.number"), committed)
                        .isPositive();
            }
        }
    }
}
