package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestServices.class)
class PulsarSmokeIT {
    @Test
    void producesAndConsumesOneHundredMessages(PulsarStandalone pulsar) throws Exception {
        String topic = "persistent://public/default/smoke-" + System.nanoTime();
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "message-" + i).toList();

        try (PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).build();
             Consumer<String> consumer = client.newConsumer(Schema.STRING)
                     .topic(topic)
                     .subscriptionName("smoke")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                     .subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            for (String value : sent) {
                producer.newMessage().key(value).value(value).send();
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                Message<String> message = consumer.receive(30, TimeUnit.SECONDS);
                assertThat(message).as("message %d of %d", i + 1, sent.size()).isNotNull();
                received.add(message.getValue());
                consumer.acknowledge(message);
            }
            assertThat(received).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void adminUrlAnswersRest(PulsarStandalone pulsar) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(pulsar.adminUrl() + "/admin/v2/clusters")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("standalone");
    }
}
