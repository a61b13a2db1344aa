package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * A connector's {@code exactly.once.support}, named as in Kafka Connect (KIP-618): whether the
 * connector may run on a worker that does not deliver exactly once.
 */
public enum ExactlyOnceSupport {
    /** The default: exactly once where the worker offers it, at least once elsewhere. */
    REQUESTED("requested"),
    /** Exactly once or not at all: refused on a worker without it. */
    REQUIRED("required");

    private final String word;

    ExactlyOnceSupport(String word) {
        this.word = word;
    }

    /** The word of the config key, such as {@code required}. */
    public String word() {
        return word;
    }

    /** Every word, in declaration order, for the config schema. */
    public static List<String> words() {
        return Arrays.stream(values()).map(ExactlyOnceSupport::word).toList();
    }

    /** The value whose word is {@code word}, ignoring case. */
    public static ExactlyOnceSupport of(String word) {
        requireNonNull(word, "word is null");
        return Arrays.stream(values()).filter(v -> v.word.equalsIgnoreCase(word.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + word + "' is not one of "
                        + String.join(", ", words())));
    }
}
