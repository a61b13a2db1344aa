package dev.tributary.runtime.sink;

import static java.util.Objects.requireNonNull;

import dev.tributary.runtime.worker.WorkerConfig;
import java.time.Duration;

/**
 * How the sink's producers batch, compress and bound what they hold in flight.
 *
 * @param batching whether messages are grouped into batches
 * @param batchDelay how long a producer waits to fill a batch
 * @param batchMaxMessages the most messages per batch
 * @param batchMaxBytes the most bytes per batch; a message larger than this is sent in a batch of its own
 * @param compression NONE, LZ4, ZLIB, ZSTD or SNAPPY
 * @param maxPendingMessages the most messages in flight per producer; sends block beyond it
 * @param sendTimeout how long a send may wait for the broker; zero waits for ever
 * @param chunking whether a message above the broker's maximum size is split into chunks; Pulsar
 *     allows it only without batching
 */
public record ProducerSettings(
        boolean batching, Duration batchDelay, int batchMaxMessages, int batchMaxBytes, String compression,
        int maxPendingMessages, Duration sendTimeout, boolean chunking) {
    public ProducerSettings {
        requireNonNull(batchDelay, "batchDelay is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(sendTimeout, "sendTimeout is null");
        if (chunking && batching) {
            throw new IllegalArgumentException("Pulsar producers cannot chunk and batch at once");
        }
    }

    public static ProducerSettings from(WorkerConfig config) {
        return new ProducerSettings(config.producerBatching(), config.producerBatchDelay(),
                config.producerBatchMessages(), config.producerBatchBytes(), config.producerCompression(), config.producerMaxPending(),
                config.producerSendTimeout(), false);
    }

    /**
     * These settings for a dead-letter producer: chunking on and batching off, so that a record
     * larger than the broker's maximum message size fits, as several chunks.
     */
    public ProducerSettings forDeadLetters() {
        return new ProducerSettings(false, batchDelay, batchMaxMessages, batchMaxBytes, compression, maxPendingMessages,
                sendTimeout, true);
    }
}
