package dev.tributary.testing.services;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Kinesis-compatible endpoint that tests can point a connector at: kinesis-mock, or LocalStack
 * where Docker exists. The helpers use a client built by {@link #newAsyncClient()}.
 */
public interface KinesisService {
    /** The most records that one PutRecords call accepts. */
    int PUT_RECORDS_LIMIT = 500;

    /** The plain HTTP endpoint, for {@code endpointOverride}. */
    URI endpoint();

    Region region();

    /** Credentials that the endpoint accepts; they are fake and unique to tests. */
    AwsCredentialsProvider credentials();

    /** A new async client for this endpoint. The caller closes it. */
    KinesisAsyncClient newAsyncClient();

    /**
     * The client the helpers below use, made once and kept: closing an SDK client takes about two
     * seconds (its event loop shuts down gracefully), far too long to pay per helper call.
     */
    KinesisAsyncClient helperClient();

    /** Creates a stream with {@code shards} shards and waits until it is ACTIVE. */
    default void createStream(String stream, int shards) {
        try {
            KinesisAsyncClient client = helperClient();
            client.createStream(b -> b.streamName(stream).shardCount(shards)).join();
            awaitActive(client, stream, Duration.ofSeconds(60));
        } catch (CompletionException e) {
            throw new IllegalStateException("could not create stream " + stream + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Waits until {@code stream} is ACTIVE, for example after a create or a reshard. Polls every
     * 100 ms: the SDK's waiter sleeps 10 s between checks, far longer than an emulator needs.
     */
    default void awaitActive(KinesisAsyncClient client, String stream, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (client.describeStreamSummary(b -> b.streamName(stream)).join()
                .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + stream + " was not ACTIVE within " + timeout);
            }
            sleepQuietly(Duration.ofMillis(100));
        }
    }

    /**
     * Puts records in batches of at most 500, retrying the entries that the endpoint rejected
     * (throttling). Returns one result per entry, in the order of {@code entries}.
     *
     * <p>A rejected entry is retried after the entries of its batch that were accepted, so the
     * order per partition key holds only while nothing is rejected; the results' sequence
     * numbers tell the order that the stream really has.
     */
    default List<PutRecordsResultEntry> putRecords(String stream, List<PutRecordsRequestEntry> entries) {
        List<PutRecordsResultEntry> results = new ArrayList<>(entries.size());
        for (int from = 0; from < entries.size(); from += PUT_RECORDS_LIMIT) {
            List<PutRecordsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + PUT_RECORDS_LIMIT));
            results.addAll(putBatch(helperClient(), stream, batch));
        }
        return results;
    }

    /** Puts one record with the given partition key. */
    default PutRecordsResultEntry putRecord(String stream, String partitionKey, byte[] data) {
        return putRecords(stream, List.of(PutRecordsRequestEntry.builder()
                .partitionKey(partitionKey)
                .data(SdkBytes.fromByteArray(data))
                .build())).get(0);
    }

    private static List<PutRecordsResultEntry> putBatch(
            KinesisAsyncClient client, String stream, List<PutRecordsRequestEntry> batch) {
        PutRecordsResultEntry[] results = new PutRecordsResultEntry[batch.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 20) {
                throw new IllegalStateException(pending.size() + " records were still rejected by " + stream
                        + " after 20 attempts");
            }
            List<PutRecordsRequestEntry> request = pending.stream().map(batch::get).toList();
            PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(request)).join();
            List<Integer> rejected = new ArrayList<>();
            for (int i = 0; i < request.size(); i++) {
                PutRecordsResultEntry result = response.records().get(i);
                if (result.errorCode() == null) {
                    results[pending.get(i)] = result;
                } else {
                    rejected.add(pending.get(i));
                }
            }
            pending = rejected;
            if (!pending.isEmpty()) {
                sleepQuietly(Duration.ofMillis(100L * attempt));
            }
        }
        return List.of(results);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while putting records", e);
        }
    }
}
