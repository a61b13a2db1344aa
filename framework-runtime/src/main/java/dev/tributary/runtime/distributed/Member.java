package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A worker of the group as the others see it: its id and the REST URL that requests are
 * forwarded to. Both travel in the consumer name of its subscription to the coordination topic,
 * which is how members learn of each other, with nothing else to keep in sync.
 *
 * @param workerId unique in the group; a restarted worker may keep its id
 * @param restUrl where its REST API answers, such as {@code http://10.0.0.5:8083}
 */
public record Member(String workerId, String restUrl) implements Comparable<Member> {
    private static final String SEPARATOR = " ";

    public Member {
        requireNonNull(workerId, "workerId is null");
        requireNonNull(restUrl, "restUrl is null");
        if (workerId.isBlank()) {
            throw new IllegalArgumentException("workerId is blank");
        }
    }

    /**
     * The consumer name: the id and URL, each URL-encoded (so neither holds a space), joined by a
     * space. The broker picks a failover subscription's active consumer from the consumers' names
     * (on a hash ring, for a non-partitioned topic), so the leader is a function of who is a member,
     * and may change when a member joins or leaves.
     */
    public String consumerName() {
        return encode(workerId) + SEPARATOR + encode(restUrl);
    }

    /** The member that {@link #consumerName()} names; empty for a consumer that is not a member, such as a tool. */
    public static Optional<Member> fromConsumerName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String[] parts = name.split(SEPARATOR, -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Member(decode(parts[0]), decode(parts[1])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** By worker id alone: two members with one id are the same worker (one restarted). */
    @Override
    public int compareTo(Member other) {
        return workerId.compareTo(other.workerId);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
