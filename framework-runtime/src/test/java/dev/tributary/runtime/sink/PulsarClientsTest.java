package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.apache.pulsar.client.impl.auth.AuthenticationToken;
import org.apache.pulsar.client.impl.conf.ClientConfigurationData;
import org.junit.jupiter.api.Test;

class PulsarClientsTest {
    @Test
    void theTickDelaysTheClientsShortestWaitByAtMostHalf() {
        // The shortest wait pulsar-client puts on its timer is a reconnection or lookup back-off; the worker
        // leaves its initial value at the client's default. A pulsar-client that shortened it would fail here.
        long backOffMillis = TimeUnit.NANOSECONDS.toMillis(new ClientConfigurationData().getInitialBackoffIntervalNanos());
        assertThat(PulsarClients.TICK_MILLIS * 2).isLessThanOrEqualTo(backOffMillis);
    }

    @Test
    void aClientIsBuiltFromTheBuildersSettingsOnTheSharedTimer() throws Exception {
        try (PulsarClient client = PulsarClients.build(PulsarClient.builder()
                .serviceUrl("pulsar://127.0.0.1:1")
                .operationTimeout(7, TimeUnit.SECONDS)
                .authentication(AuthenticationToken.class.getName(), "token:abc"))) {
            PulsarClientImpl impl = (PulsarClientImpl) client;
            assertThat(impl.timer()).isSameAs(PulsarClients.timer());
            assertThat(impl.getConfiguration().getServiceUrl()).isEqualTo("pulsar://127.0.0.1:1");
            assertThat(impl.getConfiguration().getOperationTimeoutMs()).isEqualTo(7_000);
            assertThat(impl.getConfiguration().getAuthentication()).isInstanceOf(AuthenticationToken.class);
        }
    }

    @Test
    void closingAClientLeavesTheSharedTimerToTheOthers() throws Exception {
        PulsarClient first = PulsarClients.build(PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1"));
        try (PulsarClient second = PulsarClients.build(PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1"))) {
            first.close();
            CountDownLatch fired = new CountDownLatch(1);
            ((PulsarClientImpl) second).timer().newTimeout(timeout -> fired.countDown(), 1, TimeUnit.MILLISECONDS);
            assertThat(fired.await(5, TimeUnit.SECONDS)).as("the shared timer still runs").isTrue();
            Thread timerThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(PulsarClients.TIMER_THREAD)).findFirst().orElseThrow();
            assertThat(timerThread.isDaemon()).isTrue();
            assertThat(timerThread.getContextClassLoader()).isSameAs(PulsarClients.class.getClassLoader());
        }
    }

    @Test
    void aBuilderWithoutAServiceUrlIsRefusedAsBuildRefusesIt() {
        assertThatThrownBy(() -> PulsarClients.build(PulsarClient.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service URL");
    }
}
