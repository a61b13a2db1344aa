package dev.tributary.testing.services;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pulsar.client.api.Message;

/**
 * Exact accounting for the reliability suite: what was written at the source against what
 * reached Pulsar.
 *
 * <p>A scenario registers every record it writes, in the order it writes them, as an id that is
 * unique in the run and the key whose order must hold. It then hands over what it read from the
 * topic, in topic order, and gets a {@link Report}: lost ids, duplicates, ids nobody wrote, and
 * order violations per key.
 *
 * <p>Order is judged on first deliveries only: after a crash, a source legitimately sends again
 * the records after its last committed offset, so a key may read {@code 1 2 3 2 3 4}. That is
 * a duplicate of 2 and 3, not a reordering. A reordering is a record delivered for the first time
 * after a record of the same key that was written later: {@code 1 3 2}.
 *
 * <p>Not thread-safe: a test fills it from one thread.
 */
public final class DeliveryAccounting {
    private static final int EXAMPLES = 10;

    /** Written position of each id, in the order of its key. */
    private final Map<String, Written> written = new LinkedHashMap<>();
    private final Map<String, Integer> nextPositionByKey = new HashMap<>();

    private record Written(String key, int position) {
    }

    /** One message as read from the topic. */
    public record Delivered(String id, String key) {
        public Delivered {
            requireNonNull(id, "id is null");
        }
    }

    /**
     * Registers a record as written; records of one key must be registered in the order the
     * source received them.
     *
     * @param key the ordering key, or null when the record's order does not matter
     * @throws IllegalArgumentException when the id was registered before, which would hide a loss
     */
    public DeliveryAccounting written(String id, String key) {
        requireNonNull(id, "id is null");
        String orderKey = key == null ? "" : key;
        int position = nextPositionByKey.merge(orderKey, 1, Integer::sum) - 1;
        if (written.putIfAbsent(id, new Written(key == null ? null : orderKey, position)) != null) {
            throw new IllegalArgumentException("id " + id + " was registered twice; ids must be unique in a run");
        }
        return this;
    }

    /** How many records were registered. */
    public int writtenCount() {
        return written.size();
    }

    /** Accounts for messages read from Pulsar, with {@code describe} taking the id and key out of each. */
    public Report check(List<Message<byte[]>> messages, Function<Message<byte[]>, Delivered> describe) {
        List<Delivered> delivered = new ArrayList<>(messages.size());
        for (Message<byte[]> message : messages) {
            delivered.add(describe.apply(message));
        }
        return check(delivered);
    }

    /** Accounts for deliveries, given in topic order. */
    public Report check(List<Delivered> delivered) {
        Set<String> seen = new HashSet<>();
        Map<String, Integer> copies = new LinkedHashMap<>();
        Set<String> unexpected = new LinkedHashSet<>();
        Map<String, Integer> lastPositionByKey = new HashMap<>();
        List<String> orderExamples = new ArrayList<>();
        int orderViolations = 0;
        int keyMismatches = 0;
        for (Delivered d : delivered) {
            Written w = written.get(d.id());
            if (w == null) {
                unexpected.add(d.id());
                continue;
            }
            if (!seen.add(d.id())) {
                copies.merge(d.id(), 1, Integer::sum);
                continue;
            }
            if (w.key() != null && !w.key().equals(d.key())) {
                keyMismatches++;
            }
            if (w.key() == null) {
                continue;
            }
            Integer last = lastPositionByKey.get(w.key());
            if (last != null && w.position() < last) {
                orderViolations++;
                if (orderExamples.size() < EXAMPLES) {
                    orderExamples.add("key " + w.key() + ": id " + d.id() + " (written #" + w.position()
                            + ") arrived after written #" + last);
                }
            } else {
                lastPositionByKey.put(w.key(), w.position());
            }
        }
        List<String> lost = new ArrayList<>();
        for (String id : written.keySet()) {
            if (!seen.contains(id)) {
                lost.add(id);
            }
        }
        int duplicates = copies.values().stream().mapToInt(Integer::intValue).sum();
        return new Report(written.size(), delivered.size(), Collections.unmodifiableList(lost),
                duplicates, Collections.unmodifiableMap(copies), Collections.unmodifiableSet(unexpected),
                orderViolations, List.copyOf(orderExamples), keyMismatches);
    }

    /**
     * What the checker found.
     *
     * @param written records registered as written
     * @param delivered messages read, duplicates included
     * @param lost ids written and never delivered, in the order written
     * @param duplicates extra copies delivered, in all
     * @param duplicateCopies the extra copies of each duplicated id
     * @param unexpected ids delivered that nobody wrote
     * @param orderViolations first deliveries that came after a later-written record of their key
     * @param orderExamples up to ten order violations, described
     * @param keyMismatches first deliveries whose key differs from the key written
     */
    public record Report(int written, int delivered, List<String> lost, int duplicates,
            Map<String, Integer> duplicateCopies, Set<String> unexpected, int orderViolations,
            List<String> orderExamples, int keyMismatches) {

        /** True when nothing was lost, nothing unexpected arrived, and every key kept its order and value. */
        public boolean exact() {
            return lost.isEmpty() && unexpected.isEmpty() && orderViolations == 0 && keyMismatches == 0;
        }

        /** Ids delivered more than once. */
        public Set<String> duplicateIds() {
            return duplicateCopies.keySet();
        }

        /** One line for test output and RELIABILITY.md. */
        @Override
        public String toString() {
            StringBuilder line = new StringBuilder()
                    .append("written ").append(written)
                    .append(", delivered ").append(delivered)
                    .append(", lost ").append(lost.size())
                    .append(", duplicates ").append(duplicates)
                    .append(", unexpected ").append(unexpected.size())
                    .append(", order violations ").append(orderViolations)
                    .append(", key mismatches ").append(keyMismatches);
            if (!lost.isEmpty()) {
                line.append("; first lost: ").append(lost.subList(0, Math.min(EXAMPLES, lost.size())));
            }
            if (!unexpected.isEmpty()) {
                line.append("; first unexpected: ").append(unexpected.stream().limit(EXAMPLES).toList());
            }
            if (!orderExamples.isEmpty()) {
                line.append("; ").append(String.join("; ", orderExamples));
            }
            return line.toString();
        }
    }
}
