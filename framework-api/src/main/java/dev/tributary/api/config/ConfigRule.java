package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;

/**
 * A check across fields, such as "startAtTime is required when initialPositionInStream is
 * AT_TIMESTAMP". Runs after every field has been read; a field whose own value was invalid
 * reads as unset here.
 */
@Stable
@FunctionalInterface
public interface ConfigRule {
    /** Reports problems with {@link Problems#add}, naming the field that the user should change. */
    void check(Config config, Problems problems);

    /** Collects the problems that a rule finds. */
    interface Problems {
        /** Reports {@code problem} (such as {@code "is required when ..."}) against {@code field}. */
        void add(String field, String problem);
    }
}
