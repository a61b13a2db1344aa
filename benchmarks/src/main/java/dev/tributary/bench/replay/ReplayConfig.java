package dev.tributary.bench.replay;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What a {@link ReplayServer} serves and how. Build with {@link #builder()}:
 *
 * <pre>{@code
 * ReplayConfig.builder()
 *     .stream("bench", 8, 200_000, 1024)   // name, shards, records per shard, payload bytes
 *     .perShardLimits(true)                // 2 MiB/s and 5 GetRecords/s per shard, as Kinesis
 *     .perShardBytesPerSecond(100_000)     // records arrive over time; 0 = all there at once
 *     .stampPayloads(true)                 // payload bytes 0-7 = System.nanoTime() at serve time, 8-15 = at arrival
 *     .port(0)                             // 0 = a free port
 *     .http2(true)                         // also an HTTP/2 cleartext endpoint, for the KCL
 *     .build();
 * }</pre>
 *
 * @param streams the streams, at least one, with distinct names
 * @param perShardLimits whether GetRecords is throttled per shard as Kinesis does
 * @param perShardBytesPerSecond the arrival rate of each shard, or 0 for every record at once
 * @param deferArrivals whether arrivals wait for {@link ReplayServer#startArrivals()} rather than
 *     starting with the server
 * @param stampPayloads whether served payloads start with {@code System.nanoTime()} at serving, then
 *     (payloads of 16 bytes or more) the record's arrival in the same clock
 * @param port the port on 127.0.0.1, or 0 for a free one
 * @param http2 whether the server also listens for HTTP/2 over cleartext, on a port of its own
 * @param threads the threads that build responses
 * @param nanoTime the clock of arrivals and throttling; {@code System::nanoTime} but in tests
 */
public record ReplayConfig(List<ReplayStream> streams, boolean perShardLimits, long perShardBytesPerSecond,
        boolean deferArrivals, boolean stampPayloads, int port, boolean http2, int threads, LongSupplier nanoTime) {
    /** Stamps are a big-endian long at the start of each payload. */
    public static final int STAMP_BYTES = Long.BYTES;

    public ReplayConfig {
        streams = List.copyOf(requireNonNull(streams, "streams is null"));
        requireNonNull(nanoTime, "nanoTime is null");
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("a replay server needs at least one stream; add one with stream(...)");
        }
        Set<String> names = new HashSet<>();
        for (ReplayStream stream : streams) {
            if (!names.add(stream.name())) {
                throw new IllegalArgumentException("stream " + stream.name() + " is configured twice");
            }
            if (stampPayloads && stream.payloadBytes() < STAMP_BYTES) {
                throw new IllegalArgumentException("stampPayloads needs payloads of at least " + STAMP_BYTES
                        + " bytes, but stream " + stream.name() + " has " + stream.payloadBytes());
            }
        }
        if (perShardBytesPerSecond < 0) {
            throw new IllegalArgumentException("perShardBytesPerSecond must not be negative: " + perShardBytesPerSecond);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535: " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects a {@link ReplayConfig}; not thread-safe. */
    public static final class Builder {
        private final List<ReplayStream> streams = new ArrayList<>();
        private long seed = 20131202L;
        private boolean perShardLimits;
        private long perShardBytesPerSecond;
        private boolean deferArrivals;
        private boolean stampPayloads;
        private int port;
        private boolean http2;
        private int threads = 4;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder() {
        }

        /**
         * Adds a stream of {@code shards} open shards of {@code recordsPerShard} records of
         * {@code payloadBytes} random bytes each, derived from the {@link #seed} set so far.
         */
        public Builder stream(String name, int shards, long recordsPerShard, int payloadBytes) {
            streams.add(new ReplayStream(name, shards, recordsPerShard, payloadBytes, seed + streams.size()));
            return this;
        }

        /** What the records of streams added after this call are derived from; a fixed value by default. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Emulates Kinesis's read limits: per shard, at most 5 GetRecords calls a second and 2 MiB a
         * second (a 10 MiB response is served, then the shard is throttled until the debt is paid).
         * A call over a limit fails with HTTP 400 {@code ProvisionedThroughputExceededException}.
         * Off by default.
         */
        public Builder perShardLimits(boolean on) {
            this.perShardLimits = on;
            return this;
        }

        /**
         * Makes each shard's records arrive over time at this many payload bytes a second, from when
         * arrivals start; a record is served only once it has arrived, and its arrival time is its
         * ApproximateArrivalTimestamp. 0 (the default) makes every record arrive when arrivals
         * start, with timestamps 1 ms apart ending then.
         */
        public Builder perShardBytesPerSecond(long bytesPerSecond) {
            this.perShardBytesPerSecond = bytesPerSecond;
            return this;
        }

        /**
         * When true, no record arrives until {@link ReplayServer#startArrivals()}; when false (the
         * default), arrivals start with the server.
         */
        public Builder deferArrivals(boolean defer) {
            this.deferArrivals = defer;
            return this;
        }

        /**
         * When true, the first 8 bytes of every served payload are {@code System.nanoTime()},
         * big-endian, read once per response as it is built; so a consumer on this machine can
         * measure fetch-to-delivery latency. Payloads must then have at least 8 bytes.
         */
        public Builder stampPayloads(boolean on) {
            this.stampPayloads = on;
            return this;
        }

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * When true, the server also answers HTTP/2 over cleartext with prior knowledge, on a free port
         * of its own ({@link ReplayServer#http2Endpoint()}): the KCL's Kinesis client speaks nothing
         * else. Off by default.
         */
        public Builder http2(boolean on) {
            this.http2 = on;
            return this;
        }

        /** The threads that build responses; 4 by default. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** The clock of arrivals and throttling, for tests that move time themselves. */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        public ReplayConfig build() {
            return new ReplayConfig(streams, perShardLimits, perShardBytesPerSecond, deferArrivals, stampPayloads,
                    port, http2, threads, nanoTime);
        }
    }
}
