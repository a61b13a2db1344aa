package dev.tributary.bench.harness;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.ProducerAccessMode;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SizeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The baseline: the thinnest Kinesis-to-Pulsar loop we can write by hand, with no framework.
 *
 * <p>For each shard it calls GetRecords, hands every record to {@code Producer.sendAsync}, and
 * calls again at once, or after {@code poll.interval.ms} when the shard had nothing new. It
 * has no offsets, no buffer, no retries beyond waiting and calling again, and no shutdown
 * beyond a flush: everything Tributary adds is missing, so the gap between the two is what the
 * framework costs.
 *
 * <p>What it shares with Tributary, so that the comparison is of the framework and not of the
 * job: the same SDK HTTP client (Netty, HTTP/1.1, the same concurrency), the same GetRecords
 * limit, the same producer settings as a worker's defaults (batching of up to 1,000 messages or
 * 5 ms, no compression, 1,000 pending messages, blocking when full, no send timeout, 64 MiB client
 * memory limit), and the same message: the partition key as key, the data bytes unchanged as
 * value, the arrival time as event time, and the six {@code kinesis.*} properties that the
 * connector sets by default.
 */
public final class RawPipeline {
    private final KinesisAsyncClient kinesis;
    private final Producer<byte[]> producer;
    private final String stream;
    private final int limit;
    private final long pollIntervalMs;
    private final ExecutorService senders = Executors.newFixedThreadPool(2, named("raw-send"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("raw-timer"));

    private RawPipeline(KinesisAsyncClient kinesis, Producer<byte[]> producer, String stream, int limit, long pollIntervalMs) {
        this.kinesis = kinesis;
        this.producer = producer;
        this.stream = stream;
        this.limit = limit;
        this.pollIntervalMs = pollIntervalMs;
    }

    /** {@code RawPipeline <raw.properties>}: endpoint, stream, pulsar.url, topic, limit, poll.interval.ms, http.max.concurrency. */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(in);
        }
        KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
                .endpointOverride(URI.create(p.getProperty("endpoint")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .maxConcurrency(Integer.parseInt(p.getProperty("http.max.concurrency", "100"))))
                .build();
        PulsarClient pulsar = PulsarClient.builder()
                .serviceUrl(p.getProperty("pulsar.url"))
                .memoryLimit(64, SizeUnit.MEGA_BYTES)
                .build();
        Producer<byte[]> producer = pulsar.newProducer()
                .topic(p.getProperty("topic"))
                .accessMode(ProducerAccessMode.Shared)
                .enableBatching(true)
                .batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS)
                .batchingMaxMessages(1000)
                // Tributary's producer default (pulsar.producer.batching.max.bytes), the client's own.
                .batchingMaxBytes(128 * 1024)
                .compressionType(CompressionType.NONE)
                .maxPendingMessages(1000)
                .blockIfQueueFull(true)
                .sendTimeout(0, TimeUnit.MILLISECONDS)
                .create();
        RawPipeline pipeline = new RawPipeline(kinesis, producer, p.getProperty("stream"),
                Integer.parseInt(p.getProperty("limit", "1000")), Long.parseLong(p.getProperty("poll.interval.ms", "1000")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            producer.flushAsync().join();
            stopped.countDown();
        }));
        pipeline.start();
        stopped.await();
    }

    private void start() {
        List<String> shards = new ArrayList<>();
        String next = null;
        do {
            var request = next == null
                    ? software.amazon.awssdk.services.kinesis.model.ListShardsRequest.builder().streamName(stream).build()
                    : software.amazon.awssdk.services.kinesis.model.ListShardsRequest.builder().nextToken(next).build();
            var page = kinesis.listShards(request).join();
            page.shards().stream().map(Shard::shardId).forEach(shards::add);
            next = page.nextToken();
        } while (next != null);
        System.out.println("raw: reading " + shards.size() + " shards of " + stream);
        for (String shard : shards) {
            kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .thenAccept(r -> fetch(shard, r.shardIterator()));
        }
    }

    private void fetch(String shard, String iterator) {
        kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit))
                .whenCompleteAsync((response, error) -> {
                    if (error != null) {
                        System.err.println("raw: GetRecords on " + shard + " failed, again in 1 s: " + error);
                        timer.schedule(() -> fetch(shard, iterator), 1, TimeUnit.SECONDS);
                        return;
                    }
                    send(shard, response);
                    if (response.nextShardIterator() == null) {
                        return;
                    }
                    if (response.records().isEmpty()) {
                        timer.schedule(() -> fetch(shard, response.nextShardIterator()), pollIntervalMs, TimeUnit.MILLISECONDS);
                    } else {
                        fetch(shard, response.nextShardIterator());
                    }
                }, senders);
    }

    private void send(String shard, GetRecordsResponse response) {
        String behind = String.valueOf(response.millisBehindLatest());
        for (Record record : response.records()) {
            long arrival = record.approximateArrivalTimestamp().toEpochMilli();
            Map<String, String> properties = new HashMap<>(8);
            properties.put("kinesis.arrival.timestamp", record.approximateArrivalTimestamp().toString());
            if (record.encryptionTypeAsString() != null) {
                properties.put("kinesis.encryption.type", record.encryptionTypeAsString());
            }
            properties.put("kinesis.partition.key", record.partitionKey());
            properties.put("kinesis.sequence.number", record.sequenceNumber());
            properties.put("kinesis.shard.id", shard);
            properties.put("kinesis.millis.behind.latest", behind);
            producer.newMessage()
                    .key(record.partitionKey())
                    .value(record.data().asByteArrayUnsafe())
                    .eventTime(arrival)
                    .properties(properties)
                    .sendAsync();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        return runnable -> {
            Thread thread = new Thread(runnable, prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
