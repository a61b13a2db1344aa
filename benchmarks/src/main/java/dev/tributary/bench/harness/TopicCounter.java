package dev.tributary.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How many messages a topic has taken in, from the broker's own topic stats: the same count for
 * every subject, and it counts only what the broker persisted and acknowledged.
 */
final class TopicCounter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI stats;

    /** @param topic a full name, persistent://tenant/namespace/topic */
    TopicCounter(String adminUrl, String topic) {
        String path = topic.replace("persistent://", "persistent/");
        this.stats = URI.create(adminUrl + "/admin/v2/" + path + "/stats");
    }

    /** Messages received by the broker so far; 0 while the topic does not exist yet. */
    long messagesIn() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return 0;
        }
        if (response.statusCode() != 200) {
            throw new IOException("topic stats " + stats + " answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode node = JSON.readTree(response.body());
        return node.path("msgInCounter").asLong();
    }
}
