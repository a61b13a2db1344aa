package dev.tributary.runtime.worker;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps connector configs and target states in one JSON file, {@code connectors.json} in the
 * worker's {@code data.dir}:
 *
 * <pre>{@code
 * {"version":1,"connectors":[{"name":"orders","target_state":"STARTED","config":{"name":"orders",...}}]}
 * }</pre>
 *
 * <p>Durability, as the file offset store: every change writes the whole new state to a temporary
 * file in the same directory and forces it to disk; then renames the file to
 * {@code connectors.json.prev}, renames the temporary file to the file, and forces the directory.
 * After a crash the file, or between the two renames {@code connectors.json.prev}, holds the state
 * before or after the change, never a mix. When the file is missing, empty, cut short or not in
 * this format, the store opens with {@code connectors.json.prev} and logs a WARN naming the file it
 * used and what was wrong; when both are damaged, opening fails naming both and the fix. (The file
 * offset store in checkpoint-stores does the same; the two keep their own code, as that module may
 * depend on framework-api alone, and a file helper is not part of the connector SPI.)
 * The file holds secrets in clear text, so it is created readable by its owner only where the
 * file system allows. While open, the store locks {@code connectors.json.lock}, so two workers
 * cannot share it.
 *
 * <p>Threads: thread-safe; changes are serialized.
 */
