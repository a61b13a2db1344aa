package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * What a task does with a record that Pulsar refuses because it is larger than the broker's
 * {@code maxMessageSize}. Without a policy such a record fails its task at every restart, so the
 * connector stops making progress; each action here trades that stop for something the operator
 * chose.
 *
 * @param action what to do with the record
 * @param deadLetterTopic where {@link Action#DEAD_LETTER} sends it; null for the other actions
 */
public record RecordTooLargePolicy(Action action, String deadLetterTopic) {

    /** The default: fail the task, which keeps the record and stops the connector at it. */
    public static final RecordTooLargePolicy FAIL = new RecordTooLargePolicy(Action.FAIL, null);

    /** The actions, by the word users write in {@code errors.record.too.large}. */
    public enum Action {
        /** Fail the task; its offset stays before the record. */
        FAIL("fail"),
        /** Log it, count it and go on; the record is not written anywhere. */
        SKIP("skip"),
        /** Write it, unchanged, to the dead-letter topic; its offset counts once that topic has it. */
        DEAD_LETTER("dead-letter");

        private final String word;

        Action(String word) {
            this.word = word;
        }

        /** The word of the config key, such as {@code dead-letter}. */
        public String word() {
            return word;
        }

        /** Every word, in declaration order, for the config schema. */
        public static List<String> words() {
            return Arrays.stream(values()).map(Action::word).toList();
        }

        /** The action whose word is {@code word}, ignoring case. */
        public static Action of(String word) {
            requireNonNull(word, "word is null");
            return Arrays.stream(values()).filter(a -> a.word.equalsIgnoreCase(word.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + word + "' is not one of "
                            + String.join(", ", words())));
        }
    }

    public RecordTooLargePolicy {
        requireNonNull(action, "action is null");
        if (action == Action.DEAD_LETTER && (deadLetterTopic == null || deadLetterTopic.isBlank())) {
            throw new IllegalArgumentException("the dead-letter action needs a dead-letter topic");
        }
        if (action != Action.DEAD_LETTER) {
            deadLetterTopic = null;
        }
    }
}
