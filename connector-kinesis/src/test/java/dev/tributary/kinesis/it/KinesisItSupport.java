package dev.tributary.kinesis.it;

import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.worker.WorkerConfig;
import dev.tributary.testing.services.KinesisMock;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared set-up for the Kinesis connector's integration tests. */
final class KinesisItSupport {
    private KinesisItSupport() {
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
}
