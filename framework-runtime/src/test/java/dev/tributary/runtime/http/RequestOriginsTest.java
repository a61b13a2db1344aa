package dev.tributary.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestOriginsTest {
    private static Map<String, List<String>> headers(String... namesAndValues) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.computeIfAbsent(namesAndValues[i], n -> new java.util.ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return headers;
    }

    @Test
    void aLoopbackListenerAnswersToLoopbackNamesOnlyByDefault() {
        RequestOrigins defaults = RequestOrigins.DEFAULT;

        for (String host : List.of("localhost", "LOCALHOST:8083", "127.0.0.1", "127.0.0.1:8083", "127.1.2.3:1",
                "[::1]:8083", "[::1]", "localhost.")) {
            assertThat(defaults.check(true, headers("host", host))).as(host).isNull();
        }
        for (String host : List.of("evil.example", "evil.example:8083", "127.0.0.1.evil.example", "localhost.evil",
                "128.0.0.1", "127.0.0.256", "0.0.0.0", "[::2]:80", "", "10.0.0.1:8083")) {
            Response refused = defaults.check(true, headers("host", host));
            assertThat(refused).as(host).isNotNull();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.bodyText()).contains("rest.allowed.hosts").contains("does not answer to the Host");
        }
        assertThat(defaults.check(true, headers())).as("HTTP/1.0 without Host").isNull();
        assertThat(defaults.check(true, headers("host", "localhost", "host", "evil.example"))).isNotNull();
    }

    @Test
    void listedHostsAreAnsweredTooAndBindAnOpenListener() {
        RequestOrigins listed = RequestOrigins.of(List.of(" Worker.Example.com ", "10.0.0.5", "[fd00::1]", ""), List.of());

        assertThat(listed.check(true, headers("host", "worker.example.com:8083"))).isNull();
        assertThat(listed.check(true, headers("host", "[fd00::1]:8083"))).isNull();
        assertThat(listed.check(false, headers("host", "10.0.0.5:8083"))).isNull();
        assertThat(listed.check(false, headers("host", "localhost:8083")))
                .as("an open listener with a list answers to the list alone").isNotNull();
        assertThat(RequestOrigins.DEFAULT.check(false, headers("host", "anything.example:8083")))
                .as("an open listener without a list answers to any name").isNull();
    }

    @Test
    void browserOriginsAreRefusedUnlessListed() {
        RequestOrigins defaults = RequestOrigins.DEFAULT;

        Response refused = defaults.check(true, headers("host", "localhost", "origin", "https://evil.example"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.bodyText()).contains("rest.allowed.origins").contains("https://evil.example");
        assertThat(defaults.check(true, headers("host", "localhost", "origin", "null"))).isNotNull();
        assertThat(defaults.check(true, headers("host", "localhost", "sec-fetch-site", "cross-site")))
                .as("a cross-site fetch without Origin").isNotNull();
        assertThat(defaults.check(true, headers("host", "localhost", "sec-fetch-site", "none"))).isNull();

        RequestOrigins console = RequestOrigins.of(List.of(), List.of("https://Console.example.com/"));
        assertThat(console.check(true, headers("host", "localhost", "origin", "https://console.example.com"))).isNull();
        assertThat(console.check(true, headers("host", "localhost", "origin", "https://console.example.com",
                "sec-fetch-site", "cross-site"))).isNull();
        assertThat(console.check(true, headers("host", "localhost", "origin", "http://console.example.com"))).isNotNull();
    }
}
