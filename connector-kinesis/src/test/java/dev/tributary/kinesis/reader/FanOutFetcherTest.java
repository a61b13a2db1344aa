package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.StartPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutFetcherTest {
    private static final String STREAM = "orders";

    private final FakeKinesisProxy kinesis = new FakeKinesisProxy();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private FanOutFetcher fetcher;

    @AfterEach
    void stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void readsThroughSubscriptionRenewalsWithoutLossOrRepeats() throws Exception {
        kinesis.shard("shard-0");
        List<KinesisRecord> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            written.add(kinesis.put("shard-0", "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        start(1000, Map.of());

        List<SourceRecord> records = collect(40);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(written.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList());
        assertThat(kinesis.subscriptions.get()).as("renewed every three events").isGreaterThanOrEqualTo(3);
        assertThat(kinesis.subscribePositions.get(1)).isEqualTo(StartPosition.afterSequence(written.get(14).sequenceNumber()));
    }

    @Test
    void resumesAtTheCommittedRecordAndSkipsIt() throws Exception {
        kinesis.shard("shard-0");
        List<KinesisRecord> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(kinesis.put("shard-0", "k", ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        start(1000, Map.of(KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset(written.get(3).sequenceNumber(), 0)));

        List<SourceRecord> records = collect(6);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("v4", "v5", "v6", "v7", "v8", "v9");
        assertThat(kinesis.subscribePositions.get(0)).isEqualTo(StartPosition.atSequence(written.get(3).sequenceNumber()));
    }

    @Test
    void aFullBufferStopsAskingForEventsUntilRecordsAreTaken() throws Exception {
        kinesis.shard("shard-0");
        kinesis.eventsPerSubscription = 1000;
        for (int i = 0; i < 60; i++) {
            kinesis.put("shard-0", "k", ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        start(10, Map.of());
        Thread.sleep(500);

        List<ShardBatch> held = fetcher.poll(Duration.ofMillis(10));
        int buffered = held.stream().mapToInt(ShardBatch::kinesisRecords).sum();
        assertThat(buffered).as("receiveQueueSize 10, overshoot at most one event of 5").isLessThanOrEqualTo(15);

        List<SourceRecord> rest = collect(60 - buffered);
        assertThat(rest).hasSize(60 - buffered);
    }

    @Test
    void aClosedShardEndsAndIsNotSubscribedAgain() throws Exception {
        kinesis.shard("shard-0");
        kinesis.put("shard-0", "k", "last".getBytes(StandardCharsets.UTF_8));
        kinesis.close("shard-0");
        start(1000, Map.of());

        List<SourceOffset> ends = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ends.isEmpty() && System.nanoTime() < deadline) {
            for (ShardBatch batch : fetcher.poll(Duration.ofMillis(50))) {
                if (batch.endOffset() != null) {
                    ends.add(batch.endOffset());
                }
            }
        }
        int subscriptions = kinesis.subscriptions.get();
        Thread.sleep(300);

        assertThat(ends).singleElement().satisfies(e -> assertThat(KinesisOffsets.isShardEnd(e)).isTrue());
        assertThat(kinesis.subscriptions.get()).isEqualTo(subscriptions);
    }

    private void start(int receiveQueueSize, Map<SourcePartition, SourceOffset> committed) {
        ReaderSettings settings = new ReaderSettings(StartPosition.trimHorizon(), receiveQueueSize, 64L << 20, 1000, 4,
                Duration.ofMillis(20), Duration.ofMillis(5));
        fetcher = new FanOutFetcher(kinesis, Map.of(STREAM, "arn:consumer"), settings,
                new PulsarIoRecordMapper(false, Set.of(), null), new KplDeaggregator(),
                List.of(new ShardAssignment(STREAM, "", "shard-0", false, List.of())), committed, scheduler, System::nanoTime);
        fetcher.start();
    }

    private List<SourceRecord> collect(int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            for (ShardBatch batch : fetcher.poll(Duration.ofMillis(50))) {
                records.addAll(batch.records());
            }
        }
        return records;
    }
}
