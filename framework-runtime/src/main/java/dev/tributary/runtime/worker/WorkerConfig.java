package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Password;
import dev.tributary.api.config.Validators;
import dev.tributary.runtime.config.ConnectorConfigPolicy;
import dev.tributary.runtime.config.WorkerExactlyOnce;
import dev.tributary.runtime.distributed.GroupAdmin;
import dev.tributary.runtime.distributed.GroupTopics;
import dev.tributary.runtime.http.ListenerAddress;
import dev.tributary.runtime.http.RequestOrigins;
import dev.tributary.runtime.http.TlsKeystore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The worker's settings, declared as a {@link ConfigSchema} so that validation, "did you mean"
 * hints and the configuration reference all come from one place.
 *
 * <p>Read with Typesafe Config from a {@code .properties} or HOCON ({@code .conf}) file. Each key
 * can be overridden by an environment variable: {@code TRIBUTARY_} then the key in upper case
 * with dots as underscores ({@code TRIBUTARY_PULSAR_SERVICE_URL}). An offset store's own keys
 * are {@code offset.<store>.<key>}, such as {@code offset.file.file}.
 */
public final class WorkerConfig {
    public static final String PULSAR_SERVICE_URL = "pulsar.service.url";
    public static final String PULSAR_AUTH_PLUGIN = "pulsar.auth.plugin";
    public static final String PULSAR_AUTH_PARAMS = "pulsar.auth.params";
    public static final String PRODUCER_BATCHING = "pulsar.producer.batching.enabled";
    public static final String PRODUCER_BATCH_DELAY = "pulsar.producer.batching.max.delay";
    public static final String PRODUCER_BATCH_MESSAGES = "pulsar.producer.batching.max.messages";
    public static final String PRODUCER_BATCH_BYTES = "pulsar.producer.batching.max.bytes";
    public static final String PRODUCER_COMPRESSION = "pulsar.producer.compression";
    public static final String PRODUCER_MAX_PENDING = "pulsar.producer.max.pending.messages";
    public static final String PRODUCER_SEND_TIMEOUT = "pulsar.producer.send.timeout";
    public static final String CLIENT_MEMORY_LIMIT = "pulsar.client.memory.limit.bytes";
    public static final String CLIENT_KEEP_ALIVE = "pulsar.client.keep.alive.interval";
    public static final String CLIENT_OPERATION_TIMEOUT = "pulsar.client.operation.timeout";
    public static final String LISTENERS = "listeners";
    public static final String OFFSET_STORE = "offset.store";
    public static final String DATA_DIR = "data.dir";
    public static final String OFFSET_FLUSH_INTERVAL = "offset.flush.interval.ms";
    public static final String EXACTLY_ONCE_SOURCE_SUPPORT = WorkerExactlyOnce.WORKER_KEY;
    public static final String EXACTLY_ONCE_TRANSACTION_TIMEOUT = "exactly.once.transaction.timeout.ms";
    public static final String WORKER_THREADS = "worker.threads";
    public static final String PLUGIN_PATH = "plugin.path";
    public static final String RESTART_BACKOFF_INITIAL = "task.restart.backoff.initial.ms";
    public static final String RESTART_BACKOFF_MAX = "task.restart.backoff.max.ms";
    public static final String RESTART_MAX_ATTEMPTS = "task.restart.max.attempts";
    public static final String SHUTDOWN_TIMEOUT = "task.shutdown.timeout.ms";
    public static final String REST_AUTH_BASIC_FILE = "rest.auth.basic.file";
    public static final String REST_SSL_KEYSTORE_LOCATION = "rest.ssl.keystore.location";
    public static final String REST_SSL_KEYSTORE_PASSWORD = "rest.ssl.keystore.password";
    public static final String REST_SSL_KEYSTORE_TYPE = "rest.ssl.keystore.type";
    public static final String REST_SSL_KEY_PASSWORD = "rest.ssl.key.password";
    public static final String REST_ALLOWED_HOSTS = RequestOrigins.HOSTS_KEY;
    public static final String REST_ALLOWED_ORIGINS = RequestOrigins.ORIGINS_KEY;

