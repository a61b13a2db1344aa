package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
import dev.tributary.api.metrics.PluginMetrics;
import dev.tributary.api.offset.OffsetReader;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
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

    /**
     * Commits {@code offset} for {@code partition} without a record, for positions that no
     * record carries, such as the end of a Kinesis shard. The offset takes its place after the
     * records of that partition returned by the {@link SourceTask#poll} call in progress (or, when
     * called outside {@code poll}, by the next one), and is committed only once all of them are
     * acknowledged. Call it from the task thread.
     */
    void commitOffset(SourcePartition partition, SourceOffset offset);

    /** Where the task reports its own metrics; the default drops them. */
    default PluginMetrics metrics() {
        return PluginMetrics.none();
    }
}
