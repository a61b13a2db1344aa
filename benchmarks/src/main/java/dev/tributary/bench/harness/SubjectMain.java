package dev.tributary.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The entry point of a measured JVM: starts a {@link Sampler} and then runs the subject, either
 * the real worker ({@code tributary}: {@code connect-runtime start}) or the hand-written loop
 * ({@code raw}: {@link RawPipeline}).
 *
 * <p>Both subjects are measured from inside their own JVM in the same way, so their figures
 * compare: process CPU time, heap used, and live threads, written once per
 * {@value Sampler#PERIOD_MS} ms to a stats file that the harness reads.
 *
 * <p>Usage: {@code SubjectMain <stats-file> tributary <worker.properties> <connector.properties>}
 * or {@code SubjectMain <stats-file> raw <raw.properties>}.
 */
public final class SubjectMain {
    private SubjectMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SubjectMain <stats-file> tributary <worker.properties> <connector.properties>"
                    + " | <stats-file> raw <raw.properties>");
            System.exit(2);
        }
        Sampler sampler = new Sampler(Path.of(args[0]));
        sampler.start();
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        switch (args[1]) {
            case "tributary" -> dev.tributary.runtime.cli.Main.main(new String[] {"start", rest[0], rest[1]});
            case "raw" -> RawPipeline.main(rest);
            default -> {
                System.err.println("unknown subject " + args[1] + ": use tributary or raw");
                System.exit(2);
            }
        }
    }

    /**
     * Appends one line per period: wall-clock millis, process CPU nanoseconds, heap used bytes,
     * heap committed bytes, live threads, heap in use right after the last collection (an upper
     * bound of the live set, which is what bounded memory means; "used" also counts garbage not
     * yet collected), and milliseconds spent in GC so far. A daemon thread, so it never keeps the JVM alive.
     */
    static final class Sampler extends Thread {
        static final int PERIOD_MS = 250;
        private final Path file;

        Sampler(Path file) {
            super("bench-sampler");
            setDaemon(true);
            this.file = file;
        }

        private volatile long heapAfterLastGc;

        /**
         * Listens to every collection, young ones included, and keeps the heap in use right after
         * it. The pools' own "collection usage" would not do: G1's old generation updates it only
         * after a mixed or full collection, so it reads 0 in a run that never has one.
         */
        private void watchCollections() {
            java.util.Set<String> heapPools = new java.util.HashSet<>();
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                            .equals(notification.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    heapAfterLastGc = used;
                }, null, null);
            }
        }

        @Override
        public void run() {
            watchCollections();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            try {
                Files.deleteIfExists(file);
                while (true) {
                    var heap = memory.getHeapMemoryUsage();
                    long afterGc = heapAfterLastGc;
                    long gcMillis = 0;
                    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        gcMillis += Math.max(0, gc.getCollectionTime());
                    }
                    String line = System.currentTimeMillis() + "\t" + os.getProcessCpuTime() + "\t" + heap.getUsed()
                            + "\t" + heap.getCommitted() + "\t" + threads.getThreadCount() + "\t" + afterGc
                            + "\t" + gcMillis + "\n";
                    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    TimeUnit.MILLISECONDS.sleep(PERIOD_MS);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the stats file " + file + " cannot be written", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
