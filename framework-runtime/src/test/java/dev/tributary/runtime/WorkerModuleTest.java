package dev.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.runtime.sink.PulsarClients;
import dev.tributary.runtime.worker.WorkerConfig;
import java.util.Map;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.impl.PulsarClientImpl;
import org.junit.jupiter.api.Test;

/** The worker's Pulsar client takes its keep-alive and operation timeout from the worker config. */
class WorkerModuleTest {

    @Test
    void theClientKeepsPulsarsDefaultsWhenTheKeysAreUnset() throws Exception {
        try (PulsarClient client = WorkerModule.newPulsarClient(WorkerConfig.fromMap(Map.of()))) {
            var conf = ((PulsarClientImpl) client).getConfiguration();
            assertThat(conf.getKeepAliveIntervalSeconds()).isEqualTo(30);
            assertThat(conf.getOperationTimeoutMs()).isEqualTo(30_000);
            // Not a timer of its own that wakes every millisecond: the one PulsarClients gives every client.
            try (PulsarClient other = PulsarClients.build(PulsarClient.builder().serviceUrl("pulsar://127.0.0.1:1"))) {
                assertThat(((PulsarClientImpl) client).timer()).isSameAs(((PulsarClientImpl) other).timer());
            }
        }
    }

    @Test
    void theClientTakesTheKeepAliveAndOperationTimeoutOfTheConfig() throws Exception {
        WorkerConfig config = WorkerConfig.fromMap(Map.of(WorkerConfig.CLIENT_KEEP_ALIVE, "10s",
                WorkerConfig.CLIENT_OPERATION_TIMEOUT, "7500ms"));
        try (PulsarClient client = WorkerModule.newPulsarClient(config)) {
            var conf = ((PulsarClientImpl) client).getConfiguration();
            assertThat(conf.getKeepAliveIntervalSeconds()).isEqualTo(10);
            assertThat(conf.getOperationTimeoutMs()).isEqualTo(7_500);
        }
    }

    @Test
    void aKeepAliveUnderASecondIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> WorkerConfig.fromMap(Map.of(WorkerConfig.CLIENT_KEEP_ALIVE, "500ms")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(WorkerConfig.CLIENT_KEEP_ALIVE);
    }
}
