package dev.tributary.runtime.distributed;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Pulsar topics of one worker group, all in one namespace that holds nothing else.
 *
 * <p>The namespace is the operator's choice ({@code group.namespace}); by default it is
 * {@code public/tributary-<group.id>}, so that two groups on one cluster never share a topic
 * and the group's topic policies (compaction, no deletion when inactive) are set on the
 * namespace once, for every topic of the group.
 *
 * @param groupId the group's name, {@code group.id}
 * @param namespace {@code tenant/namespace}
 */
public record GroupTopics(String groupId, String namespace) {
    /** Letters, digits, {@code _ . -}, starting with a letter or digit: it must fit a Pulsar namespace name. */
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.=:-]*/[A-Za-z0-9][A-Za-z0-9_.=:-]*");
    /** The tenant of the default namespace: every standalone and most clusters have it. */
    public static final String DEFAULT_TENANT = "public";
    /** The subscription on {@link #coordination()} whose consumers are the members and whose active consumer leads. */
    public static final String MEMBERS_SUBSCRIPTION = "members";

    public GroupTopics {
        requireNonNull(groupId, "groupId is null");
        requireNonNull(namespace, "namespace is null");
    }

    /**
     * The topics of group {@code groupId} in {@code namespace}, or in the default namespace when
     * {@code namespace} is blank.
     *
     * @throws ConfigException naming {@code group.id} or {@code group.namespace} and the fix
     */
    public static GroupTopics of(String groupId, String namespace) {
        String id = groupId == null ? "" : groupId.trim();
        if (!GROUP_ID.matcher(id).matches()) {
            throw new ConfigException("group.id: '" + id + "' is not a group name; use 1 to 64 letters, digits, "
                    + "'_', '.' or '-', starting with a letter or digit");
        }
        String ns = namespace == null || namespace.isBlank() ? defaultNamespace(id) : namespace.trim();
        if (!NAMESPACE.matcher(ns).matches()) {
            throw new ConfigException("group.namespace: '" + ns + "' is not a Pulsar namespace; write it as "
                    + "tenant/namespace, such as public/tributary-" + id + ", or leave it empty for that default");
        }
        return new GroupTopics(id, ns);
    }

    /** {@code public/tributary-<groupId>}. */
    public static String defaultNamespace(String groupId) {
        return DEFAULT_TENANT + "/tributary-" + groupId;
    }

    /** Connector configs, target states and task configs: compacted, written by the herder. */
    public String configs() {
        return topic("configs");
    }

    /** Connector and task states with the worker that runs each: compacted, written by the worker that runs it. */
    public String status() {
        return topic("status");
    }

    /** The assignment in force: compacted, one key, written by the leader alone through a fencing producer. */
    public String assignments() {
        return topic("assignments");
    }

    /** Leadership and membership: no message is ever written; only its subscription's consumers count. */
    public String coordination() {
        return topic("coordination");
    }

    /** The topics that hold state and must be compacted and kept. */
    public List<String> compacted() {
        return List.of(configs(), status(), assignments());
    }

    private String topic(String name) {
        return "persistent://" + namespace + "/" + name;
    }
}
