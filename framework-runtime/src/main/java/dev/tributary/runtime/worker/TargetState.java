package dev.tributary.runtime.worker;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator asked a connector to do, as opposed to what it is doing ({@link State}). It is
 * kept with the connector's config, so a worker restart brings each connector back to it.
 */
public enum TargetState {
    /** Run the connector and its tasks; shown as {@code RUNNING} over REST. */
    STARTED,
    /** Keep the connector and its tasks, but poll nothing. */
    PAUSED,
    /** Run nothing, keeping only the config and the offsets, which may then be changed. */
    STOPPED;

    /**
     * Reads a REST {@code initial_state}: {@code RUNNING}, {@code PAUSED} or {@code STOPPED}, in
     * any case; empty for anything else.
     */
    public static Optional<TargetState> fromInitialState(String text) {
        return switch (text == null ? "" : text.toUpperCase(Locale.ROOT)) {
            case "RUNNING" -> Optional.of(STARTED);
            case "PAUSED" -> Optional.of(PAUSED);
            case "STOPPED" -> Optional.of(STOPPED);
            default -> Optional.empty();
        };
    }
}
