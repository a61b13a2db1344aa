package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP listener, on the JDK's built-in {@link HttpServer}. Routes match a method and
 * an exact path. The server answers by itself: 404 for an unknown path, 405 (with {@code Allow})
 * for a known path with another method, 413 for a body over {@value #MAX_REQUEST_BODY_BYTES}
 * bytes, 400 for a malformed query, and 500 when a handler throws. Every error body is
 * {@code {"error_code":N,"message":"..."}}; a 500 says only "Internal server error" and the
 * exception goes to the log.
 *
 * <p>Lifecycle: {@link #route} any time, {@link #start} once, {@link #stop} once; a stopped
 * server cannot be started again. Threads: every method is thread-safe; handlers run on a pool
 * of {@value #THREADS} threads named {@code http-N}.
 */
public final class WorkerHttpServer {
    /** The largest request body accepted; a larger one gets 413. */
    public static final int MAX_REQUEST_BODY_BYTES = 1024 * 1024;
    static final int THREADS = 4;
    private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private enum State { NEW, STARTED, STOPPED }

    private final ListenerAddress listener;
    private final Map<String, Map<String, Handler>> routes = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    // Guarded by lifecycle.
    private State state = State.NEW;
    private HttpServer server;
    private ExecutorService executor;
    private volatile int boundPort = -1;

    /**
     * @param listener the {@code listeners} setting, such as {@code http://127.0.0.1:8083}
     * @throws IllegalArgumentException when it is not of that form; the message names the key
     */
    public WorkerHttpServer(String listener) {
        this(ListenerAddress.parse(listener));
    }

    public WorkerHttpServer(ListenerAddress listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /**
     * Serves {@code method} requests for exactly {@code path}. May be called before or after
     * {@link #start}.
     *
     * @throws IllegalArgumentException when the path does not start with {@code /} or the route exists
     */
    public void route(String method, String path, Handler handler) {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(handler, "handler is null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with /, got '" + path + "'");
        }
        String upperMethod = method.toUpperCase(Locale.ROOT);
        Handler previous = routes.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).putIfAbsent(upperMethod, handler);
        if (previous != null) {
            throw new IllegalArgumentException("Route " + upperMethod + " " + path + " is already registered");
        }
    }

    /**
     * Binds the listener and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound, for example because the port
     *     is in use; the message names the {@code listeners} setting and the address
     * @throws IllegalStateException when called a second time
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException("HTTP server was already started");
            }
            InetSocketAddress address = new InetSocketAddress(listener.host(), listener.port());
            if (address.isUnresolved()) {
                throw new UncheckedIOException(new UnknownHostException(ListenerAddress.CONFIG_KEY
                        + ": cannot resolve host '" + listener.host() + "'"));
            }
            HttpServer created;
            try {
                created = HttpServer.create(address, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(ListenerAddress.CONFIG_KEY + ": cannot listen on "
                        + listener.toUri(listener.port()) + ": " + e.getMessage(), e);
            }
            executor = Executors.newFixedThreadPool(THREADS,
                    runnable -> new Thread(runnable, "http-" + THREAD_NUMBER.incrementAndGet()));
            created.setExecutor(executor);
            created.createContext("/", this::serve);
            created.start();
            server = created;
            boundPort = created.getAddress().getPort();
            state = State.STARTED;
            log.info("HTTP server listening on {}", baseUri());
        }
    }

    /**
     * Stops accepting connections, lets requests in progress finish for up to 5 seconds, and
     * releases the threads. Does nothing when the server is not running.
     */
    public void stop() {
        synchronized (lifecycle) {
            if (state != State.STARTED) {
                state = State.STOPPED;
                return;
            }
            state = State.STOPPED;
            // A delay above 0 would make JDK 17 wait that long even with nothing in progress; the pool waits instead.
            server.stop(0);
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The bound port: the configured one, or the one chosen for port 0.
     *
     * @throws IllegalStateException before {@link #start}
     */
    public int port() {
        int port = boundPort;
        if (port < 0) {
            throw new IllegalStateException("HTTP server is not started");
        }
        return port;
    }

    /**
     * The listener's URL with the bound port, such as {@code http://127.0.0.1:8083}.
     *
     * @throws IllegalStateException before {@link #start}
     */
    public URI baseUri() {
        return listener.toUri(port());
    }

    private void serve(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            send(exchange, respond(exchange, method, path));
        } catch (IOException e) {
            log.debug("HTTP response could not be written; the client may have gone", e);
        } catch (RuntimeException e) {
            log.error("HTTP request failed", e);
        } finally {
            exchange.close();
        }
    }

    private Response respond(HttpExchange exchange, String method, String path) throws IOException {
        Map<String, Handler> byMethod = path == null ? null : routes.get(path);
        if (byMethod == null || byMethod.isEmpty()) {
            return Response.error(404, "No endpoint at " + path);
        }
        Handler handler = byMethod.get(method);
        if (handler == null) {
            String allowed = String.join(", ", new TreeSet<>(byMethod.keySet()));
            exchange.getResponseHeaders().set("Allow", allowed);
            return Response.error(405, "Method " + method + " is not allowed on " + path + "; use " + allowed);
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            // The rest of the body stays unread, so the connection cannot be reused; the JDK drains 64 KiB at most.
            exchange.getResponseHeaders().set("Connection", "close");
            return Response.error(413, "Request body is larger than " + MAX_REQUEST_BODY_BYTES + " bytes");
        }
        Map<String, List<String>> query;
        try {
            query = parseQuery(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            // The JDK server rejects most malformed URIs itself; this covers what its parser lets through.
            return Response.error(400, "Malformed query string");
        }
        try {
            return requireNonNull(handler.handle(new Request(method, path, query, body)), "handler returned null");
        } catch (Exception e) {
            log.error("HTTP handler for {} {} failed", method, path, e);
            return Response.error(500, "Internal server error");
        }
    }

    /** The body, or null when it is larger than the limit. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > MAX_REQUEST_BODY_BYTES) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // The JDK server rejects a malformed length before calling us; nothing to decide here.
            }
        }
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(MAX_REQUEST_BODY_BYTES + 1);
        return body.length > MAX_REQUEST_BODY_BYTES ? null : body;
    }

    static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.rawBody();
        if (body.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
