package dev.tributary.runtime.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The users who may call the worker's HTTP API with HTTP basic authentication, read from a
 * properties file of {@code user=password} lines, the format of Kafka Connect's
 * {@code PropertyFileLoginModule}.
 *
 * <p>Only SHA-256 digests of the passwords stay in memory, and they are compared in constant
 * time. Thread-safe and immutable.
 */
public final class BasicAuthCredentials {
    /** The worker setting that names the file, named in every error. */
    public static final String CONFIG_KEY = "rest.auth.basic.file";

    private final Map<String, byte[]> digests;

    private BasicAuthCredentials(Map<String, byte[]> digests) {
        this.digests = Map.copyOf(digests);
    }

    /**
     * Reads the credentials file.
     *
     * @throws IllegalArgumentException naming {@value #CONFIG_KEY} when the file cannot be read or
     *     lists no user; the message never shows a password
     */
    public static BasicAuthCredentials load(Path file) {
        requireNonNull(file, "file is null");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(CONFIG_KEY + ": cannot read the credentials file " + file + " ("
                    + e.getClass().getSimpleName() + "); it must be a readable file of user=password lines", e);
        }
        Map<String, byte[]> digests = new HashMap<>();
        for (String user : properties.stringPropertyNames()) {
            String password = properties.getProperty(user);
            if (user.isBlank() || password.isEmpty()) {
                throw new IllegalArgumentException(CONFIG_KEY + ": the credentials file " + file
                        + " has a line with an empty user or password; write user=password");
            }
            digests.put(user, digest(password));
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException(CONFIG_KEY + ": the credentials file " + file
                    + " lists no user; add user=password lines, or unset " + CONFIG_KEY + " to turn authentication off");
        }
        return new BasicAuthCredentials(digests);
    }

    /** Credentials for tests and embedding: user names to passwords. */
    public static BasicAuthCredentials of(Map<String, String> passwords) {
        Map<String, byte[]> digests = new HashMap<>();
        passwords.forEach((user, password) -> digests.put(user, digest(password)));
        return new BasicAuthCredentials(digests);
    }

    /** Whether {@code user} exists and {@code password} is hers. */
    public boolean matches(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        byte[] expected = digests.get(user);
        byte[] given = digest(password);
        // Compared even for an unknown user, so the timing does not tell which users exist.
        boolean same = MessageDigest.isEqual(expected == null ? new byte[given.length] : expected, given);
        return expected != null && same;
    }

    /** How many users may log in. */
    public int users() {
        return digests.size();
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BasicAuthCredentials[" + digests.size() + " user(s)]";
    }
}
