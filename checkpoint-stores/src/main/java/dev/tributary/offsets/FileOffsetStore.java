package dev.tributary.offsets;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
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

/**
 * Keeps every connector's offsets in one JSON file (see {@link OffsetCodec} for its format).
 *
 * <p>Durability: every change writes the whole new state to a temporary file in the same
 * directory, forces it to disk, renames it atomically over the offset file and then forces the
 * directory. After a crash at any point the file holds either the state before the change or the
 * state after it, never a mix; temporary files a crash leaves behind are deleted when the store
 * opens. While open, the store holds a lock on {@code <file>.lock}, so no second worker can use
 * the same file.
 *
 * <p>Threads: thread-safe. Changes are serialized by a lock; reads are served, without waiting,
 * from an immutable in-memory snapshot that a change replaces only once its file is in place.
 *
 * <p>Errors: {@link OffsetStoreException}, naming the file and what to do. A write that fails
 * leaves both the file and the snapshot as they were, so the worker can retry it.
 */
public final class FileOffsetStore implements OffsetStore {
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path file;
    private final Path directory;
    private final String tempPrefix;
    private final OffsetCodec codec;
    private final ContentWriter contentWriter;
    private final FileChannel lockChannel;
    private final ReentrantLock changeLock = new ReentrantLock();
    private volatile Map<String, ConnectorOffsets> state;
    private volatile boolean closed;

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
     *         damaged, or was written by a newer Tributary
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
        this.tempPrefix = this.file.getFileName() + ".";
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
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
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
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new OffsetStoreException("could not read offset file " + file + " (" + describe(e)
                    + "); check that it is a file the worker may read", e);
        }
        Map<String, ConnectorOffsets> loaded = new HashMap<>();
        codec.decodeState(content, "offset file " + file)
                .forEach((connector, offsets) -> loaded.put(connector, new ConnectorOffsets(offsets)));
        return Map.copyOf(loaded);
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
