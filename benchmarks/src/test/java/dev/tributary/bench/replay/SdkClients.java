package dev.tributary.bench.replay;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Real SDK clients for the replay server, as the connector builds them: Netty, HTTP/1.1, static
 * fake keys. No service error is retried (so a throttled call shows); a call whose connection
 * broke is tried again, up to three attempts, at once. The SDK reads {@code aws.cborEnabled} when a
 * client is built, so each client gets its wire format by setting the property just for the build.
 */
final class SdkClients {
    private static final String CBOR_PROPERTY = "aws.cborEnabled";
    /**
     * Shared by every test client and never closed (its threads are daemons): a client that owns its
     * event loops takes two seconds to close them.
     */
    private static final SdkEventLoopGroup EVENT_LOOPS = SdkEventLoopGroup.builder().numberOfThreads(2).build();

    /**
     * Retries a call only when its connection broke (an {@link IOException} under the SDK's
     * exception): the JDK's HTTP server behind the replay server has, once in many CI runs, closed a
     * kept-alive connection just as the pool handed it to the next request ("The connection was
     * closed during the request", ReplayServerSdkTest at stop 29). Such a break says nothing about
     * the answers under test; a service error, throttling included, still reaches the test as is.
     */
    private static RetryStrategy transportRetriesOnly() {
        return StandardRetryStrategy.builder()
                .useClientDefaults(false)
                .retryOnExceptionOrCauseInstanceOf(IOException.class)
                .maxAttempts(3)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .circuitBreakerEnabled(false)
                .build();
    }

    private SdkClients() {
    }

    /** The Content-Type of every request a client sent, to prove which wire format it spoke. */
    static final class ContentTypes implements ExecutionInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            seen.add(context.httpRequest().firstMatchingHeader("Content-Type").orElse("(none)"));
        }
    }

    static synchronized KinesisAsyncClient async(URI endpoint, boolean cbor, ContentTypes contentTypes) {
        String previous = System.getProperty(CBOR_PROPERTY);
        System.setProperty(CBOR_PROPERTY, Boolean.toString(cbor));
        try {
            return KinesisAsyncClient.builder()
                    .endpointOverride(endpoint)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                    // The tests read up to 256 shards at once: with the default pool of 50 connections and
                    // 10 s to get one, reads queued on a busy machine failed with "Acquire operation took
                    // longer than the configured maximum time".
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).eventLoopGroup(EVENT_LOOPS)
                            .maxConcurrency(512).connectionAcquisitionTimeout(java.time.Duration.ofSeconds(60)))
                    .overrideConfiguration(o -> o.retryStrategy(transportRetriesOnly())
                            .addExecutionInterceptor(contentTypes))
                    .build();
        } finally {
            restore(previous);
        }
    }

    static KinesisAsyncClient async(URI endpoint) {
        return async(endpoint, true, new ContentTypes());
    }

    /** A synchronous client on the SDK's default blocking HTTP client (Apache 5). */
    static synchronized KinesisClient sync(URI endpoint, boolean cbor) {
        String previous = System.getProperty(CBOR_PROPERTY);
        System.setProperty(CBOR_PROPERTY, Boolean.toString(cbor));
        try {
            return KinesisClient.builder()
                    .endpointOverride(endpoint)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                    .overrideConfiguration(o -> o.retryStrategy(transportRetriesOnly()))
                    .build();
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(CBOR_PROPERTY);
        } else {
            System.setProperty(CBOR_PROPERTY, previous);
        }
    }
}
