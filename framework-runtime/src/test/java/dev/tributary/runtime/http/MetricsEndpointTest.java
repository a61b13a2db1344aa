package dev.tributary.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.metrics.MetricsRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final WorkerHttpServer server = new WorkerHttpServer("http://127.0.0.1:0");

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void servesTheScrapeAsPrometheusText() throws Exception {
        AtomicLong time = new AtomicLong();
        MetricsRegistry registry = new MetricsRegistry(time::get);
        registry.task("orders", 0).recordPoll(4);
        MetricsEndpoint.register(server, registry);
        server.start();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(server.baseUri().resolve("/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE tributary_task_poll_calls_total counter\n")
                .contains("tributary_task_poll_calls_total{connector=\"orders\",task=\"0\"} 1\n")
                .contains("tributary_task_poll_records_total{connector=\"orders\",task=\"0\"} 4\n");
    }
}
