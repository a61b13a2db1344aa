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

/**
 * Keeps connector configs and target states in one JSON file, {@code connectors.json} in the
 * worker's {@code data.dir}:
 *
 * <pre>{@code
 * {"version":1,"connectors":[{"name":"orders","target_state":"STARTED","config":{"name":"orders",...}}]}
 * }</pre>
 *
 * <p>Durability, as the file offset store: every change writes the whole new state to a temporary
 * file in the same directory, forces it to disk, renames it atomically over the file and forces
 * the directory. After a crash the file holds the state before or after the change, never a mix.
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
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path directory;
    private final String tempPrefix;
    private final FileChannel lockChannel;
    private final Map<String, StoredConnector> state;
    private boolean closed;

    /**
     * Opens the store in {@code file}, creating its directory when missing.
     *
     * @throws ConfigException naming the file when it is in use by another worker, cannot be read,
     *     is damaged, or was written by a newer Tributary
     */
    public FileConnectorConfigStore(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath().normalize();
        this.directory = this.file.getParent();
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
            this.state = load(this.file);
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
        return new ConfigException(what + " is damaged: " + problem + ". Restore it from a backup, or move it away"
                + " to start without stored connectors");
    }

    private static Map<String, StoredConnector> load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new ConfigException("cannot read the connector file " + file + " (" + describe(e)
                    + "); check that the worker may read it");
        }
        return new LinkedHashMap<>(decode(content, "connector file " + file));
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
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
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
