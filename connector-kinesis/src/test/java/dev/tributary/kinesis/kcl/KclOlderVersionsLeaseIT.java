package dev.tributary.kinesis.kcl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.kinesis.kcl.KclImportPlan.Action;
import dev.tributary.kinesis.kcl.KclImportPlan.StreamShards;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.testing.services.Dynalite;
import dev.tributary.testing.services.TestServices;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Lease items written by KCL 1.x's and KCL 2.x's own code, in dynalite, imported. The test scope has
 * KCL 3 (KclLeaseTableIT); KCL 2.x shares its Maven coordinates and KCL 1.x needs the AWS SDK v1, so
 * the build copies their jars into {@code target/kcl-versions/<version>} and each is loaded in its own
 * class loader, which takes the KCL's packages from those jars and everything else (the SDK v2 the
 * KCL 2 refresher talks through, Guava) from this test's class path.
 *
 * <p>KCL 2.x writes through its own lease refresher; KCL 1.x's lease manager needs the SDK v1 HTTP
 * stack, so its own lease serializer makes the items, which are put as they are.
 */
@ExtendWith(TestServices.class)
class KclOlderVersionsLeaseIT {
    private static final String SEQ_A = "49590338271490256608559692538361571095921575989136588898";
    private static final String SEQ_B = "49590338271490256608559692540925702759324208523137515618";
    private static final long CREATED_MILLIS = 1_700_000_000_000L;
    private static final Set<String> SHARDS = Set.of("shardId-000000000000", "shardId-000000000001",
            "shardId-000000000002", "shardId-000000000003");

    private static DynamoDbAsyncClient dynamo;

