package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a {@link WorkerHttpServer} protects its listener. Both parts are optional and off by
 * default.
 *
 * @param tls the TLS context of an {@code https://} listener; empty for plain {@code http://}
 * @param basicAuth who may call the API with HTTP basic authentication; empty to let anyone in
 */
public record ListenerSecurity(Optional<SSLContext> tls, Optional<BasicAuthCredentials> basicAuth) {
    /** Plain HTTP without authentication, the default. */
    public static final ListenerSecurity NONE = new ListenerSecurity(Optional.empty(), Optional.empty());

    public ListenerSecurity {
        requireNonNull(tls, "tls is null");
        requireNonNull(basicAuth, "basicAuth is null");
    }
}
