package dev.tributary.runtime.cli.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ChosenOffsetStore;
import dev.tributary.runtime.worker.WorkerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code connect-runtime offsets export|import}: moves committed offsets between offset stores
 * as JSON (see {@link OffsetStateJson}), for example from the {@code file} store to {@code pulsar}.
 * Both open the store that a worker config names, with its {@code offset.<store>.*} keys.
 *
 * <p>Import writes each connector's offsets as one batch, atomically, over what the store holds;
 * partitions the file does not name keep their offsets. Stop the workers that run those
 * connectors first: a shared store hands the connectors to the importer, fencing a running worker.
 *
 * <p>Exit codes as for every command: 0 done, 1 failed, 2 a usage or config problem; each
 * problem is printed on one line, without a stack trace.
 */
public final class OffsetsCommand {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final PrintStream out;
    private final PrintStream err;

    public OffsetsCommand(PrintStream out, PrintStream err) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
    }

    /**
     * Runs {@code export}, {@code import}, or {@code import-<format>} (see {@link OffsetImportCommand}).
     *
     * @param args the arguments after {@code offsets}
     * @param loadWorker reads a worker config file, reporting its problems as the CLI does
     * @throws ConfigException when the worker config or the store's keys are invalid
     * @return the exit code
     */
    public int run(List<String> args, Function<Path, WorkerConfig> loadWorker) {
        if (!args.isEmpty() && args.get(0).startsWith("import-") && args.get(0).length() > "import-".length()) {
            return new OffsetImportCommand(out, err, args.get(0).substring("import-".length()))
                    .run(args.subList(1, args.size()), loadWorker, this::open);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (options.worker == null) {
            return usage("offsets " + options.action + " needs --worker <worker config>, whose offset store it uses");
        }
        if (options.action.equals("import") && options.in == null) {
            return usage("offsets import needs --in <file>, an export or a file store's offsets.json");
        }
        if (options.action.equals("import") && (options.out != null || options.connector != null)) {
            return usage("offsets import takes --worker and --in only");
        }
        if (options.action.equals("export") && options.in != null) {
            return usage("offsets export takes --worker, --connector and --out; --in is for import");
        }
        WorkerConfig config = loadWorker.apply(options.worker);
        return options.action.equals("export") ? export(config, options) : importOffsets(config, options);
    }

    private int export(WorkerConfig config, Options options) {
        Map<String, Map<SourcePartition, SourceOffset>> state = new TreeMap<>();
        try (OffsetStore store = open(config)) {
            List<String> connectors = options.connector != null ? List.of(options.connector)
                    : store.connectors().stream().sorted().toList();
            for (String connector : connectors) {
                Map<SourcePartition, SourceOffset> offsets = store.readAll(connector);
                if (!offsets.isEmpty()) {
                    state.put(connector, offsets);
                }
            }
        }
        if (options.connector != null && state.isEmpty()) {
            err.println("error: connector '" + options.connector + "' has no committed offsets in the "
                    + config.offsetStore() + " offset store; 'offsets export' without --connector lists them all");
            return FAILED;
        }
        byte[] json = OffsetStateJson.encode(state);
        if (options.out == null) {
            out.write(json, 0, json.length);
            out.flush();
        } else {
            writeAtomically(options.out, json);
        }
        err.println("Exported " + counted(count(state), "offset") + " of " + counted(state.size(), "connector") + " from the "
                + config.offsetStore() + " offset store" + (options.out == null ? "" : " to " + options.out));
        return OK;
    }

    private int importOffsets(WorkerConfig config, Options options) {
        byte[] json;
        try {
            json = Files.readAllBytes(options.in);
        } catch (NoSuchFileException e) {
            return usage(options.in + ": no such file");
        } catch (IOException e) {
            err.println("error: could not read " + options.in + " (" + e.getMessage() + ")");
            return FAILED;
        }
        Map<String, Map<SourcePartition, SourceOffset>> state;
        try {
            state = OffsetStateJson.decode(json, options.in.toString());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        int imported = 0;
        try (OffsetStore store = open(config)) {
            for (Map.Entry<String, Map<SourcePartition, SourceOffset>> connector : state.entrySet()) {
                store.write(connector.getKey(), connector.getValue());
                imported++;
                err.println("Imported " + counted(connector.getValue().size(), "offset") + " of connector '" + connector.getKey()
                        + "'");
            }
        } catch (RuntimeException e) {
            if (imported > 0) {
                // Each connector's batch is atomic, the import as a whole is not: say where it stopped.
                err.println("error: the import stopped after " + imported + " of " + counted(state.size(), "connector") + ";"
                        + " those imported keep their new offsets, and running it again is safe");
            }
            throw e;
        }
        err.println("Imported " + counted(count(state), "offset") + " of " + counted(state.size(), "connector") + " into the "
                + config.offsetStore() + " offset store");
        return OK;
    }

    /** Opens the worker's offset store as the worker would, after validating its keys. */
    private OffsetStore open(WorkerConfig config) {
        PluginRegistry plugins = PluginRegistry.discover(config.pluginPath());
        ChosenOffsetStore store;
        try {
            store = ChosenOffsetStore.of(config, plugins);
        } catch (ConfigException e) {
            err.println("Invalid offset store config:");
            throw e;
        }
        return store.open();
    }

    private static void writeAtomically(Path file, byte[] json) {
        Path absolute = file.toAbsolutePath();
        Path temp = null;
        try {
            Files.createDirectories(absolute.getParent());
            temp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString() + ".", ".tmp");
            Files.write(temp, json);
            // Never a half-written export where the user expects one.
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // Only a leftover temporary file; the error above is what matters.
                }
            }
        }
    }

    private static int count(Map<String, Map<SourcePartition, SourceOffset>> state) {
        return state.values().stream().mapToInt(Map::size).sum();
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println("Run 'connect-runtime --help' for usage.");
        return USAGE;
    }

    /** {@code export|import}, then {@code --worker}, {@code --connector}, {@code --out}, {@code --in}. */
    private static final class Options {
        String action;
        Path worker;
        String connector;
        Path out;
        Path in;

        static Options parse(List<String> args) {
            Options options = new Options();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--worker" -> options.worker = Paths.get(value(args, ++i, arg, "a worker config file"));
                    case "--connector" -> options.connector = value(args, ++i, arg, "a connector name");
                    case "--out" -> options.out = Paths.get(value(args, ++i, arg, "a file to write"));
                    case "--in" -> options.in = Paths.get(value(args, ++i, arg, "a file to read"));
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg + " for offsets");
                        }
                        positional.add(arg);
                    }
                }
            }
            if (positional.size() != 1 || !(positional.get(0).equals("export") || positional.get(0).equals("import"))) {
                throw new IllegalArgumentException("the offsets command takes 'export' or 'import'");
            }
            options.action = positional.get(0);
            return options;
        }

        private static String value(List<String> args, int index, String option, String what) {
            if (index >= args.size() || args.get(index).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs " + what);
            }
            return args.get(index);
        }
    }

    /** "1 offset", "3 offsets": a count with its noun, for the lines this command prints. */
    static String counted(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
