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
 * (1024), {@code cbor}, {@code json} or {@code raw} (cbor). {@code raw} measures the server alone:
 * the JDK's HTTP client asks for the first 10,000 records of each shard again and again and
 * discards the CBOR unread, since the SDK's parsing, not the server, limits the other modes.
 */
public final class ReplayServerSelfCheck {
    private ReplayServerSelfCheck() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        int payload = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        String mode = args.length > 4 ? args[4].toLowerCase(java.util.Locale.ROOT) : "cbor";
        boolean cbor = !"json".equals(mode);
        boolean raw = "raw".equals(mode);
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
                    raw ? "raw CBOR, bodies discarded" : cbor ? "CBOR" : "JSON", seconds);
            // A short warm-up, so the JIT has compiled both sides before anything is counted.
            Duration warmUp = Duration.ofSeconds(Math.min(5, seconds));
            if (raw) {
                runRaw(server, client, shards, warmUp);
            } else {
                run(client, shards, warmUp);
            }
            ReplayStats before = server.stats();
            long processCpuBefore = processCpuNanos();
            long start = System.nanoTime();
            long clientRecords = raw ? runRaw(server, client, shards, Duration.ofSeconds(seconds))
                    : run(client, shards, Duration.ofSeconds(seconds));
            double elapsed = (System.nanoTime() - start) / 1e9;
            ReplayStats after = server.stats();
            double processCpu = (processCpuNanos() - processCpuBefore) / 1e9;

            double bytes = after.bytesServed() - before.bytesServed();
            double wire = after.responseBytes() - before.responseBytes();
            double serverCpu = (after.serverCpuNanos() - before.serverCpuNanos()) / 1e9;
            long calls = after.getRecordsCalls() - before.getRecordsCalls();
            System.out.printf("payload: %.1f MB/s (%.0f records/s; %d records or raw calls seen by the client)%n",
                    bytes / 1e6 / elapsed, (after.recordsServed() - before.recordsServed()) / elapsed, clientRecords);
            System.out.printf("response bodies: %.1f MB/s in %d GetRecords calls (%.1f calls/s)%n",
                    wire / 1e6 / elapsed, calls, calls / elapsed);
            System.out.printf("server threads CPU: %.2f cores (%.2f CPU-s per GB of payload)%n",
                    serverCpu / elapsed, serverCpu / (bytes / 1e9));
            System.out.printf("whole process CPU (SDK client included): %.2f cores of %d%n",
                    processCpu / elapsed, Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * One thread per shard posts GetRecords for the shard's first records over and over with the
     * JDK's HTTP client, and discards the answers; returns the calls made.
     */
    private static long runRaw(ReplayServer server, KinesisAsyncClient client, int shards, Duration duration)
            throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        LongAdder calls = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            String shardId = ReplayStream.shardId(shard);
            String iterator = client.getShardIterator(b -> b.streamName("bench").shardId(shardId)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            byte[] body;
            try {
                body = cbor.writeValueAsBytes(java.util.Map.of("ShardIterator", iterator));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(server.endpoint())
                    .header("Content-Type", "application/x-amz-cbor-1.1")
                    .header("X-Amz-Target", "Kinesis_20131202.GetRecords")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
                        calls.increment();
                    } catch (java.io.IOException | InterruptedException e) {
                        throw new IllegalStateException("GetRecords failed", e);
                    }
                }
            }, "raw-reader-" + shard);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return calls.sum();
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
