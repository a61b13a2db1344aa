package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerHttpServerTest {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<WorkerHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(WorkerHttpServer::stop);
    }

    private WorkerHttpServer server() {
        WorkerHttpServer server = new WorkerHttpServer("http://127.0.0.1:0");
        servers.add(server);
        return server;
    }

    private HttpResponse<String> send(WorkerHttpServer server, String method, String pathAndQuery, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server.baseUri().resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    @Test
    void portZeroBindsAFreePort() {
        WorkerHttpServer first = server();
        WorkerHttpServer second = server();
        first.start();
        second.start();

        assertThat(first.port()).isPositive().isNotEqualTo(second.port());
        assertThat(first.baseUri()).isEqualTo(URI.create("http://127.0.0.1:" + first.port()));
    }

    @Test
    void portAndBaseUriNeedAStartedServer() {
        WorkerHttpServer server = server();

        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::baseUri).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void passesMethodPathQueryAndBodyToTheHandlerOnAnHttpThread() throws Exception {
        WorkerHttpServer server = server();
        AtomicReference<Request> seen = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        server.route("post", "/echo", request -> {
            seen.set(request);
            thread.set(Thread.currentThread().getName());
            return Response.text(201, "text/plain; charset=utf-8", request.bodyText().toUpperCase());
        });
        server.start();

        HttpResponse<String> response = send(server, "POST", "/echo?name=a%20b&tag=x&tag=y&flag",
                "héllo".getBytes(UTF_8));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).isEqualTo("HÉLLO");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        Request request = seen.get();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/echo");
        assertThat(request.query()).containsOnlyKeys("name", "tag", "flag");
        assertThat(request.queryParam("name")).hasValue("a b");
        assertThat(request.query().get("tag")).containsExactly("x", "y");
        assertThat(request.queryParam("flag")).hasValue("");
        assertThat(thread.get()).startsWith("http-");
    }

    @Test
    void unknownPathGets404Json() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/metrics", request -> Response.text(200, "text/plain", "ok"));
        server.start();

        HttpResponse<String> response = send(server, "GET", "/nope", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"error_code\":404,\"message\":\"No endpoint at /nope\"}");
    }

    @Test
    void aLongUnknownPathIsCutInTheMessage() throws Exception {
        WorkerHttpServer server = server();
        server.start();

        HttpResponse<String> response = send(server, "GET", "/" + "x".repeat(5000), null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error_code\":404,\"message\":\"No endpoint at /"
                + "x".repeat(WorkerHttpServer.MAX_ECHOED_PATH_CHARS - 1) + "...\"}");
    }

    @Test
    void headersOverTheLimitGet431InTheErrorShape() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/q", request -> Response.text(200, "text/plain", "ok"));
        server.start();

        String response = exchange(server, ("GET /q HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "b".repeat(WorkerHttpServer.MAX_REQUEST_HEADER_BYTES) + "\r\n\r\n").getBytes(US_ASCII));

        assertThat(response).startsWith("HTTP/1.1 431 ")
                .endsWith("{\"error_code\":431,\"message\":\"Request Header Fields Too Large\"}");
    }

    @Test
    void aMalformedRequestLineGets400InTheErrorShapeWithoutInternals() throws Exception {
        WorkerHttpServer server = server();
        server.start();

        String response = exchange(server, "GET /q HTTP/9.x\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));

        assertThat(response).matches("(?s)HTTP/1.1 (400|505) .*").contains("\"error_code\":")
                .doesNotContain("Exception", "org.eclipse", "Jetty");
    }

    @Test
    void aForeignHostOrABrowserOriginIsRefusedBeforeAnyRoute() throws Exception {
        WorkerHttpServer server = server();
        server.route("POST", "/connectors/{name}/restart", request -> Response.empty(204));
        server.start();

        String rebinding = exchange(server, ("POST /connectors/x/restart HTTP/1.1\r\nHost: evil.example:"
                + server.port() + "\r\nContent-Length: 0\r\n\r\n").getBytes(US_ASCII));
        String crossSite = exchange(server, ("POST /connectors/x/restart HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://evil.example\r\nContent-Length: 0\r\n\r\n").getBytes(US_ASCII));
        String local = exchange(server, ("POST /connectors/x/restart HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nContent-Length: 0\r\n\r\n").getBytes(US_ASCII));

        assertThat(rebinding).startsWith("HTTP/1.1 403 ").contains("\"error_code\":403").contains("rest.allowed.hosts");
        assertThat(crossSite).startsWith("HTTP/1.1 403 ").contains("rest.allowed.origins");
        assertThat(local).startsWith("HTTP/1.1 204 ");
    }

    @Test
    void unfinishedBodiesHoldNoThread() throws Exception {
        WorkerHttpServer server = server();
        server.route("POST", "/upload", request -> Response.text(200, "text/plain", "stored"));
        server.route("GET", "/health", request -> Response.text(200, "text/plain", "ok"));
        server.start();
        List<Socket> stalled = new ArrayList<>();
        try {
            // More half-sent bodies than the pool has threads: a server that blocked on each would have none left.
            for (int i = 0; i < WorkerHttpServer.MAX_THREADS + 8; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                stalled.add(socket);
                socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"a")
                        .getBytes(US_ASCII));
                socket.getOutputStream().flush();
            }

            HttpResponse<String> health = send(server, "GET", "/health", null);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void knownPathWithAnotherMethodGets405WithAllow() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/connectors", request -> Response.text(200, "text/plain", "list"));
        server.route("POST", "/connectors", request -> Response.text(201, "text/plain", "made"));
        server.start();

        HttpResponse<String> response = send(server, "DELETE", "/connectors", null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(response.body()).isEqualTo(
                "{\"error_code\":405,\"message\":\"Method DELETE is not allowed on /connectors; use GET, POST\"}");
    }

    @Test
    void handlerExceptionGives500WithoutDetails() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/boom", request -> {
            throw new IllegalStateException("secret detail from deep inside");
        });
        server.start();

        HttpResponse<String> response = send(server, "GET", "/boom", null);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"error_code\":500,\"message\":\"Internal server error\"}");
        assertThat(response.body()).doesNotContain("secret", "Exception", "\tat ");
    }

    @Test
    void handlerReturningNullGives500() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/null", request -> null);
        server.start();

        assertThat(send(server, "GET", "/null", null).statusCode()).isEqualTo(500);
    }

    @Test
    void malformedQueryGets400() throws Exception {
        WorkerHttpServer server = server();
        server.route("GET", "/q", request -> Response.text(200, "text/plain", "ok"));
        server.start();

        // HttpClient refuses to send such a URI, so the request goes over a raw socket.
        String response = exchange(server, "GET /q?x=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));

        assertThat(response).startsWith("HTTP/1.1 400 ");
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws Exception {
        WorkerHttpServer server = server();
        server.route("PUT", "/size", request -> Response.text(200, "text/plain", "" + request.body().length));
        server.start();

        HttpResponse<String> response = send(server, "PUT", "/size", new byte[WorkerHttpServer.MAX_REQUEST_BODY_BYTES]);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("" + WorkerHttpServer.MAX_REQUEST_BODY_BYTES);
    }

    @Test
    void declaredBodyOverTheLimitGets413BeforeItIsSent() throws Exception {
        WorkerHttpServer server = server();
        server.route("POST", "/upload", request -> Response.text(200, "text/plain", "stored"));
        server.start();

        // A raw socket sends only the headers, so the answer cannot race with an unfinished upload.
        String head = "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + (WorkerHttpServer.MAX_REQUEST_BODY_BYTES + 1) + "\r\n\r\n";
        String response = exchange(server, head.getBytes(US_ASCII));

        assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("Connection: close");
        assertThat(response).endsWith("{\"error_code\":413,\"message\":\"Request body is larger than 1048576 bytes\"}");
    }

    @Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        WorkerHttpServer server = server();
        server.route("POST", "/upload", request -> Response.text(200, "text/plain", "stored"));
        server.start();

        int size = WorkerHttpServer.MAX_REQUEST_BODY_BYTES + 1;
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(size) + "\r\n").getBytes(US_ASCII));
        request.writeBytes(new byte[size]);
        request.writeBytes("\r\n0\r\n\r\n".getBytes(US_ASCII));
        String response = exchange(server, request.toByteArray());

        assertThat(response).startsWith("HTTP/1.1 413 ");
        assertThat(response).contains("\"error_code\":413");
    }

    @Test
    void busyPortNamesTheListenersSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            WorkerHttpServer server = new WorkerHttpServer("http://127.0.0.1:" + taken.getLocalPort());
            servers.add(server);

            assertThatThrownBy(server::start)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("listeners: cannot listen on http://127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void refusesDuplicateRoutesAndSecondStart() {
        WorkerHttpServer server = server();
        server.route("GET", "/a", request -> Response.text(200, "text/plain", "a"));

        assertThatThrownBy(() -> server.route("get", "/a", request -> Response.text(200, "text/plain", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /a");
        assertThatThrownBy(() -> server.route("GET", "a", request -> Response.text(200, "text/plain", "b")))
                .isInstanceOf(IllegalArgumentException.class);
        server.start();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopIsIdempotentAndFreesThePort() throws Exception {
        WorkerHttpServer server = server();
        server.start();
        int port = server.port();

        server.stop();
        server.stop();

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    /**
     * Writes raw bytes and reads one response, up to its Content-Length: the server keeps reading
     * an announced body it will not use until the client goes, so reading to the end would hang.
     */
    private static String exchange(WorkerHttpServer server, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.write(next);
            }
            String headText = head.toString(US_ASCII);
            int length = headText.lines()
                    .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).trim()))
                    .findFirst().orElse(0);
            return headText + new String(in.readNBytes(length), UTF_8);
        }
    }
}
