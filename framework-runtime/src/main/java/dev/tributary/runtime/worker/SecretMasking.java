package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.TreeSet;

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
    private static final ObjectMapper JSON = new ObjectMapper();
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
                // Each part of a structured secret (a JSON object of keys) is a secret on its own.
                jsonLeaves(value).forEach(leaf -> {
                    if (!leaf.isEmpty() && !secrets.contains(leaf)) {
                        secrets.add(leaf);
                    }
                });
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
     * that is or contains one of the connector's secrets masked, whatever its key. A secret counts
     * where it stands as a whole value, as {@link #redact} finds it.
     */
    public Map<String, String> maskDerived(Map<String, String> derived) {
        Map<String, String> masked = new LinkedHashMap<>();
        derived.forEach((key, value) -> masked.put(key, value != null && (isSecret(schema, key) || containsSecret(value))
                ? Password.HIDDEN : value));
        return masked;
    }

    /**
     * {@code text}, such as an error trace, with every secret replaced by the mask where it stands as
     * a whole value: not where it is part of a longer run of letters and digits, so that a secret
     * {@code x} leaves {@code ConnectException} alone but is masked in {@code user:x@host}. Each
     * string in a JSON secret (such as a key inside {@code awsCredentialPluginParam}) is a secret
     * of its own.
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = replaceWhole(result, secret);
        }
        return result;
    }

    private boolean containsSecret(String value) {
        return secrets.stream().anyMatch(secret -> !replaceWhole(value, secret).equals(value));
    }

    /** {@code text} with {@code secret} replaced where no letter or digit continues it on either side. */
    static String replaceWhole(String text, String secret) {
        StringBuilder out = null;
        int copied = 0;
        int from = 0;
        int at;
        while ((at = text.indexOf(secret, from)) >= 0) {
            int end = at + secret.length();
            if (standsAlone(text, at, end, secret)) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, at).append(Password.HIDDEN);
                copied = end;
                from = end;
            } else {
                from = at + 1;
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static boolean standsAlone(String text, int at, int end, String secret) {
        boolean joinedBefore = at > 0 && Character.isLetterOrDigit(text.charAt(at - 1))
                && Character.isLetterOrDigit(secret.charAt(0));
        boolean joinedAfter = end < text.length() && Character.isLetterOrDigit(text.charAt(end))
                && Character.isLetterOrDigit(secret.charAt(secret.length() - 1));
        return !joinedBefore && !joinedAfter;
    }

    /** The strings inside {@code value} when it is a JSON object or array; empty otherwise. */
    private static List<String> jsonLeaves(String value) {
        String trimmed = value.trim();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return List.of();
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(trimmed);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        List<String> leaves = new ArrayList<>();
        collect(tree, leaves);
        return leaves;
    }

    private static void collect(JsonNode node, List<String> leaves) {
        if (node.isTextual()) {
            leaves.add(node.textValue());
        } else if (node.isContainerNode()) {
            node.elements().forEachRemaining(child -> collect(child, leaves));
        }
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

    /**
     * Refuses a change that would send stored secrets to a destination that the caller changed
     * without knowing them: when a key whose {@link ConfigField#reach() reach} is not
     * {@link ConfigField.Reach#NONE NONE} changes (an endpoint, a proxy, a file, a role, a region,
     * {@code connector.class}), every secret that was stored and stays in the config must be in
     * {@code sent} in clear. A change that touches no such key needs no secret.
     *
     * @param sent what the caller sent: the whole config for a replace, the changed keys for a patch
     * @param stored the config now stored, in clear text; empty for a new connector
     * @param result the config that would be stored, in clear text
     * @param schema the connector's schema for {@code result}
     * @throws ConnectorStateException naming the changed keys and the secrets to send again
     */
    public static void requireSecretsResent(Map<String, String> sent, Map<String, String> stored,
            Map<String, String> result, Optional<ConfigSchema> schema) {
        requireNonNull(sent, "sent is null");
        requireNonNull(stored, "stored is null");
        requireNonNull(result, "result is null");
        requireNonNull(schema, "schema is null");
        if (stored.isEmpty()) {
            return;
        }
        Set<String> keys = new TreeSet<>(stored.keySet());
        keys.addAll(result.keySet());
        List<String> changed = keys.stream()
                .filter(key -> reachOf(schema, key) != ConfigField.Reach.NONE)
                .filter(key -> !valueOf(stored, key).equals(valueOf(result, key)))
                .toList();
        if (changed.isEmpty()) {
            return;
        }
        List<String> missing = keys.stream()
                .filter(key -> isSecret(schema, key))
                .filter(key -> !valueOf(stored, key).isEmpty() && !valueOf(result, key).isEmpty())
                .filter(key -> {
                    String value = sent.get(key);
                    return value == null || value.isBlank() || Password.HIDDEN.equals(value.trim());
                })
                .toList();
        if (!missing.isEmpty()) {
            throw new ConnectorStateException(String.join(", ", changed) + ": changing where the connector connects"
                    + " or as whom it signs in needs its stored secrets sent again in clear in the same request, so"
                    + " that they never follow a destination that someone changed without knowing them; send "
                    + String.join(", ", missing) + " with their values (not '" + Password.HIDDEN + "')");
        }
    }

    private static ConfigField.Reach reachOf(Optional<ConfigSchema> schema, String key) {
        Optional<ConfigField> field = ConnectorConfig.RUNTIME_KEYS.contains(key)
                ? ConnectorConfig.RUNTIME_SCHEMA.field(key)
                : schema.flatMap(s -> s.field(key));
        return field.map(ConfigField::reach).orElse(ConfigField.Reach.NONE);
    }

    private static String valueOf(Map<String, String> config, String key) {
        String value = config.get(key);
        return value == null ? "" : value.trim();
    }
}
