package dev.tributary.runtime.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key that a mistyped one was probably meant to be, for "did you mean" hints. */
final class Suggestions {
    private Suggestions() {
    }

    /**
     * The candidate closest to {@code key}, ignoring case, if it is close enough to be a typo: at
     * most 2 edits, or a quarter of the candidate's length for long keys.
     */
    static Optional<String> closest(String key, Collection<String> candidates) {
        String lowerKey = key.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .filter(c -> distance(c.toLowerCase(Locale.ROOT), lowerKey) <= Math.max(2, c.length() / 4))
                .min(Comparator.comparingInt(c -> distance(c.toLowerCase(Locale.ROOT), lowerKey)));
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions that turn a into b. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
