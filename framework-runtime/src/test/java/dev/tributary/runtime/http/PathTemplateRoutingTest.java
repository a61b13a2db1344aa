package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PathTemplateRoutingTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final WorkerHttpServer server = new WorkerHttpServer("http://127.0.0.1:0");
    private final AtomicReference<Request> seen = new AtomicReference<>();

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("X-Test", "yes").build(),
                HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private Handler answer(String name) {
        return request -> {
            seen.set(request);
            return Response.text(200, "text/plain", name);
        };
    }

    @Test
    void templatesCaptureDecodedSegmentsAndLiteralsWin() throws Exception {
        server.route("GET", "/connectors/{name}/tasks/{task}/status", answer("task"));
        server.route("GET", "/connectors/{name}", answer("one"));
        server.route("GET", "/connectors/special", answer("special"));
        server.route("DELETE", "/connectors/{other}", answer("delete"));
        server.start();

        HttpResponse<String> task = send("GET", "/connectors/a%2Fb%20c+d/tasks/3/status");
        assertThat(task.body()).isEqualTo("task");
        assertThat(seen.get().pathParams()).containsExactly(
                java.util.Map.entry("name", "a/b c+d"), java.util.Map.entry("task", "3"));
        assertThat(seen.get().header("x-TEST")).hasValue("yes");

        assertThat(send("GET", "/connectors/special").body()).isEqualTo("special");
        assertThat(send("GET", "/connectors/plain").body()).isEqualTo("one");
        assertThat(seen.get().pathParam("name")).isEqualTo("plain");
        assertThat(send("GET", "/connectors/plain/").body()).as("one trailing slash is forgiven").isEqualTo("one");
        assertThat(send("DELETE", "/connectors/plain").body()).as("same shape, another method").isEqualTo("delete");
        assertThatThrownBy(() -> seen.get().pathParam("missing")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptySegmentsAndExtraSegmentsFindNoRoute() throws Exception {
        server.route("GET", "/connectors/{name}/status", answer("status"));
        server.start();

        assertThat(send("GET", "/connectors//status").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/connectors/a/b/status").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/connectors/a/status/x").statusCode()).isEqualTo(404);
    }

    @Test
    void aTemplateWithAnotherMethodGets405() throws Exception {
        server.route("GET", "/connectors/{name}", answer("get"));
        server.route("DELETE", "/connectors/{name}", answer("delete"));
        server.start();

        HttpResponse<String> response = send("PUT", "/connectors/x");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("DELETE, GET");
    }

    @Test
    void theSameShapeTwiceForOneMethodIsRefused() {
        server.route("GET", "/a/{x}", answer("a"));

        assertThatThrownBy(() -> server.route("GET", "/a/{y}", answer("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /a/{y}");
    }

    @Test
    void responseHeadersAreSent() throws Exception {
        server.route("POST", "/made", request -> Response.empty(201).withHeader("Location", "/made/1"));
        server.start();

        HttpResponse<String> response = send("POST", "/made");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location")).hasValue("/made/1");
        assertThat(response.body()).isEmpty();
    }
}
