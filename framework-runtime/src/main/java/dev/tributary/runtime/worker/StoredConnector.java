package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connector as a {@link ConnectorConfigStore} keeps it. {@link #toString()} shows no config value,
 * since values may be secrets.
 *
 * @param config the whole config as submitted, including {@code name}; secrets in clear text;
 *     null values are left out
 * @param targetState what the operator last asked the connector to do
 */
public record StoredConnector(Map<String, String> config, TargetState targetState) {
    public StoredConnector {
        Map<String, String> copy = new LinkedHashMap<>();
        // A null value means the key is unset, as ConnectorConfig reads it; the file has no nulls.
        requireNonNull(config, "config is null").forEach((key, value) -> {
            if (key != null && value != null) {
                copy.put(key, value);
            }
        });
        config = Collections.unmodifiableMap(copy);
        requireNonNull(targetState, "targetState is null");
    }

    /** This connector in another target state. */
    public StoredConnector withTargetState(TargetState state) {
        return new StoredConnector(config, state);
    }

    @Override
    public String toString() {
        return "StoredConnector[keys=" + config.keySet() + ", targetState=" + targetState + "]";
    }
}
