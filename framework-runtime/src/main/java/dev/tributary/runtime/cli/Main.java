package dev.tributary.runtime.cli;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigValidation;
import dev.tributary.runtime.TributaryRuntime;
import dev.tributary.runtime.WorkerConfigCheck;
import dev.tributary.runtime.cli.offsets.OffsetsCommand;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.config.ConnectorConfigFile;
import dev.tributary.runtime.plugin.PluginDescriptor;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.ConnectorValidator;
import dev.tributary.runtime.worker.Herder;
import dev.tributary.runtime.worker.TargetState;
import dev.tributary.runtime.worker.WorkerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code bin/connect-runtime}: starts a standalone worker, validates connector configs, lists
 * plugins. Errors a user can fix are printed one per line, without a stack trace, and the exit
 * code is 2; an unexpected failure exits 1.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            Usage: connect-runtime <command> [options]

            Commands:
              start <worker config> [--set key=value ...] [connector config ...]
                  Run a standalone worker with the given connectors until Ctrl-C or SIGTERM.
                  Connector configs are .properties, Kafka Connect .json, or Pulsar IO .yaml/.json files.
                  --set gives a connector key to every connector file that lacks it,
                  such as --set connector.class=kinesis --set topic=my-topic.
              validate [--worker <worker config>] [--set key=value ...] <connector config ...>
                  Check connector configs and print every problem, one per line. Plugins come from
                  --worker's plugin.path, or by default from the installation's config/worker.properties.
              plugins list [--worker <worker config>]
                  List the installed connectors and offset stores.
              offsets export --worker <worker config> [--connector <name>] [--out <file>]
                  Write the committed offsets of the worker's offset store as JSON, to the file or stdout.
              offsets import --worker <worker config> --in <file>
                  Write the offsets of an export into the worker's offset store. Stop the worker first.
              offsets import-kcl --worker <worker config> [--set key=value ...] <connector config>
                  [--from <table>] [--dry-run] [--overwrite]
                  Read the KCL lease table of a Pulsar IO Kinesis source (applicationName, or --from) and
                  write its checkpoints as the connector's offsets. --dry-run prints the plan only;
                  existing offsets are kept unless --overwrite. Stop the Pulsar IO source first.
              version
                  Print the version.

            Run 'connect-runtime <command> --help' for more.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Main(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static void main(String[] args) {
        int code = new Main(System.out, System.err, System.getenv()).run(args, true);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** Runs a command; {@code block} is false in tests, so that {@code start} returns once started. */
    int run(String[] args, boolean block) {
        List<String> list = List.of(args);
        if (list.isEmpty() || list.get(0).equals("--help") || list.get(0).equals("-h") || list.get(0).equals("help")) {
            out.print(USAGE_TEXT);
            return list.isEmpty() ? USAGE : OK;
        }
        String command = list.get(0);
        List<String> rest = list.subList(1, list.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(USAGE_TEXT);
            return OK;
        }
        try {
            return switch (command) {
                case "start" -> start(rest, block);
                case "validate" -> validate(rest);
                case "plugins" -> plugins(rest);
                case "offsets" -> new OffsetsCommand(out, err).run(rest, this::loadWorker);
                case "version" -> {
                    out.println("tributary " + Version.current());
                    yield OK;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("  - " + p));
            return USAGE;
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private int usage(String problem) {
        err.println("error: " + problem);
        err.println("Run 'connect-runtime --help' for usage.");
        return USAGE;
    }

    private int start(List<String> args, boolean block) {
        Options options = Options.parse(args, false);
        if (options.positional.isEmpty()) {
            throw new UsageException("start needs a worker config file");
        }
        Path workerFile = Paths.get(options.positional.get(0));
        WorkerConfig config = loadWorker(workerFile);
        List<Path> connectorFiles = options.positional.subList(1, options.positional.size()).stream().map(Paths::get).toList();
        List<Map<String, String>> connectors = new ArrayList<>();
        PluginRegistry plugins = PluginRegistry.discover(config.pluginPath());
        checkWorker(workerFile, config, plugins);
        if (!checkConnectors(connectorFiles, options.defaults, plugins, connectors)) {
            return USAGE;
        }
        Set<String> names = connectors.stream().map(c -> c.get(ConnectorConfig.NAME)).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        TributaryRuntime runtime = TributaryRuntime.start(config, plugins, names);
        // Asked for by bin/connect-runtime when this installation has no class-data archive yet.
        Optional<ClassDataArchive> archive = block
                ? ClassDataArchive.requested(System::getProperty, ClassDataArchive.JVM) : Optional.empty();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            archive.ifPresent(ClassDataArchive::cancel);
            out.println("Stopping: flushing records and committing offsets...");
            runtime.close();
            stopped.countDown();
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (Map<String, String> connector : connectors) {
                if (config.groupId().isPresent()) {
                    // In a group the file goes to the group's configs; whichever worker is assigned runs it.
                    String name = connector.get(ConnectorConfig.NAME);
                    Herder.Created created = runtime.herder().putConnectorConfig(name, connector, true,
                            TargetState.STARTED);
                    out.println("Connector " + name + (created.created() ? " submitted to" : " updated in")
                            + " group " + config.groupId().get());
                    continue;
                }
                ConnectorStatus status = runtime.worker().startConnector(connector);
                out.println("Connector " + status.name() + " is " + status.state()
                        + (status.trace() == null ? "" : ": " + status.trace()));
            }
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            runtime.close();
            throw e;
        }
        out.println("Tributary is running; REST and metrics on " + runtime.baseUri() + " (Ctrl-C to stop)");
        if (!block) {
            Runtime.getRuntime().removeShutdownHook(hook);
            runtime.close();
            return OK;
        }
        archive.ifPresent(ClassDataArchive::writeLater);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    private int validate(List<String> args) {
        Options options = Options.parse(args, true);
        if (options.positional.isEmpty()) {
            throw new UsageException("validate needs at least one connector config file");
        }
        Optional<Path> workerFile = workerFile(options);
        Optional<WorkerConfig> worker = workerFile.map(this::loadWorker);
        PluginRegistry plugins = PluginRegistry.discover(worker.map(WorkerConfig::pluginPath).orElse(List.of()));
        // The same checks as start, short of connecting, so that OK means start will accept the worker config too.
        worker.ifPresent(config -> checkWorker(workerFile.get(), config, plugins));
        List<Map<String, String>> connectors = new ArrayList<>();
        boolean ok = checkConnectors(options.positional.stream().map(Paths::get).toList(), options.defaults, plugins, connectors);
        if (ok) {
            connectors.forEach(c -> out.println("OK: " + c.get("name")));
        }
        return ok ? OK : USAGE;
    }

    private int plugins(List<String> args) {
        Options options = Options.parse(args, true);
        if (options.positional.size() != 1 || !options.positional.get(0).equals("list")) {
            throw new UsageException("the plugins command takes 'list'");
        }
        List<Path> pluginPath = workerFile(options).map(this::loadWorker).map(WorkerConfig::pluginPath).orElse(List.of());
        PluginRegistry plugins = PluginRegistry.discover(pluginPath);
        out.printf("%-14s %-10s %-12s %-50s %s%n", "TYPE", "ALIAS", "VERSION", "CLASS", "LOCATION");
        List<PluginDescriptor> all = new ArrayList<>(plugins.connectors());
        all.addAll(plugins.offsetStores());
        for (PluginDescriptor d : all) {
            out.printf("%-14s %-10s %-12s %-50s %s%n", d.type().displayName(), d.alias(), d.version(), d.className(), d.location());
        }
        return OK;
    }

    /**
     * {@code --worker}'s file; without it, the installation's own config/worker.properties
     * (bin/connect-runtime sets tributary.home), so that {@code validate} and {@code plugins list}
     * see the plugins that {@code start} would.
     */
    private static Optional<Path> workerFile(Options options) {
        Path worker = options.worker;
        String home = System.getProperty(WorkerConfig.HOME_PROPERTY);
        if (worker == null && home != null && Files.isRegularFile(Paths.get(home, "config", "worker.properties"))) {
            worker = Paths.get(home, "config", "worker.properties");
        }
        return Optional.ofNullable(worker);
    }

    /** What start would reject in a worker config, short of connecting; every problem at once. */
    private void checkWorker(Path file, WorkerConfig config, PluginRegistry plugins) {
        try {
            WorkerConfigCheck.check(config, plugins);
        } catch (ConfigException e) {
            err.println("Invalid worker config " + file + ":");
            throw e;
        }
    }

    private WorkerConfig loadWorker(Path file) {
        try {
            return WorkerConfig.load(file, env);
        } catch (ConfigException e) {
            err.println("Invalid worker config " + file + ":");
            throw e;
        }
    }

    /** Reads and validates every connector file; prints every problem of every file. */
    private boolean checkConnectors(List<Path> files, Map<String, String> defaults, PluginRegistry plugins,
            List<Map<String, String>> result) {
        ConnectorValidator validator = new ConnectorValidator(plugins);
        List<String> installed = plugins.connectors().stream().map(PluginDescriptor::alias).toList();
        boolean ok = true;
        for (Path file : files) {
            try {
                ConnectorConfigFile parsed = ConnectorConfigFile.read(file, defaults);
                parsed.notices().forEach(n -> err.println("note: " + file + ": " + n));
                ConfigValidation validation = validator.validate(parsed.config());
                if (!validation.isValid()) {
                    err.println("Invalid connector config " + file + ":");
                    parsed.explain(validation.errorLines(), installed).forEach(line -> err.println("  - " + line));
                    ok = false;
                } else {
                    result.add(parsed.config());
                }
            } catch (ConfigException e) {
                err.println("Invalid connector config " + file + ":");
                e.problems().forEach(p -> err.println("  - " + p));
                ok = false;
            }
        }
        return ok;
    }

    /** Command-line options: {@code --set key=value}, {@code --worker file}, then positional arguments. */
    private static final class Options {
        final Map<String, String> defaults = new LinkedHashMap<>();
        final List<String> positional = new ArrayList<>();
        Path worker;

        static Options parse(List<String> args, boolean workerOption) {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--set")) {
                    if (i + 1 >= args.size() || !args.get(i + 1).contains("=")) {
                        throw new UsageException("--set needs key=value, such as --set topic=my-topic");
                    }
                    String pair = args.get(++i);
                    int eq = pair.indexOf('=');
                    options.defaults.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                } else if (arg.equals("--worker") && workerOption) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--worker needs a worker config file");
                    }
                    options.worker = Paths.get(args.get(++i));
                } else if (arg.startsWith("--")) {
                    throw new UsageException("unknown option " + arg);
                } else {
                    options.positional.add(arg);
                }
            }
            return options;
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
