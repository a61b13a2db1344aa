package dev.tributary.testing.services;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * kinesis-mock (the npm package {@code kinesis-local}, the engine LocalStack runs for Kinesis),
 * installed by the build and run with Node once per test JVM, on free ports.
 *
 * <p>The plain port speaks HTTP/1.1 (and h2c); the TLS port has a self-signed certificate and
 * needs HTTP/2 with ALPN, so its client here trusts every certificate. That is for tests only.
 */
public final class KinesisMock implements KinesisService, StoppableService {
    private static final String NAME = "kinesis-mock";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("tributary-test-key", "tributary-test-secret"));

    private final ServiceProcess process;
    private final int plainPort;
    private final int tlsPort;
    private KinesisAsyncClient helperClient;

    private KinesisMock(ServiceProcess process, int plainPort, int tlsPort) {
        this.process = process;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
    }

    /** The emulator for this JVM, started on first call. Fails in one line if it cannot start. */
    public static KinesisMock get() {
        return SharedServices.get(NAME, KinesisMock::start);
    }

    @Override
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + plainPort);
    }

    /** The TLS endpoint: HTTP/2 with ALPN and a self-signed certificate. */
    public URI tlsEndpoint() {
        return URI.create("https://127.0.0.1:" + tlsPort);
    }

    @Override
    public Region region() {
        return Region.US_EAST_1;
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return CREDENTIALS;
    }

    @Override
    public KinesisAsyncClient newAsyncClient() {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .readTimeout(Duration.ofSeconds(60)))
                .build();
    }

    @Override
    public synchronized KinesisAsyncClient helperClient() {
        if (helperClient == null) {
            helperClient = newAsyncClient();
        }
        return helperClient;
    }

    /** A client for the TLS endpoint over HTTP/2, trusting the emulator's self-signed certificate. */
    public KinesisAsyncClient newTlsAsyncClient() {
        return KinesisAsyncClient.builder()
                .endpointOverride(tlsEndpoint())
                .region(region())
                .credentialsProvider(CREDENTIALS)
                .httpClient(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP2)
                        .protocolNegotiation(ProtocolNegotiation.ALPN)
                        .buildWithDefaults(AttributeMap.builder()
                                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                                .build()))
                .build();
    }

    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String describe() {
        return endpoint() + ", TLS " + tlsEndpoint() + ", log " + logFile();
    }

    @Override
    public void stop() {
        try {
            synchronized (this) {
                if (helperClient != null) {
                    helperClient.close();
                }
            }
        } finally {
            // Even if the client cannot close (a broken class path, say), the emulator must not outlive the JVM.
            process.stop();
        }
    }

    private static KinesisMock start() {
        String node = NodeJs.requireNode18();
        Path home = SharedServices.locate("tributary.kinesis-mock.home", "kinesis-mock")
                .map(p -> p.resolve("node_modules/kinesis-local"))
                .filter(p -> Files.isRegularFile(p.resolve("main.js")))
                .orElseThrow(() -> new ServiceStartException("kinesis-mock is not installed: run the build"
                        + " (./mvnw verify) so that it installs the npm package kinesis-local,"
                        + " or set -Dtributary.kinesis-mock.home to a folder holding node_modules/kinesis-local"));
        Path work = SharedServices.freshWorkDir("kinesis-mock");
        List<Integer> ports = FreePorts.allocate(2);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KINESIS_MOCK_PLAIN_PORT", ports.get(0).toString());
        env.put("KINESIS_MOCK_TLS_PORT", ports.get(1).toString());
        env.put("KINESIS_MOCK_CERT_PATH", home.resolve("server.json").toString());
        env.put("SHOULD_PERSIST_DATA", "false");
        env.put("PERSIST_PATH", work.resolve("data").toString());
        env.put("LOG_LEVEL", "WARN");
        // All the integration tests of a module share one emulator and each makes its own streams; the default
        // account limit of 50 open shards is reached after a dozen tests.
        env.put("SHARD_LIMIT", "1000");
        // The larger young generation makes GetRecords about 2.5 times faster (see the test-services notes).
        List<String> command = List.of(node, "--max-semi-space-size=512", "--max-old-space-size=4096",
                home.resolve("main.js").toString());
        ServiceProcess process = ServiceProcess.start(NAME, command, env, work, work.resolve("kinesis-mock.log"));
        KinesisMock mock = new KinesisMock(process, ports.get(0), ports.get(1));
        try (KinesisAsyncClient client = mock.newAsyncClient()) {
            process.awaitHealthy(START_TIMEOUT, () -> mock.answers(client));
        }
        return mock;
    }

    private boolean answers(KinesisAsyncClient client) {
        try {
            client.listStreams(b -> b.limit(1)).get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** Finds {@code node} and checks its version, with a one-line explanation when it is wrong. */
    static final class NodeJs {
        private NodeJs() {
        }

        static String requireNode18() {
            String version;
            try {
                Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
                version = new String(p.getInputStream().readAllBytes()).trim();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("node --version failed: " + version);
                }
            } catch (IOException e) {
                throw new ServiceStartException("Node.js 18 or later is needed to run the Kinesis emulator"
                        + " (kinesis-mock), but 'node' is not on PATH: install Node.js 18+ and run again");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceStartException("interrupted while looking for Node.js");
            }
            if (majorVersion(version) < 18) {
                throw new ServiceStartException("Node.js 18 or later is needed to run the Kinesis emulator"
                        + " (kinesis-mock), but 'node' is " + version + ": install Node.js 18+ and run again");
            }
            return "node";
        }

        /** The major version in {@code node --version} output such as {@code v20.11.1}; 0 if unreadable. */
        static int majorVersion(String version) {
            String digits = version.startsWith("v") ? version.substring(1) : version;
            int dot = digits.indexOf('.');
            try {
                return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
