package dev.tributary.runtime.http;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Password;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The key store that an {@code https://} listener presents its certificate from, as set by the
 * worker keys {@code rest.ssl.keystore.*}. {@link #toString()} never shows the passwords.
 *
 * @param location the key store file
 * @param type the key store type, such as {@code PKCS12} or {@code JKS}
 * @param password the key store's password
 * @param keyPassword the private key's password; often the same as the store's
 */
public record TlsKeystore(Path location, String type, Password password, Password keyPassword) {
    /** The worker setting that names the key store file, named in every error. */
    public static final String LOCATION_KEY = "rest.ssl.keystore.location";

    public TlsKeystore {
        requireNonNull(location, "location is null");
        requireNonNull(type, "type is null");
        requireNonNull(password, "password is null");
        requireNonNull(keyPassword, "keyPassword is null");
    }

    /**
     * Loads the key store into a TLS context for a server.
     *
     * @throws IllegalArgumentException naming {@value #LOCATION_KEY} and the file when the store
     *     cannot be read, has the wrong type or password, or holds no usable key
     */
    public SSLContext sslContext() {
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("rest.ssl.keystore.type: '" + type + "' is not a key store type this"
                    + " Java supports; use PKCS12 or JKS", e);
        }
        try (InputStream in = Files.newInputStream(location)) {
            store.load(in, password.value().toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(LOCATION_KEY + ": cannot load the key store " + location + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); check the file, rest.ssl.keystore.type and rest.ssl.keystore.password", e);
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, keyPassword.value().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(LOCATION_KEY + ": the key store " + location + " holds no key this"
                    + " worker can use (" + e.getClass().getSimpleName() + "); check rest.ssl.key.password", e);
        }
    }
}
