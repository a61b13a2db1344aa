package dev.tributary.api.connector;

import dev.tributary.api.annotation.Evolving;
import dev.tributary.api.annotation.Stable;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.offset.OffsetImporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source plugin: it validates its config, splits the work into task configs, and creates the
 * {@link SourceTask}s that read records.
 *
 * <p>Found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.tributary.api.connector.SourceConnector} and give it a public
 * no-argument constructor. Operators name it by class name or by its alias: the simple class
 * name without a {@code SourceConnector}, {@code Connector} or {@code Source} suffix, in lower
 * case ({@code KinesisSourceConnector} is {@code kinesis}).
 *
 * <p>Threads: the runtime creates one instance per running connector and calls
 * {@link #start}, {@link #taskConfigs}, {@link #offsetCommitPolicy} and {@link #stop} from that
 * instance's own connector thread, one at a time, so a slow {@link #start} (listing shards,
 * registering a consumer) holds up no other connector. When the connector is stopped, deleted or
 * reconfigured while {@link #start} is still running, the runtime interrupts that thread and waits
 * for it briefly; if {@link #start} has not returned by then, the instance is abandoned: it gets
 * no tasks, its {@link #stop} is called on the same thread once {@link #start} returns, and a new
 * instance may meanwhile start for the same connector. So return promptly from {@link #start}
 * when interrupted. {@link #version}, {@link #configSchema}, {@link #validate} and
 * {@link #offsetImporter} may be called on a separate instance that is never started, from any
 * thread. The runtime sets the thread's
 * context class loader to the plugin's own class loader around every call.
 *
 * <p>Errors: an exception from {@link #start} or {@link #taskConfigs}, or an {@link Error} such
 * as {@link OutOfMemoryError}, marks the connector FAILED, with the exception's message as its
 * status; so does a list from {@link #taskConfigs} that is null, holds a null or has more than
 * {@code maxTasks} configs. The worker and its other connectors go on. Messages must not contain
 * secrets.
 */
@Stable
public interface SourceConnector {
    /** The plugin's version, such as {@code 1.2.0}. */
    String version();

    /** The connector's own config keys, declared as data. The runtime adds its own keys to these. */
    ConfigSchema configSchema();

    /**
     * Validates a config without starting anything. The default checks the schema; override it
     * to add checks that need more, but never to reach remote systems for long.
     *
     * @param config the connector's own keys (the runtime's keys, such as {@code tasks.max}, removed)
     */
    default ConfigValidation validate(Map<String, String> config) {
        return configSchema().validate(config);
    }

    /**
     * Starts the connector with a config that {@link #validate} accepted.
     *
     * @param context the runtime's services for this connector
     * @param config the connector's own keys
     */
    void start(ConnectorContext context, Map<String, String> config);

    /**
     * Splits the work into at most {@code maxTasks} task configs ({@code maxTasks} is the
     * operator's {@code tasks.max}, from 1 to 1024); the runtime starts one task per config. Called after {@link #start}, and again after
     * {@link ConnectorContext#requestTaskReconfiguration()}.
     */
    List<Map<String, String>> taskConfigs(int maxTasks);

    /**
     * How this connector's offsets are committed, when it needs something other than the
     * worker's {@code offset.flush.interval.ms} (Kinesis's {@code checkpointInterval}, say).
     * Called after {@link #start}; the default defers to the worker.
     */
    default Optional<OffsetCommitPolicy> offsetCommitPolicy() {
        return Optional.empty();
    }

    /**
     * An importer of the positions that another system kept for this source, so that this
     * connector can take over where it stopped; {@code format} names that system as the command
     * line does ({@code kcl} for a KCL lease table). May be called, from any thread, on an
     * instance that is never started. The default offers none.
     */
    @Evolving
    default Optional<OffsetImporter> offsetImporter(String format) {
        return Optional.empty();
    }

    /** Creates a new, unstarted task. Called once per task, including on every restart. */
    SourceTask createTask();

    /** Stops the connector and releases its resources. Its tasks are stopped first. */
    void stop();
}
