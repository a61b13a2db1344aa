package dev.tributary.testing.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the test services outside a test, for the quickstart: {@code ServicesMain <out-file>
 * pulsar [kinesis] [kinesis-demo]}. Starts each service, writes their endpoints to
 * {@code out-file} as properties (replaced atomically, so a reader never sees half of it), and
 * runs until the JVM is stopped, which stops the services. {@code kinesis-demo} also creates the
 * stream {@code quickstart} and keeps writing sample records to it.
 */
public final class ServicesMain {
    private static final String DEMO_STREAM = "quickstart";
    private static final int DEMO_RECORDS_PER_SECOND = 50;

    private ServicesMain() {
    }

    /** Writes sample orders to the demo stream, a batch every second, until the JVM stops. */
    private static void produce(KinesisMock kinesis) {
        java.util.Random random = new java.util.Random();
        long id = 0;
        while (!Thread.currentThread().isInterrupted()) {
            List<software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry> batch = new ArrayList<>();
            for (int i = 0; i < DEMO_RECORDS_PER_SECOND; i++, id++) {
                String customer = "customer-" + random.nextInt(20);
                String json = "{\"orderId\":" + id + ",\"customer\":\"" + customer + "\",\"amount\":"
                        + (1 + random.nextInt(500)) + ",\"at\":\"" + java.time.Instant.now() + "\"}";
                batch.add(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                        .partitionKey(customer)
                        .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String(json))
                        .build());
            }
            try {
                kinesis.putRecords(DEMO_STREAM, batch);
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("quickstart producer: " + e.getMessage());
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: ServicesMain <out-file> pulsar [kinesis]");
            System.exit(2);
        }
        Path out = Paths.get(args[0]);
        List<String> lines = new ArrayList<>();
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "pulsar" -> {
                        PulsarStandalone pulsar = PulsarStandalone.get();
                        lines.add("pulsar.service.url=" + pulsar.serviceUrl());
                        lines.add("pulsar.admin.url=" + pulsar.adminUrl());
                        lines.add("pulsar.log=" + pulsar.logFile());
                    }
                    case "kinesis" -> {
                        KinesisMock kinesis = KinesisMock.get();
                        lines.add("kinesis.endpoint=" + kinesis.endpoint());
                        lines.add("kinesis.region=" + kinesis.region().id());
                        lines.add("kinesis.log=" + kinesis.logFile());
                    }
                    case "kinesis-demo" -> {
                        KinesisMock kinesis = KinesisMock.get();
                        kinesis.createStream(DEMO_STREAM, 2);
                        Thread producer = new Thread(() -> produce(kinesis), "quickstart-producer");
                        producer.setDaemon(true);
                        producer.start();
                        lines.add("kinesis.stream=" + DEMO_STREAM);
                    }
                    default -> throw new ServiceStartException("unknown service '" + args[i] + "': use pulsar, kinesis or kinesis-demo");
                }
            }
        } catch (ServiceStartException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        lines.add("listener.port=" + FreePorts.allocate(1).get(0));
        write(out, lines);
        new CountDownLatch(1).await();
    }

    private static void write(Path out, List<String> lines) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "services", ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + out, e);
        }
    }
}
