package dev.tributary.bench.jmh;

import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.UserRecord;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.reader.KinesisOffsets;
import dev.tributary.kinesis.reader.PulsarIoRecordMapper;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Turning fetched Kinesis records into the SourceRecords the runtime writes to Pulsar, with the
 * connector's default {@code kinesisRecordProperties} and with none. A score is records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RecordMappingBenchmark {
    private static final int BATCH = 1024;
    private static final Set<String> DEFAULT_PROPERTIES = Set.of(PulsarIoRecordMapper.ARRIVAL_TIMESTAMP,
            PulsarIoRecordMapper.ENCRYPTION_TYPE, PulsarIoRecordMapper.PARTITION_KEY,
            PulsarIoRecordMapper.SEQUENCE_NUMBER, PulsarIoRecordMapper.SHARD_ID,
            PulsarIoRecordMapper.MILLIS_BEHIND_LATEST);

    @Param({"100", "1024"})
    int payloadBytes;

    /** {@code default}: the connector's default properties; {@code none}: no properties. */
    @Param({"default", "none"})
    String properties;

    private final String shardId = "shardId-000000000003";
    private final SourcePartition partition = KinesisOffsets.partition("bench", shardId);
    private PulsarIoRecordMapper mapper;
    private KinesisRecord[] records;
    private UserRecord[] users;

    @Setup
    public void setUp() {
        mapper = new PulsarIoRecordMapper(false, "none".equals(properties) ? Set.of() : DEFAULT_PROPERTIES, null);
        SplittableRandom random = new SplittableRandom(7);
        records = new KinesisRecord[BATCH];
        users = new UserRecord[BATCH];
        BigInteger sequence = new BigInteger("49650000000000000000000000000000000000000000000000000000");
        Instant arrival = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < BATCH; i++) {
            byte[] data = new byte[payloadBytes];
            random.nextBytes(data);
            String key = "partition-key-" + random.nextInt(10_000);
            records[i] = new KinesisRecord(sequence.add(BigInteger.valueOf(i)).toString(), key, data,
                    arrival.plusMillis(i), "NONE");
            // As the reader passes a record that is not an aggregate: the same array, not a copy.
            users[i] = new UserRecord(0, key, null, data, false);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void map(Blackhole blackhole) {
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(mapper.map(partition, shardId, records[i], users[i], 1500));
        }
    }
}
