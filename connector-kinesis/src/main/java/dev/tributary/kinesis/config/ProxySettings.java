package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Password;
import java.util.Optional;

/**
 * The HTTP proxy for calls to Kinesis.
 *
 * @param host the proxy's host name or address
 * @param port the proxy's port
 * @param username the user for proxy authentication, or empty
 * @param password that user's password, present exactly when {@code username} is
 */
public record ProxySettings(String host, int port, Optional<String> username, Optional<Password> password) {
    public ProxySettings {
        requireNonNull(host, "host is null");
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("username and password are given together or not at all");
        }
    }
}
