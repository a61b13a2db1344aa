package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the positions another system kept for the same source (such as the KCL lease table of a
 * Pulsar IO Kinesis source) and turns them into this connector's offsets, so that a connector can
 * take over where that system stopped. A {@link dev.tributary.api.connector.SourceConnector} offers
 * one through {@link dev.tributary.api.connector.SourceConnector#offsetImporter(String)}.
 *
 * <p>Threads: the runtime calls {@link #plan} from the command-line tool's main thread, once per
 * import, with the plugin's class loader as the context class loader. It may block for as long as
 * reading takes (network calls included), and must not start threads that outlive it.
 *
 * <p>Contract: {@link #plan} only reads; it writes nothing, neither to the other system nor to the
 * offset store. The runtime shows the plan, and writes its offsets itself, as one atomic batch,
 * unless the operator asked for a dry run.
 *
 * <p>Errors: a problem the user can fix (a missing table, a config that cannot reach it, a
 * table of another kind) throws {@link dev.tributary.api.connector.ConnectException} whose
 * message names the problem and the fix; it is printed as is, in one line. Messages must not
 * contain secrets.
 */
@Evolving
public interface OffsetImporter {
    /**
     * Plans the import.
     *
     * @param config the connector's own keys (the runtime's keys, such as {@code name}, removed), as
     *     {@link dev.tributary.api.connector.SourceConnector#validate} accepted them
     * @param source where to read, in the importer's terms (the KCL lease table's name), or empty for
     *     the importer's default (the table the config names)
     */
    OffsetImportPlan plan(Map<String, String> config, Optional<String> source);
}
