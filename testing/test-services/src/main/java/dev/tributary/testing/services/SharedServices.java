package dev.tributary.testing.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Starts each service at most once per test JVM, remembers a failed start so that every later
 * test fails at once with the same message, and stops everything when the JVM exits.
 */
final class SharedServices {
    private static final Map<String, Object> STARTED = new LinkedHashMap<>();
    private static final Map<String, ServiceStartException> FAILED = new HashMap<>();
    private static final Deque<Runnable> STOPS = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServices::stopAll, "test-services-shutdown"));
    }

    private SharedServices() {
    }

    /** Returns the running service called {@code name}, starting it on first use. */
    @SuppressWarnings("unchecked")
    static synchronized <T extends StoppableService> T get(String name, Supplier<T> starter) {
        ServiceStartException failed = FAILED.get(name);
        if (failed != null) {
            throw failed;
        }
        Object running = STARTED.get(name);
        if (running != null) {
            return (T) running;
        }
        long begin = System.nanoTime();
        try {
            T service = starter.get();
            STARTED.put(name, service);
            STOPS.push(() -> {
                long stopBegin = System.nanoTime();
                service.stop();
                log("%s stopped in %.1f s", name, seconds(stopBegin));
            });
            log("%s ready in %.1f s: %s", name, seconds(begin), service.describe());
            return service;
        } catch (ServiceStartException e) {
            FAILED.put(name, e);
            System.err.println("[test-services] ERROR: " + e.getMessage());
            throw e;
        }
    }

    /**
     * One line per service started in this JVM, with its {@link StoppableService#condition()},
     * and the machine's load averages, for the diagnosis after a failed test.
     */
    static List<String> conditions() {
        Map<String, Object> started;
        synchronized (SharedServices.class) {
            started = new LinkedHashMap<>(STARTED);
        }
        List<String> lines = new ArrayList<>();
        lines.add("load average (1, 5, 15 min) " + loadAverage() + " on " + Runtime.getRuntime().availableProcessors()
                + " cores");
        started.forEach((name, service) -> {
            String condition;
            try {
                condition = ((StoppableService) service).condition();
            } catch (RuntimeException e) {
                condition = "condition unknown: " + e;
            }
            lines.add(name + ": " + condition);
        });
        return lines;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static synchronized void stopAll() {
        while (!STOPS.isEmpty()) {
            try {
                STOPS.pop().run();
            } catch (RuntimeException | LinkageError e) {
                // One service failing to stop must not leave the next one running after the JVM.
                System.err.println("[test-services] could not stop a service: " + e);
            }
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[test-services] " + format + "%n", args);
        System.out.flush();
    }

    static double seconds(long beginNanos) {
        return (System.nanoTime() - beginNanos) / 1e9;
    }

    /** A fresh, empty work directory for one service, under the module's {@code target/}. */
    static Path freshWorkDir(String service) {
        Path root = Paths.get(System.getProperty("tributary.services.work", "target/services"));
        Path dir = root.resolve(service).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                // A pid file left by a killed JVM names a process that must go before its data does.
                try (Stream<Path> pidFiles = Files.list(dir)) {
                    pidFiles.filter(p -> p.toString().endsWith(".pid")).forEach(ServiceProcess::stopLeftover);
                }
                deleteRecursively(dir);
            }
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir, e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Finds an installed service: first the system property that the build sets, then the
     * build's shared folder in this directory or a parent of it (for runs from an IDE).
     */
    static Optional<Path> locate(String property, String relativeToRoot) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Paths.get(configured).toAbsolutePath());
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("target/test-services").resolve(relativeToRoot);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
