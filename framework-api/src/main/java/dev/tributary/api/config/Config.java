package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A validated config: every declared field read as its type, with defaults filled in. Getters
 * return null for an optional field that is unset and has no default.
 */
@Stable
public final class Config {
    private final ConfigSchema schema;
    private final Map<String, Object> values;
    private final Map<String, String> originals;

    Config(ConfigSchema schema, Map<String, Object> values, Map<String, String> originals) {
        this.schema = schema;
        this.values = Collections.unmodifiableMap(values);
        this.originals = Collections.unmodifiableMap(originals);
    }

    /** Whether the user gave {@code name} a value (a default does not count). */
    public boolean isSet(String name) {
        String raw = originals.get(name);
        return raw != null && !raw.isBlank();
    }

    public String getString(String name) {
        return (String) get(name, ConfigType.STRING, ConfigType.ENUM);
    }

    public Integer getInt(String name) {
        return (Integer) get(name, ConfigType.INT);
    }

    public Long getLong(String name) {
        return (Long) get(name, ConfigType.LONG);
    }

    public Double getDouble(String name) {
        return (Double) get(name, ConfigType.DOUBLE);
    }

    public Boolean getBoolean(String name) {
        return (Boolean) get(name, ConfigType.BOOLEAN);
    }

    /** An ENUM field as the Java enum constant of the same name. */
    public <E extends Enum<E>> E getEnum(String name, Class<E> type) {
        String value = (String) get(name, ConfigType.ENUM);
        return value == null ? null : Enum.valueOf(type, value);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String name) {
        return (List<String>) get(name, ConfigType.LIST);
    }

    public Duration getDuration(String name) {
        return (Duration) get(name, ConfigType.DURATION);
    }

    public Instant getTimestamp(String name) {
        return (Instant) get(name, ConfigType.TIMESTAMP);
    }

    public Password getPassword(String name) {
        return (Password) get(name, ConfigType.PASSWORD);
    }

    /** The text of every key as given, secrets included: pass it on, never print it. */
    public Map<String, String> originals() {
        return originals;
    }

    public ConfigSchema schema() {
        return schema;
    }

    private Object get(String name, ConfigType... allowed) {
        ConfigField field = schema.field(name)
                .orElseThrow(() -> new IllegalArgumentException("no config field named " + name));
        for (ConfigType type : allowed) {
            if (field.type() == type) {
                return values.get(name);
            }
        }
        throw new IllegalArgumentException(name + " is a " + field.type().displayName() + " field");
    }

    /** The values with secrets masked, safe to log. */
    @Override
    public String toString() {
        return schema.fields().stream()
                .filter(f -> values.get(f.name()) != null)
                .map(f -> f.name() + "=" + (f.sensitive() ? Password.HIDDEN : Objects.toString(values.get(f.name()))))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
