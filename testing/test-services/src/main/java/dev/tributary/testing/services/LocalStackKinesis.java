package dev.tributary.testing.services;

import java.net.URI;
import java.time.Duration;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * LocalStack's Kinesis, run by Testcontainers: a second Kinesis provider where a Docker engine
 * exists. Test classes that use it carry {@code @Testcontainers(disabledWithoutDocker = true)},
 * so that they show as skipped on machines without Docker.
 */
public final class LocalStackKinesis implements KinesisService {
    /** A pinned image, so that a LocalStack release never changes a test run silently. */
    public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");

    private final LocalStackContainer container;
    private KinesisAsyncClient helperClient;

    public LocalStackKinesis(LocalStackContainer container) {
        this.container = container;
    }

    /** A container with only the Kinesis service enabled. The caller (or Testcontainers) starts it. */
    public static LocalStackContainer newContainer() {
        return new LocalStackContainer(IMAGE).withServices("kinesis");
    }

    @Override
    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public Region region() {
        return Region.of(container.getRegion());
    }

    @Override
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey()));
    }

    /** Lives as long as this object; the container's end closes its connections. */
    @Override
    public synchronized KinesisAsyncClient helperClient() {
        if (helperClient == null) {
            helperClient = newAsyncClient();
        }
        return helperClient;
    }

    @Override
    public KinesisAsyncClient newAsyncClient() {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(credentials())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP1_1)
                        .readTimeout(Duration.ofSeconds(60)))
                .build();
    }
}
