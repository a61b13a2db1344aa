package dev.tributary.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.connector.ConnectorContext;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.connector.SourceTask;
import dev.tributary.api.offset.OffsetImportPlan;
import dev.tributary.api.offset.OffsetImporter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The importer a connector offers runs in its plugin's class loader, as every other plugin call. */
class IsolatedOffsetImporterTest {
    private final ClassLoader pluginLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
    private final AtomicReference<ClassLoader> offeredIn = new AtomicReference<>();
    private final AtomicReference<ClassLoader> plannedIn = new AtomicReference<>();
    private final AtomicReference<Object> arguments = new AtomicReference<>();

    @Test
    void offerAndPlanRunInThePluginsClassLoaderAndPassTheirArgumentsAndResult() {
        SourceConnector connector = new IsolatedConnector(new Offering(), pluginLoader);
        ClassLoader before = Thread.currentThread().getContextClassLoader();

        OffsetImporter importer = connector.offsetImporter("kcl").orElseThrow();
        OffsetImportPlan plan = importer.plan(Map.of("k", "v"), Optional.of("table"));

        assertThat(offeredIn.get()).isSameAs(pluginLoader);
        assertThat(plannedIn.get()).isSameAs(pluginLoader);
        assertThat(arguments.get()).isEqualTo(List.of(Map.of("k", "v"), Optional.of("table")));
        assertThat(plan.offsets()).containsExactly(Map.entry(SourcePartition.of("shard", "s-1"), SourceOffset.of("at", 7L)));
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
        assertThat(connector.offsetImporter("other")).isEmpty();
    }

    private final class Offering implements SourceConnector {
        @Override
        public Optional<OffsetImporter> offsetImporter(String format) {
            offeredIn.set(Thread.currentThread().getContextClassLoader());
            if (!format.equals("kcl")) {
                return Optional.empty();
            }
            return Optional.of((config, source) -> {
                plannedIn.set(Thread.currentThread().getContextClassLoader());
                arguments.set(List.of(config, source));
                return new OffsetImportPlan(List.of(new OffsetImportPlan.Entry(SourcePartition.of("shard", "s-1"),
                        "checkpoint 7", Optional.of(SourceOffset.of("at", 7L)), "")));
            });
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public ConfigSchema configSchema() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(ConnectorContext context, Map<String, String> config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Map<String, String>> taskConfigs(int maxTasks) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SourceTask createTask() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop() {
        }
    }
}
