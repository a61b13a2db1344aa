package dev.tributary.runtime.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/** A plain {@link HttpClient} for the REST ITs: one request, one {@link Reply}. */
final class RestCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_BYTES = "HTTP/1.1 header parser received no bytes";

    private final URI base;
    private final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    RestCalls(URI base) {
        this.base = base;
    }

    /** How many requests this client has sent, answered or not. */
    int sent() {
        return sent.get();
    }

    /** The worker's URI for {@code path}. */
    URI uri(String path) {
        return base.resolve(path);
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    /** Sends {@code body} (when not null) as {@code application/json}, as the Kafka Connect docs' examples do. */
    Reply send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    Reply send(HttpRequest request) {
        sent.incrementAndGet();
        try {
            HttpResponse<String> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
            } catch (IOException e) {
                if (!NO_BYTES.equals(e.getMessage())) {
                    throw e;
                }
                // A kept-alive connection that the server closed just as this request went out: the JDK
                // client retries that only for GET. Once more, on a new connection; a server that really
                // closes without answering fails again.
                sent.incrementAndGet();
                response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
            }
            return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes raw bytes on a new connection and reads one response up to its Content-Length, for
     * requests that {@link HttpClient} refuses to send.
     */
    Reply raw(byte[] request) {
        sent.incrementAndGet();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before a large body is written; its answer is still to be read.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.write(next);
            }
            String headText = head.toString(UTF_8);
            if (headText.isEmpty()) {
                return new Reply(-1, "", null);
            }
            int status = Integer.parseInt(headText.substring(9, 12));
            int length = headText.lines()
                    .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).trim()))
                    .findFirst().orElse(0);
            return new Reply(status, new String(in.readNBytes(length), UTF_8), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One response.
     *
     * @param status the HTTP status
     * @param body the body as text
     * @param location the Location header, or null
     */
    record Reply(int status, String body, String location) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