    /** Environment variables that override keys start with this. */
    public static final String GROUP_ID = "group.id";
    public static final String GROUP_NAMESPACE = "group.namespace";
    public static final String GROUP_ADMIN_URL = "group.admin.url";
    public static final String GROUP_MEMBERSHIP_CHECK_INTERVAL = "group.membership.check.interval.ms";
    public static final String GROUP_CONNECTION_CHECK_INTERVAL = "group.connection.check.interval.ms";
    /** The offset store of a worker group when {@code offset.store} is not set. */
    public static final String GROUP_DEFAULT_OFFSET_STORE = "pulsar";
    public static final String ENV_PREFIX = "TRIBUTARY_";

    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(PULSAR_SERVICE_URL, ConfigType.STRING).defaultValue("pulsar://127.0.0.1:6650")
                    .validator(Validators.matches("pulsar(\\+ssl)?://.+", "a pulsar:// or pulsar+ssl:// URL"))
                    .group("Pulsar").doc("The Pulsar broker (or proxy) that records are written to.").build())
            .field(ConfigField.builder(PULSAR_AUTH_PLUGIN, ConfigType.STRING).defaultValue("")
                    .group("Pulsar").doc("Class name of the Pulsar authentication plugin, such as "
                            + "org.apache.pulsar.client.impl.auth.AuthenticationToken. Empty for none.").build())
            .field(ConfigField.builder(PULSAR_AUTH_PARAMS, ConfigType.PASSWORD)
                    .group("Pulsar").doc("Parameters of the authentication plugin, such as token:<jwt>. "
                            + "Masked in every log line and response.").build())
            .field(ConfigField.builder(PRODUCER_BATCHING, ConfigType.BOOLEAN).defaultValue("true")
                    .group("Pulsar producer").doc("Whether producers group messages into batches.").build())
            .field(ConfigField.builder(PRODUCER_BATCH_DELAY, ConfigType.DURATION).defaultValue("5ms")
                    .group("Pulsar producer").doc("How long a producer waits to fill a batch.").build())
            .field(ConfigField.builder(PRODUCER_BATCH_MESSAGES, ConfigType.INT).defaultValue("1000")
                    .validator(Validators.atLeast(1))
                    .group("Pulsar producer").doc("The most messages in one batch.").build())
            .field(ConfigField.builder(PRODUCER_BATCH_BYTES, ConfigType.INT).defaultValue("131072")
                    .validator(Validators.atLeast(1024))
                    .group("Pulsar producer").doc("The most bytes in one batch (128 KiB by default, the Pulsar "
                            + "client's own). Larger batches cost the worker and the broker less per message "
                            + "(BENCHMARKS.md, notes), but keep it below the broker's maxMessageSize "
                            + "(5 MiB by default): a batch over it is refused, which fails the task with a "
                            + "message naming this setting. A record larger than this is sent in a batch of "
                            + "its own.").build())
            .field(ConfigField.builder(PRODUCER_COMPRESSION, ConfigType.ENUM).defaultValue("NONE")
                    .enumValues("NONE", "LZ4", "ZLIB", "ZSTD", "SNAPPY")
                    .group("Pulsar producer").doc("Compression of message batches.").build())
            .field(ConfigField.builder(PRODUCER_MAX_PENDING, ConfigType.INT).defaultValue("1000")
                    .validator(Validators.atLeast(1))
                    .group("Pulsar producer").doc("The most messages one producer has in flight. When it is "
                            + "reached, the task waits: this is the backpressure that bounds memory.").build())
            .field(ConfigField.builder(PRODUCER_SEND_TIMEOUT, ConfigType.DURATION).defaultValue("0")
                    .group("Pulsar producer").doc("How long a send may wait for the broker before it fails. 0 "
                            + "means the client retries until the broker is back, which keeps order; a failed "
                            + "send fails the task, which restarts from its last committed offsets.").build())
            .field(ConfigField.builder(CLIENT_MEMORY_LIMIT, ConfigType.LONG).defaultValue("67108864")
                    .validator(Validators.atLeast(1024 * 1024))
                    .group("Pulsar producer").doc("The most bytes of pending messages across all producers; "
                            + "sends wait when it is reached.").build())
            .field(ConfigField.builder(CLIENT_KEEP_ALIVE, ConfigType.DURATION).defaultValue("30s")
                    .validator(Validators.atLeast(Duration.ofSeconds(1)))
                    .group("Pulsar producer").doc("How often the client pings the broker on an idle connection; "
                            + "a connection that stays silent for about twice this is closed. In a group "
                            + "(group.id), this is how soon a worker cut off from Pulsar notices and stops its "
                            + "tasks: keep it no longer than the broker's keepAliveIntervalSeconds. Whole "
                            + "seconds.").build())
            .field(ConfigField.builder(CLIENT_OPERATION_TIMEOUT, ConfigType.DURATION).defaultValue("30s")
                    .validator(Validators.atLeast(Duration.ofSeconds(1)))
                    .group("Pulsar producer").doc("How long the client waits for the broker to answer a "
                            + "request such as a lookup or creating a producer or consumer before it fails "
                            + "it.").build())
            .field(ConfigField.builder(LISTENERS, ConfigType.STRING).defaultValue("http://127.0.0.1:8083")
                    .group("Worker").doc("Where REST and /metrics listen. Binds the loopback address by default; "
                            + "use http://0.0.0.0:8083 to listen on every interface (which needs "
                            + REST_AUTH_BASIC_FILE + "), or https://HOST:PORT with " + REST_SSL_KEYSTORE_LOCATION
                            + " for TLS.").build())
            .field(ConfigField.builder(OFFSET_STORE, ConfigType.STRING).defaultValue("file")
                    .group("Offsets").doc("The offset store: memory, file, or another installed store. Its own keys "
                            + "are offset.<store>.<key>.").build())
            .field(ConfigField.builder(DATA_DIR, ConfigType.STRING).defaultValue("data")
                    .group("Worker").doc("Where the worker keeps local state, such as the file offset store. "
                            + "A relative path is relative to the installation when run by bin/connect-runtime, "
                            + "else to the working directory.").build())
            .field(ConfigField.builder(OFFSET_FLUSH_INTERVAL, ConfigType.LONG).defaultValue("10000")
                    .validator(Validators.atLeast(10))
                    .group("Offsets").doc("How often, in milliseconds, acknowledged offsets are committed. A crash "
                            + "repeats at most the records acknowledged since the last commit.").build())
            .field(ConfigField.builder(EXACTLY_ONCE_SOURCE_SUPPORT, ConfigType.ENUM).defaultValue("disabled")
                    .enumValues("disabled", "enabled")
                    .group("Exactly once").doc("Kafka Connect's KIP-618 key. disabled: at-least-once delivery, where a"
                            + " crash repeats the records acknowledged since the last commit. enabled: records and"
                            + " their offsets are written in one Pulsar transaction per task and commit interval,"
                            + " and a restarted or moved task fences its older copies, so readers see each record"
                            + " once; it needs offset.store=pulsar and a broker with"
                            + " transactionCoordinatorEnabled=true, both checked at start-up. See docs/concepts.md,"
                            + " \"Exactly once\".").build())
            .field(ConfigField.builder(EXACTLY_ONCE_TRANSACTION_TIMEOUT, ConfigType.LONG).defaultValue("60000")
                    .validator(Validators.atLeast(1000))
                    .group("Exactly once").doc("How long, in milliseconds, the broker keeps a transaction open before it"
                            + " aborts it. A crashed worker's open transaction holds back every reader of its topics"
                            + " (readers see nothing past it) until it aborts, so this bounds that stall, and a"
                            + " successor of the crashed task waits for it before it starts. It must be longer than "
                            + OFFSET_FLUSH_INTERVAL + ": a transaction lasts one commit interval, at most half of"
                            + " this timeout.").build())
            .field(ConfigField.builder(WORKER_THREADS, ConfigType.INT).defaultValue("16")
                    .validator(Validators.between(1, 1024))
                    .group("Worker").doc("The most tasks that run at once. A task beyond this waits, UNASSIGNED, "
                            + "for a free thread.").build())
            .field(ConfigField.builder(PLUGIN_PATH, ConfigType.LIST).defaultValue("")
                    .group("Worker").doc("Comma-separated directories of plugins. Each sub-directory or jar in them "
                            + "is one plugin with its own class loader. Relative paths resolve like data.dir. When "
                            + "empty, the installation's plugins/ directory when run by bin/connect-runtime, else none.")
                    .build())
            .field(ConfigField.builder(RESTART_BACKOFF_INITIAL, ConfigType.LONG).defaultValue("1000")
                    .validator(Validators.atLeast(0))
                    .group("Worker").doc("The wait, in milliseconds, before a failed task's first restart; it "
                            + "doubles at each further failure.").build())
            .field(ConfigField.builder(RESTART_BACKOFF_MAX, ConfigType.LONG).defaultValue("60000")
                    .validator(Validators.atLeast(0))
                    .group("Worker").doc("The longest wait, in milliseconds, between restarts of a failed task.").build())
            .field(ConfigField.builder(RESTART_MAX_ATTEMPTS, ConfigType.INT).defaultValue("10")
                    .validator(Validators.atLeast(0))
                    .group("Worker").doc("How many times a failed task is restarted before it stays FAILED. "
                            + "0 never restarts it. A task that runs for a minute without failing starts counting again.").build())
            .field(ConfigField.builder(SHUTDOWN_TIMEOUT, ConfigType.LONG).defaultValue("10000")
                    .validator(Validators.atLeast(0))
                    .group("Worker").doc("How long, in milliseconds, a stopping task may take to flush its records "
                            + "and commit its offsets.").build())
            .field(ConfigField.builder(REST_AUTH_BASIC_FILE, ConfigType.STRING).defaultValue("")
                    .group("REST").doc("A properties file of user=password lines, as Kafka Connect's basic auth "
                            + "extension reads. When set, every HTTP request, /metrics included, needs HTTP basic "
                            + "authentication as one of these users; others get 401. Empty turns authentication off. "
                            + "Keep the file readable by the worker's user only. Relative paths resolve like data.dir.")
                    .build())
            .field(ConfigField.builder(REST_SSL_KEYSTORE_LOCATION, ConfigType.STRING).defaultValue("")
                    .group("REST").doc("The key store with the certificate and private key of an https:// listener. "
                            + "Required when listeners is https://, unused otherwise. Relative paths resolve like "
                            + "data.dir.").build())
            .field(ConfigField.builder(REST_SSL_KEYSTORE_PASSWORD, ConfigType.PASSWORD)
                    .group("REST").doc("The password of the key store in " + REST_SSL_KEYSTORE_LOCATION + ".").build())
            .field(ConfigField.builder(REST_SSL_KEYSTORE_TYPE, ConfigType.STRING).defaultValue("PKCS12")
                    .group("REST").doc("The type of the key store: PKCS12 or JKS.").build())
            .field(ConfigField.builder(REST_SSL_KEY_PASSWORD, ConfigType.PASSWORD)
                    .group("REST").doc("The password of the private key in the key store; when unset, the key "
                            + "store's password.").build())
            // What a REST caller may point the worker at (ConnectorConfigPolicy).
            .field(ConfigField.builder(ConnectorConfigPolicy.ALLOWED_HOSTS, ConfigType.LIST)
                    .defaultValue(String.join(",", ConnectorConfigPolicy.DEFAULT_ALLOWED_HOSTS))
                    .group("Connector policy").doc("The hosts that endpoint keys of a connector config sent over REST "
                            + "may name (such as the Kinesis connector's awsEndpoint, stsEndpoint and proxyHost): host "
                            + "names or addresses, where a * label stands for one label (kinesis.*.example.com), a {region} "
                            + "label for one AWS region (kinesis.{region}.amazonaws.com) and a leading *. for any number "
                            + "(*.corp.example); * alone allows any host. The default is AWS's "
                            + "Kinesis and STS endpoints, with their FIPS, dual-stack and VPC endpoint forms. "
                            + "Only values that differ from the stored ones are checked; connector files given at "
                            + "start are not. Add a VPC endpoint's host, or 127.0.0.1 for a local emulator.").build())
            .field(ConfigField.builder(ConnectorConfigPolicy.ALLOWED_PATHS, ConfigType.LIST).defaultValue("")
                    .group("Connector policy").doc("The directories under which file keys of a connector config sent "
                            + "over REST may point (such as the Kinesis connector's webIdentityTokenFile). Empty: no "
                            + "file path from REST. Relative entries resolve like data.dir.").build())
            .field(ConfigField.builder(ConnectorConfigPolicy.LOCKED_KEYS, ConfigType.LIST)
                    .defaultValue(String.join(",", ConnectorConfigPolicy.DEFAULT_LOCKED_KEYS.stream().sorted().toList()))
                    .group("Connector policy").doc("Connector keys that a REST caller may not change from their stored "
                            + "value (or, for a new connector, from their default). Only connector files given at start "
                            + "set them.").build())
            .field(ConfigField.builder(REST_ALLOWED_HOSTS, ConfigType.LIST).defaultValue("")
                    .group("REST").doc("Comma-separated host names or addresses (no port) that clients may name in "
                            + "the HTTP Host header, against DNS rebinding; others get 403. A loopback listener "
                            + "always answers to localhost, 127.0.0.0/8 and [::1], plus these. Another listener "
                            + "answers to these when set, else to any name.").build())
            .field(ConfigField.builder(REST_ALLOWED_ORIGINS, ConfigType.LIST).defaultValue("")
                    .group("REST").doc("Comma-separated browser origins, such as https://console.example.com, "
                            + "that may call the REST API from a web page. A request with any other Origin header, "
                            + "or with Sec-Fetch-Site: cross-site, gets 403, which stops cross-site requests "
                            + "(CSRF). Empty, the default, refuses every browser page; command-line clients send no "
                            + "Origin and are not affected.").build())
            .field(ConfigField.builder(GROUP_ID, ConfigType.STRING).defaultValue("")
                    .group("Worker group").doc("The name of the worker group this worker joins; empty, the default, "
                            + "runs standalone. Workers with the same group.id on one Pulsar cluster share their "
                            + "connectors and tasks (see docs/distributed.md). In a group, offset.store defaults to "
                            + "pulsar, and stores that keep offsets on one machine (file, memory) are refused.").build())
            .field(ConfigField.builder(GROUP_NAMESPACE, ConfigType.STRING).defaultValue("")
                    .group("Worker group").doc("The Pulsar namespace (tenant/namespace) of the group's topics; "
                            + "empty: public/tributary-<group.id>. Created when missing.").build())
            .field(ConfigField.builder(GROUP_ADMIN_URL, ConfigType.STRING).defaultValue("")
                    .group("Worker group").doc("The Pulsar admin (HTTP) URL the group's namespace and topics are set "
                            + "up through; empty: derived from pulsar.service.url when that uses the default port "
                            + "(6650 gives http://host:8080, 6651 gives https://host:8443), otherwise required.").build())
            .field(ConfigField.builder(GROUP_MEMBERSHIP_CHECK_INTERVAL, ConfigType.LONG).defaultValue("2000")
                    .validator(Validators.atLeast(100))
                    .group("Worker group").doc("How often, in milliseconds, the group's leader lists the members and "
                            + "reassigns the work of those that left, and each worker asks the broker whether it "
                            + "leads (in case it missed the broker's notice). Shorter moves tasks sooner after a "
                            + "worker dies, at the cost of more admin calls.").build())
            .field(ConfigField.builder(GROUP_CONNECTION_CHECK_INTERVAL, ConfigType.LONG).defaultValue("1000")
                    .validator(Validators.atLeast(100))
                    .group("Worker group").doc("How often, in milliseconds, a worker looks at its connection to "
                            + "Pulsar; a worker cut off stops its tasks at the next look.").build())
            .rule((config, problems) -> {
                String group = config.getString(GROUP_ID);
                if (group == null || group.isBlank()) {
                    return;
                }
                try {
                    GroupTopics.of(group, config.getString(GROUP_NAMESPACE));
                } catch (ConfigException e) {
                    // GroupTopics words each problem "key: problem"; keep the key it names.
                    e.problems().forEach(p -> {
                        int colon = p.indexOf(": ");
                        problems.add(colon > 0 ? p.substring(0, colon) : GROUP_ID, colon > 0 ? p.substring(colon + 2) : p);
                    });
                }
                String store = config.getString(OFFSET_STORE);
                if ("file".equals(store) || "memory".equals(store)) {
                    problems.add(OFFSET_STORE, "'" + store + "' keeps offsets on one worker, but in a group (group.id '"
                            + group.trim() + "') a task moves between workers; set offset.store to pulsar (the "
                            + "default in a group) or jdbc, or remove group.id to run standalone");
                }
                String admin = config.getString(GROUP_ADMIN_URL);
                String serviceUrl = config.getString(PULSAR_SERVICE_URL);
                if ((admin == null || admin.isBlank()) && GroupAdmin.defaultAdminUrl(serviceUrl).isEmpty()) {
                    problems.add(GROUP_ADMIN_URL, "is required in a group when pulsar.service.url ('" + serviceUrl
                            + "') does not use the default port; set it to the broker's admin URL, such as "
                            + "http://broker:8080");
                }
            })
            .rule((config, problems) -> {
                String listener = config.getString(LISTENERS);
                String users = config.getString(REST_AUTH_BASIC_FILE);
                if (listener != null && (users == null || users.isBlank()) && !isLoopbackListener(listener)) {
                    problems.add(REST_AUTH_BASIC_FILE, "is required when listeners ('" + listener + "') is not a "
                            + "loopback address: anyone who can reach the port could run connectors. Name a file of "
                            + "user=password lines, or set listeners to http://127.0.0.1:PORT");
                }
            })
            .rule((config, problems) -> {
                if (!"enabled".equalsIgnoreCase(config.getString(EXACTLY_ONCE_SOURCE_SUPPORT))) {
                    return;
                }
                String store = config.getString(OFFSET_STORE);
                if (store != null && !WorkerExactlyOnce.TRANSACTIONAL_STORE.equals(store.trim())) {
                    problems.add(EXACTLY_ONCE_SOURCE_SUPPORT, "is enabled, but offset.store is '" + store.trim()
                            + "', which cannot commit offsets inside a Pulsar transaction; set offset.store="
                            + WorkerExactlyOnce.TRANSACTIONAL_STORE + ", or set " + EXACTLY_ONCE_SOURCE_SUPPORT
                            + "=disabled");
                }
                Long timeout = config.getLong(EXACTLY_ONCE_TRANSACTION_TIMEOUT);
                Long interval = config.getLong(OFFSET_FLUSH_INTERVAL);
                if (timeout != null && interval != null && timeout <= interval) {
                    problems.add(EXACTLY_ONCE_TRANSACTION_TIMEOUT, "is " + timeout + " ms, not more than "
                            + OFFSET_FLUSH_INTERVAL + " (" + interval + " ms): every transaction would time out before"
                            + " its commit; make it longer than " + OFFSET_FLUSH_INTERVAL + ", such as "
                            + Math.max(60_000, interval * 3));
                }
            })
            .rule((config, problems) -> {
                String listener = config.getString(LISTENERS);
                String keystore = config.getString(REST_SSL_KEYSTORE_LOCATION);
                if (listener != null && listener.trim().toLowerCase(Locale.ROOT).startsWith("https:")
                        && (keystore == null || keystore.isBlank())) {
                    problems.add(REST_SSL_KEYSTORE_LOCATION, "is required when listeners is https:// ('" + listener
                            + "'); name the key store with the listener's certificate");
                }
            })
            .build();

    /** Set by bin/connect-runtime to the installation, against which relative paths resolve. */
    public static final String HOME_PROPERTY = "tributary.home";

    /** The installation's directory of plugins, used when {@code plugin.path} is empty. */
    public static final String INSTALLATION_PLUGINS = "plugins";

    /**
     * A store's keys that, when the store declares them and {@value #STORE_SERVICE_URL} is unset,
     * take the worker's own Pulsar connection: a store that keeps offsets in Pulsar uses the
     * worker's Pulsar unless told otherwise.
     */
    public static final String STORE_SERVICE_URL = "service.url";
    public static final String STORE_AUTH_PLUGIN = "auth.plugin";
    public static final String STORE_AUTH_PARAMS = "auth.params";

    private final Config config;
    private final Map<String, Map<String, String>> storeConfigs;
    private final Path baseDir;
    private final Optional<Path> home;

    private WorkerConfig(Config config, Map<String, Map<String, String>> storeConfigs, Path baseDir,
            Optional<Path> home) {
        this.config = config;
        this.storeConfigs = storeConfigs;
        this.baseDir = baseDir;
        this.home = home;
    }

    /** Reads a worker config file, then applies environment overrides. */
    public static WorkerConfig load(Path file, Map<String, String> env) {
        requireNonNull(file, "file is null");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": worker config file not found");
        }
        Map<String, String> flat = new TreeMap<>(readFlat(file));
        for (ConfigField field : SCHEMA.fields()) {
            String value = env.get(envName(field.name()));
            if (value != null) {
                flat.put(field.name(), value);
            }
        }
        return fromMap(flat);
    }

    /**
     * Validates a flat map of keys; every problem is reported at once. Relative paths resolve
     * against the installation named by the {@value #HOME_PROPERTY} system property, if set.
     */
    public static WorkerConfig fromMap(Map<String, String> flat) {
        String home = System.getProperty(HOME_PROPERTY);
        return fromMap(flat, home == null || home.isBlank() ? Optional.empty() : Optional.of(Paths.get(home)));
    }

    /** As {@link #fromMap(Map)}, run from the installation {@code home}, or from none. */
    static WorkerConfig fromMap(Map<String, String> flat, Optional<Path> home) {
        Map<String, String> own = new LinkedHashMap<>();
        Map<String, Map<String, String>> stores = new LinkedHashMap<>();
        String group = flat.getOrDefault(GROUP_ID, "");
        if (!group.isBlank() && !flat.containsKey(OFFSET_STORE)) {
            // A group's tasks move between workers: their offsets must be where every worker reads them.
            flat = new LinkedHashMap<>(flat);
            flat.put(OFFSET_STORE, GROUP_DEFAULT_OFFSET_STORE);
        }
        String chosenStore = flat.getOrDefault(OFFSET_STORE, "file").trim();
        for (Map.Entry<String, String> e : flat.entrySet()) {
            String key = e.getKey();
            // Only the chosen store's keys are set aside; any other offset.* key is checked, so a typo gets a hint.
            if (key.startsWith("offset." + chosenStore + ".") && SCHEMA.field(key).isEmpty()) {
                String rest = key.substring("offset.".length());
                int dot = rest.indexOf('.');
                stores.computeIfAbsent(rest.substring(0, dot), k -> new LinkedHashMap<>())
                        .put(rest.substring(dot + 1), e.getValue());
            } else {
                own.put(key, e.getValue());
            }
        }
        Path base = home.orElseGet(() -> Paths.get("").toAbsolutePath());
        return new WorkerConfig(SCHEMA.parse(own), stores, base, home);
    }

    /** {@code pulsar.service.url} becomes {@code TRIBUTARY_PULSAR_SERVICE_URL}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Map<String, String> readFlat(Path file) {
        String name = file.getFileName().toString();
        ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false);
        com.typesafe.config.Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), options).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        Map<String, String> flat = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : parsed.entrySet()) {
            Object value = e.getValue().unwrapped();
            flat.put(e.getKey(), value instanceof List<?> list
                    ? String.join(",", list.stream().map(String::valueOf).toList())
                    : String.valueOf(value));
        }
        if (name.endsWith(".properties")) {
            // Typesafe reads dotted keys as paths, so "a=1" and "a.b=2" keep only a.b: say so instead of losing a key.
            List<String> lost = new ArrayList<>();
            for (String key : rawPropertyNames(file)) {
                if (!flat.containsKey(key)) {
                    lost.add(key + ": cannot be set together with keys that start with '" + key + ".'; remove one of them");
                }
            }
            if (!lost.isEmpty()) {
                throw new ConfigException(lost);
            }
        }
        return flat;
    }

    private static List<String> rawPropertyNames(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return properties.stringPropertyNames().stream().sorted().toList();
    }

    public String pulsarServiceUrl() {
        return config.getString(PULSAR_SERVICE_URL);
    }

    public String pulsarAuthPlugin() {
        return config.getString(PULSAR_AUTH_PLUGIN);
    }

    /** The authentication parameters; null when unset. Never log the value. */
    public Password pulsarAuthParams() {
        return config.getPassword(PULSAR_AUTH_PARAMS);
    }

    public boolean producerBatching() {
        return config.getBoolean(PRODUCER_BATCHING);
    }

    public Duration producerBatchDelay() {
        return config.getDuration(PRODUCER_BATCH_DELAY);
    }

    public int producerBatchMessages() {
        return config.getInt(PRODUCER_BATCH_MESSAGES);
    }

    public int producerBatchBytes() {
        return config.getInt(PRODUCER_BATCH_BYTES);
    }

    public String producerCompression() {
        return config.getString(PRODUCER_COMPRESSION);
    }

    public int producerMaxPending() {
        return config.getInt(PRODUCER_MAX_PENDING);
    }

    public Duration producerSendTimeout() {
        return config.getDuration(PRODUCER_SEND_TIMEOUT);
    }

    public long clientMemoryLimitBytes() {
        return config.getLong(CLIENT_MEMORY_LIMIT);
    }

    /** {@value #CLIENT_KEEP_ALIVE}, at least one second. */
    public Duration clientKeepAlive() {
        return config.getDuration(CLIENT_KEEP_ALIVE);
    }

    /** {@value #CLIENT_OPERATION_TIMEOUT}, at least one second. */
    public Duration clientOperationTimeout() {
        return config.getDuration(CLIENT_OPERATION_TIMEOUT);
    }

    public String listeners() {
        return config.getString(LISTENERS);
    }

    /** {@code group.id}: empty in standalone mode. */
    public Optional<String> groupId() {
        String id = config.getString(GROUP_ID);
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(id.trim());
    }

    /** The group's topics; only in group mode. */
    public GroupTopics groupTopics() {
        return GroupTopics.of(groupId().orElseThrow(() -> new IllegalStateException("group.id is not set")),
                config.getString(GROUP_NAMESPACE));
    }

    /** {@code group.admin.url}, or the one derived from {@code pulsar.service.url}. */
    public String groupAdminUrl() {
        String admin = config.getString(GROUP_ADMIN_URL);
        if (admin != null && !admin.isBlank()) {
            return admin.trim();
        }
        return GroupAdmin.defaultAdminUrl(pulsarServiceUrl()).orElseThrow(() -> new ConfigException(
                GROUP_ADMIN_URL + ": is required when pulsar.service.url does not use the default port"));
    }

    public Duration groupMembershipCheckInterval() {
        return Duration.ofMillis(config.getLong(GROUP_MEMBERSHIP_CHECK_INTERVAL));
    }

    public Duration groupConnectionCheckInterval() {
        return Duration.ofMillis(config.getLong(GROUP_CONNECTION_CHECK_INTERVAL));
    }

    public String offsetStore() {
        return config.getString(OFFSET_STORE);
    }

    /** The offset store's own keys: those written {@code offset.<store>.<key>}, without the prefix. */
    public Map<String, String> offsetStoreConfig() {
        return Map.copyOf(storeConfigs.getOrDefault(offsetStore(), Map.of()));
    }

    /**
     * The offset store's own keys, completed for a store of this schema: when it declares
     * {@value #STORE_SERVICE_URL} and the operator left it unset, the worker's
     * {@code pulsar.service.url}, and with it the worker's authentication unless
     * {@code offset.<store>.auth.plugin} is set.
     */
    public Map<String, String> offsetStoreConfig(ConfigSchema storeSchema) {
        requireNonNull(storeSchema, "storeSchema is null");
        Map<String, String> result = new LinkedHashMap<>(offsetStoreConfig());
        if (storeSchema.field(STORE_SERVICE_URL).isEmpty() || !isBlank(result.get(STORE_SERVICE_URL))) {
            return Map.copyOf(result);
        }
        result.put(STORE_SERVICE_URL, pulsarServiceUrl());
        // The worker's credentials belong to the worker's Pulsar: they follow its URL, never another one.
        if (storeSchema.field(STORE_AUTH_PLUGIN).isPresent() && isBlank(result.get(STORE_AUTH_PLUGIN))
                && !pulsarAuthPlugin().isBlank()) {
            result.put(STORE_AUTH_PLUGIN, pulsarAuthPlugin());
            if (storeSchema.field(STORE_AUTH_PARAMS).isPresent() && pulsarAuthParams() != null) {
                result.put(STORE_AUTH_PARAMS, pulsarAuthParams().value());
            }
        }
        return Map.copyOf(result);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** {@code data.dir}, resolved against the installation (or the working directory) when relative. */
    public Path dataDir() {
        return baseDir.resolve(config.getString(DATA_DIR));
    }

    public Duration offsetFlushInterval() {
        return Duration.ofMillis(config.getLong(OFFSET_FLUSH_INTERVAL));
    }

    /** {@code exactly.once.source.support} with {@code offset.store}, against which connectors are checked. */
    public WorkerExactlyOnce exactlyOnce() {
        return new WorkerExactlyOnce("enabled".equalsIgnoreCase(config.getString(EXACTLY_ONCE_SOURCE_SUPPORT)), offsetStore());
    }

    /** {@code exactly.once.transaction.timeout.ms}. */
    public Duration exactlyOnceTransactionTimeout() {
        return Duration.ofMillis(config.getLong(EXACTLY_ONCE_TRANSACTION_TIMEOUT));
    }

    public int workerThreads() {
        return config.getInt(WORKER_THREADS);
    }

    /**
     * {@code plugin.path}, resolved like {@code data.dir}; when empty, the installation's
     * {@code plugins/} directory if run from an installation that has one, else no directory.
     */
    public List<Path> pluginPath() {
        List<String> configured = config.getList(PLUGIN_PATH).stream().filter(p -> !p.isBlank()).toList();
        if (!configured.isEmpty()) {
            return configured.stream().map(p -> baseDir.resolve(p.trim())).toList();
        }
        return home.map(h -> h.resolve(INSTALLATION_PLUGINS)).filter(Files::isDirectory).map(List::of)
                .orElse(List.of());
    }

    public Duration restartBackoffInitial() {
        return Duration.ofMillis(config.getLong(RESTART_BACKOFF_INITIAL));
    }

    public Duration restartBackoffMax() {
        return Duration.ofMillis(config.getLong(RESTART_BACKOFF_MAX));
    }

    public int restartMaxAttempts() {
        return config.getInt(RESTART_MAX_ATTEMPTS);
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT));
    }

    /** {@code rest.auth.basic.file}, resolved like {@code data.dir}; empty when authentication is off. */
    public Optional<Path> restBasicAuthFile() {
        String file = config.getString(REST_AUTH_BASIC_FILE);
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(baseDir.resolve(file.trim()));
    }

    /** {@code rest.allowed.hosts} and {@code rest.allowed.origins}. */
    public RequestOrigins restAllowedOrigins() {
        return RequestOrigins.of(config.getList(REST_ALLOWED_HOSTS), config.getList(REST_ALLOWED_ORIGINS));
    }

    /** Whether {@code listeners} binds a loopback address; false when it cannot be parsed (reported elsewhere). */
    private static boolean isLoopbackListener(String listener) {
        try {
            return ListenerAddress.parse(listener).isLoopback();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** The key store of an https:// listener; empty when {@code rest.ssl.keystore.location} is unset. */
    public Optional<TlsKeystore> restKeystore() {
        String location = config.getString(REST_SSL_KEYSTORE_LOCATION);
        if (location == null || location.isBlank()) {
            return Optional.empty();
        }
        Password password = Optional.ofNullable(config.getPassword(REST_SSL_KEYSTORE_PASSWORD)).orElse(new Password(""));
        Password keyPassword = Optional.ofNullable(config.getPassword(REST_SSL_KEY_PASSWORD)).orElse(password);
        return Optional.of(new TlsKeystore(baseDir.resolve(location.trim()), config.getString(REST_SSL_KEYSTORE_TYPE),
                password, keyPassword));
    }

    /** What a REST caller may point the worker at: {@code connector.policy.*}. */
    public ConnectorConfigPolicy connectorPolicy() {
        return new ConnectorConfigPolicy(config.getList(ConnectorConfigPolicy.ALLOWED_HOSTS),
                config.getList(ConnectorConfigPolicy.ALLOWED_PATHS).stream().map(p -> baseDir.resolve(p.trim())).toList(),
                java.util.Set.copyOf(config.getList(ConnectorConfigPolicy.LOCKED_KEYS)));
    }

    /** The settings with secrets masked, safe to log. */
    @Override
    public String toString() {
        return config.toString();
    }
}
