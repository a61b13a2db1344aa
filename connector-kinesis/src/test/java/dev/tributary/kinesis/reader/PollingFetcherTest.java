package dev.tributary.kinesis.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import dev.tributary.api.connector.SourceRecord;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.kinesis.kpl.KplAggregator;
import dev.tributary.kinesis.kpl.KplDeaggregator;
import dev.tributary.kinesis.proxy.KinesisRecord;
import dev.tributary.kinesis.proxy.StartPosition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

class PollingFetcherTest {
    private static final String STREAM = "orders";

    private final FakeKinesisProxy kinesis = new FakeKinesisProxy();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<SourceOffset> ends = new ArrayList<>();
    private PollingFetcher fetcher;

    @AfterEach
    void stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void readsEveryShardInOrderWithOffsetsKeysAndValues() throws Exception {
        kinesis.shard("shard-0").shard("shard-1");
        List<KinesisRecord> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            written.add(kinesis.put("shard-" + (i % 2), "key-" + i, bytes("v" + i)));
        }
        start(settings(1000), Map.of(), assign("shard-0"), assign("shard-1"));

        List<SourceRecord> records = collect(50);

        assertThat(records).hasSize(50);
        for (String shard : List.of("shard-0", "shard-1")) {
            List<SourceRecord> ofShard = records.stream()
                    .filter(r -> r.partition().equals(KinesisOffsets.partition(STREAM, shard))).toList();
            List<KinesisRecord> expected = written.stream().filter(w -> kinesis.shards.get(shard).contains(w)).toList();
            assertThat(ofShard).extracting(SourceRecord::key).containsExactlyElementsOf(
                    expected.stream().map(KinesisRecord::partitionKey).toList());
            assertThat(ofShard).extracting(r -> r.offset().getString(KinesisOffsets.SEQUENCE_NUMBER))
                    .containsExactlyElementsOf(expected.stream().map(KinesisRecord::sequenceNumber).toList());
            assertThat(ofShard.get(0).value()).isSameAs(expected.get(0).data());
        }
    }

    @Test
    void aStartOffsetChoosesWhereItsShardStartsWhateverTheInitialPosition() throws Exception {
        kinesis.shard("shard-0").shard("shard-1");
        List<KinesisRecord> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(kinesis.put("shard-0", "k", bytes("v" + i)));
            kinesis.put("shard-1", "k", bytes("old" + i));
        }
        StartPosition atFifth = StartPosition.atTimestamp(written.get(5).arrival());
        // As an imported KCL lease would: an AT_TIMESTAMP start on one shard, LATEST on the other; TRIM_HORIZON otherwise.
        start(settings(1000), Map.of(
                KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.start(atFifth, KinesisOffsets.UNKNOWN_CREATION),
                KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.start(StartPosition.latest(), 7L)),
                assign("shard-0"), assign("shard-1", 7L));
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.iteratorRequests.size() >= 2);
        kinesis.put("shard-1", "k", bytes("new"));

        List<SourceRecord> records = collect(6);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("v5", "v6", "v7", "v8", "v9", "new");
        assertThat(kinesis.iteratorRequests).contains(atFifth, StartPosition.latest());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithoutLossOrRepeats() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 30; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        kinesis.getRecordsFailures.add(ProvisionedThroughputExceededException.builder().message("slow down").build());
        kinesis.getRecordsFailures.add(serverError(500));
        kinesis.getRecordsFailures.add(serverError(503));
        kinesis.iteratorFailures.add(ProvisionedThroughputExceededException.builder().message("slow down").build());
        start(settings(10), Map.of(), assign("shard-0"));

        List<SourceRecord> records = collect(30);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(range(0, 30));
        assertThat(fetcher.shards()).singleElement().satisfies(s -> assertThat(s.throttles).isEqualTo(2));
    }

    @Test
    void anExpiredIteratorIsRenewedAfterTheLastRecordFetched() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 10; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        start(settings(1000), Map.of(), assign("shard-0"));
        List<SourceRecord> first = collect(10);
        String last = first.get(9).offset().getString(KinesisOffsets.SEQUENCE_NUMBER);

        kinesis.expireIterators();
        for (int i = 10; i < 20; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        List<SourceRecord> second = collect(10);

        assertThat(second).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(range(10, 20));
        assertThat(kinesis.iteratorRequests).contains(StartPosition.afterSequence(last));
        assertThat(fetcher.shards()).singleElement().satisfies(s -> assertThat(s.iteratorRenewals).isEqualTo(1));
    }

    @Test
    void resumesInsideAKplAggregateAtTheNextUserRecord() throws Exception {
        kinesis.shard("shard-0");
        KinesisRecord aggregate = kinesis.put("shard-0", "outer", KplAggregator.aggregate(
                new KplAggregator.Entry("a", bytes("u0")), new KplAggregator.Entry("b", bytes("u1")),
                new KplAggregator.Entry("a", bytes("u2")), new KplAggregator.Entry("c", bytes("u3"))));
        kinesis.put("shard-0", "plain", bytes("after"));
        Map<SourcePartition, SourceOffset> committed = Map.of(KinesisOffsets.partition(STREAM, "shard-0"),
                KinesisOffsets.offset(aggregate.sequenceNumber(), 1));
        start(settings(1000), committed, assign("shard-0"));

        List<SourceRecord> records = collect(3);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("u2", "u3", "after");
        assertThat(records).extracting(SourceRecord::key).containsExactly("a", "c", "plain");
        assertThat(records.get(0).offset()).isEqualTo(KinesisOffsets.offset(aggregate.sequenceNumber(), 2));
        assertThat(kinesis.iteratorRequests).containsExactly(StartPosition.atSequence(aggregate.sequenceNumber()));
    }

    @Test
    void aClosedShardEndsAfterItsRecordsAndItsChildWaitsForTheCommittedEnd() throws Exception {
        kinesis.shard("parent").shard("child", "parent");
        kinesis.put("parent", "k", bytes("p0"));
        kinesis.put("parent", "k", bytes("p1"));
        kinesis.close("parent");
        kinesis.put("child", "k", bytes("c0"));
        start(settings(1000), Map.of(), assign("parent"),
                new ShardAssignment(STREAM, "", "child", true, List.of("parent")));

        List<SourceRecord> parentRecords = collect(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            collectInto(new ArrayList<>());
            return !ends.isEmpty();
        });
        assertThat(parentRecords).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("p0", "p1");
        assertThat(ends).singleElement().satisfies(end -> {
            assertThat(KinesisOffsets.isShardEnd(end)).isTrue();
            assertThat(end.getString(KinesisOffsets.SEQUENCE_NUMBER)).isEqualTo(parentRecords.get(1).offset().getString(KinesisOffsets.SEQUENCE_NUMBER));
        });
        List<SourceRecord> early = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            collectInto(early);
        }
        assertThat(early).as("the child waits until the parent's end is committed").isEmpty();

        fetcher.onCommitted(Map.of(KinesisOffsets.partition(STREAM, "parent"), ends.get(0)));
        List<SourceRecord> child = collect(1);

        assertThat(child).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("c0");
        assertThat(kinesis.iteratorRequests).contains(StartPosition.trimHorizon());
    }

    @Test
    void aShardThatIsGoneCountsAsEnded() throws Exception {
        start(settings(1000), Map.of(), assign("missing"));

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            collectInto(new ArrayList<>());
            return !ends.isEmpty();
        });

        assertThat(KinesisOffsets.isShardEnd(ends.get(0))).isTrue();
    }

    @Test
    void aFullBufferStopsFetchingUntilTheRuntimeTakesRecords() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 100; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        start(new ReaderSettings(StartPosition.trimHorizon(), 10, 1 << 20, 1000, 4,
                Duration.ofMillis(20), Duration.ofMillis(10)), Map.of(), assign("shard-0"));

        await().atMost(Duration.ofSeconds(5)).until(() -> kinesis.getRecordsCalls.get() >= 1);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        int callsWhileFull = kinesis.getRecordsCalls.get();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        assertThat(kinesis.getRecordsCalls.get()).as("no fetch while the buffer is full").isEqualTo(callsWhileFull);
        List<SourceRecord> all = collect(100);
        assertThat(all).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(range(0, 100));
    }

    @Test
    void whileTheRuntimeTakesNothingOnlyAboutTwoFetchesOfRecordsWaitNotTheWholeReceiveQueue() throws Exception {
        for (int s = 0; s < 4; s++) {
            kinesis.shard("shard-" + s);
            for (int i = 0; i < 500; i++) {
                kinesis.put("shard-" + s, "k", bytes("v" + i));
            }
        }
        ReaderSettings unpaced = new ReaderSettings(StartPosition.trimHorizon(), 10_000, 64L << 20, 50, 4,
                Duration.ofMillis(20), Duration.ofMillis(5), false);
        start(unpaced, Map.of(), assign("shard-0"), assign("shard-1"), assign("shard-2"), assign("shard-3"));

        await().atMost(Duration.ofSeconds(5)).until(() -> kinesis.getRecordsCalls.get() >= 2);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        // 2 x 50 records may wait, and fetches already in flight (4 at most) land on top of them.
        assertThat(kinesis.getRecordsCalls.get()).as("calls while nothing was taken").isBetween(2, 6);
        List<SourceRecord> all = collect(2000);
        assertThat(all).hasSize(2000);
    }

    @Test
    void aShardThatIsBehindWaitsForKinesisLimitsByDefault() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 50; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        AtomicLong frozenClock = new AtomicLong(1_000_000_000L);
        start(settings(5), Map.of(), frozenClock::get, assign("shard-0"));

        assertThat(collect(5)).hasSize(5);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);

        assertThat(kinesis.getRecordsCalls.get()).as("the next call waits 200 ms, and the clock stands still").isEqualTo(1);
    }

    @Test
    void idleShardsCallAgainTogetherOnAGridWhileAShardWithRecordsKeepsItsOwnPlaceInThePollInterval() throws Exception {
        kinesis.shard("idle-0").shard("idle-1").shard("busy");
        for (int i = 0; i < 3; i++) {
            kinesis.put("busy", "k", bytes("v" + i));
        }
        // pollInterval 20 ms: the grid is a tick, 20 ms. A clock off the grid, standing still. Unpaced, so
        // that Kinesis's 200 ms between a shard's calls does not cover the busy shard's place.
        long now = 1_000_000_007L;
        long grid = Duration.ofMillis(20).toNanos();
        start(new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, 1000, 4, Duration.ofMillis(20),
                Duration.ofMillis(5), false), Map.of(), () -> now, assign("idle-0"), assign("idle-1"), assign("busy"));

        assertThat(collect(3)).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> kinesis.getRecordsCalls.get() >= 3
                && fetcher.shards().stream().allMatch(s -> s.nextFetchAtNanos > 0));

        for (ShardReader shard : fetcher.shards()) {
            if (shard.shardId.equals("busy")) {
                // The third of three shards: two thirds into each interval from the fetcher's start (now),
                // the first such point at least half an interval after its call.
                assertThat(shard.nextFetchAtNanos).as("caught up with records: its own place in the poll interval")
                        .isEqualTo(now + (long) (2.0 / 3 * grid));
            } else {
                assertThat(shard.nextFetchAtNanos).as(shard.shardId + ": idle, on the grid")
                        .isEqualTo((now + grid) / grid * grid + grid);
            }
        }
    }

    @Test
    void aShardWhoseIntervalTakesSeveralCallsIsCalledEvenlyInsteadOfInABurst() throws Exception {
        long second = Duration.ofSeconds(1).toNanos();
        AtomicLong clock = new AtomicLong(second);
        ShardReader shard = caughtUpShard(false, clock);
        assertThat(shard.nextFetchAtNanos).as("5 records fit in a call: the whole interval").isEqualTo(2 * second);

        // 40 records in the next interval, 10 a call: a burst of 4 calls at 2 s, then 5 calls an interval (8 records each).
        for (int i = 5; i < 45; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        clock.set(2 * second);
        List<SourceRecord> all = collect(40);

        assertThat(all).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(range(5, 45));
        await().atMost(Duration.ofSeconds(5)).until(() -> shard.state == ShardReader.State.READY);
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(5);
        assertThat(shard.nextFetchAtNanos).as("an even share of the interval, from the call's start")
                .isEqualTo(2 * second + second / 5);

        // 8 records in that fifth of an interval: the same rate, the same spacing, one call.
        for (int i = 45; i < 53; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        clock.set(2 * second + second / 5);
        assertThat(collect(8)).hasSize(8);
        await().atMost(Duration.ofSeconds(5)).until(() -> shard.state == ShardReader.State.READY
                && shard.nextFetchAtNanos > 2 * second + second / 5);
        assertThat(kinesis.getRecordsCalls.get()).isEqualTo(6);
        assertThat(shard.nextFetchAtNanos).isEqualTo(2 * second + 2 * second / 5);

        // Quiet again, 2 records in the next fifth: back to the whole interval, on the shard's grid of
        // intervals (from the fetcher's start, 1 s): the first point at least half an interval on, 3 s.
        kinesis.put("shard-0", "k", bytes("v53"));
        kinesis.put("shard-0", "k", bytes("v54"));
        clock.set(2 * second + 2 * second / 5);
        assertThat(collect(2)).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> shard.state == ShardReader.State.READY
                && shard.nextFetchAtNanos > 2 * second + 2 * second / 5);
        assertThat(shard.nextFetchAtNanos).isEqualTo(3 * second);
    }

    @Test
    void shardsStartedTogetherCallAtTheirOwnPlacesInTheIntervalAndThenOnceAnInterval() throws Exception {
        long second = Duration.ofSeconds(1).toNanos();
        AtomicLong clock = new AtomicLong(second);
        for (int s = 0; s < 4; s++) {
            kinesis.shard("shard-" + s);
            for (int i = 0; i < 3; i++) {
                kinesis.put("shard-" + s, "k", bytes(s + "-" + i));
            }
        }
        start(new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, 10, 4, Duration.ofSeconds(1),
                Duration.ofMillis(5), false), Map.of(), clock::get, assign("shard-0"), assign("shard-1"),
                assign("shard-2"), assign("shard-3"));
        assertThat(collect(12)).hasSize(12);
        await().atMost(Duration.ofSeconds(5)).until(() -> fetcher.shards().stream()
                .allMatch(s -> s.state == ShardReader.State.READY && s.nextFetchAtNanos > 0));

        // All four called at 1 s and were caught up: each takes its quarter of the interval, the first
        // such point at least half an interval on.
        Map<String, Long> next = new TreeMap<>();
        fetcher.shards().forEach(s -> next.put(s.shardId, s.nextFetchAtNanos));
        assertThat(next).containsExactly(entry("shard-0", 2 * second),
                entry("shard-1", second + second * 5 / 4),
                entry("shard-2", second + second / 2),
                entry("shard-3", second + second * 3 / 4));

        // From its place on, a shard calls once an interval.
        ShardReader third = fetcher.shards().stream().filter(s -> s.shardId.equals("shard-2")).findFirst().orElseThrow();
        kinesis.put("shard-2", "k", bytes("2-3"));
        clock.set(second + second / 2);
        assertThat(collect(1)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("2-3");
        await().atMost(Duration.ofSeconds(5)).until(() -> third.state == ShardReader.State.READY
                && third.nextFetchAtNanos > second + second / 2);
        assertThat(third.nextFetchAtNanos).isEqualTo(2 * second + second / 2);
    }

    @Test
    void aBusyShardsEvenCallsKeepToKinesisLimitsByDefault() throws Exception {
        long second = Duration.ofSeconds(1).toNanos();
        AtomicLong clock = new AtomicLong(second);
        ShardReader shard = caughtUpShard(true, clock);

        // 100 records in an interval would be 13 calls of 8: paced, the calls stay 200 ms apart.
        for (int i = 5; i < 105; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        long at = 2 * second;
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (all.size() < 100 && System.nanoTime() < deadline) {
            clock.set(at);
            int before = all.size();
            collectInto(all);
            if (all.size() > before) {
                at += Duration.ofMillis(200).toNanos();
            }
        }
        assertThat(all).hasSize(100);
        await().atMost(Duration.ofSeconds(5)).until(() -> shard.state == ShardReader.State.READY);
        long lastCall = at - Duration.ofMillis(200).toNanos();

        assertThat(shard.nextFetchAtNanos).as("no sooner than Kinesis's 5 calls a second allow")
                .isEqualTo(lastCall + Duration.ofMillis(200).toNanos());
    }

    @Test
    void withoutPacingAShardThatIsBehindIsFetchedAgainAtOnce() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 50; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        AtomicLong frozenClock = new AtomicLong(1_000_000_000L);
        ReaderSettings unpaced = new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, 5, 4,
                Duration.ofMillis(20), Duration.ofMillis(5), false);
        start(unpaced, Map.of(), frozenClock::get, assign("shard-0"));

        List<SourceRecord> all = collect(50);

        assertThat(all).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(range(0, 50));
        assertThat(kinesis.getRecordsCalls.get()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void eachCallAsksForAsManyRecordsAsFitInTheByteBudgetByTheShardsRecordSizes() throws Exception {
        kinesis.shard("shard-0");
        byte[] tenKib = new byte[10 * 1024];
        for (int i = 0; i < 60; i++) {
            tenKib[0] = (byte) i;
            kinesis.put("shard-0", "k", tenKib.clone());
        }
        ReaderSettings budget = new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, 1000, 4,
                Duration.ofMillis(20), Duration.ofMillis(5), false, 64 * 1024);
        start(budget, Map.of(), assign("shard-0"));

        List<SourceRecord> all = collect(60);

        assertThat(all).extracting(r -> (int) r.value()[0]).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 60).boxed().toList());
        // Before any response the sizer assumes 1 KiB records: 55 fit in 63 KiB. Then it knows them: 6 fit.
        assertThat(kinesis.getRecordsLimits.get(0)).isEqualTo(55);
        assertThat(kinesis.getRecordsLimits.subList(1, kinesis.getRecordsLimits.size())).isNotEmpty().allMatch(l -> l == 6);
    }

    @Test
    void anErrorRetriesCannotFixFailsPollWithAReadableMessage() {
        kinesis.shard("shard-0");
        kinesis.put("shard-0", "k", bytes("v"));
        kinesis.getRecordsFailures.add(KinesisException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User is not authorized to perform kinesis:GetRecords").build()).build());
        start(settings(1000), Map.of(), assign("shard-0"));

        assertThatThrownBy(() -> collect(1))
                .isInstanceOf(KinesisReadException.class)
                .hasMessage("AccessDeniedException: User is not authorized to perform kinesis:GetRecords");
    }

    @Test
    void aRecreatedStreamsShardsAreReadFromTheirStartThoughTheOldStreamsOffsetsMarkThemReadOrEnded() throws Exception {
        kinesis.shard("shard-0").shard("shard-1");
        long old = kinesis.created.toEpochMilli();
        Map<SourcePartition, SourceOffset> committed = Map.of(
                KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset("99999999999999999999999999999", 0, old),
                KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.shardEnd("99999999999999999999999999999", 0, old));
        kinesis.recreate();
        long now = kinesis.created.toEpochMilli();
        for (int i = 0; i < 20; i++) {
            kinesis.put("shard-" + (i % 2), "k", bytes("v" + i));
        }
        // LATEST would skip what the new stream got before the connector noticed it: the new stream is read from its start.
        ReaderSettings latest = new ReaderSettings(StartPosition.latest(), 1000, 64L << 20, 1000, 4,
                Duration.ofMillis(20), Duration.ofMillis(5));
        start(latest, committed, assign("shard-0", now), assign("shard-1", now));

        List<SourceRecord> records = collect(20);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(range(0, 20));
        assertThat(records).allSatisfy(r -> assertThat(r.offset().getLong(KinesisOffsets.STREAM_CREATED_AT, -1)).isEqualTo(now));
        assertThat(kinesis.iteratorRequests).extracting(StartPosition::type).containsOnly(StartPosition.Type.TRIM_HORIZON);
    }

    @Test
    void offsetsOfTheSameStreamAndOffsetsWithoutACreationTimeAreResumedFrom() throws Exception {
        kinesis.shard("shard-0").shard("shard-1").shard("shard-2");
        long now = kinesis.created.toEpochMilli();
        List<KinesisRecord> written0 = new ArrayList<>();
        List<KinesisRecord> written1 = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written0.add(kinesis.put("shard-0", "k", bytes("a" + i)));
            written1.add(kinesis.put("shard-1", "k", bytes("b" + i)));
            kinesis.put("shard-2", "k", bytes("c" + i));
        }
        kinesis.close("shard-2");
        Map<SourcePartition, SourceOffset> committed = Map.of(
                // Written before offsets recorded the stream's creation time.
                KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.offset(written0.get(4).sequenceNumber(), 0),
                KinesisOffsets.partition(STREAM, "shard-1"), KinesisOffsets.offset(written1.get(6).sequenceNumber(), 0, now),
                KinesisOffsets.partition(STREAM, "shard-2"), KinesisOffsets.shardEnd("1", 0, now));
        start(settings(1000), committed, assign("shard-0", now), assign("shard-1", now), assign("shard-2", now));

        List<SourceRecord> records = collect(8);
        // A moment more, so that records read from the ended shard would be seen too.
        Thread.sleep(200);
        collectInto(records);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("a5", "a6", "a7", "a8", "a9", "b7", "b8", "b9");
    }

    @Test
    void anEndWithoutACreationTimeOfAnOpenShardIsOfAnEarlierStreamAndTheShardIsReadFromItsStart() throws Exception {
        kinesis.shard("shard-0");
        for (int i = 0; i < 5; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        // Written before offsets recorded the creation time: a shard of that id ended, so it was another stream's.
        Map<SourcePartition, SourceOffset> committed = Map.of(
                KinesisOffsets.partition(STREAM, "shard-0"), KinesisOffsets.shardEnd("99999999999999999999999999999", 0));
        ShardAssignment open = new ShardAssignment(STREAM, "", "shard-0", false, List.of(), KinesisOffsets.UNKNOWN_CREATION, true);
        start(settings(1000), committed, open);

        List<SourceRecord> records = collect(5);

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyElementsOf(range(0, 5));
        assertThat(kinesis.iteratorRequests).extracting(StartPosition::type).containsOnly(StartPosition.Type.TRIM_HORIZON);
    }

    private static ShardAssignment assign(String shard, long streamCreatedAt) {
        return new ShardAssignment(STREAM, "", shard, false, List.of(), streamCreatedAt);
    }

    /**
     * One shard, a 1 s poll interval, 10 records a call, the clock standing at {@code clock}: its
     * first call reads its 5 records and finds it caught up.
     */
    private ShardReader caughtUpShard(boolean paced, AtomicLong clock) throws InterruptedException {
        kinesis.shard("shard-0");
        for (int i = 0; i < 5; i++) {
            kinesis.put("shard-0", "k", bytes("v" + i));
        }
        start(new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, 10, 4, Duration.ofSeconds(1),
                Duration.ofMillis(5), paced), Map.of(), clock::get, assign("shard-0"));
        assertThat(collect(5)).hasSize(5);
        ShardReader shard = fetcher.shards().iterator().next();
        await().atMost(Duration.ofSeconds(5)).until(() -> shard.state == ShardReader.State.READY);
        return shard;
    }

    private void start(ReaderSettings settings, Map<SourcePartition, SourceOffset> committed, ShardAssignment... shards) {
        start(settings, committed, System::nanoTime, shards);
    }

    private void start(ReaderSettings settings, Map<SourcePartition, SourceOffset> committed, LongSupplier nanoTime,
            ShardAssignment... shards) {
        fetcher = new PollingFetcher(kinesis, settings, new PulsarIoRecordMapper(false, Set.of(), null),
                new KplDeaggregator(), List.of(shards), committed, scheduler, nanoTime);
        fetcher.start();
    }

    private static ReaderSettings settings(int maxRecordsPerFetch) {
        return new ReaderSettings(StartPosition.trimHorizon(), 1000, 64L << 20, maxRecordsPerFetch, 4,
                Duration.ofMillis(20), Duration.ofMillis(5));
    }

    private static ShardAssignment assign(String shard) {
        return new ShardAssignment(STREAM, "", shard, false, List.of());
    }

    private List<SourceRecord> collect(int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            collectInto(records);
        }
        return records;
    }

    private void collectInto(List<SourceRecord> records) throws InterruptedException {
        for (ShardBatch batch : fetcher.poll(Duration.ofMillis(50))) {
            records.addAll(batch.records());
            if (batch.endOffset() != null) {
                ends.add(batch.endOffset());
            }
        }
    }

    private static KinesisException serverError(int status) {
        return (KinesisException) KinesisException.builder().statusCode(status).message("internal error").build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> range(int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add("v" + i);
        }
        return values;
    }

}
