package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void returnsDistinctPortsThatCanBeBound() throws Exception {
        List<Integer> ports = FreePorts.allocate(5);

        assertThat(ports).hasSize(5).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isPositive());
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
