package dev.tributary.runtime.worker;

import java.util.List;
import java.util.Map;

/**
 * Told by a connector instance that {@link Worker#startConnector} started what its tasks should
 * be, so that a herder can run them here or hand them to other workers.
 *
 * <p>Threads: both methods are called on the connector instance's own thread, one at a time,
 * while the worker holds that instance, so that no call comes after {@link Worker#stopConnector}
 * (or {@link Worker#stopConnectorAndTasks}) began for it. They must return promptly and must not
 * call {@code stopConnector} or {@code startConnector} for the same connector; starting, stopping
 * and replacing tasks through the {@link Worker} is fine.
 */
@FunctionalInterface
public interface TaskConfigListener {
    /**
     * The connector's task configs, task {@code i} with {@code taskConfigs.get(i)}: once after its
     * plugin started, then each time the plugin asked for a reconfiguration and the configs
     * changed. Values are in clear text, as the plugin gave them.
     *
     * @param connector the connector's name
     * @param taskConfigs unmodifiable, at most {@code tasks.max}, none null
     */
    void onTaskConfigs(String connector, List<Map<String, String>> taskConfigs);

    /**
     * The connector instance FAILED (its start, its {@code taskConfigs} or its
     * {@code raiseError}); the instance stays FAILED until it is stopped. Nothing by default.
     *
     * @param connector the connector's name
     * @param trace why, with the connector's secrets redacted
     */
    default void onFailure(String connector, String trace) {
    }
}
