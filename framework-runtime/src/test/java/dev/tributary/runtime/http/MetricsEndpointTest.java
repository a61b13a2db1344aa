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
        MetricsEndpoint.register(server, registryWithOneTask());
        server.start();

        HttpResponse<String> response = get(null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE tributary_task_poll_calls_total counter\n")
                .contains("tributary_task_poll_calls_total{connector=\"orders\",task=\"0\"} 1.0\n")
                .contains("tributary_task_poll_records_total{connector=\"orders\",task=\"0\"} 4.0\n");
    }

    @Test
    void servesOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        MetricsEndpoint.register(server, registryWithOneTask());
        server.start();

        HttpResponse<String> response = get("application/openmetrics-text; version=1.0.0; charset=utf-8,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE tributary_task_poll_calls counter\n")
                .contains("tributary_task_poll_calls_total{connector=\"orders\",task=\"0\"} 1.0\n")
                .endsWith("# EOF\n");
    }

    @Test
    void servesTextWhenTheScraperAsksForProtobuf() throws Exception {
        MetricsEndpoint.register(server, registryWithOneTask());
        server.start();

        HttpResponse<String> response = get("application/vnd.google.protobuf;"
                + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("tributary_task_poll_calls_total{connector=\"orders\",task=\"0\"} 1.0\n");
    }

    private static MetricsRegistry registryWithOneTask() {
        AtomicLong time = new AtomicLong();
        MetricsRegistry registry = new MetricsRegistry(time::get);
        registry.task("orders", 0).recordPoll(4);
        return registry;
    }

    private HttpResponse<String> get(String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve("/metrics"))
                .timeout(Duration.ofSeconds(30));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
