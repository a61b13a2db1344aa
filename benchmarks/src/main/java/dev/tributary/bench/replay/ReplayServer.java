package dev.tributary.bench.replay;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kinesis endpoint for benchmarks that serves generated records from memory, far faster than
 * kinesis-mock's ~10,000 records a second, so that the connector under test is the bottleneck, not
 * the source. It answers the AWS SDK for Java v2 over HTTP/1.1 on 127.0.0.1, in CBOR (the SDK's
 * default for Kinesis) and in AWS JSON 1.1 ({@code aws.cborEnabled=false}), dispatching on
 * {@code X-Amz-Target}:
 * ListShards, DescribeStreamSummary, DescribeStream, GetShardIterator (every iterator type) and
 * GetRecords (Limit, the 10 MiB cap, MillisBehindLatest); and, when configured, the same in HTTP/2
 * over cleartext on a port of its own ({@link #http2Endpoint()}). Every other operation fails with
 * {@code UnknownOperationException}. Signatures are not checked: any credentials work.
 *
 * <pre>{@code
 * try (ReplayServer server = ReplayServer.start(ReplayConfig.builder()
 *         .stream("bench", 8, 200_000, 1024)
 *         .perShardLimits(false)
 *         .perShardBytesPerSecond(0)
 *         .stampPayloads(true)
 *         .port(0)
 *         .build())) {
 *     URI endpoint = server.endpoint();            // http://127.0.0.1:port, for endpointOverride
 *     ...
 *     ReplayStats stats = server.stats();
 * }
 * }</pre>
 *
 * <p>Shards stay open: once a reader has every record that has arrived, GetRecords returns no
 * record and a NextShardIterator at the same place, as for an idle shard; records that arrive
 * later (see {@link ReplayConfig.Builder#perShardBytesPerSecond}) are returned from there. See
 * {@link ReplayStream} for what the records are.
 *
 * <p>Built on the JDK's HTTP server, whose dispatcher thread accepts connections and reads request
 * heads while a fixed pool of {@link ReplayConfig#threads()} threads builds and writes responses.
 * Loading this class sets {@code sun.net.httpserver.nodelay=true} unless it is set: without it
 * every small call waits 40 ms for a delayed ACK; it takes effect only if no JDK HTTP server was
 * started in this JVM before.
 * Thread-safe; {@link #close()} stops it at once.
 */
public final class ReplayServer implements AutoCloseable {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's head and body apart; with Nagle's algorithm the body then
        // waits for the client's delayed ACK (40 ms on Linux) and small calls crawl. The JDK reads this
        // once, when the first HttpServer of the JVM starts.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final KinesisApi api;
    private final Arrivals arrivals;
    private final StatsCounters stats = new StatsCounters();
    private final Set<Thread> serverThreads = ConcurrentHashMap.newKeySet();
    private final URI endpoint;
    private final Http2Listener http2;

    private ReplayServer(ReplayConfig config) throws IOException {
        this.arrivals = new Arrivals(config.nanoTime(), config.perShardBytesPerSecond());
        this.api = new KinesisApi(config.streams(), config.perShardLimits(), config.stampPayloads(), arrivals, stats);
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "replay-server-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            serverThreads.add(thread);
            return thread;
        };
        this.workers = Executors.newFixedThreadPool(config.threads(), factory);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 256);
        server.createContext("/", this::handle);
        // The dispatcher hands every exchange to the pool; noting it here counts its CPU too.
        Executor noteDispatcher = task -> {
            serverThreads.add(Thread.currentThread());
            workers.execute(task);
        };
        server.setExecutor(noteDispatcher);
        server.start();
        this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try {
            this.http2 = config.http2() ? Http2Listener.start(this, workers, factory) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
            workers.shutdownNow();
            throw new IOException("interrupted while starting the HTTP/2 listener", e);
        }
        if (!config.deferArrivals()) {
            arrivals.start();
        }
    }

    /**
     * Starts a server as configured, bound to 127.0.0.1.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static ReplayServer start(ReplayConfig config) {
        requireNonNull(config, "config is null");
        try {
            return new ReplayServer(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the replay server on 127.0.0.1:" + config.port(), e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, for the SDK's {@code endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * {@code http://127.0.0.1:<port>} for clients that speak HTTP/2 over cleartext only, such as the
     * KCL's; the same streams and counters as {@link #endpoint()}.
     *
     * @throws IllegalStateException when the server was not configured with {@code http2(true)}
     */
    public URI http2Endpoint() {
        if (http2 == null) {
            throw new IllegalStateException("this replay server has no HTTP/2 endpoint: build its config with http2(true)");
        }
        return http2.endpoint();
    }

    /** The stream named {@code name}, to know what its records are; null when there is none. */
    public ReplayStream stream(String name) {
        return api.stream(name);
    }

    /** The streams served, in the order configured. */
    public List<String> streamNames() {
        return List.copyOf(api.streamNames());
    }

    /**
     * Starts arrivals now, for a server built with {@code deferArrivals(true)}; returns false when
     * they had started already (with the server, or by an earlier call), and then changes nothing.
     */
    public boolean startArrivals() {
        return arrivals.start();
    }

    /** Cumulative counts since the server started. */
    public ReplayStats stats() {
        long cpu = 0;
        for (Thread thread : serverThreads) {
            long nanos = THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(thread.getId()) : -1;
            if (nanos > 0) {
                cpu += nanos;
            }
        }
        return stats.snapshot(cpu);
    }

    /** Stops serving at once; open connections are closed. */
    @Override
    public void close() {
        if (http2 != null) {
            http2.close();
        }
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer answer = answer(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes());
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", answer.contentType());
            headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
            if (answer.errorType() != null) {
                headers.set("x-amzn-ErrorType", answer.errorType());
            }
            exchange.sendResponseHeaders(answer.status(), answer.body().length());
            OutputStream out = exchange.getResponseBody();
            out.write(answer.body().bytes(), 0, answer.body().length());
        }
    }

    /**
     * What to answer a request with, whichever protocol it came in.
     *
     * @param errorType the {@code x-amzn-ErrorType} header, null on success
     * @param body possibly the thread's reused buffer: send or copy it before this thread answers again
     */
    record Answer(int status, String contentType, String errorType, KinesisApi.Body body) {
    }

    /** Answers one request; counts the response's bytes as sent. */
    Answer answer(String target, String contentType, byte[] request) {
        WireFormat format = WireFormat.of(contentType);
        Answer answer;
        try {
            answer = new Answer(200, format.contentType(), null, api.handle(target, format, request));
        } catch (KinesisException e) {
            answer = new Answer(e.status(), format.contentType(), e.type(), KinesisApi.error(format, e));
        } catch (RuntimeException e) {
            KinesisException failure = new KinesisException(500, "InternalFailure", "the replay server failed: " + e);
            answer = new Answer(500, format.contentType(), failure.type(), KinesisApi.error(format, failure));
        }
        stats.responseBytes.add(answer.body().length());
        return answer;
    }
}
