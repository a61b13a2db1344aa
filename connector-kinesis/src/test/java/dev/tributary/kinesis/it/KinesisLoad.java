package dev.tributary.kinesis.it;

import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.testing.services.DeliveryAccounting;
import dev.tributary.testing.services.KinesisMock;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.Message;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes numbered records into a stream from a background thread at a steady pace until
 * stopped, so that a fault can strike while records keep arriving. Every accepted record is
 * registered with a {@link DeliveryAccounting}, per key in the order the stream holds them.
 * A record's value is its id, then {@code |} and padding up to the payload size.
 */
final class KinesisLoad implements AutoCloseable {
    private final KinesisMock kinesis;
    private final String stream;
    private final int keys;
    private final int batchSize;
    private final Duration every;
    private final String padding;
    private final DeliveryAccounting accounting = new DeliveryAccounting();
    private final Map<String, String> lastSequenceByShard = new ConcurrentHashMap<>();
    private final AtomicInteger written = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    /**
     * @param keys how many partition keys the records cycle through
     * @param batchSize records per PutRecords call
     * @param every the pause between calls
     * @param payloadBytes the size of each value, at least the id's
     */
    KinesisLoad(KinesisMock kinesis, String stream, int keys, int batchSize, Duration every, int payloadBytes) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.keys = keys;
        this.batchSize = batchSize;
        this.every = every;
        this.padding = "x".repeat(Math.max(0, payloadBytes - 12));
        this.thread = new Thread(this::run, "kinesis-load-" + stream);
        thread.setDaemon(true);
    }

    KinesisLoad start() {
        thread.start();
        return this;
    }

    /** Records accepted by the stream so far. */
    int written() {
        return written.get();
    }

    /** Stops writing and returns the accounting of everything written; fails if a put failed. */
    DeliveryAccounting stop() throws InterruptedException {
        stopping = true;
        thread.join(60_000);
        if (failure != null) {
            throw new AssertionError("writing to stream " + stream + " failed", failure);
        }
        return accounting;
    }

    /** The sequence number of the last record written to each shard; complete once {@link #stop} returned. */
    Map<String, String> lastSequenceByShard() {
        return Map.copyOf(lastSequenceByShard);
    }

    /** The id in a message that this load wrote, and its key, for {@link DeliveryAccounting#check}. */
    static DeliveryAccounting.Delivered describe(Message<byte[]> message) {
        String value = new String(message.getValue(), StandardCharsets.UTF_8);
        int bar = value.indexOf('|');
        return new DeliveryAccounting.Delivered(bar < 0 ? value : value.substring(0, bar), message.getKey());
    }

    private void run() {
        int next = 0;
        try {
            while (!stopping) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>(batchSize);
                for (int i = 0; i < batchSize; i++, next++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (next % keys))
                            .data(SdkBytes.fromUtf8String("id-" + next + "|" + padding)).build());
                }
                List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < results.size(); i++) {
                    order.add(i);
                }
                // A retried entry lands after its batch: the sequence numbers give the stream's real order.
                order.sort(Comparator.comparing(i -> new BigInteger(results.get(i).sequenceNumber())));
                for (int i : order) {
                    PutRecordsRequestEntry entry = entries.get(i);
                    PutRecordsResultEntry result = results.get(i);
                    String value = entry.data().asUtf8String();
                    accounting.written(value.substring(0, value.indexOf('|')), entry.partitionKey());
                    lastSequenceByShard.merge(result.shardId(), result.sequenceNumber(),
                            (a, b) -> KinesisOffsets.compare(a, b) >= 0 ? a : b);
                }
                written.addAndGet(results.size());
                Thread.sleep(every.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(60_000);
    }
}
