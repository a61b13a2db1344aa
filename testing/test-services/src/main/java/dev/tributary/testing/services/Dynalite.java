package dev.tributary.testing.services;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * dynalite (the npm package), a DynamoDB-compatible server, installed by the build and run with Node
 * once per test JVM on a free port. Tables are created and deleted at once ({@code --createTableMs 0}).
 *
 * <p>It cannot add a global secondary index with {@code UpdateTable}: a KCL 3 lease table must be
 * created with its {@code LeaseOwnerToLeaseKeyIndex} up front (see the test-services notes).
 */
public final class Dynalite implements StoppableService {
    private static final String NAME = "dynalite";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("tributary-test-key", "tributary-test-secret"));

    private final ServiceProcess process;
    private final int port;

    private Dynalite(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The server for this JVM, started on first call. Fails in one line if it cannot start. */
    public static Dynalite get() {
        return SharedServices.get(NAME, Dynalite::start);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Region region() {
        return Region.US_EAST_1;
    }

    public AwsCredentialsProvider credentials() {
        return CREDENTIALS;
    }

    /** A new client for this server; the caller closes it. */
    public DynamoDbAsyncClient newAsyncClient() {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                .build();
    }

    /**
     * Creates a lease table as KCL 3 makes it, with its {@code LeaseOwnerToLeaseKeyIndex}, which
     * dynalite cannot add later; KCL 1.x and 2.x tables are the same without the index. Returns once
     * the table is {@code ACTIVE}.
     */
    public static void createKcl3LeaseTable(DynamoDbAsyncClient client, String name) {
        client.createTable(b -> b.tableName(name)
                .attributeDefinitions(
                        d -> d.attributeName("leaseKey").attributeType(ScalarAttributeType.S),
                        d -> d.attributeName("leaseOwner").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("leaseKey").keyType(KeyType.HASH))
                .globalSecondaryIndexes(g -> g.indexName("LeaseOwnerToLeaseKeyIndex")
                        .keySchema(k -> k.attributeName("leaseOwner").keyType(KeyType.HASH),
                                k -> k.attributeName("leaseKey").keyType(KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L)))
                .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L))).join();
        awaitActive(client, name);
    }

    /**
     * Waits until a table just created is {@code ACTIVE}. Even with {@code --createTableMs 0},
     * dynalite answers {@code CreateTable} while the table is still {@code CREATING} and flips it on a
     * timer; until then item writes fail with "table does not exist", which a loaded machine shows.
     */
    public static void awaitActive(DynamoDbAsyncClient client, String name) {
        client.waiter().waitUntilTableExists(r -> r.tableName(name),
                        o -> o.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(20)))
                                .waitTimeout(Duration.ofSeconds(30)))
                .join()
                .matched()
                .exception()
                .ifPresent(e -> {
                    throw new IllegalStateException("dynalite table '" + name + "' did not become ACTIVE", e);
                });
    }

    public Path logFile() {
        return process.logFile();
    }

    @Override
    public String describe() {
        return endpoint() + ", log " + logFile();
    }

    @Override
    public void stop() {
        process.stop();
    }

    private static Dynalite start() {
        String node = KinesisMock.NodeJs.requireNode18();
        Path cli = SharedServices.locate("tributary.dynalite.home", "dynalite")
                .map(p -> p.resolve("node_modules/dynalite/cli.js"))
                .filter(Files::isRegularFile)
                .orElseThrow(() -> new ServiceStartException("dynalite is not installed: run the build"
                        + " (./mvnw verify) so that it installs the npm package dynalite,"
                        + " or set -Dtributary.dynalite.home to a folder holding node_modules/dynalite"));
        Path work = SharedServices.freshWorkDir(NAME);
        int port = FreePorts.allocate(1).get(0);
        List<String> command = List.of(node, cli.toString(), "--port", Integer.toString(port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        ServiceProcess process = ServiceProcess.start(NAME, command, Map.of(), work, work.resolve("dynalite.log"));
        Dynalite dynalite = new Dynalite(process, port);
        try (DynamoDbAsyncClient client = dynalite.newAsyncClient()) {
            process.awaitHealthy(START_TIMEOUT, () -> answers(client));
        }
        return dynalite;
    }

    private static boolean answers(DynamoDbAsyncClient client) {
        try {
            client.listTables(b -> b.limit(1)).get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
