package dev.tributary.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenerAddressTest {
    @Test
    void parsesHostAndPort() {
        assertThat(ListenerAddress.parse("http://127.0.0.1:8083")).isEqualTo(new ListenerAddress("127.0.0.1", 8083));
        assertThat(ListenerAddress.parse(" HTTP://worker-1.example.com:80/ "))
                .isEqualTo(new ListenerAddress("worker-1.example.com", 80));
        assertThat(ListenerAddress.parse("http://0.0.0.0:0")).isEqualTo(new ListenerAddress("0.0.0.0", 0));
    }

    @Test
    void parsesHttpsListeners() {
        ListenerAddress address = ListenerAddress.parse("HTTPS://127.0.0.1:8443");

        assertThat(address).isEqualTo(new ListenerAddress("https", "127.0.0.1", 8443));
        assertThat(address.isHttps()).isTrue();
        assertThat(address.toUri(9443)).isEqualTo(URI.create("https://127.0.0.1:9443"));
        assertThat(ListenerAddress.parse("http://127.0.0.1:8083").isHttps()).isFalse();
    }

    @Test
    void parsesIpv6LiteralsAndRendersThemBack() {
        ListenerAddress address = ListenerAddress.parse("http://[::1]:8083");

        assertThat(address).isEqualTo(new ListenerAddress("::1", 8083));
        assertThat(address.toUri(9000)).isEqualTo(URI.create("http://[::1]:9000"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | the http:// prefix is missing",
        "127.0.0.1:8083              | not a URL",
        "localhost:8083              | the http:// prefix is missing",
        "ftp://127.0.0.1:8443        | only http and https are supported, not ftp",
        "http://127.0.0.1            | the port is missing",
        "http://:8083                | the host is missing",
        "http://bad_host:8083        | the host is missing",
        "http://127.0.0.1:70000      | port 70000 is outside 0 to 65535",
        "http://127.0.0.1:8083/api   | no path, query or fragment",
        "http://127.0.0.1:8083?x=1   | no path, query or fragment",
        "http://admin@127.0.0.1:8083 | no user name",
        "http://bad host:8083        | not a URL",
    })
    void badListenerNamesTheSettingAndTheExpectedForm(String value, String problem) {
        assertThatThrownBy(() -> ListenerAddress.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("listeners: expected http://HOST:PORT, for example http://0.0.0.0:8083, got '"
                        + value + "': ")
                .hasMessageContaining(problem);
    }

    @Test
    void serverConstructorRejectsABadListenerTheSameWay() {
        assertThatThrownBy(() -> new WorkerHttpServer("tcp://127.0.0.1:8083"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("listeners: expected http://HOST:PORT");
    }

    @Test
    void rejectsAnOutOfRangePortGivenDirectly() {
        assertThatThrownBy(() -> new ListenerAddress("127.0.0.1", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners").hasMessageContaining("outside 0 to 65535");
    }
}
