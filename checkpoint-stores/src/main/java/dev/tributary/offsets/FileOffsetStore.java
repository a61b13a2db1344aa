package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.ScopedOffsetWriter;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.io.IOException;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every connector's offsets in one JSON file (see {@link OffsetCodec} for its format).
 *
 * <p>Durability: every change writes the whole new state to a temporary file in the same
 * directory and forces it to disk; then renames the offset file to {@code <file>.prev}, renames
 * the temporary file to the offset file, and forces the directory. Both renames are atomic, so a
 * crash at any point leaves a whole state in the offset file or, between the two renames, in
 * {@code <file>.prev}; never a mix. Temporary files a crash leaves behind are deleted when the
 * store opens. While open, the store holds a lock on {@code <file>.lock}, so no second worker can
 * use the same file.
 *
 * <p>Recovery: when the offset file is missing, empty, cut short or otherwise not a state
 * document, the store opens with {@code <file>.prev}, the state of the commit before, and logs a
 * WARN that names the file it used and what was wrong with the other. The next commit then
 * replaces the damaged file and keeps {@code <file>.prev} as it is. When both are damaged, opening
 * fails with a message that names both files and what to do. A file written by a newer Tributary
 * is not damage: opening fails, as rolling back to the previous copy would lose that version's
 * commits.
 *
 * <p>Scopes ({@link #openWriter}): a scope's writes and removals go into the connector's one
 * offset map, as connector-wide ones do, so the merged view is that map and the later call (in
 * the order this store applied them under its lock) wins, whichever scope or connector-wide call
 * made it. Fencing is within the process, which is enough: no other process can open the file
 * while this store holds its lock. The file's format does not change.
 *
 * <p>Threads: thread-safe. Changes are serialized by a lock; reads are served, without waiting,
 * from an immutable in-memory snapshot that a change replaces only once its file is in place.
 *
 * <p>Errors: {@link OffsetStoreException}, naming the file and what to do. A write that fails
 * leaves both the file and the snapshot as they were, so the worker can retry it.
 */
public final class FileOffsetStore implements OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileOffsetStore.class);
    private static final String TEMP_SUFFIX = ".tmp";
    /** The name suffix of the previous copy of the offset file. */
    public static final String PREVIOUS_SUFFIX = ".prev";

    private final Path file;
    private final Path previous;
    private final Path directory;
    private final String tempPrefix;
    private final OffsetCodec codec;
    private final ContentWriter contentWriter;
    private final FileChannel lockChannel;
    private final ReentrantLock changeLock = new ReentrantLock();
    private volatile Map<String, ConnectorOffsets> state;
    /** Whether the offset file holds a good state, which the next write keeps as the previous copy; guarded by changeLock. */
    private boolean fileIsGood;
    private volatile boolean closed;
    private final LocalScopedWriters scopes;

    /** Writes a temporary file's content; tests replace it to fail part-way through. */
    @FunctionalInterface
    interface ContentWriter {
        void write(FileChannel channel, ByteBuffer content) throws IOException;
    }

    /**
     * Opens the store kept in {@code file}, creating its directory when missing and starting
     * empty when the file does not exist yet.
     *
     * @throws OffsetStoreException when the file is in use by another store, cannot be read, is
     *         damaged (or missing) with no whole previous copy, or was written by a newer Tributary
     */
    public FileOffsetStore(Path file, OffsetCodec codec) {
        this(file, codec, FileOffsetStore::writeFully);
    }

    FileOffsetStore(Path file, OffsetCodec codec, ContentWriter contentWriter) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath().normalize();
        this.codec = requireNonNull(codec, "codec is null");
        this.contentWriter = requireNonNull(contentWriter, "contentWriter is null");
        if (this.file.getFileName() == null) {
            throw new OffsetStoreException("offset file " + this.file + " is a directory, not a file; name a file");
        }
        this.directory = this.file.getParent();
        this.previous = directory.resolve(this.file.getFileName() + PREVIOUS_SUFFIX);
        this.tempPrefix = this.file.getFileName() + ".";
        this.scopes = new LocalScopedWriters(this, "offset file " + this.file);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new OffsetStoreException("could not create the directory of offset file " + this.file + " ("
                    + describe(e) + "); check that the worker's data.dir is writable", e);
        }
        this.lockChannel = lock();
        try {
            // Only safe while this store holds the lock: another live writer's temporary file would look the same.
            deleteLeftoverTempFiles();
            this.state = load();
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /** The offset file, as an absolute path. */
    public Path file() {
        return file;
    }

    @Override
    public Map<SourcePartition, SourceOffset> read(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> wanted = List.copyOf(requireNonNull(partitions, "partitions is null"));
        return snapshot().getOrDefault(connector, ConnectorOffsets.NONE).select(wanted);
    }

    @Override
    public Map<SourcePartition, SourceOffset> readAll(String connector) {
        requireNonNull(connector, "connector is null");
        return snapshot().getOrDefault(connector, ConnectorOffsets.NONE).offsets();
    }

    @Override
    public void write(String connector, Map<SourcePartition, SourceOffset> batch) {
        requireNonNull(connector, "connector is null");
        // Copied before anything changes, so a batch that fails while being read changes nothing.
        Map<SourcePartition, SourceOffset> copy = Map.copyOf(requireNonNull(batch, "batch is null"));
        change(connector, current -> current.withWritten(copy));
    }

    @Override
    public void remove(String connector, Collection<SourcePartition> partitions) {
        requireNonNull(connector, "connector is null");
        List<SourcePartition> gone = List.copyOf(requireNonNull(partitions, "partitions is null"));
        change(connector, current -> current.withRemoved(gone));
    }

    /** True: only this process can use this store, and it fences within itself. */
    @Override
    public boolean fencesScopes() {
        return true;
    }

    @Override
    public ScopedOffsetWriter openWriter(String connector, String scope) {
        ensureOpen();
        return scopes.open(connector, scope);
    }

    @Override
    public Set<String> connectors() {
        return snapshot().keySet();
    }

    /** Releases the lock on the file. Offsets already written stay in the file. Idempotent. */
    @Override
    public void close() {
        changeLock.lock();
        try {
            if (!closed) {
                closed = true;
                state = Map.of();
                closeQuietly(lockChannel);
            }
        } finally {
            changeLock.unlock();
        }
    }

    private Map<String, ConnectorOffsets> snapshot() {
        Map<String, ConnectorOffsets> current = state;
        ensureOpen();
        return current;
    }

    private void change(String connector, UnaryOperator<ConnectorOffsets> change) {
        changeLock.lock();
        try {
            ensureOpen();
            Map<String, ConnectorOffsets> current = state;
            ConnectorOffsets before = current.getOrDefault(connector, ConnectorOffsets.NONE);
            ConnectorOffsets after = change.apply(before);
            if (after == before) {
                return;
            }
            Map<String, ConnectorOffsets> next = new HashMap<>(current);
            if (after.isEmpty()) {
                // A connector is listed only while it has offsets.
                next.remove(connector);
            } else {
                next.put(connector, after);
            }
            persist(next);
            state = Map.copyOf(next);
        } finally {
            changeLock.unlock();
        }
    }

    private void persist(Map<String, ConnectorOffsets> next) {
        Map<String, Map<SourcePartition, SourceOffset>> plain = new HashMap<>();
        next.forEach((connector, offsets) -> plain.put(connector, offsets.offsets()));
        byte[] content = codec.encodeState(plain);
        Path temp = null;
        try {
            temp = Files.createTempFile(directory, tempPrefix, TEMP_SUFFIX);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                contentWriter.write(channel, ByteBuffer.wrap(content));
                // On disk before the rename makes it the offset file, or a crash could leave an empty file in its place.
                channel.force(true);
            }
            if (fileIsGood && Files.isRegularFile(file)) {
                // From here to the next rename the offset file is missing, and the previous copy holds the state.
                Files.move(file, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            fileIsGood = true;
        } catch (IOException e) {
            throw new OffsetStoreException("could not write offset file " + file + " (" + describe(e)
                    + "); check that " + directory + " is writable and has free space. The file and the offsets"
                    + " committed before still hold", e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
        syncDirectory();
    }

    /** Makes the rename durable: it lives in the directory, which the file's own force does not cover. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms, Windows among them, cannot open a directory; there the rename is as durable as they make it.
        }
    }

    private FileChannel lock() {
        Path lockFile = directory.resolve(file.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new OffsetStoreException("could not open lock file " + lockFile + " (" + describe(e)
                    + "); check that " + directory + " is writable", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new OffsetStoreException("could not lock " + lockFile + " (" + describe(e)
                    + "); keep the offset file on a local disk that supports file locks", e);
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new OffsetStoreException("offset file " + file + " is in use by another offset store (" + lockFile
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
            throw new OffsetStoreException("could not delete the temporary files that an interrupted write of offset file "
                    + file + " left in " + directory + " (" + describe(e) + "); check that the directory is writable", e);
        }
    }

    private Map<String, ConnectorOffsets> load() {
        Loaded newest = read(file, "offset file " + file);
        if (newest.state() != null) {
            fileIsGood = true;
            return newest.state();
        }
        Loaded older = read(previous, "previous copy " + previous);
        if (newest.missing()) {
            if (older.missing()) {
                return Map.of();
            }
            if (older.state() != null) {
                // Only a write interrupted between its two renames leaves this, or someone who deleted the file alone.
                LOG.warn("offset file {} is missing; using its previous copy {}, as a commit interrupted between its two"
                        + " renames leaves them. To start every connector from its initial position instead, stop the"
                        + " worker and delete {} too", file, previous, previous);
                return older.state();
            }
            throw new OffsetStoreException("offset file " + file + " is missing and its previous copy " + previous
                    + " is damaged (" + older.damage().problem() + "). Restore " + file + " from a backup, or delete "
                    + previous + " so that the connectors start again from their initial positions", older.damage());
        }
        if (older.missing()) {
            throw newest.damage();
        }
        if (older.state() == null) {
            throw new OffsetStoreException("offset file " + file + " is damaged (" + newest.damage().problem()
                    + ") and so is its previous copy " + previous + " (" + older.damage().problem() + "). Restore "
                    + file + " from a backup, or delete both files so that the connectors start again from their"
                    + " initial positions", newest.damage());
        }
        LOG.warn("offset file {} is damaged ({}); using its previous copy {} instead, which holds the offsets of the"
                + " commit before the last one, so some records may be sent again. The next commit replaces the"
                + " damaged file", file, newest.damage().problem(), previous);
        return older.state();
    }

    /** A state file as read: its state, or the damage that kept it from decoding, or neither when it is missing. */
    private record Loaded(Map<String, ConnectorOffsets> state, OffsetCodec.DamagedDataException damage) {
        boolean missing() {
            return state == null && damage == null;
        }
    }

    private Loaded read(Path path, String origin) {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new Loaded(null, null);
        } catch (IOException e) {
            throw new OffsetStoreException("could not read " + origin + " (" + describe(e)
                    + "); check that it is a file the worker may read", e);
        }
        try {
            Map<String, ConnectorOffsets> loaded = new HashMap<>();
            codec.decodeState(content, origin)
                    .forEach((connector, offsets) -> loaded.put(connector, new ConnectorOffsets(offsets)));
            return new Loaded(Map.copyOf(loaded), null);
        } catch (OffsetCodec.DamagedDataException e) {
            return new Loaded(null, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new OffsetStoreException("the offset store of file " + file + " is closed; this is a bug in the"
                    + " worker, which uses a store only until it closes it");
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer content) throws IOException {
        while (content.hasRemaining()) {
            channel.write(content);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // The next open deletes it.
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing only releases the lock, which the OS also releases when the process ends.
        }
    }
}
