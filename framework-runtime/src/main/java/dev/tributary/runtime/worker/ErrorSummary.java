package dev.tributary.runtime.worker;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Turns an exception chain into one readable line for a status, without a stack trace. */
final class ErrorSummary {
    private ErrorSummary() {
    }

    static String of(Throwable error) {
        List<String> parts = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            String message = t.getMessage();
            String part = t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.strip());
            if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(part)) {
                parts.add(part);
            }
        }
        return String.join("; caused by ", parts).replace('\n', ' ');
    }
}
