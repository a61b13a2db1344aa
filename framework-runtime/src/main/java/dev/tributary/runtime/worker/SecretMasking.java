package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.Password;
import dev.tributary.runtime.config.ConnectorConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hides one connector's secrets: the values of the keys its schema declares
 * {@link ConfigField#sensitive() sensitive}. Masked values read {@value Password#HIDDEN}, the
 * mask the config schemas use in validation messages.
 *
 * <p>A config whose connector is not installed has no schema to tell its secrets apart, so every
 * value but the runtime's own keys is masked: showing too little is safe, showing a secret is not.
 * Immutable and thread-safe.
 */
public final class SecretMasking {
    private final Optional<ConfigSchema> schema;
    private final List<String> secrets;

    private SecretMasking(Optional<ConfigSchema> schema, List<String> secrets) {
        this.schema = schema;
        this.secrets = secrets;
    }

    /**
     * The masking of {@code config}, a connector config in clear text.
     *
     * @param schema the connector's own schema; empty when the connector is not installed
     */
    public static SecretMasking of(Optional<ConfigSchema> schema, Map<String, String> config) {
        requireNonNull(schema, "schema is null");
        requireNonNull(config, "config is null");
        List<String> secrets = new ArrayList<>();
        config.forEach((key, value) -> {
            if (value != null && !value.isEmpty() && isSecret(schema, key)) {
                secrets.add(value);
            }
        });
        // The longest first, so that a secret containing another is replaced whole.
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMasking(schema, List.copyOf(secrets));
    }

    /** Whether {@code key} holds a secret under {@code schema}. */
    public static boolean isSecret(Optional<ConfigSchema> schema, String key) {
        if (ConnectorConfig.RUNTIME_KEYS.contains(key)) {
            return false;
        }
        return schema.map(s -> s.field(key).map(ConfigField::sensitive).orElse(false)).orElse(true);
    }

    /** {@code config} with every secret's value replaced by {@value Password#HIDDEN}. */
    public Map<String, String> mask(Map<String, String> config) {
        Map<String, String> masked = new LinkedHashMap<>();
        config.forEach((key, value) -> masked.put(key, value != null && isSecret(schema, key) ? Password.HIDDEN : value));
        return masked;
    }

    /**
     * A config that the connector derived from its own (such as a task config), with every value
     * that is or contains one of the connector's secrets masked, whatever its key.
     */
    public Map<String, String> maskDerived(Map<String, String> derived) {
        Map<String, String> masked = new LinkedHashMap<>();
        derived.forEach((key, value) -> masked.put(key, value != null && (isSecret(schema, key) || containsSecret(value))
                ? Password.HIDDEN : value));
        return masked;
    }

    /** {@code text}, such as an error trace, with every occurrence of a secret replaced by the mask. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, Password.HIDDEN);
        }
        return result;
    }

    private boolean containsSecret(String value) {
        return secrets.stream().anyMatch(value::contains);
    }

    /**
     * Puts stored secrets back where a client sent the mask: a client that read a config (masked)
     * and sends it back, changed elsewhere, keeps the secret instead of storing the mask.
     *
     * @param submitted the config as sent, possibly holding {@value Password#HIDDEN} values
     * @param stored the config now stored, in clear text; empty for a new connector
     * @param schema the connector's schema for {@code submitted}
     * @throws ConnectorStateException when a secret key holds the mask but there is no stored
     *     value to keep, so that the mask is never stored as if it were the secret
     */
    public static Map<String, String> restoreHidden(Map<String, String> submitted, Map<String, String> stored,
            Optional<ConfigSchema> schema) {
        Map<String, String> result = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        submitted.forEach((key, value) -> {
            if (Password.HIDDEN.equals(value) && isSecret(schema, key)) {
                String previous = stored.get(key);
                if (previous == null) {
                    unknown.add(key);
                    return;
                }
                result.put(key, previous);
            } else {
                result.put(key, value);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConnectorStateException(String.join(", ", unknown) + ": '" + Password.HIDDEN + "' is how a"
                    + " secret is shown, not a value, and no secret is stored for it yet; send the secret itself");
        }
        return result;
    }
}
