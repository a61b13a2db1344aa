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
 * every subject, and it counts only what the broker persisted and acknowledged. The messages of
 * a transaction count as they are stored, before the transaction commits, and stay counted if it
 * aborts: to count what readers can see under exactly-once, use {@link CommittedCounter}.
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

    /** The transactions that wrote to a topic, by outcome, from its stats. */
    record Transactions(long committed, long aborted, long ongoing) {
    }

    /** Messages received by the broker so far; 0 while the topic does not exist yet. */
    long messagesIn() throws IOException, InterruptedException {
        return stats().path("msgInCounter").asLong();
    }

    /** The transactions on the topic so far; all 0 while the topic does not exist yet. */
    Transactions transactions() throws IOException, InterruptedException {
        JsonNode node = stats();
        return new Transactions(node.path("committedTxnCount").asLong(), node.path("abortedTxnCount").asLong(),
                node.path("ongoingTxnCount").asLong());
    }

    private JsonNode stats() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return JSON.createObjectNode();
        }
        if (response.statusCode() != 200) {
            throw new IOException("topic stats " + stats + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
