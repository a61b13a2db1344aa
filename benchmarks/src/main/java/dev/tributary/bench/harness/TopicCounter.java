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
    private final URI topic;
    private final URI stats;

    /** @param topic a full name, persistent://tenant/namespace/topic */
    TopicCounter(String adminUrl, String topic) {
        String path = topic.replace("persistent://", "persistent/");
        this.topic = URI.create(adminUrl + "/admin/v2/" + path);
        this.stats = URI.create(adminUrl + "/admin/v2/" + path + "/stats");
    }

    /**
     * Deletes the topic and its messages, once a run has read what it needs from them; {@code
     * force}, so the broker first closes any producer or reader still on it. Every run writes into
     * a fresh topic, tens of GB in a full run, and the broker keeps a topic with no subscription
     * until it is deleted: without this its bookie filled the disk (BENCHMARKS.md, notes). The
     * bookie reclaims the space at its next garbage collection of entry logs. A failure is logged
     * and left: a topic left behind costs disk, not figures.
     */
    void delete() throws InterruptedException {
        URI uri = URI.create(topic + "?force=true");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
                Scenarios.log("could not delete %s: %d %s", uri, response.statusCode(), response.body());
            }
        } catch (IOException e) {
            Scenarios.log("could not delete %s: %s", uri, e);
        }
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
