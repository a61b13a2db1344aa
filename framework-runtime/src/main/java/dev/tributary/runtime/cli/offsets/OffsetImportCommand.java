package dev.tributary.runtime.cli.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.connector.SourceConnector;
import dev.tributary.api.offset.OffsetImportPlan;
import dev.tributary.api.offset.OffsetImporter;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ConnectorConfigFile;
import dev.tributary.runtime.plugin.PluginDescriptor;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.WorkerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code connect-runtime offsets import-<format>}: reads the connector file as {@code validate} does
 * ({@code --set key=value} fills in keys it lacks), asks the connector's plugin for its importer of
 * {@code format} (such as {@code kcl}), prints the plan (each position read and the offset it
 * becomes) and, unless {@code --dry-run}, writes the offsets into the worker's offset store as one
 * atomic batch. It refuses when the connector already has an offset for a partition of the plan,
 * unless {@code --overwrite}. Stop the workers that run the connector first.
 *
 * <p>Exit codes: 0 done, 1 failed (nothing written), 2 a usage or config problem.
 */
final class OffsetImportCommand {
    private final PrintStream out;
    private final PrintStream err;
    private final String format;

    OffsetImportCommand(PrintStream out, PrintStream err, String format) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.format = requireNonNull(format, "format is null");
    }

    int run(List<String> args, Function<Path, WorkerConfig> loadWorker, Function<WorkerConfig, OffsetStore> openStore) {
        Path worker = null;
        Optional<String> source = Optional.empty();
        boolean dryRun = false;
        boolean overwrite = false;
        Map<String, String> defaults = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--worker" -> {
                    if (i + 1 >= args.size()) {
                        return usage("--worker needs a worker config file");
                    }
                    worker = Paths.get(args.get(++i));
                }
                case "--from" -> {
                    if (i + 1 >= args.size()) {
                        return usage("--from needs where to read, such as the lease table's name");
                    }
                    source = Optional.of(args.get(++i));
                }
                case "--set" -> {
                    if (i + 1 >= args.size() || !args.get(i + 1).contains("=")) {
                        return usage("--set needs key=value, such as --set topic=my-topic");
                    }
                    String pair = args.get(++i);
                    int eq = pair.indexOf('=');
                    defaults.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
                case "--dry-run" -> dryRun = true;
                case "--overwrite" -> overwrite = true;
                default -> {
                    if (arg.startsWith("--")) {
                        return usage("unknown option " + arg + " for offsets import-" + format);
                    }
                    files.add(Paths.get(arg));
                }
            }
        }
        if (worker == null) {
            return usage("offsets import-" + format + " needs --worker <worker config>, whose offset store it writes");
        }
        if (files.size() != 1) {
            return usage("offsets import-" + format + " takes exactly one connector config file");
        }
        WorkerConfig config = loadWorker.apply(worker);
        PluginRegistry plugins = PluginRegistry.discover(config.pluginPath());
        Map<String, String> flat;
        try {
            ConnectorConfigFile parsed = ConnectorConfigFile.read(files.get(0), defaults);
            ConfigValidation validation = new ConnectorValidator(plugins).validate(parsed.config());
            if (!validation.isValid()) {
                err.println("Invalid connector config " + files.get(0) + ":");
                parsed.explain(validation.errorLines(), plugins.connectors().stream().map(PluginDescriptor::alias).toList())
                        .forEach(line -> err.println("  - " + line));
                return OffsetsCommand.USAGE;
            }
            flat = parsed.config();
        } catch (ConfigException e) {
            err.println("Invalid connector config " + files.get(0) + ":");
            e.problems().forEach(p -> err.println("  - " + p));
            return OffsetsCommand.USAGE;
        }
        String name = flat.get(ConnectorConfig.NAME);
        SourceConnector connector = plugins.newConnector(flat.get(ConnectorConfig.CONNECTOR_CLASS));
        Optional<OffsetImporter> importer = connector.offsetImporter(format);
        if (importer.isEmpty()) {
            err.println("error: connector class '" + flat.get(ConnectorConfig.CONNECTOR_CLASS) + "' cannot import '"
                    + format + "' positions");
            return OffsetsCommand.FAILED;
        }
        Map<String, String> own = new LinkedHashMap<>(flat);
        own.keySet().removeAll(ConnectorConfig.RUNTIME_KEYS);
        OffsetImportPlan plan;
        try {
            plan = importer.get().plan(own, source);
        } catch (ConnectException e) {
            err.println("error: " + e.getMessage());
            return OffsetsCommand.FAILED;
        }
        print(name, plan);
        Map<SourcePartition, SourceOffset> offsets = plan.offsets();
        if (dryRun) {
            out.println("Dry run: nothing written (" + OffsetsCommand.counted(offsets.size(), "offset") + " would be written for connector '"
                    + name + "').");
            return OffsetsCommand.OK;
        }
        if (offsets.isEmpty()) {
            err.println("Nothing to import for connector '" + name + "': no position above becomes an offset");
            return OffsetsCommand.OK;
        }
        try (OffsetStore store = openStore.apply(config)) {
            Map<SourcePartition, SourceOffset> existing = store.read(name, offsets.keySet());
            if (!existing.isEmpty() && !overwrite) {
                err.println("error: connector '" + name + "' already has stored offsets for "
                        + OffsetsCommand.counted(existing.size(), "partition") + " of the " + offsets.size() + " to import (such as " + existing.keySet().iterator().next()
                        + "); nothing written. Add --overwrite to replace them");
                return OffsetsCommand.FAILED;
            }
            store.write(name, offsets);
        }
        err.println("Imported " + OffsetsCommand.counted(offsets.size(), "offset") + " of connector '" + name + "' into the "
                + config.offsetStore() + " offset store");
        return OffsetsCommand.OK;
    }

    private void print(String connector, OffsetImportPlan plan) {
        out.println("Connector '" + connector + "': " + OffsetsCommand.counted(plan.entries().size(), "position") + " read");
        for (OffsetImportPlan.Entry e : plan.entries()) {
            out.println("  " + e.partition() + "  " + e.from() + "  ->  "
                    + e.offset().map(Object::toString).orElse("nothing written")
                    + (e.note().isEmpty() ? "" : "  (" + e.note() + ")"));
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println("Run 'connect-runtime --help' for usage.");
        return OffsetsCommand.USAGE;
    }
}
