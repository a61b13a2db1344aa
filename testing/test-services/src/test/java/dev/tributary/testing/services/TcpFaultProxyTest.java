package dev.tributary.testing.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpFaultProxyTest {
    private ServerSocket echo;
    private Thread echoThread;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the proxy dropped it
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", echo.getLocalPort());
             Socket socket = connect(proxy)) {
            assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
            assertThat(roundTrip(socket, "again")).isEqualTo("again");
            assertThat(proxy.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aCutDropsOpenConnectionsAndBlackHolesNewOnesUntilHealed() throws IOException {
        try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", echo.getLocalPort());
             Socket before = connect(proxy)) {
            assertThat(roundTrip(before, "up")).isEqualTo("up");

            proxy.cut(TcpFaultProxy.Outage.BLACK_HOLE);
            assertThatThrownBy(() -> {
                before.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
                if (before.getInputStream().read() < 0) {
                    throw new IOException("end of stream");
                }
            }).as("the open connection was dropped").isInstanceOf(IOException.class);

            try (Socket during = connect(proxy)) {
                during.setSoTimeout(500);
                during.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> during.getInputStream().read())
                        .as("a new connection gets no answer").isInstanceOf(SocketTimeoutException.class);
                proxy.heal();
                during.setSoTimeout(2000);
                assertThatThrownBy(() -> {
                    if (during.getInputStream().read() < 0) {
                        throw new IOException("end of stream");
                    }
                }).as("healing closes the black-holed connection").isInstanceOf(IOException.class);
            }

            try (Socket after = connect(proxy)) {
                assertThat(roundTrip(after, "back")).isEqualTo("back");
            }
            assertThat(proxy.dropped()).isEqualTo(1);
            assertThat(proxy.turnedAway()).isEqualTo(1);
        }
    }

    @Test
    void aRefusingCutClosesNewConnectionsAtOnce() throws IOException {
        try (TcpFaultProxy proxy = TcpFaultProxy.start("127.0.0.1", echo.getLocalPort())) {
            proxy.cut(TcpFaultProxy.Outage.REFUSE);
            try (Socket during = connect(proxy)) {
                during.setSoTimeout(2000);
                assertThatThrownBy(() -> {
                    if (during.getInputStream().read() < 0) {
                        throw new IOException("end of stream");
                    }
                }).isInstanceOf(IOException.class);
            }
            proxy.heal();
            try (Socket after = connect(proxy)) {
                assertThat(roundTrip(after, "ok")).isEqualTo("ok");
            }
        }
    }

    private static Socket connect(TcpFaultProxy proxy) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(2000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }
}
