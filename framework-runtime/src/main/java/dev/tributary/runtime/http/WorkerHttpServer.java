package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP listener, on Jetty's NIO server (its core handler API, no servlets). Routes
 * match a method and a path template such as {@code /connectors/{name}/status}: literal segments
 * must match exactly, and each {@code {param}} matches one non-empty segment, decoded on its own.
 * Where two templates match, the one with a literal earlier wins. The server answers by itself:
 * 404 for an unknown path, 405 (with {@code Allow}) for a known path with another method, 413 for
 * a body over {@value #MAX_REQUEST_BODY_BYTES} bytes, 431 for headers over
 * {@value #MAX_REQUEST_HEADER_BYTES} bytes, 400 for a malformed request, query or path, 403 for a
 * Host name or browser origin that {@link RequestOrigins} refuses, 401 when
 * basic authentication is on and the credentials are missing or wrong, and 500 when a handler
 * throws. Every error body the server writes is {@code {"error_code":N,"message":"..."}}; a 500
 * says only "Internal server error" and the exception goes to the log.
 *
 * <p>Slow clients: connections are served by NIO selectors, and a request's body is read
 * asynchronously, so a client that trickles its headers or body holds no thread. A connection
 * that sends nothing for {@value #REQUEST_READ_TIMEOUT_SECONDS} seconds while the server waits for
 * it is closed. A handler may block (it runs on a pool thread) for as long as it takes; REST
 * bounds that itself (90 s for a worker change).
 *
 * <p>Lifecycle: {@link #route} any time, {@link #start} once, {@link #stop} once; a stopped
 * server cannot be started again. Threads: every method is thread-safe; handlers run on a
 * bounded pool of at most {@value #MAX_THREADS} threads named {@code http-N}, shared with Jetty's
 * acceptor and selector.
 */
public final class WorkerHttpServer {
    /** The largest request body accepted; a larger one gets 413. */
    public static final int MAX_REQUEST_BODY_BYTES = 1024 * 1024;
    /** The largest request line and headers accepted; larger ones get 431. */
    public static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;
    /** How long a connection may stay silent while the server waits for its request. */
    public static final int REQUEST_READ_TIMEOUT_SECONDS = 30;
    /** The longest path that an error message repeats; longer ones are cut, so an answer stays small. */
    static final int MAX_ECHOED_PATH_CHARS = 200;
    static final int MAX_THREADS = 32;
    static final int MIN_THREADS = 4;
    private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);

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
    private final boolean loopback;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    // Guarded by lifecycle.
    private State state = State.NEW;
    private Server server;
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
        this.loopback = listener.isLoopback();
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
            // Jetty warns against a bounded task queue (it would drop I/O tasks); the thread count is the bound.
            QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
            threads.setName("http");
            Server created = new Server(threads);
            created.addConnector(connector(created));
            created.setHandler(new Dispatcher());
            created.setErrorHandler(new JsonErrorHandler());
            created.setStopTimeout(5_000);
            try {
                created.start();
            } catch (Exception e) {
                stopQuietly(created);
                // Jetty may wrap the BindException; its message ("Address already in use") is the useful part.
                Throwable cause = e instanceof IOException || e.getCause() == null ? e : e.getCause();
                throw new UncheckedIOException(ListenerAddress.CONFIG_KEY + ": cannot listen on "
                        + listener.toUri(listener.port()) + ": " + cause.getMessage(),
                        cause instanceof IOException io ? io : new IOException(cause));
            }
            server = created;
            boundPort = ((ServerConnector) created.getConnectors()[0]).getLocalPort();
            state = State.STARTED;
            log.info("HTTP server listening on {}", baseUri());
        }
    }

    private ServerConnector connector(Server owner) {
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // Routing works on the raw segments, so an encoded slash or dot cannot reach another route.
        config.setUriCompliance(UriCompliance.UNSAFE);
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ServerConnector connector;
        if (listener.isHttps()) {
            config.addCustomizer(new SecureRequestCustomizer());
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(security.tls().orElseThrow());
            connector = new ServerConnector(owner, 1, 1, new SslConnectionFactory(tls, http.getProtocol()), http);
        } else {
            connector = new ServerConnector(owner, 1, 1, http);
        }
        connector.setHost(listener.host());
        connector.setPort(listener.port());
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(REQUEST_READ_TIMEOUT_SECONDS));
        return connector;
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
            stopQuietly(server);
        }
    }

    private static void stopQuietly(Server target) {
        try {
            target.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed: {}", e.toString());
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

    /** Answers every request: checks, routes, reads the body without holding a thread, then calls the handler. */
    private final class Dispatcher extends org.eclipse.jetty.server.Handler.Abstract {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                Callback callback) {
            String method = request.getMethod().toUpperCase(Locale.ROOT);
            String rawPath = request.getHttpURI().getPath();
            Map<String, List<String>> headers = headers(request);
            // Host and Origin first: a page that reached the port through DNS rebinding or CSRF learns nothing more.
            Response refused = security.origins().check(loopback, headers);
            if (refused == null) {
                refused = security.basicAuth().map(credentials -> authenticate(credentials, headers)).orElse(null);
            }
            if (refused != null) {
                send(response, callback, refused);
                return true;
            }
            List<String> segments;
            String path;
            try {
                segments = decodedSegments(rawPath);
                path = decodePath(rawPath);
            } catch (IllegalArgumentException e) {
                send(response, callback, Response.error(400, "Malformed path"));
                return true;
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
                send(response, callback, Response.error(404, "No endpoint at " + echo(path)));
                return true;
            }
            Map<String, Handler> byMethod = route.handlers();
            Handler handler = byMethod.get(method);
            if (handler == null) {
                String allowed = String.join(", ", new TreeSet<>(byMethod.keySet()));
                send(response, callback, Response.error(405, "Method " + method + " is not allowed on " + echo(path)
                        + "; use " + allowed).withHeader("Allow", allowed));
                return true;
            }
            Map<String, List<String>> query;
            try {
                query = parseQuery(request.getHttpURI().getQuery());
            } catch (IllegalArgumentException e) {
                send(response, callback, Response.error(400, "Malformed query string"));
                return true;
            }
            if (request.getLength() > MAX_REQUEST_BODY_BYTES) {
                send(response, callback, tooLarge());
                return true;
            }
            Map<String, String> pathParams = params;
            new BodyReader(request, body -> {
                Request ours = new Request(method, path, query, body, pathParams, headers);
                send(response, callback, invoke(handler, ours));
            }, failure -> send(response, callback, failure)).run();
            return true;
        }
    }

    private static Response invoke(Handler handler, Request request) {
        try {
            return requireNonNull(handler.handle(request), "handler returned null");
        } catch (Exception e) {
            log.error("HTTP handler for {} {} failed", request.method(), echo(request.path()), e);
            return Response.error(500, "Internal server error");
        }
    }

    private static Response tooLarge() {
        // The rest of the body stays unread, so the connection cannot be reused.
        return Response.error(413, "Request body is larger than " + MAX_REQUEST_BODY_BYTES + " bytes")
                .withHeader("Connection", "close");
    }

    /**
     * Reads a request body chunk by chunk as it arrives, registering for more instead of blocking,
     * then passes it on; stops at {@value #MAX_REQUEST_BODY_BYTES} bytes with 413, and answers a
     * body the client stopped sending with 408.
     */
    private static final class BodyReader implements Runnable {
        private final org.eclipse.jetty.server.Request request;
        private final java.util.function.Consumer<byte[]> onBody;
        private final java.util.function.Consumer<Response> onRefused;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        BodyReader(org.eclipse.jetty.server.Request request, java.util.function.Consumer<byte[]> onBody,
                java.util.function.Consumer<Response> onRefused) {
            this.request = request;
            this.onBody = onBody;
            this.onRefused = onRefused;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    // Called back on a pool thread once more bytes are there; no thread waits meanwhile.
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    log.debug("HTTP request body could not be read: {}", chunk.getFailure().toString());
                    onRefused.accept(Response.error(408, "The request body did not arrive in time")
                            .withHeader("Connection", "close"));
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                if (body.size() + bytes.remaining() > MAX_REQUEST_BODY_BYTES) {
                    chunk.release();
                    onRefused.accept(tooLarge());
                    return;
                }
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                body.writeBytes(copy);
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    // The handler may take long (a worker change waits up to 90 s): a quiet connection is no failure then.
                    request.addIdleTimeoutListener(timeout -> false);
                    onBody.accept(body.toByteArray());
                    return;
                }
            }
        }
    }

    private static Map<String, List<String>> headers(org.eclipse.jetty.server.Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), n -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    /** Null when the request carries the credentials of a known user, else a 401 asking for them. */
    private static Response authenticate(BasicAuthCredentials credentials, Map<String, List<String>> headers) {
        List<String> values = headers.getOrDefault("authorization", List.of());
        if (values.size() == 1 && values.get(0).regionMatches(true, 0, "Basic ", 0, 6)) {
            String user = null;
            try {
                String decoded = new String(Base64.getDecoder().decode(values.get(0).substring(6).trim()), UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    user = decoded.substring(0, colon);
                    if (credentials.matches(user, decoded.substring(colon + 1))) {
                        return null;
                    }
                }
            } catch (IllegalArgumentException e) {
                // Not Base64: the same 401 as a wrong password.
            }
            log.debug("HTTP basic authentication failed for user '{}'", user == null ? "" : echo(user));
        }
        return Response.error(401, "Authentication required: send HTTP basic credentials of a user in "
                + BasicAuthCredentials.CONFIG_KEY).withHeader("WWW-Authenticate", "Basic realm=\"tributary\", charset=\"UTF-8\"");
    }

    /** {@code text}, cut to {@value #MAX_ECHOED_PATH_CHARS} characters with an ellipsis. */
    static String echo(String text) {
        return text.length() <= MAX_ECHOED_PATH_CHARS ? text : text.substring(0, MAX_ECHOED_PATH_CHARS) + "...";
    }

    private static String decodePath(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        return URLDecoder.decode(path.replace("+", "%2B"), UTF_8);
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

    private static void send(org.eclipse.jetty.server.Response response, Callback callback, Response answer) {
        byte[] body = answer.rawBody();
        response.setStatus(answer.status());
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        }
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Writes Jetty's own errors (a malformed request line, headers too large, ...) in the API's JSON shape. */
    private static final class JsonErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 500;
            // Jetty's reason may quote the request or name a class; the status' own words are enough.
            String message = status == 500 ? "Internal server error" : HttpStatus.getMessage(status);
            Response answer = Response.error(status, message);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.rawBody().length);
            response.write(true, ByteBuffer.wrap(answer.rawBody()), callback);
            return true;
        }
    }
}
