package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Validators;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code file} offset store: every connector's offsets in one JSON file on the worker's disk.
 * See {@link FileOffsetStore}.
 */
public final class FileOffsetStoreProvider implements OffsetStoreProvider {
    /** The value of {@code offset.store} that chooses this store. */
    public static final String NAME = "file";
    /** The key of the offset file's path. */
    public static final String FILE = "file";

    private static final ConfigSchema SCHEMA = ConfigSchema.builder()
            .field(ConfigField.builder(FILE, ConfigType.STRING)
                    .defaultValue("offsets.json")
                    .validator(Validators.custom("a file path", FileOffsetStoreProvider::isPath,
                            "is not a valid file path"))
                    .doc("The JSON file that holds every connector's committed offsets. A relative path is"
                            + " resolved against the worker's data.dir. Each commit rewrites the whole file and"
                            + " renames it into place, keeping the state before as <file>.prev, which the store"
                            + " opens with when the file is damaged; keep it on a local disk. The store also"
                            + " creates <file>.lock next to it, so that no two workers share one file.")
                    .group("Offset store")
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
     * Opens the store in the configured file, resolved against {@code dataDir} when relative.
     *
     * @throws dev.tributary.api.offset.OffsetStoreException as {@link FileOffsetStore#FileOffsetStore(Path, OffsetCodec)} does
     */
    @Override
    public OffsetStore open(Map<String, String> config, Path dataDir) {
        String file = SCHEMA.parse(requireNonNull(config, "config is null")).getString(FILE);
        return new FileOffsetStore(requireNonNull(dataDir, "dataDir is null").resolve(file), codec);
    }

    private static boolean isPath(Object value) {
        try {
            Path.of(value.toString());
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
