package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Where the worker's HTTP server listens, parsed from the {@code listeners} setting, such as
 * {@code http://127.0.0.1:8083} or {@code https://0.0.0.0:8443}. Port 0 means any free port,
 * which tests use.
 *
 * @param scheme {@code http} or {@code https}, in lower case
 * @param host the host name or IP address to bind, IPv6 without brackets
 * @param port the port, 0 to 65535
 */
public record ListenerAddress(String scheme, String host, int port) {
    /** The worker setting this value comes from, named in every error. */
    public static final String CONFIG_KEY = "listeners";
    private static final String EXPECTED = "http://HOST:PORT, for example http://0.0.0.0:8083";

    public ListenerAddress {
        requireNonNull(scheme, "scheme is null");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(CONFIG_KEY + ": expected " + EXPECTED + "; only http and https are"
                    + " supported, not " + scheme);
        }
        requireNonNull(host, "host is null");
        if (host.isBlank()) {
            throw new IllegalArgumentException(CONFIG_KEY + ": expected " + EXPECTED + "; the host is empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(CONFIG_KEY + ": expected " + EXPECTED + "; port " + port
                    + " is outside 0 to 65535");
        }
    }

    /** A plain {@code http} listener. */
    public ListenerAddress(String host, int port) {
        this("http", host, port);
    }

    /**
     * Whether the listener binds a loopback address ({@code localhost}, 127.0.0.0/8, {@code ::1}),
     * so that only this machine can reach it. A name that does not resolve counts as not loopback.
     */
    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the listener serves TLS. */
    public boolean isHttps() {
        return scheme.equals("https");
    }

    /**
     * Parses one listener.
     *
     * @throws IllegalArgumentException naming the {@code listeners} key, the expected form, the
     *     value and what is wrong with it
     */
    public static ListenerAddress parse(String value) {
        requireNonNull(value, "value is null");
        String text = value.trim();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(value, "it is not a URL (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || uri.isOpaque()) {
            throw invalid(value, "the http:// prefix is missing");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid(value, "only http and https are supported, not " + uri.getScheme());
        }
        if (uri.getHost() == null) {
            throw invalid(value, "the host is missing or not a valid host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(value, "a listener takes no user name");
        }
        if (uri.getPort() < 0) {
            throw invalid(value, "the port is missing");
        }
        if (uri.getPort() > 65_535) {
            throw invalid(value, "port " + uri.getPort() + " is outside 0 to 65535");
        }
        if (!(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(value, "a listener takes no path, query or fragment");
        }
        String host = uri.getHost();
        // URI keeps the brackets of an IPv6 literal; binding wants the bare address.
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ListenerAddress(scheme, host, uri.getPort());
    }

    /** The listener as a URL for {@code port}, which may differ from {@link #port()} when that is 0. */
    public URI toUri(int actualPort) {
        String uriHost = host.contains(":") ? "[" + host + "]" : host;
        return URI.create(scheme + "://" + uriHost + ":" + actualPort);
    }

    private static IllegalArgumentException invalid(String value, String problem) {
        return new IllegalArgumentException(CONFIG_KEY + ": expected " + EXPECTED + ", got '" + value + "': " + problem);
    }
}
