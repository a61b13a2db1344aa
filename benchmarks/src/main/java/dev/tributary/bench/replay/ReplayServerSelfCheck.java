package dev.tributary.bench.replay;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads a replay server as fast as the SDK can, one GetRecords loop per shard, and prints the rate
 * and what it cost the server's threads: so we know the server is not what limits a benchmark.
 * Client and server share this JVM (and this machine's cores); the server's share is measured from
 * its own threads' CPU time.
 *
 * <p>Arguments, all optional: seconds (20), shards (8), records per shard (50,000), payload bytes
 * (1024), {@code cbor} or {@code json} (cbor).
 */
public final class ReplayServerSelfCheck {
    private ReplayServerSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        int payload = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        boolean cbor = args.length <= 4 || !"json".equalsIgnoreCase(args[4]);
        System.setProperty("aws.cborEnabled", Boolean.toString(cbor));

        try (ReplayServer server = ReplayServer.start(ReplayConfig.builder().stream("bench", shards, records, payload).build());
                KinesisAsyncClient client = KinesisAsyncClient.builder()
                        .endpointOverride(server.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("self", "check")))
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
                                .maxConcurrency(shards * 2))
                        .build()) {
            System.out.printf("replay self-check: %d shards x %d records x %d B, %s, %d s%n", shards, records, payload,
                    cbor ? "CBOR" : "JSON", seconds);
            // A short warm-up, so the JIT has compiled both sides before anything is counted.
            run(client, shards, Duration.ofSeconds(Math.min(5, seconds)));
            ReplayStats before = server.stats();
            long processCpuBefore = processCpuNanos();
            long start = System.nanoTime();
            long clientRecords = run(client, shards, Duration.ofSeconds(seconds));
            double elapsed = (System.nanoTime() - start) / 1e9;
            ReplayStats after = server.stats();
            double processCpu = (processCpuNanos() - processCpuBefore) / 1e9;

            double bytes = after.bytesServed() - before.bytesServed();
            double wire = after.responseBytes() - before.responseBytes();
            double serverCpu = (after.serverCpuNanos() - before.serverCpuNanos()) / 1e9;
            long calls = after.getRecordsCalls() - before.getRecordsCalls();
            System.out.printf("payload: %.1f MB/s (%.0f records/s, %d records seen by the client)%n",
                    bytes / 1e6 / elapsed, (after.recordsServed() - before.recordsServed()) / elapsed, clientRecords);
            System.out.printf("response bodies: %.1f MB/s in %d GetRecords calls (%.1f calls/s)%n",
                    wire / 1e6 / elapsed, calls, calls / elapsed);
            System.out.printf("server threads CPU: %.2f cores (%.2f CPU-s per GB of payload)%n",
                    serverCpu / elapsed, serverCpu / (bytes / 1e9));
            System.out.printf("whole process CPU (SDK client included): %.2f cores of %d%n",
                    processCpu / elapsed, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Reads every shard from TRIM_HORIZON in a loop until {@code duration} is up; returns the records read. */
    private static long run(KinesisAsyncClient client, int shards, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        LongAdder records = new LongAdder();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            loops.add(readShard(client, ReplayStream.shardId(shard), deadline, records));
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        return records.sum();
    }

    private static CompletableFuture<Void> readShard(KinesisAsyncClient client, String shardId, long deadline,
            LongAdder records) {
        return client.getShardIterator(b -> b.streamName("bench").shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .thenCompose(r -> next(client, shardId, r.shardIterator(), deadline, records));
    }

    private static CompletableFuture<Void> next(KinesisAsyncClient client, String shardId, String iterator, long deadline,
            LongAdder records) {
        if (System.nanoTime() >= deadline) {
            return CompletableFuture.completedFuture(null);
        }
        return client.getRecords(b -> b.shardIterator(iterator)).thenCompose(r -> {
            records.add(r.records().size());
            // At the end of the shard, start over: the server is measured, not the data.
            return r.records().isEmpty() ? readShard(client, shardId, deadline, records)
                    : next(client, shardId, r.nextShardIterator(), deadline, records);
        });
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
