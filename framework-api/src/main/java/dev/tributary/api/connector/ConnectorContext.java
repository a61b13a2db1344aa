package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.offset.OffsetReader;

/** What the runtime offers a {@link SourceConnector}. Every method may be called from any thread. */
@Stable
public interface ConnectorContext {
    /** The connector's name, unique in the worker, such as {@code orders-from-kinesis}. */
    String connectorName();

    /**
     * Asks the runtime to call {@link SourceConnector#taskConfigs(int)} again, on the connector's
     * own thread, and restart the tasks if their configs changed, for example when a stream gained
     * shards. Returns at once.
     */
    void requestTaskReconfiguration();

    /**
     * Reports that the connector cannot go on. The runtime marks it FAILED, shows the error's
     * message in its status, and stops its tasks. Returns at once.
     */
    void raiseError(Throwable error);

    /** The connector's committed offsets, for example to tell which shards are finished. */
    OffsetReader offsetReader();
}
