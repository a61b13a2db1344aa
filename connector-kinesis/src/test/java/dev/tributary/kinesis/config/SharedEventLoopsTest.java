package dev.tributary.kinesis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The event loops every client of the connector shares. Other test classes of this JVM may hold
 * clients they never closed, so counts here are relative to what was held before.
 */
class SharedEventLoopsTest {
    private static KinesisClientFactory factory() {
        return new KinesisClientFactory(KinesisSourceConfig.from(Map.of("awsRegion", "eu-west-1",
                "awsKinesisStreamName", "orders", "credentialsType", "STATIC",
                "awsAccessKeyId", "test", "awsSecretAccessKey", "test", "httpClient", "NETTY")));
    }

    @Test
    void everyClientHoldsTheGroupUntilItIsClosedAndClosingTwiceReleasesOnce() {
        int before = SharedEventLoops.users();
        try (KinesisClientFactory factory = factory()) {
            KinesisAsyncClient kinesis = factory.kinesisClient();
            KinesisAsyncClient other = factory.kinesisClient();
            DynamoDbAsyncClient dynamo = factory.dynamoClient();
            assertThat(SharedEventLoops.users()).isEqualTo(before + 3);

            kinesis.close();
            kinesis.close();
            assertThat(SharedEventLoops.users()).isEqualTo(before + 2);
            other.close();
            dynamo.close();
            assertThat(SharedEventLoops.users()).isEqualTo(before);
        }
    }

    @Test
    void clientsShareOneGroupOfOneLoopPerCoreAndTheLastReleaseStopsIt() {
        EventLoopGroup first = SharedEventLoops.acquire().eventLoopGroup();
        EventLoopGroup second = SharedEventLoops.acquire().eventLoopGroup();
        try {
            assertThat(second).isSameAs(first);
            AtomicInteger loops = new AtomicInteger();
            first.forEach(loop -> loops.incrementAndGet());
            assertThat(loops).hasValue(SharedEventLoops.threads());
            if (System.getProperty(SharedEventLoops.THREADS_PROPERTY) == null) {
                assertThat(SharedEventLoops.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            }
            AtomicReference<Thread> thread = new AtomicReference<>();
            first.submit(() -> thread.set(Thread.currentThread())).syncUninterruptibly();
            assertThat(thread.get().getName()).startsWith("kinesis-io-");
            assertThat(thread.get().isDaemon()).isTrue();
        } finally {
            SharedEventLoops.release();
            SharedEventLoops.release();
        }
        if (SharedEventLoops.users() == 0) {
            // Nothing else of this JVM holds it: the last release stopped it, and the next client starts another.
            await().atMost(Duration.ofSeconds(10)).until(first::isTerminated);
            EventLoopGroup next = SharedEventLoops.acquire().eventLoopGroup();
            try {
                assertThat(next).isNotSameAs(first);
                assertThat(next.isShuttingDown()).isFalse();
            } finally {
                SharedEventLoops.release();
            }
        }
    }

    @Test
    void aWrappedClientPassesCallsOnAndReleasesItsReferenceOnce() {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        AtomicInteger closes = new AtomicInteger();
        SdkAsyncHttpClient fake = new SdkAsyncHttpClient() {
            @Override
            public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
                return sent;
            }

            @Override
            public String clientName() {
                return "fake";
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        int before = SharedEventLoops.users();
        SharedEventLoops.acquire();
        SdkAsyncHttpClient client = SharedEventLoops.wrap(fake);

        assertThat(client.execute(null)).isSameAs(sent);
        assertThat(client.clientName()).isEqualTo("fake");
        client.close();
        client.close();

        assertThat(closes).hasValue(1);
        assertThat(SharedEventLoops.users()).isEqualTo(before);
    }
}
