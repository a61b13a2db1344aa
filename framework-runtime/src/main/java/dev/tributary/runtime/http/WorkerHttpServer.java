package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP listener, on the JDK's built-in {@link HttpServer} (or {@link HttpsServer}
 * for an {@code https://} listener). Routes match a method and a path template such as
 * {@code /connectors/{name}/status}: literal segments must match exactly, and each
 * {@code {param}} matches one non-empty segment, decoded on its own. Where two templates match,
 * the one with a literal earlier wins. The server answers by itself: 404 for an unknown path, 405
 * (with {@code Allow}) for a known path with another method, 413 for a body over
 * {@value #MAX_REQUEST_BODY_BYTES} bytes, 400 for a malformed query or path, 401 when basic
 * authentication is on and the credentials are missing or wrong, and 500 when a handler throws.
 * Every error body the server writes is {@code {"error_code":N,"message":"..."}}; a 500 says only
 * "Internal server error" and the exception goes to the log.
 *
 * <p>Timeouts: a client has {@value #REQUEST_READ_TIMEOUT_SECONDS} seconds to send a whole
 * request and the server {@value #RESPONSE_TIMEOUT_SECONDS} seconds to answer it; after that the
 * connection is closed, so a slow client cannot hold a thread for ever. These are the JDK's
 * {@code sun.net.httpserver.maxReqTime} and {@code maxRspTime} properties, read once per JVM; a
 * value given with {@code -D} wins. Responses are sent without Nagle's delay
 * ({@code sun.net.httpserver.nodelay}), since they are small and a client waits for each.
 *
 * <p>Lifecycle: {@link #route} any time, {@link #start} once, {@link #stop} once; a stopped
 * server cannot be started again. Threads: every method is thread-safe; handlers run on a pool
 * of {@value #THREADS} threads named {@code http-N}.
 */
public final class WorkerHttpServer {
    /** The largest request body accepted; a larger one gets 413. */
    public static final int MAX_REQUEST_BODY_BYTES = 1024 * 1024;
    /** How long a client may take to send one whole request, headers and body. */
    public static final int REQUEST_READ_TIMEOUT_SECONDS = 30;
    /** How long the server may take to answer; above the 90 s that REST waits for a worker change. */
    public static final int RESPONSE_TIMEOUT_SECONDS = 120;
    static final int THREADS = 4;
    static final String REQUEST_TIMEOUT_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final String RESPONSE_TIMEOUT_PROPERTY = "sun.net.httpserver.maxRspTime";
    static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";
    private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    static {
        // The JDK server reads these when its first instance is made, so they are set before any is.
        setUnlessGiven(REQUEST_TIMEOUT_PROPERTY, Integer.toString(REQUEST_READ_TIMEOUT_SECONDS));
        setUnlessGiven(RESPONSE_TIMEOUT_PROPERTY, Integer.toString(RESPONSE_TIMEOUT_SECONDS));
        // Headers and body go out in two writes; with Nagle's algorithm the second waits for a delayed ACK (~40 ms).
        setUnlessGiven(NO_DELAY_PROPERTY, "true");
    }

    private enum State { NEW, STARTED, STOPPED }

    /** One path template and its handlers by method. */
    private record Route(String template, List<String> segments, Map<String, Handler> handlers) {
        boolean isParam(int i) {
            String segment = segments.get(i);
            return segment.startsWith("{") && segment.endsWith("}");
        }

        /** The parameters, or null when the path does not fit the template. */
        Map<String, String> match(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                if (isParam(i)) {
                    if (path.get(i).isEmpty()) {
                        return null;
                    }
                    String segment = segments.get(i);
                    params.put(segment.substring(1, segment.length() - 1), path.get(i));
                } else if (!segments.get(i).equals(path.get(i))) {
                    return null;
                }
            }
            return params;
        }

        /** Whether this template has a literal where {@code other}, matching the same path, first has a parameter. */
        boolean moreSpecificThan(Route other) {
            for (int i = 0; i < segments.size(); i++) {
                if (isParam(i) != other.isParam(i)) {
                    return !isParam(i);
                }
            }
            return false;
        }

        /** The template with parameter names blanked, so that /a/{x} and /a/{y} count as the same route. */
        String shape() {
            StringBuilder shape = new StringBuilder();
            for (int i = 0; i < segments.size(); i++) {
                shape.append('/').append(isParam(i) ? "{}" : segments.get(i));
            }
            return shape.toString();
        }
    }

    private final ListenerAddress listener;
    private final ListenerSecurity security;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
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
        this(listener, ListenerSecurity.NONE);
    }

    /**
     * @param listener where to listen
     * @param security TLS and authentication
     * @throws IllegalArgumentException when an {@code https://} listener has no TLS context, or an
     *     {@code http://} listener has one
     */
    public WorkerHttpServer(ListenerAddress listener, ListenerSecurity security) {
        this.listener = requireNonNull(listener, "listener is null");
        this.security = requireNonNull(security, "security is null");
        if (listener.isHttps() && security.tls().isEmpty()) {
            throw new IllegalArgumentException(ListenerAddress.CONFIG_KEY + ": an https:// listener needs a key store;"
                    + " set " + TlsKeystore.LOCATION_KEY);
        }
        if (!listener.isHttps() && security.tls().isPresent()) {
            throw new IllegalArgumentException(ListenerAddress.CONFIG_KEY + ": a key store is set, but the listener "
                    + listener.toUri(listener.port()) + " is not https://");
        }
    }

    /**
     * Serves {@code method} requests for paths that fit {@code template}, such as
     * {@code /connectors} or {@code /connectors/{name}/tasks/{task}/status}. May be called before
     * or after {@link #start}.
     *
     * @throws IllegalArgumentException when the template does not start with {@code /} or the route exists
     */
    public void route(String method, String template, Handler handler) {
        requireNonNull(method, "method is null");
        requireNonNull(template, "template is null");
        requireNonNull(handler, "handler is null");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with /, got '" + template + "'");
        }
        String upperMethod = method.toUpperCase(Locale.ROOT);
        Route candidate = new Route(template, segments(template), new ConcurrentHashMap<>());
        synchronized (routes) {
            Route route = routes.stream().filter(r -> r.shape().equals(candidate.shape())).findFirst().orElse(null);
            if (route == null) {
                route = candidate;
                routes.add(route);
            }
            if (route.handlers().putIfAbsent(upperMethod, handler) != null) {
                throw new IllegalArgumentException("Route " + upperMethod + " " + template + " is already registered");
            }
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
                if (listener.isHttps()) {
                    HttpsServer https = HttpsServer.create(address, 0);
                    https.setHttpsConfigurator(new HttpsConfigurator(security.tls().orElseThrow()));
                    created = https;
                } else {
                    created = HttpServer.create(address, 0);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(ListenerAddress.CONFIG_KEY + ": cannot listen on "
                        + listener.toUri(listener.port()) + ": " + e.getMessage(), e);
            }
            executor = Executors.newFixedThreadPool(THREADS,
                    runnable -> new Thread(runnable, "http-" + THREAD_NUMBER.incrementAndGet()));
            created.setExecutor(executor);
            HttpContext context = created.createContext("/", this::serve);
            security.basicAuth().ifPresent(credentials -> context.setAuthenticator(new BasicAuthenticator("tributary") {
                @Override
                public boolean checkCredentials(String user, String password) {
                    boolean ok = credentials.matches(user, password);
                    if (!ok) {
                        log.debug("HTTP basic authentication failed for user '{}'", user);
                    }
                    return ok;
                }
            }));
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
        List<String> segments;
        try {
            segments = decodedSegments(exchange.getRequestURI().getRawPath());
        } catch (IllegalArgumentException e) {
            return Response.error(400, "Malformed path");
        }
        Route route = null;
        Map<String, String> params = null;
        for (Route candidate : routes) {
            Map<String, String> matched = candidate.match(segments);
            if (matched != null && !candidate.handlers().isEmpty()
                    && (route == null || candidate.moreSpecificThan(route))) {
                route = candidate;
                params = matched;
            }
        }
        if (route == null) {
            return Response.error(404, "No endpoint at " + path);
        }
        Map<String, Handler> byMethod = route.handlers();
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
            Request request = new Request(method, path, query, body, params, exchange.getRequestHeaders());
            return requireNonNull(handler.handle(request), "handler returned null");
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

    /** {@code /a/b%2Fc/} becomes {@code [a, b/c]}: split first, then decode, so an encoded slash stays in its segment. */
    static List<String> decodedSegments(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return List.of();
        }
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        // One trailing slash is forgiven, as most REST servers do: /connectors/ is /connectors.
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : trimmed.split("/", -1)) {
            // A path keeps '+' as it is; only query strings use it for a space.
            segments.add(URLDecoder.decode(raw.replace("+", "%2B"), UTF_8));
        }
        return segments;
    }

    private static List<String> segments(String template) {
        return template.equals("/") ? List.of() : List.of(template.substring(1).split("/", -1));
    }

    private static void setUnlessGiven(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
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
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