    @BeforeAll
    static void connect(Dynalite dynalite) {
        dynamo = dynalite.newAsyncClient();
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @Test
    void kcl2LeasesWrittenByItsRefresherImport() throws Exception {
        String table = "kcl2-" + System.nanoTime();
        Dynalite.createKcl3LeaseTable(dynamo, table);
        try (URLClassLoader kcl = kclClasses(System.getProperty("tributary.test.kcl2.version", "2.7.2"),
                "software.amazon.kinesis.")) {
            Object refresher = kcl.loadClass("software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher")
                    .getConstructor(String.class, DynamoDbAsyncClient.class,
                            kcl.loadClass("software.amazon.kinesis.leases.LeaseSerializer"), boolean.class)
                    .newInstance(table, dynamo, newInstance(kcl, "software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer"),
                            true);
            assertFrom(refresher.getClass(), "amazon-kinesis-client-" + System.getProperty("tributary.test.kcl2.version", "2.7.2"));
            Class<?> leaseClass = kcl.loadClass("software.amazon.kinesis.leases.Lease");
            Class<?> esn = kcl.loadClass("software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber");
            var create = refresher.getClass().getMethod("createLeaseIfNotExists", leaseClass);
            create.invoke(refresher, kcl2Lease(kcl, "software.amazon.kinesis.leases.Lease", "shardId-000000000000",
                    esn.getField("SHARD_END").get(null), List.of()));
            create.invoke(refresher, kcl2Lease(kcl, "software.amazon.kinesis.leases.Lease", "shardId-000000000001",
                    esn.getConstructor(String.class, Long.class).newInstance(SEQ_A, 0L), List.of()));
            create.invoke(refresher, kcl2Lease(kcl, "software.amazon.kinesis.leases.Lease", "shardId-000000000002",
                    esn.getConstructor(String.class, Long.class).newInstance(SEQ_B, 5L), List.of()));
            create.invoke(refresher, kcl2Lease(kcl, "software.amazon.kinesis.leases.Lease", "shardId-000000000003",
                    esn.getField("TRIM_HORIZON").get(null), List.of("shardId-000000000000")));
            // KCL 2 reads its own item back: these are its items, not ours.
            Object back = refresher.getClass().getMethod("getCheckpoint", String.class).invoke(refresher, "shardId-000000000002");
            assertThat(back).hasToString("{SequenceNumber: " + SEQ_B + ",SubsequenceNumber: 5}");
        }

        assertFourLeasesImport(KclImportPlan.of(new KclLeaseTable(dynamo).read(table), Optional.of("orders"),
                Map.of("orders", new StreamShards(CREATED_MILLIS, SHARDS)), Optional.empty()));
    }

    @Test
    void kcl2MultiStreamLeasesImportToTheirStream() throws Exception {
        String table = "kcl2-multi-" + System.nanoTime();
        Dynalite.createKcl3LeaseTable(dynamo, table);
        String orders = "123456789012:orders:" + CREATED_MILLIS / 1000;
        String payments = "123456789012:payments:" + CREATED_MILLIS / 1000;
        try (URLClassLoader kcl = kclClasses(System.getProperty("tributary.test.kcl2.version", "2.7.2"),
                "software.amazon.kinesis.")) {
            Object refresher = kcl.loadClass("software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseRefresher")
                    .getConstructor(String.class, DynamoDbAsyncClient.class,
                            kcl.loadClass("software.amazon.kinesis.leases.LeaseSerializer"), boolean.class)
                    .newInstance(table, dynamo,
                            newInstance(kcl, "software.amazon.kinesis.leases.dynamodb.DynamoDBMultiStreamLeaseSerializer"), true);
            Class<?> leaseClass = kcl.loadClass("software.amazon.kinesis.leases.Lease");
            Class<?> multi = kcl.loadClass("software.amazon.kinesis.leases.MultiStreamLease");
            Class<?> esn = kcl.loadClass("software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber");
            var create = refresher.getClass().getMethod("createLeaseIfNotExists", leaseClass);
            for (var lease : List.of(Map.entry(orders, SEQ_A), Map.entry(payments, SEQ_B))) {
                Object l = kcl2Lease(kcl, multi.getName(), multi.getMethod("getLeaseKey", String.class, String.class)
                        .invoke(null, lease.getKey(), "shardId-000000000001").toString(),
                        esn.getConstructor(String.class, Long.class).newInstance(lease.getValue(), 3L), List.of());
                multi.getMethod("streamIdentifier", String.class).invoke(l, lease.getKey());
                multi.getMethod("shardId", String.class).invoke(l, "shardId-000000000001");
                create.invoke(refresher, l);
            }
        }

        List<KclLease> leases = new KclLeaseTable(dynamo).read(table);
        KclImportPlan plan = KclImportPlan.of(leases, Optional.empty(), Map.of(
                "orders", new StreamShards(CREATED_MILLIS, SHARDS), "payments", new StreamShards(CREATED_MILLIS, SHARDS)),
                Optional.empty());

        assertThat(leases).extracting(KclLease::leaseKey).containsExactlyInAnyOrder(orders + ":shardId-000000000001",
                payments + ":shardId-000000000001");
        assertThat(plan.offsets()).containsOnly(
                Map.entry(KinesisOffsets.partition("orders", "shardId-000000000001"),
                        KinesisOffsets.offset(SEQ_A, 3, CREATED_MILLIS)),
                Map.entry(KinesisOffsets.partition("payments", "shardId-000000000001"),
                        KinesisOffsets.offset(SEQ_B, 3, CREATED_MILLIS)));
    }

    @Test
    void kcl1LeaseItemsMadeByItsSerializerImport() throws Exception {
        String table = "kcl1-" + System.nanoTime();
        Dynalite.createKcl3LeaseTable(dynamo, table);
        try (URLClassLoader kcl = kclClasses(System.getProperty("tributary.test.kcl1.version", "1.15.3"),
                "com.amazonaws.")) {
            Object serializer = newInstance(kcl, "com.amazonaws.services.kinesis.leases.impl.KinesisClientLeaseSerializer");
            assertFrom(serializer.getClass(), "amazon-kinesis-client-" + System.getProperty("tributary.test.kcl1.version", "1.15.3"));
            Class<?> leaseClass = kcl.loadClass("com.amazonaws.services.kinesis.leases.impl.KinesisClientLease");
            Class<?> esn = kcl.loadClass("com.amazonaws.services.kinesis.clientlibrary.types.ExtendedSequenceNumber");
            var toItem = serializer.getClass().getMethod("toDynamoRecord", leaseClass);
            List<Object> leases = List.of(
                    kcl1Lease(leaseClass, esn, "shardId-000000000000", esn.getField("SHARD_END").get(null), List.of()),
                    kcl1Lease(leaseClass, esn, "shardId-000000000001",
                            esn.getConstructor(String.class, Long.class).newInstance(SEQ_A, 0L), List.of()),
                    kcl1Lease(leaseClass, esn, "shardId-000000000002",
                            esn.getConstructor(String.class, Long.class).newInstance(SEQ_B, 5L), List.of()),
                    kcl1Lease(leaseClass, esn, "shardId-000000000003", esn.getField("TRIM_HORIZON").get(null),
                            List.of("shardId-000000000000")));
            for (Object lease : leases) {
                Map<String, AttributeValue> item = toSdkV2((Map<?, ?>) toItem.invoke(serializer, lease));
                dynamo.putItem(b -> b.tableName(table).item(item)).join();
            }
        }

        assertFourLeasesImport(KclImportPlan.of(new KclLeaseTable(dynamo).read(table), Optional.of("orders"),
                Map.of("orders", new StreamShards(CREATED_MILLIS, SHARDS)), Optional.empty()));
    }

    /** The same four leases, whatever KCL wrote them: a finished parent, two checkpoints, a child not started. */
    private static void assertFourLeasesImport(KclImportPlan plan) {
        Map<String, KclImportPlan.Entry> byShard = new HashMap<>();
        plan.entries().forEach(e -> byShard.put(e.shardId(), e));
        assertThat(byShard).containsOnlyKeys(SHARDS);
        assertThat(byShard.get("shardId-000000000000").action()).isEqualTo(Action.SHARD_FINISHED);
        assertThat(KinesisOffsets.isShardEnd(byShard.get("shardId-000000000000").offset())).isTrue();
        assertThat(byShard.get("shardId-000000000001").offset()).isEqualTo(KinesisOffsets.offset(SEQ_A, 0, CREATED_MILLIS));
        assertThat(byShard.get("shardId-000000000002").offset()).isEqualTo(KinesisOffsets.offset(SEQ_B, 5, CREATED_MILLIS));
        assertThat(byShard.get("shardId-000000000003").offset())
                .isEqualTo(KinesisOffsets.start(StartPosition.trimHorizon(), CREATED_MILLIS));
        assertThat(byShard.get("shardId-000000000003").note()).contains("once its parents are finished");
    }

    private static Object kcl2Lease(ClassLoader kcl, String className, String leaseKey, Object checkpoint,
            List<String> parents) throws Exception {
        Object lease = newInstance(kcl, className);
        Class<?> base = kcl.loadClass("software.amazon.kinesis.leases.Lease");
        base.getMethod("leaseKey", String.class).invoke(lease, leaseKey);
        base.getMethod("checkpoint", checkpoint.getClass()).invoke(lease, checkpoint);
        base.getMethod("leaseCounter", Long.class).invoke(lease, 1L);
        base.getMethod("ownerSwitchesSinceCheckpoint", Long.class).invoke(lease, 0L);
        base.getMethod("parentShardIds", Collection.class).invoke(lease, parents);
        return lease;
    }

    private static Object kcl1Lease(Class<?> leaseClass, Class<?> esn, String shardId, Object checkpoint, List<String> parents)
            throws Exception {
        Object lease = leaseClass.getConstructor().newInstance();
        leaseClass.getMethod("setLeaseKey", String.class).invoke(lease, shardId);
        leaseClass.getMethod("setCheckpoint", esn).invoke(lease, checkpoint);
        leaseClass.getMethod("setLeaseCounter", Long.class).invoke(lease, 1L);
        leaseClass.getMethod("setOwnerSwitchesSinceCheckpoint", Long.class).invoke(lease, 0L);
        leaseClass.getMethod("setParentShardIds", Collection.class).invoke(lease, parents);
        return lease;
    }

    /** An SDK v1 item as SDK v2 attribute values: the kinds a KCL lease item has (S, N, SS). */
    private static Map<String, AttributeValue> toSdkV2(Map<?, ?> item) throws Exception {
        Map<String, AttributeValue> v2 = new HashMap<>();
        for (Map.Entry<?, ?> e : item.entrySet()) {
            Object value = e.getValue();
            String s = (String) value.getClass().getMethod("getS").invoke(value);
            String n = (String) value.getClass().getMethod("getN").invoke(value);
            @SuppressWarnings("unchecked")
            List<String> ss = (List<String>) value.getClass().getMethod("getSS").invoke(value);
            AttributeValue converted = s != null ? AttributeValue.fromS(s)
                    : n != null ? AttributeValue.fromN(n)
                    : ss != null ? AttributeValue.fromSs(ss)
                    : null;
            assertThat(converted).as("attribute %s of a KCL 1 lease item: %s", e.getKey(), value).isNotNull();
            v2.put((String) e.getKey(), converted);
        }
        return v2;
    }

    /** That the class is the old KCL's, not the KCL 3 of the test class path. */
    private static void assertFrom(Class<?> type, String jarPrefix) {
        assertThat(type.getProtectionDomain().getCodeSource().getLocation().getPath()).contains("/" + jarPrefix + ".jar");
    }

    private static Object newInstance(ClassLoader loader, String className) throws Exception {
        return loader.loadClass(className).getConstructor().newInstance();
    }

    /**
     * The jars of one KCL version; classes under {@code ownPackage} come from them only (the test
     * class path has KCL 3's of the same names), everything else from this test's class loader.
     */
    private static URLClassLoader kclClasses(String version, String ownPackage) {
        Path dir = Paths.get(System.getProperty("tributary.test.kcl.dir", "target/kcl-versions"), version);
        assertThat(dir).as("the build copies KCL %s's jars here", version).isDirectory();
        URL[] jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).map(KclOlderVersionsLeaseIT::url).toArray(URL[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(jars).as("jars in %s", dir + File.separator).isNotEmpty();
        return new URLClassLoader("kcl-" + version, jars, KclOlderVersionsLeaseIT.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith(ownPackage)) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        loaded = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(loaded);
                    }
                    return loaded;
                }
            }
        };
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
