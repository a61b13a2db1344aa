package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.offset.OffsetReader;
import java.util.Map;

/** What the runtime offers a {@link SourceTask}. Every method may be called from any thread. */
@Stable
public interface SourceTaskContext {
    /** The connector's name. */
    String connectorName();

    /** This task's number, from 0 to {@code tasks.max - 1}. */
    int taskId();

    /** This task's config: one of the maps that {@link SourceConnector#taskConfigs(int)} returned. */
    Map<String, String> config();

    /** The connector's committed offsets, to resume where the last task stopped. */
    OffsetReader offsetReader();
}
