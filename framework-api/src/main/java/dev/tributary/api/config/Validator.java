package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.Optional;

/**
 * Checks one field's value after it has been read as its {@link ConfigType}. See
 * {@link Validators} for the common ones.
 */
@Stable
public interface Validator {
    /**
     * Returns a problem in words a user understands (such as {@code "must be at least 1"}), or
     * empty when the value is fine. Never called with null.
     */
    Optional<String> check(Object value);

    /** What the validator accepts, for the generated docs, such as {@code "at least 1"}. */
    String describe();
}
