package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;

/**
 * The type of a config field, which decides how its text is read. Every value arrives as text
 * (from a properties file, JSON, YAML or REST), so numbers written as strings are fine.
 */
@Stable
public enum ConfigType {
    /** Any text. */
    STRING("string"),
    /** A 32-bit whole number, such as {@code 1000}. */
    INT("int"),
    /** A 64-bit whole number, such as {@code 60000}. */
    LONG("long"),
    /** A decimal number, such as {@code 0.5}. */
    DOUBLE("double"),
    /** {@code true} or {@code false}, in any case. */
    BOOLEAN("boolean"),
    /** One of a fixed set of words, matched without regard to case. */
    ENUM("enum"),
    /** Comma-separated values, such as {@code a,b,c}; blanks around commas are dropped. */
    LIST("list"),
    /**
     * A length of time: a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
     * {@code 1d}), an ISO-8601 duration ({@code PT30S}), or a bare number of milliseconds.
     */
    DURATION("duration"),
    /** An instant: ISO-8601 ({@code 2019-03-05T19:28:58.000Z}, or with an offset) or epoch milliseconds. */
    TIMESTAMP("timestamp"),
    /** Text that is a secret: it is masked in every message, log line, REST response and doc. */
    PASSWORD("password");

    private final String displayName;

    ConfigType(String displayName) {
        this.displayName = displayName;
    }

    /** The lower-case name used in docs and REST responses. */
    public String displayName() {
        return displayName;
    }
}
