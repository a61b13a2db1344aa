package dev.tributary.runtime.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive of a worker's start: the JVM's own record of the classes it loaded and
 * linked, mapped by later starts instead of reading, parsing and verifying those classes again
 * from the jars (about a second of a start, most of it the AWS SDK's classes).
 *
 * <p>{@code bin/connect-runtime} asks for one on a start that finds none for its JDK, jars and
 * options: it passes {@code -XX:+RecordDynamicDumpInfo} and the archive's path in
 * {@value #ARCHIVE_PROPERTY}. Once the worker has run its connectors for a while
 * ({@value #DELAY_PROPERTY}, 30 s by default, so that their start, first reads and first writes
 * are in it), this class asks the JVM (the {@code VM.cds dynamic_dump} diagnostic command) to
 * write the archive to a file of its own and renames it into place, so that a start never maps a
 * file still being written and two workers of one installation never write the same file. The
 * dump stops the JVM's threads once (2 to 3 s on two cores with the Kinesis connector); a worker shut down before then
 * writes none. A failure is logged once and changes nothing else: later starts run without an
 * archive and ask again.
 */
final class ClassDataArchive {
    static final String ARCHIVE_PROPERTY = "tributary.cds.archive";
    static final String DELAY_PROPERTY = "tributary.cds.dumpDelaySeconds";
    static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);

    /** Writes the running JVM's class-data archive to a file. */
    @FunctionalInterface
    interface Dumper {
        /** Asks for the archive at {@code file}; returns what the JVM answered, which may be a refusal. */
        String dump(Path file) throws Exception;
    }

    /** The JVM's {@code VM.cds dynamic_dump}, through the platform's DiagnosticCommand MBean. */
    static final Dumper JVM = file -> String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmCds",
            new Object[] {new String[] {"dynamic_dump", file.toString()}}, new String[] {String[].class.getName()}));

    private final Path archive;
    private final Duration delay;
    private final Dumper dumper;
    private final CountDownLatch cancelled = new CountDownLatch(1);

    ClassDataArchive(Path archive, Duration delay, Dumper dumper) {
        this.archive = requireNonNull(archive, "archive is null");
        this.delay = requireNonNull(delay, "delay is null");
        this.dumper = requireNonNull(dumper, "dumper is null");
    }

    /**
     * The archive this start was asked to write, from {@code properties} (the system properties,
     * in a worker), or empty when none was asked for. A delay that is not a whole number of
     * seconds is reported and replaced by the default.
     */
    static Optional<ClassDataArchive> requested(UnaryOperator<String> properties, Dumper dumper) {
        String path = properties.apply(ARCHIVE_PROPERTY);
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        Duration delay = DEFAULT_DELAY;
        String seconds = properties.apply(DELAY_PROPERTY);
        if (seconds != null) {
            try {
                delay = Duration.ofSeconds(Long.parseLong(seconds.trim()));
                if (delay.isNegative()) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                LOG.warn("{}={} is not a whole number of seconds >= 0; using {} s", DELAY_PROPERTY, seconds,
                        DEFAULT_DELAY.toSeconds());
                delay = DEFAULT_DELAY;
            }
        }
        return Optional.of(new ClassDataArchive(Path.of(path), delay, dumper));
    }

    Duration delay() {
        return delay;
    }

    /** Writes the archive after the delay, on a daemon thread of its own, unless {@link #cancel} comes first. */
    void writeLater() {
        Thread thread = new Thread(() -> {
            try {
                if (!cancelled.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    write();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "class-data-archive");
        thread.setDaemon(true);
        thread.start();
    }

    /** Called when the worker starts to stop: a dump would only hold up its shutdown. */
    void cancel() {
        cancelled.countDown();
    }

    /**
     * Writes the archive now, unless a file is already there (another worker of this installation
     * wrote it). Returns whether this call put an archive in place.
     */
    boolean write() {
        if (Files.exists(archive)) {
            LOG.debug("class-data archive {} already written", archive);
            return false;
        }
        Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        long started = System.nanoTime();
        try {
            String reply = dumper.dump(partial);
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                LOG.warn("could not write the class-data archive {}: the JVM answered '{}'; starts go on without one",
                        archive, reply == null ? "" : reply.strip().replaceAll("\\s+", " "));
                return false;
            }
            long bytes = Files.size(partial);
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("wrote the class-data archive {} ({} MiB) in {} ms: later starts map their classes from it "
                    + "(TRIBUTARY_CDS=off turns this off)", archive, bytes >> 20,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return true;
        } catch (Exception e) {
            LOG.warn("could not write the class-data archive {}: {}; starts go on without one", archive,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return false;
        } finally {
            deleteQuietly(partial);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("could not delete {}", file, e);
        }
    }
}
