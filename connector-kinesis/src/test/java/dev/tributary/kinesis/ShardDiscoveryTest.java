package dev.tributary.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.kinesis.proxy.FanOutConsumer;
import dev.tributary.kinesis.proxy.FetchResult;
import dev.tributary.kinesis.proxy.KinesisProxy;
import dev.tributary.kinesis.proxy.ShardInfo;
import dev.tributary.kinesis.proxy.ShardPage;
import dev.tributary.kinesis.proxy.StartPosition;
import dev.tributary.kinesis.proxy.StreamRef;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.ExpiredNextTokenException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;

class ShardDiscoveryTest {
    private static final StreamRef STREAM = new StreamRef("orders", null);

    @Test
    void followsEveryPage() throws Exception {
        PagedKinesis kinesis = new PagedKinesis(3);

        List<ShardInfo> shards = new ShardDiscovery(kinesis, Duration.ofMillis(1)).shards(STREAM);

        assertThat(shards).extracting(ShardInfo::shardId).containsExactly("s-0", "s-1", "s-2");
        assertThat(kinesis.tokens).containsExactly(null, "page-1", "page-2");
    }

    @Test
    void anExpiredPageTokenStartsTheListingAgainAndThrottlingIsRetried() throws Exception {
        PagedKinesis kinesis = new PagedKinesis(2);
        kinesis.failures.add(ExpiredNextTokenException.builder().message("expired").build());
        kinesis.failures.add(LimitExceededException.builder().message("slow down").build());

        List<ShardInfo> shards = new ShardDiscovery(kinesis, Duration.ofMillis(1)).shards(STREAM);

        assertThat(shards).extracting(ShardInfo::shardId).containsExactly("s-0", "s-1");
        assertThat(kinesis.tokens.get(0)).isNull();
        assertThat(kinesis.tokens).filteredOn(t -> t == null).hasSize(3);
    }

    @Test
    void aPermissionErrorIsReportedWithItsCode() {
        PagedKinesis kinesis = new PagedKinesis(1);
        kinesis.failures.add(KinesisException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("AccessDeniedException").errorMessage("not authorized to perform kinesis:ListShards").build()).build());

        assertThatThrownBy(() -> new ShardDiscovery(kinesis, Duration.ofMillis(1)).shards(STREAM))
                .hasMessage("cannot list the shards of stream orders: AccessDeniedException: not authorized to perform kinesis:ListShards");
    }

    @Test
    void anInterruptEndsAListingThatKinesisNeverAnswersAndCancelsTheRequest() throws Exception {
        PagedKinesis kinesis = new PagedKinesis(1);
        kinesis.hanging = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread starting = new Thread(() -> {
            try {
                new ShardDiscovery(kinesis, Duration.ofMillis(1)).shards(STREAM);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        starting.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !kinesis.tokens.isEmpty());

        starting.interrupt();
        starting.join();

        assertThat(thrown.get()).as("as when the runtime stops a connector in its start")
                .isInstanceOf(InterruptedException.class);
        assertThat(kinesis.hanging).isCancelled();
    }

    @Test
    void findsWhenTheStreamWasCreatedRetryingThrottling() throws Exception {
        PagedKinesis kinesis = new PagedKinesis(1);
        kinesis.failures.add(software.amazon.awssdk.services.kinesis.model.LimitExceededException.builder()
                .message("Rate exceeded").build());

        assertThat(new ShardDiscovery(kinesis, Duration.ofMillis(1)).creationTime(STREAM)).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void aCreationTimeKinesisRefusesToGiveIsUnknownNotAFailure() throws Exception {
        PagedKinesis kinesis = new PagedKinesis(1);
        kinesis.failures.add(KinesisException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("AccessDeniedException").errorMessage("not authorized to perform kinesis:DescribeStreamSummary")
                .build()).build());

        assertThat(new ShardDiscovery(kinesis, Duration.ofMillis(1)).creationTime(STREAM))
                .isEqualTo(dev.tributary.kinesis.reader.KinesisOffsets.UNKNOWN_CREATION);
    }

    /** A stream of {@code pages} one-shard pages; queued failures come before the next page. */
    private static final class PagedKinesis implements KinesisProxy {
        final List<String> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Deque<Throwable> failures = new ArrayDeque<>();
        // When set, every listing waits on it, as a call to an endpoint that never answers does.
        volatile CompletableFuture<ShardPage> hanging;
        private final int pages;

        PagedKinesis(int pages) {
            this.pages = pages;
        }

        @Override
        public CompletableFuture<ShardPage> listShards(StreamRef stream, String nextToken) {
            tokens.add(nextToken);
            if (hanging != null) {
                return hanging;
            }
            Throwable failure = failures.poll();
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            int page = nextToken == null ? 0 : Integer.parseInt(nextToken.substring("page-".length()));
            String next = page + 1 < pages ? "page-" + (page + 1) : null;
            return CompletableFuture.completedFuture(new ShardPage(List.of(new ShardInfo("s-" + page, null, null, null)), next));
        }

        @Override
        public CompletableFuture<String> streamArn(StreamRef stream) {
            return CompletableFuture.completedFuture("arn");
        }

        @Override
        public CompletableFuture<java.time.Instant> streamCreationTime(StreamRef stream) {
            Throwable failure = failures.poll();
            return failure != null ? CompletableFuture.failedFuture(failure)
                    : CompletableFuture.completedFuture(java.time.Instant.ofEpochSecond(1_700_000_000L));
        }

        @Override
        public CompletableFuture<String> shardIterator(StreamRef stream, String shardId, StartPosition position) {
            return CompletableFuture.failedFuture(new AssertionError("discovery takes no iterators"));
        }

        @Override
        public CompletableFuture<FetchResult> records(StreamRef stream, String iterator, int limit) {
            return CompletableFuture.failedFuture(new AssertionError("discovery reads no records"));
        }

        @Override
        public CompletableFuture<FanOutConsumer> registerConsumer(String streamArn, String consumerName) {
            return CompletableFuture.failedFuture(new AssertionError("discovery registers no consumer"));
        }

        @Override
        public CompletableFuture<FanOutConsumer> describeConsumer(String streamArn, String consumerName) {
            return CompletableFuture.failedFuture(new AssertionError("discovery describes no consumer"));
        }

        @Override
        public CompletableFuture<Void> subscribe(String consumerArn, String shardId, StartPosition position,
                Flow.Subscriber<FetchResult> subscriber) {
            return CompletableFuture.failedFuture(new AssertionError("discovery subscribes to nothing"));
        }

        @Override
        public void close() {
        }
    }
}
