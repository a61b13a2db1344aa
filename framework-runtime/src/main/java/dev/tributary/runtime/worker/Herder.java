package dev.tributary.runtime.worker;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What operators ask of the workers that run connectors, as Kafka Connect's REST API asks it of
 * its {@code Herder}. The {@link StandaloneHerder} is one implementation; a distributed one,
 * keeping configs in Pulsar, would be another behind the same REST API.
 *
 * <p>Nothing returned holds a secret: configs come back with every sensitive value shown as
 * {@code [hidden]}, and a {@code [hidden]} sent back for a sensitive key keeps the secret already
 * stored, unless the change touches a key whose {@link dev.tributary.api.config.ConfigField#reach()
 * reach} is not {@code NONE} (an endpoint, a file, a proxy, a role, {@code connector.class}): then
 * every stored secret that stays must be sent in clear, or the change is refused with
 * {@link ConnectorStateException}, so that secrets never follow a destination that someone changed
 * without knowing them.
 *
 * <p>Threads: every method may be called from any thread; changes are applied one at a time and
 * each call returns once its change is done (and, for configs and target states, durable). A
 * connector whose plugin takes long to start is answered while it is still starting (UNASSIGNED),
 * and holds up no other connector's change.
 *
 * <p>Errors: {@link UnknownConnectorException} for an unknown connector or task,
 * {@link ConnectorExistsException} for a name that is taken, {@link ConfigException} with one line
 * per problem for an invalid config, {@link ConnectorStateException} for a request that does not
 * fit the connector's state, and {@link WorkerTimeoutException} when a change waited too long to
 * begin; such a change is never applied.
 */
public interface Herder {
    /** The names of every connector, sorted. */
    List<String> connectorNames();

    /** A connector's config and task configs, secrets masked. */
    ConnectorInfo connectorInfo(String name);

    /** What a connector and its tasks are doing. */
    ConnectorStatus connectorStatus(String name);

    /** What one task is doing. */
    TaskStatus taskStatus(String name, int task);

    /**
     * Creates a connector, or replaces the config of an existing one when {@code allowReplace}.
     * A replaced connector restarts with the new config and keeps its target state.
     *
     * @param config the whole config, including {@code name}
     * @param initialState the target state of a new connector; ignored for an existing one
     * @return whether it was created, and its info
     */
    Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace, TargetState initialState);

    /**
     * Changes some keys of an existing connector's config: a null value removes the key, any
     * other value sets it. The connector restarts with the result.
     */
    ConnectorInfo patchConnectorConfig(String name, Map<String, String> patch);

    /** Stops a connector and forgets its config. Its committed offsets stay in the offset store. */
    void deleteConnector(String name);

    /** Restarts a connector instance (and with it its tasks, which it creates); nothing for a STOPPED one. */
    void restartConnector(String name);

    /**
     * Restarts a connector and its tasks as Kafka Connect's {@code POST /connectors/{name}/restart}
     * with {@code includeTasks} and {@code onlyFailed} does.
     *
     * @return the status before the restart, with every instance that was restarted shown as RESTARTING
     */
    ConnectorStatus restartConnectorAndTasks(String name, boolean onlyFailed, boolean includeTasks);

    /** Restarts one task. */
    void restartTask(String name, int task);

    /** Stops polling; tasks keep their producers and offsets. */
    void pauseConnector(String name);

    /** Polls again, starting a STOPPED connector. */
    void resumeConnector(String name);

    /** Stops the connector and its tasks, committing their offsets, but keeps its config. */
    void stopConnector(String name);

    /** The connector's committed offsets, and those acknowledged but not yet committed. */
    Map<SourcePartition, SourceOffset> connectorOffsets(String name);

    /**
     * Writes and removes offsets of a STOPPED connector, atomically.
     *
     * @throws ConnectorStateException when the connector is not STOPPED
     */
    void alterConnectorOffsets(String name, Map<SourcePartition, SourceOffset> write, Collection<SourcePartition> remove);

    /**
     * Removes every offset of a STOPPED connector, so that it starts from scratch.
     *
     * @throws ConnectorStateException when the connector is not STOPPED
     */
    void resetConnectorOffsets(String name);

    /** Whether the worker has finished starting, including bringing back its stored connectors. */
    boolean isReady();

    /** Whether the worker applies changes: true when a no-op change finishes within {@code timeout}. */
    boolean isResponsive(Duration timeout);

    /**
     * The outcome of {@link #putConnectorConfig}.
     *
     * @param created whether the connector is new
     * @param info its config and tasks, secrets masked
     */
    record Created(boolean created, ConnectorInfo info) {
    }
}