public final class FileConnectorConfigStore implements ConnectorConfigStore {
    /** The file name in {@code data.dir}. */
    public static final String FILE_NAME = "connectors.json";
    private static final int VERSION = 1;
    private static final String TEMP_SUFFIX = ".tmp";
    /** The name suffix of the previous copy. */
    public static final String PREVIOUS_SUFFIX = ".prev";
    private static final Logger LOG = LoggerFactory.getLogger(FileConnectorConfigStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path directory;
    private final Path previous;
    private final String tempPrefix;
    private final FileChannel lockChannel;
    private final Map<String, StoredConnector> state;
    private boolean closed;
    /** Whether the file holds a good state, which the next change keeps as the previous copy. */
    private boolean fileIsGood;

    /**
     * Opens the store in {@code file}, creating its directory when missing.
     *
     * @throws ConfigException naming the file when it is in use by another worker, cannot be read,
     *     is damaged (or missing) with no whole previous copy, or was written by a newer Tributary
     */
    public FileConnectorConfigStore(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath().normalize();
        this.directory = this.file.getParent();
        this.previous = directory.resolve(this.file.getFileName() + PREVIOUS_SUFFIX);
        this.tempPrefix = this.file.getFileName() + ".";
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ConfigException("data.dir: cannot create " + directory + " (" + describe(e)
                    + "); check that the worker's data.dir is writable");
        }
        this.lockChannel = lock();
        try {
            deleteLeftoverTempFiles();
            this.state = loadNewestGood();
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /** The file, as an absolute path. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Map<String, StoredConnector> load() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(state));
    }

    @Override
    public synchronized void put(String name, StoredConnector connector) {
        requireNonNull(name, "name is null");
        requireNonNull(connector, "connector is null");
        ensureOpen();
        Map<String, StoredConnector> next = new LinkedHashMap<>(state);
        next.put(name, connector);
        persist(next);
        state.clear();
        state.putAll(next);
    }

    @Override
    public synchronized void remove(String name) {
        ensureOpen();
        if (!state.containsKey(name)) {
            return;
        }
        Map<String, StoredConnector> next = new LinkedHashMap<>(state);
        next.remove(name);
        persist(next);
        state.remove(name);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(lockChannel);
        }
    }

    static byte[] encode(Map<String, StoredConnector> connectors) {
        ObjectNode root = MAPPER.createObjectNode().put("version", VERSION);
        ArrayNode list = root.putArray("connectors");
        connectors.forEach((name, connector) -> {
            ObjectNode entry = list.addObject().put("name", name).put("target_state", connector.targetState().name());
            ObjectNode config = entry.putObject("config");
            connector.config().forEach(config::put);
        });
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            // A tree of strings always serializes.
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, StoredConnector> decode(byte[] content, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(content);
        } catch (IOException e) {
            throw damaged(what, "it is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw damaged(what, "it is not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version > VERSION) {
            throw new ConfigException(what + " was written by a newer Tributary (format version " + version
                    + "); run that version, or move the file away to start without stored connectors");
        }
        if (version != VERSION || !root.path("connectors").isArray()) {
            throw damaged(what, "it has no format version " + VERSION + " and connectors list");
        }
        Map<String, StoredConnector> connectors = new LinkedHashMap<>();
        for (JsonNode entry : root.path("connectors")) {
            String name = entry.path("name").asText("");
            TargetState target;
            try {
                target = TargetState.valueOf(entry.path("target_state").asText(""));
            } catch (IllegalArgumentException e) {
                throw damaged(what, "connector '" + name + "' has no valid target_state");
            }
            if (name.isEmpty() || !entry.path("config").isObject()) {
                throw damaged(what, "an entry has no name or no config");
            }
            Map<String, String> config = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : entry.path("config").properties()) {
                if (!field.getValue().isTextual()) {
                    throw damaged(what, "connector '" + name + "' has a config value that is not text: " + field.getKey());
                }
                config.put(field.getKey(), field.getValue().asText());
            }
            connectors.put(name, new StoredConnector(config, target));
        }
        return connectors;
    }

    private static ConfigException damaged(String what, String problem) {
        return new DamagedFileException(what + " is damaged: " + problem + ". Restore it from a backup, or move it"
                + " away to start without stored connectors", problem);
    }

    /** The content is damaged, as opposed to written by a newer Tributary, so an older copy may stand in. */
    static final class DamagedFileException extends ConfigException {
        private static final long serialVersionUID = 1L;
        private final String problem;

        DamagedFileException(String message, String problem) {
            super(message);
            this.problem = problem;
        }

        /** What is wrong, without the file's name or the fix. */
        String problem() {
            return problem;
        }
    }

    private Map<String, StoredConnector> loadNewestGood() {
        Loaded newest = read(file, "connector file " + file);
        if (newest.connectors() != null) {
            fileIsGood = true;
            return newest.connectors();
        }
        Loaded older = read(previous, "previous copy " + previous);
        if (newest.missing()) {
            if (older.missing()) {
                return new LinkedHashMap<>();
            }
            if (older.connectors() != null) {
                LOG.warn("connector file {} is missing; using its previous copy {}, as a change interrupted between its"
                        + " two renames leaves them. To start without stored connectors instead, stop the worker and"
                        + " move {} away too", file, previous, previous);
                return older.connectors();
            }
            throw new ConfigException("connector file " + file + " is missing and its previous copy " + previous
                    + " is damaged (" + older.damage().problem() + "). Restore " + file + " from a backup, or move "
                    + previous + " away to start without stored connectors");
        }
        if (older.missing()) {
            throw newest.damage();
        }
        if (older.connectors() == null) {
            throw new ConfigException("connector file " + file + " is damaged (" + newest.damage().problem()
                    + ") and so is its previous copy " + previous + " (" + older.damage().problem() + "). Restore "
                    + file + " from a backup, or move both files away to start without stored connectors");
        }
        LOG.warn("connector file {} is damaged ({}); using its previous copy {} instead, which holds the connectors"
                + " as they were before the last change to them. The next change replaces the damaged file", file,
                newest.damage().problem(), previous);
        return older.connectors();
    }

    /** A file as read: its connectors, or the damage that kept it from decoding, or neither when it is missing. */
    private record Loaded(Map<String, StoredConnector> connectors, DamagedFileException damage) {
        boolean missing() {
            return connectors == null && damage == null;
        }
    }

    private static Loaded read(Path path, String what) {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new Loaded(null, null);
        } catch (IOException e) {
            throw new ConfigException("cannot read the " + what + " (" + describe(e)
                    + "); check that the worker may read it");
        }
        try {
            return new Loaded(new LinkedHashMap<>(decode(content, what)), null);
        } catch (DamagedFileException e) {
            return new Loaded(null, e);
        }
    }

    private void persist(Map<String, StoredConnector> next) {
        byte[] content = encode(next);
        Path temp = null;
        try {
            temp = createOwnerOnlyTempFile();
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename makes it the file, or a crash could leave an empty file in its place.
                channel.force(true);
            }
            if (fileIsGood && Files.isRegularFile(file)) {
                // From here to the next rename the file is missing, and the previous copy holds the state.
                Files.move(file, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            fileIsGood = true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write connector file " + file + " (" + describe(e)
                    + "); check that " + directory + " is writable and has free space. The connectors stored before"
                    + " still hold", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // The next open deletes it.
                }
            }
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            // Makes the rename durable: it lives in the directory, which the file's own force does not cover.
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; there the rename is as durable as they make it.
        }
    }

    private Path createOwnerOnlyTempFile() throws IOException {
        try {
            return Files.createTempFile(directory, tempPrefix, TEMP_SUFFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own permissions protect the file.
            return Files.createTempFile(directory, tempPrefix, TEMP_SUFFIX);
        }
    }

    private FileChannel lock() {
        Path lockFile = directory.resolve(file.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ConfigException("data.dir: cannot open lock file " + lockFile + " (" + describe(e)
                    + "); check that " + directory + " is writable");
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("data.dir: cannot lock " + lockFile + " (" + describe(e)
                    + "); keep data.dir on a local disk that supports file locks");
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ConfigException("data.dir: " + file + " is in use by another worker (" + lockFile
                    + " is locked); give each worker its own data.dir, or stop the other worker first");
        }
        return channel;
    }

    private void deleteLeftoverTempFiles() {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, path -> {
            String name = path.getFileName().toString();
            return name.length() > tempPrefix.length() + TEMP_SUFFIX.length()
                    && name.startsWith(tempPrefix) && name.endsWith(TEMP_SUFFIX);
        })) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            throw new ConfigException("data.dir: cannot delete the temporary files an interrupted write of " + file
                    + " left in " + directory + " (" + describe(e) + "); check that the directory is writable");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the connector file store of " + file + " is closed");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing only releases the lock, which the OS also releases when the process ends.
        }
    }
}
