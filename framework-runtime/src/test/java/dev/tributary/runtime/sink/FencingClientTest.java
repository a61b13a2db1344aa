package dev.tributary.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.Test;

class FencingClientTest {
    @Test
    void buildsNoClientUntilAskedAndThenOnlyOne() {
        AtomicInteger built = new AtomicInteger();
        PulsarClient client = mock(PulsarClient.class);
        FencingClient fencing = new FencingClient(() -> {
            built.incrementAndGet();
            return client;
        });
        assertThat(built).hasValue(0);

        assertThat(fencing.get()).isSameAs(client);
        assertThat(fencing.get()).isSameAs(client);
        assertThat(built).hasValue(1);
    }

    @Test
    void closesTheClientItBuiltOnceAndRefusesToBuildAnotherAfterwards() throws Exception {
        PulsarClient client = mock(PulsarClient.class);
        FencingClient fencing = new FencingClient(() -> client);
        fencing.get();

        fencing.close();
        fencing.close();

        verify(client, times(1)).close();
        assertThatThrownBy(fencing::get).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("worker is stopping");
    }

    @Test
    void closingBeforeAnyUseBuildsNothing() {
        AtomicInteger built = new AtomicInteger();
        FencingClient fencing = new FencingClient(() -> {
            built.incrementAndGet();
            return mock(PulsarClient.class);
        });

        fencing.close();

        assertThat(built).hasValue(0);
    }

    @Test
    void aFailedBuildIsTriedAgainByTheNextCall() {
        PulsarClient client = mock(PulsarClient.class);
        AtomicInteger calls = new AtomicInteger();
        FencingClient fencing = new FencingClient(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("broker unreachable");
            }
            return client;
        });

        assertThatThrownBy(fencing::get).hasMessage("broker unreachable");
        assertThat(fencing.get()).isSameAs(client);
    }
}
