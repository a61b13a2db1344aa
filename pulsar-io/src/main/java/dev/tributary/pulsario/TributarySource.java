package dev.tributary.pulsario;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.offsets.PulsarOffsetStoreProvider;
import java.time.Duration;
import java.util.Map;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.io.core.Source;
import org.apache.pulsar.io.core.SourceContext;

/**
 * Runs any Tributary source connector as a Pulsar IO source. Instance {@code i} of the source's
 * {@code parallelism} {@code N} runs task {@code i} of the connector's {@code taskConfigs(N)}.
 * The connector is named by {@code configs.connector.class}; {@link
 * dev.tributary.pulsario.kinesis.KinesisSource} runs the Kinesis connector without it.
 *
 * <p>Offsets go to the {@code pulsar} offset store on the function's own cluster, through the
 * client the source context provides, under the key {@code tenant/namespace/name}; only the
 * acknowledged prefix of each partition is committed. See {@link SourceInstance} for the threads
 * and for what a failed record does (it fails the instance; nothing is skipped).
 *
 * <p>Threads: Pulsar calls {@link #open}, {@link #read} and {@link #close} on the instance's thread.
 */
public class TributarySource implements Source<byte[]> {
    private static final int QUEUE_CAPACITY = 1000;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private SourceInstance instance;

    /** The connector this source always runs, or null to take it from {@code configs.connector.class}. */
    protected String fixedConnector() {
        return null;
    }

    /**
     * Checks the config, opens the offset store and starts the connector's task.
     *
     * @throws ConfigException when a key is invalid, one line per field. Pulsar writes it to the instance's log;
     *     with the process runtime of Pulsar 4.0.8, {@code sources status} shows the instance down and restarted
     *     but leaves its {@code error} empty (see docs/pulsar-io.md)
     */
    @Override
    public void open(Map<String, Object> config, SourceContext context) throws Exception {
        InstanceIdentity identity = new InstanceIdentity(context.getTenant(), context.getNamespace(),
                context.getSourceName(), context.getInstanceId(), context.getNumInstances());
        AdapterConfig adapter = AdapterConfig.of(PulsarIoConfigs.toText(config), fixedConnector(), identity);
        ClassLoader loader = TributarySource.class.getClassLoader();
        SourceConnector connector = ConnectorLookup.newConnector("configs." + AdapterConfig.CONNECTOR_CLASS,
                adapter.connectorClass(), loader);
        OffsetStore store = new PulsarOffsetStoreProvider().openWith(context.getPulsarClient(),
                Map.of(PulsarOffsetStoreProvider.TOPIC, adapter.offsetTopic()), "the function's cluster");
        InstanceOffsets offsets;
        try {
            offsets = new InstanceOffsets(store, identity);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        SourceInstance opened = new SourceInstance(connector, offsets,
                new SourceInstance.Settings(identity, adapter.flushInterval(), QUEUE_CAPACITY, SHUTDOWN_TIMEOUT));
        try {
            withClassLoader(loader, () -> {
                opened.open(adapter.connectorKeys());
                return null;
            });
        } catch (Exception | Error e) {
            opened.close();
            throw e;
        }
        instance = opened;
    }

    @Override
    public Record<byte[]> read() throws Exception {
        if (instance == null) {
            throw new IllegalStateException("the source is not open");
        }
        return new PulsarIoRecord(instance.next());
    }

    @Override
    public void close() {
        SourceInstance current = instance;
        instance = null;
        if (current != null) {
            current.close();
        }
    }

    private static <T> T withClassLoader(ClassLoader loader, java.util.concurrent.Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
