package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pulsar.client.api.PulsarClient;

/**
 * The {@code pulsar} offset store: every connector's offsets in one compacted Pulsar topic, read
 * through a TableView, shared by every worker that names the same topic. See {@link PulsarOffsetStore}
 * for the record layout, atomicity and the fencing rule.
 */
public final class PulsarOffsetStoreProvider implements OffsetStoreProvider {
    /** The value of {@code offset.store} that chooses this store. */
    public static final String NAME = "pulsar";
    public static final String SERVICE_URL = "service.url";
    public static final String TOPIC = "topic";
    public static final String ADMIN_URL = "admin.url";
    public static final String AUTH_PLUGIN = "auth.plugin";
    public static final String AUTH_PARAMS = "auth.params";
    public static final String OPERATION_TIMEOUT = "operation.timeout";
    public static final String COMPACTION_THRESHOLD = "compaction.threshold.bytes";

    private static final String GROUP = "Offset store: pulsar";

    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(SERVICE_URL, ConfigType.STRING).defaultValue("")
                    .validator(Validators.custom("empty, or a pulsar:// or pulsar+ssl:// URL",
                            v -> v.toString().isBlank() || v.toString().matches("pulsar(\\+ssl)?://.+"),
                            "must be a pulsar:// or pulsar+ssl:// URL, such as pulsar://127.0.0.1:6650"))
                    .group(GROUP)
                    .doc("The Pulsar cluster that keeps the offsets, such as pulsar://127.0.0.1:6650. When empty,"
                            + " a worker gives the store its own pulsar.service.url, with its pulsar.auth.plugin and"
                            + " pulsar.auth.params unless offset.pulsar.auth.plugin is set.")
                    .build())
            .field(ConfigField.builder(TOPIC, ConfigType.STRING)
                    .defaultValue("persistent://public/default/__tributary_offsets")
                    .validator(Validators.matches("persistent://[^/\\s]+/[^/\\s]+/[^/\\s]+",
                            "a topic name of the form persistent://tenant/namespace/topic"))
                    .group(GROUP)
                    .doc("The compacted topic that holds the offsets. Every worker that names the same topic"
                            + " shares its offsets; a worker that takes over a connector fences the one before it.")
                    .build())
            .field(ConfigField.builder(ADMIN_URL, ConfigType.STRING).defaultValue("")
                    .validator(Validators.custom("empty, or an http:// or https:// URL",
                            v -> v.toString().isBlank() || v.toString().matches("https?://.+"),
                            "must be an http:// or https:// URL, such as http://127.0.0.1:8080"))
                    .group(GROUP)
                    .doc("The Pulsar admin URL. When set, the store creates a missing topic with a compaction"
                            + " threshold and runs compaction once, so that offsets are kept until compacted."
                            + " When empty, the broker creates the topic on first use and the operator sets its"
                            + " compaction.")
                    .build())
            .field(ConfigField.builder(AUTH_PLUGIN, ConfigType.STRING).defaultValue("")
                    .group(GROUP)
                    .doc("Class name of the Pulsar authentication plugin, such as"
                            + " org.apache.pulsar.client.impl.auth.AuthenticationToken. Empty for none.")
                    .build())
            .field(ConfigField.builder(AUTH_PARAMS, ConfigType.PASSWORD)
                    .group(GROUP)
                    .doc("Parameters of the authentication plugin, such as token:<jwt>. Masked everywhere.")
                    .build())
            .field(ConfigField.builder(OPERATION_TIMEOUT, ConfigType.DURATION).defaultValue("30s")
                    .validator(Validators.atLeast(Duration.ofMillis(100)))
                    .group(GROUP)
                    .doc("How long opening the store, a lookup or a write may wait for the broker before it"
                            + " fails. The worker retries a commit that failed.")
                    .build())
            .field(ConfigField.builder(COMPACTION_THRESHOLD, ConfigType.LONG).defaultValue("4194304")
                    .validator(Validators.atLeast(0))
                    .group(GROUP)
                    .doc("The backlog, in bytes, past which the broker compacts a topic that this store"
                            + " created (with admin.url set). 0 leaves compaction to the namespace's policy.")
                    .build())
            .build();

    private final OffsetCodec codec = new OffsetCodec();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    /**
     * Connects to Pulsar and reads the topic to its end. {@code dataDir} is not used.
     *
     * @throws ConfigException when a key is invalid, or {@code service.url} is empty
     * @throws dev.tributary.api.offset.OffsetStoreException when the broker cannot be reached or the
     *         topic cannot be read
     */
    @Override
    public OffsetStore open(Map<String, String> config, Path dataDir) {
        Config parsed = SCHEMA.parse(requireNonNull(config, "config is null"));
        if (parsed.getString(SERVICE_URL).isBlank()) {
            // A worker always fills it in; only a host that passes the keys as they are gets here.
            throw new ConfigException(SERVICE_URL + ": is required; set it to the Pulsar cluster that keeps the"
                    + " offsets, such as pulsar://127.0.0.1:6650");
        }
        return PulsarOffsetStore.open(settings(parsed, parsed.getString(SERVICE_URL)), codec);
    }

    /**
     * Opens the store over a client that the host owns and keeps open, such as the client a
     * Pulsar Functions instance gives its source; {@link OffsetStore#close()} leaves it open.
     * {@code service.url}, {@code auth.plugin} and {@code auth.params} are not used: the client
     * already says where and as whom. Called once per host start, from the host's thread.
     *
     * @param client an open client, owned by the caller
     * @param config the store's other keys ({@code topic}, {@code admin.url}, ...), validated here
     * @param clusterName how messages name the cluster, such as the function's cluster
     * @throws ConfigException when a key is invalid
     * @throws dev.tributary.api.offset.OffsetStoreException when the topic cannot be read
     */
    public OffsetStore openWith(PulsarClient client, Map<String, String> config, String clusterName) {
        requireNonNull(client, "client is null");
        requireNonNull(clusterName, "clusterName is null");
        Config parsed = SCHEMA.parse(requireNonNull(config, "config is null"));
        return PulsarOffsetStore.openWith(client, settings(parsed, clusterName), codec);
    }

    private static PulsarOffsetStore.Settings settings(Config parsed, String serviceUrl) {
        return new PulsarOffsetStore.Settings(
                serviceUrl,
                parsed.getString(TOPIC),
                parsed.getString(ADMIN_URL),
                parsed.getString(AUTH_PLUGIN),
                parsed.getPassword(AUTH_PARAMS),
                parsed.getDuration(OPERATION_TIMEOUT),
                parsed.getLong(COMPACTION_THRESHOLD));
    }
}
