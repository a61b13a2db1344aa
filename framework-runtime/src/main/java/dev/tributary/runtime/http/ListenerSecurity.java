package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a {@link WorkerHttpServer} protects its listener. TLS and authentication are optional; the
 * Host and Origin checks are always on.
 *
 * @param tls the TLS context of an {@code https://} listener; empty for plain {@code http://}
 * @param basicAuth who may call the API with HTTP basic authentication; empty to let anyone in
 * @param origins which Host names and browser origins are answered
 */
public record ListenerSecurity(Optional<SSLContext> tls, Optional<BasicAuthCredentials> basicAuth,
        RequestOrigins origins) {
    /** Plain HTTP without authentication, loopback Host names, no browser origin: the default. */
    public static final ListenerSecurity NONE = new ListenerSecurity(Optional.empty(), Optional.empty());

    public ListenerSecurity {
        requireNonNull(tls, "tls is null");
        requireNonNull(basicAuth, "basicAuth is null");
        requireNonNull(origins, "origins is null");
    }

    /** With the default Host and Origin checks. */
    public ListenerSecurity(Optional<SSLContext> tls, Optional<BasicAuthCredentials> basicAuth) {
        this(tls, basicAuth, RequestOrigins.DEFAULT);
    }
}
