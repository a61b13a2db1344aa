package dev.tributary.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** The machine and the versions a run measured, for the report's header. */
record Machine(String cpu, int cores, long memoryMiB, String os, String jdk, String tributary, String awsSdk,
        String pulsarClient, String pulsarBroker) {

    static Machine describe(String pulsarBroker) throws IOException {
        String cpu = "unknown";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
        }
        long memory = 0;
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.isReadable(meminfo)) {
            memory = Files.readAllLines(meminfo, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                    .findFirst().orElse(0);
        }
        Properties versions = new Properties();
        try (InputStream in = Machine.class.getResourceAsStream("/benchmark-versions.properties")) {
            if (in != null) {
                versions.load(in);
            }
        }
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                versions.getProperty("tributary", "unknown"),
                software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION,
                versions.getProperty("pulsar", "unknown"),
                pulsarBroker);
    }

    String markdown() {
        return "| Machine | |\n|---|---|\n"
                + "| CPU | " + cpu + ", " + cores + " cores seen by the JVM |\n"
                + "| Memory | " + memoryMiB / 1024 + " GiB |\n"
                + "| OS | " + os + " |\n"
                + "| JDK | " + jdk + " |\n"
                + "| Tributary | " + tributary + " |\n"
                + "| AWS SDK for Java | " + awsSdk + " |\n"
                + "| Pulsar client | " + pulsarClient + " |\n"
                + "| Pulsar broker | " + pulsarBroker + " |\n";
    }
}
