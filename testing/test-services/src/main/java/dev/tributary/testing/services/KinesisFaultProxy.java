package dev.tributary.testing.services;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy in front of a Kinesis endpoint that injects faults on request: throttling,
 * server errors, dropped connections, stalls and expired iterators, per operation (such as
 * {@code GetRecords}). Everything else is forwarded unchanged. For reliability tests of the
 * polling reader; start it with {@link #start(URI)} and close it when done.
 */
public final class KinesisFaultProxy implements AutoCloseable {
    /** A fault to inject instead of (or before) forwarding a request. */
    public enum Fault {
        /** 400 ProvisionedThroughputExceededException. */
        THROTTLE(400, "ProvisionedThroughputExceededException", "Rate exceeded for shard"),
        /** 400 LimitExceededException. */
        LIMIT_EXCEEDED(400, "LimitExceededException", "Rate exceeded"),
        /** 500 InternalFailure. */
        SERVER_ERROR(500, "InternalFailure", "Internal service failure"),
        /** 400 ExpiredIteratorException. */
        EXPIRED_ITERATOR(400, "ExpiredIteratorException", "Iterator expired"),
        /** The connection is closed without a response. */
        CONNECTION_RESET(0, null, null),
        /** Waits 10 s, then forwards. */
        STALL(0, null, null);

        final int status;
        final String type;
        final String message;

        Fault(int status, String type, String message) {
            this.status = status;
            this.type = type;
            this.message = message;
        }
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "keep-alive", "upgrade", "expect");
    private static final String TARGET_PREFIX = "Kinesis_20131202.";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final URI upstream;
    private final Map<String, ConcurrentLinkedQueue<Fault>> planned = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile Duration stall = Duration.ofSeconds(10);

    private KinesisFaultProxy(HttpServer server, ExecutorService executor, URI upstream) {
        this.server = server;
        this.executor = executor;
        this.upstream = upstream;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts a proxy on a free loopback port that forwards to {@code upstream}. */
    public static KinesisFaultProxy start(URI upstream) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
                Thread t = new Thread(r, "kinesis-fault-proxy");
                t.setDaemon(true);
                return t;
            });
            KinesisFaultProxy proxy = new KinesisFaultProxy(server, executor, requireNonNull(upstream, "upstream is null"));
            server.createContext("/", proxy::handle);
            server.setExecutor(executor);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the fault proxy", e);
        }
    }

    /** Where clients should connect instead of the real endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Injects {@code fault} into the next {@code times} calls of {@code operation}, such as {@code GetRecords}. */
    public void inject(String operation, Fault fault, int times) {
        ConcurrentLinkedQueue<Fault> queue = planned.computeIfAbsent(operation, o -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
    }

    /** How long {@link Fault#STALL} waits; 10 s unless changed. */
    public void stallFor(Duration duration) {
        this.stall = requireNonNull(duration, "duration is null");
    }

    /** How many times {@code fault} has been injected so far. */
    public int injected(Fault fault) {
        AtomicInteger count = injected.get(fault);
        return count == null ? 0 : count.get();
    }

    /** Calls of {@code operation} (such as {@code GetShardIterator}) received so far, faulted or not. */
    public int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Faults planned and not yet injected, for all operations. */
    public int pending() {
        return planned.values().stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
            calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
            ConcurrentLinkedQueue<Fault> queue = planned.get(operation);
            Fault fault = queue == null ? null : queue.poll();
            if (fault != null) {
                injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
                if (fault == Fault.CONNECTION_RESET) {
                    // Closing without a response looks like a reset connection to the client.
                    return;
                }
                if (fault == Fault.STALL) {
                    sleep(stall);
                } else {
                    byte[] error = ("{\"__type\":\"" + fault.type + "\",\"message\":\"" + fault.message + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", fault.type + ":");
                    exchange.sendResponseHeaders(fault.status, error.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(error);
                    }
                    return;
                }
            }
            forward(exchange, body);
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lists the operations of every fault still planned, for messages. */
    @Override
    public String toString() {
        return "KinesisFaultProxy" + planned.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + List.copyOf(e.getValue())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
