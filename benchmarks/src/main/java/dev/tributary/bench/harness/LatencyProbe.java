package dev.tributary.bench.harness;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Measures, for every message, the time from the end of the fetch that carried it to its arrival
 * at a reader of the topic.
 *
 * <p>The replay endpoint writes {@code System.nanoTime()} into the first 8 bytes of each payload
 * as it builds the GetRecords response; Linux's monotonic clock is shared by the processes of one
 * machine, so the reader here can subtract it from its own {@code nanoTime()}. Values travel
 * unchanged through both subjects, so both are measured the same way: fetch, hand-off, broker
 * persistence and acknowledgement, and the broker's dispatch to this reader. The dispatch is
 * the same for both subjects; the difference between them is what the connector adds.
 */
final class LatencyProbe implements AutoCloseable {
    private final PulsarClient client;
    private final Reader<byte[]> reader;
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Histogram fromArrival = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Thread thread;
    private final AtomicLong read = new AtomicLong();
    private volatile boolean recording;
    private volatile boolean closed;

    LatencyProbe(String pulsarUrl, String topic) throws PulsarClientException {
        client = PulsarClient.builder().serviceUrl(pulsarUrl).build();
        // A reader, not a subscription: no acknowledgements to send back, so the probe adds as little as it can
        // to a broker that the subject shares.
        reader = client.newReader(Schema.BYTES)
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .receiverQueueSize(1000)
                .create();
        thread = new Thread(this::read, "latency-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts counting latencies (messages before this only warm up). */
    void startRecording() {
        recording = true;
    }

    /** A copy of what was recorded, in microseconds. */
    synchronized Histogram histogram() {
        return histogram.copy();
    }

    /** Messages this probe has read so far, recorded or not. */
    long messagesRead() {
        return read.get();
    }

    /**
     * A copy of what was recorded from each record's arrival in the stream (payload bytes 8-15),
     * in microseconds: what an application that writes to Kinesis sees, the time a record waits in
     * the stream for its fetch included.
     */
    synchronized Histogram fromArrival() {
        return fromArrival.copy();
    }

    private void read() {
        while (!closed) {
            try {
                Message<byte[]> message = reader.readNext(200, TimeUnit.MILLISECONDS);
                if (message == null) {
                    continue;
                }
                long now = System.nanoTime();
                read.incrementAndGet();
                byte[] value = message.getValue();
                if (recording && value.length >= Long.BYTES) {
                    ByteBuffer stamps = ByteBuffer.wrap(value);
                    long micros = TimeUnit.NANOSECONDS.toMicros(now - stamps.getLong(0));
                    synchronized (this) {
                        record(histogram, micros);
                        if (value.length >= 2 * Long.BYTES) {
                            record(fromArrival, TimeUnit.NANOSECONDS.toMicros(now - stamps.getLong(Long.BYTES)));
                        }
                    }
                }
            } catch (PulsarClientException e) {
                if (!closed) {
                    System.err.println("latency probe: " + e.getMessage());
                }
            }
        }
    }

    private static void record(Histogram into, long micros) {
        into.recordValue(Math.max(0, Math.min(micros, into.getHighestTrackableValue())));
    }

    @Override
    public void close() throws java.io.IOException, InterruptedException {
        closed = true;
        thread.join(5000);
        reader.close();
        client.close();
    }
}
