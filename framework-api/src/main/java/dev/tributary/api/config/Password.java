package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.Objects;

/**
 * A secret config value. Its {@link #toString()} never shows it, so that it cannot reach a log
 * line or an exception message by accident; call {@link #value()} where the secret is used.
 */
@Stable
public final class Password {
    /** What every masked value shows. */
    public static final String HIDDEN = "[hidden]";

    private final String value;

    public Password(String value) {
        this.value = Objects.requireNonNull(value, "value is null");
    }

    /** The secret itself. Pass it only to the client that needs it. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Password p && p.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return HIDDEN;
    }
}
