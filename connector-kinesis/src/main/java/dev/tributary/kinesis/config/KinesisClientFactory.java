package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.kinesis.proxy.LeanGetRecords;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.utils.AttributeMap;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the AWS SDK objects that a {@link KinesisSourceConfig} describes: the credentials
 * provider and Kinesis clients with the configured HTTP client, protocol, limits, timeouts, proxy and
 * User-Agent.
 *
 * <p>{@link #credentials()} builds its provider once, with any STS client it needs; {@link #close()}
 * closes them. Each {@link #kinesisClient()} and {@link #dynamoClient()} is a new client, with its
 * own HTTP client and connections, that the caller closes. Netty clients all run on one set of
 * event loops ({@link SharedEventLoops}); CRT clients on the AWS Common Runtime's one default set.
 * Building makes no network call. Thread-safe.
 */
public final class KinesisClientFactory implements AutoCloseable {
    /** Where an EKS pod finds its role and token, as the SDK's own web identity provider reads them. */
    static final String ENV_ROLE_ARN = "AWS_ROLE_ARN";
    static final String ENV_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";

    private static final Logger LOG = LoggerFactory.getLogger(KinesisClientFactory.class);
    /** Whether a worker has said once that the CRT client cannot start here. */
    private static final AtomicBoolean CRT_FALLBACK_LOGGED = new AtomicBoolean();

    private final KinesisSourceConfig config;
    private final List<ExecutionInterceptor> interceptors;
    private final Function<String, String> environment;
    private final Supplier<AwsCrtAsyncHttpClient.Builder> crtBuilders;
    private final List<SdkAutoCloseable> owned = new ArrayList<>();
    private AwsCredentialsProvider credentials;
    private boolean closed;

    public KinesisClientFactory(KinesisSourceConfig config) {
        this(config, List.of(), System::getenv);
    }

    /**
     * For tests: {@code interceptors} are added to every client built (Kinesis and STS), and
     * {@code environment} stands in for {@link System#getenv(String)}.
     */
    KinesisClientFactory(KinesisSourceConfig config, List<ExecutionInterceptor> interceptors,
            Function<String, String> environment) {
        this(config, interceptors, environment, AwsCrtAsyncHttpClient::builder);
    }

    /** For tests: as above, with {@code crtBuilders} making the CRT client builders. */
    KinesisClientFactory(KinesisSourceConfig config, List<ExecutionInterceptor> interceptors,
            Function<String, String> environment, Supplier<AwsCrtAsyncHttpClient.Builder> crtBuilders) {
        this.config = requireNonNull(config, "config is null");
        this.interceptors = List.copyOf(requireNonNull(interceptors, "interceptors is null"));
        this.environment = requireNonNull(environment, "environment is null");
        this.crtBuilders = requireNonNull(crtBuilders, "crtBuilders is null");
    }

    /** The config that this factory builds from. */
    public KinesisSourceConfig config() {
        return config;
    }

    /**
     * The credentials provider for {@link KinesisSourceConfig#credentials()}, built on the first call
     * and the same afterwards. Credentials are fetched when first used, not here.
     *
     * @throws ConfigException for WEB_IDENTITY without roleArn when the environment has no AWS_ROLE_ARN
     *     or AWS_WEB_IDENTITY_TOKEN_FILE
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized AwsCredentialsProvider credentials() {
        if (closed) {
            throw new IllegalStateException("the client factory is closed");
        }
        if (credentials == null) {
            credentials = buildCredentials(config.credentials());
        }
        return credentials;
    }

    /**
     * A new Kinesis client. The caller closes it; closing it also closes its HTTP client, but not
     * the credentials provider, which {@link #close()} closes. With {@code getRecordsReader} CONNECTOR
     * (the default) its GetRecords responses are read by {@link LeanGetRecords}.
     *
     * <p>Its HTTP client is the one {@code httpClient} names; when that is empty, CRT for HTTP/1.1
     * where the AWS Common Runtime's native library loads, else Netty (see {@link HttpClientPlan}).
     *
     * <p>Its futures complete on the HTTP client's event loops: a stage chained on one without an
     * executor runs there, and must not block (a blocking call, or a new call whose credentials
     * may need fetching, goes on a stage with an executor of its own).
     */
    public KinesisAsyncClient kinesisClient() {
        HttpClientPlan plan = httpClientPlan();
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .region(Region.of(config.clientRegion()))
                .credentialsProvider(credentials())
                .httpClientBuilder(new PlannedHttpClient(plan, crtBuilders))
                // Completes each call's future on the thread that read its response, an event loop,
                // instead of handing it to one of the SDK's completion threads: what the connector
                // chains on a call takes microseconds and never blocks, and the hand-off cost more.
                .asyncConfiguration(ClientAsyncConfiguration.builder()
                        .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run)
                        .build())
                .overrideConfiguration(config.getRecordsReader() == GetRecordsReader.CONNECTOR
                        ? overrides(new LeanGetRecords()) : overrides());
        config.awsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * A new DynamoDB client, for reading a KCL lease table: the same region, credentials, proxy,
     * timeouts and certificate trust as the Kinesis clients, the endpoint {@code dynamoEndpoint}
     * (not {@code awsEndpoint}, which serves Kinesis), and always HTTP/1.1, as DynamoDB speaks no
     * HTTP/2. The caller closes it; closing it leaves the credentials provider to {@link #close()}.
     */
    public DynamoDbAsyncClient dynamoClient() {
        HttpClientPlan kinesis = httpClientPlan();
        HttpClientPlan plan = new HttpClientPlan(HttpClientKind.NETTY, true, Protocol.HTTP1_1,
                ProtocolNegotiation.ASSUME_PROTOCOL, kinesis.maxConcurrency(), kinesis.connectionTimeout(),
                kinesis.readTimeout(), kinesis.proxy(), kinesis.trustAllCertificates());
        DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.clientRegion()))
                .credentialsProvider(credentials())
                .httpClientBuilder(new PlannedHttpClient(plan, crtBuilders))
                .overrideConfiguration(overrides());
        config.dynamoEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Closes the credentials provider and the STS client behind it, if they were built. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // In reverse order of building: each provider before the STS client and base credentials it uses.
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    /**
     * The settings of every Kinesis HTTP client, kept apart from building it so that tests can see
     * what the SDK is given.
     *
     * @param client the HTTP client to build: CRT only with HTTP/1.1
     * @param clientRequired whether a CRT client that cannot start fails the build (the config named
     *     CRT) rather than falling back to Netty (the connector chose it)
     * @param protocol HTTP/1.1 or HTTP/2
     * @param negotiation how HTTP/2 is agreed: ALPN over TLS, else prior knowledge
     * @param maxConcurrency the most requests in flight
     * @param connectionTimeout how long a connection may take to open
     * @param readTimeout how long to wait for data
     * @param proxy the proxy, or empty
     * @param trustAllCertificates whether any certificate is accepted
     */
    record HttpClientPlan(HttpClientKind client, boolean clientRequired, Protocol protocol,
            ProtocolNegotiation negotiation, int maxConcurrency, Duration connectionTimeout, Duration readTimeout,
            Optional<ProxyConfiguration> proxy, boolean trustAllCertificates) {
        HttpClientPlan {
            requireNonNull(client, "client is null");
            if (client == HttpClientKind.CRT && protocol != Protocol.HTTP1_1) {
                throw new IllegalArgumentException("the CRT client is only used for HTTP/1.1");
            }
            requireNonNull(protocol, "protocol is null");
            requireNonNull(negotiation, "negotiation is null");
            requireNonNull(connectionTimeout, "connectionTimeout is null");
            requireNonNull(readTimeout, "readTimeout is null");
            requireNonNull(proxy, "proxy is null");
        }

        /** Options that take precedence over the service's defaults; trust-all is only ever set here. */
        AttributeMap options() {
            AttributeMap.Builder options = AttributeMap.builder();
            if (trustAllCertificates) {
                options.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE);
            }
            return options.build();
        }
    }

    HttpClientPlan httpClientPlan() {
        boolean http2 = config.httpProtocol() == HttpProtocol.HTTP2;
        // AWS endpoints are https; an http endpoint (an emulator) can only speak HTTP/2 by prior knowledge.
        boolean tls = config.awsEndpoint().map(URI::getScheme).map("https"::equalsIgnoreCase).orElse(true);
        // CRT costs less per call than Netty (BENCHMARKS.md), but speaks HTTP/1.1 only here.
        HttpClientKind client = http2 ? HttpClientKind.NETTY : config.httpClient().orElse(HttpClientKind.CRT);
        return new HttpClientPlan(client, config.httpClient().isPresent(), http2 ? Protocol.HTTP2 : Protocol.HTTP1_1,
                http2 && tls ? ProtocolNegotiation.ALPN : ProtocolNegotiation.ASSUME_PROTOCOL,
                config.httpMaxConcurrency(), config.connectionTimeout(), config.readTimeout(),
                config.proxy().map(KinesisClientFactory::proxyConfiguration), config.trustAllCertificates());
    }

    /** The User-Agent suffix: the application name, with anything that cannot go in a header replaced. */
    String userAgentSuffix() {
        return config.applicationName().replaceAll("[^\\x20-\\x7E]", "_");
    }

    private static ProxyConfiguration proxyConfiguration(ProxySettings proxy) {
        ProxyConfiguration.Builder builder = ProxyConfiguration.builder()
                .scheme("http")
                .host(proxy.host())
                .port(proxy.port())
                // Only what the config says: no proxy taken silently from the JVM or the environment.
                .useSystemPropertyValues(false)
                .useEnvironmentVariableValues(false);
        proxy.username().ifPresent(builder::username);
        proxy.password().ifPresent(p -> builder.password(p.value()));
        return builder.build();
    }

    private ClientOverrideConfiguration overrides(ExecutionInterceptor... own) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
        all.addAll(List.of(own));
        return ClientOverrideConfiguration.builder()
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgentSuffix())
                .executionInterceptors(all)
                .build();
    }

    private AwsCredentialsProvider buildCredentials(CredentialsSettings settings) {
        if (settings instanceof CredentialsSettings.StaticKeys keys) {
            return staticProvider(keys);
        }
        if (settings instanceof CredentialsSettings.Profile profile) {
            return own(ProfileCredentialsProvider.builder().profileName(profile.profileName()).build());
        }
        if (settings instanceof CredentialsSettings.AssumeRole role) {
            return assumeRole(role);
        }
        if (settings instanceof CredentialsSettings.WebIdentity web) {
            return webIdentity(web);
        }
        return own(DefaultCredentialsProvider.builder().build());
    }

    private static AwsCredentialsProvider staticProvider(CredentialsSettings.StaticKeys keys) {
        AwsCredentials credentials = keys.sessionToken().isPresent()
                ? AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey().value(),
                        keys.sessionToken().get().value())
                : AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey().value());
        return StaticCredentialsProvider.create(credentials);
    }

    private AwsCredentialsProvider assumeRole(CredentialsSettings.AssumeRole role) {
        AwsCredentialsProvider base = role.baseKeys().isPresent() ? staticProvider(role.baseKeys().get())
                : own(DefaultCredentialsProvider.builder().build());
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(role.roleArn())
                .roleSessionName(role.roleSessionName());
        role.externalId().ifPresent(id -> request.externalId(id.value()));
        StsClient sts = own(stsClient(base));
        return own(StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(request.build())
                .build());
    }

    private AwsCredentialsProvider webIdentity(CredentialsSettings.WebIdentity web) {
        String roleArn = web.roleArn().orElseGet(() -> environment.apply(ENV_ROLE_ARN));
        String tokenFile = web.webIdentityTokenFile().map(Path::toString)
                .orElseGet(() -> environment.apply(ENV_TOKEN_FILE));
        if (roleArn == null || roleArn.isBlank() || tokenFile == null || tokenFile.isBlank()) {
            throw new ConfigException(KinesisSourceConfig.ROLE_ARN + ": is required when credentialsType is"
                    + " WEB_IDENTITY and the environment has no " + ENV_ROLE_ARN + " and " + ENV_TOKEN_FILE
                    + "; set roleArn and webIdentityTokenFile");
        }
        Path token = Path.of(tokenFile);
        String sessionName = web.roleSessionName();
        // AssumeRoleWithWebIdentity is not signed: the token is the credential.
        StsClient sts = own(stsClient(AnonymousCredentialsProvider.create()));
        return own(StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
                .stsClient(sts)
                // Read at every refresh: the platform rotates the token file.
                .refreshRequest(() -> AssumeRoleWithWebIdentityRequest.builder()
                        .roleArn(roleArn)
                        .roleSessionName(sessionName)
                        .webIdentityToken(readToken(token))
                        .build())
                .build());
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw SdkClientException.create("cannot read the web identity token file " + file
                    + " (webIdentityTokenFile): " + e.getClass().getSimpleName(), e);
        }
    }

    /** An STS client in the connector's region, with its User-Agent, calling {@code stsEndpoint} when set. */
    private StsClient stsClient(AwsCredentialsProvider base) {
        StsClientBuilder builder = StsClient.builder()
                .region(Region.of(config.clientRegion()))
                .credentialsProvider(base)
                .overrideConfiguration(overrides());
        config.stsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private <T extends SdkAutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    /**
     * Builds the plan's client, with the plan's options taking precedence over the service's. A CRT
     * client that cannot start (its native library does not load here) fails the build when the
     * config named CRT, and otherwise gives way to a Netty client, which the first such worker logs.
     */
    private static final class PlannedHttpClient implements SdkAsyncHttpClient.Builder<PlannedHttpClient> {
        private final HttpClientPlan plan;
        private final Supplier<AwsCrtAsyncHttpClient.Builder> crtBuilders;

        PlannedHttpClient(HttpClientPlan plan, Supplier<AwsCrtAsyncHttpClient.Builder> crtBuilders) {
            this.plan = plan;
            this.crtBuilders = crtBuilders;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            if (plan.client() == HttpClientKind.CRT) {
                try {
                    return crt(serviceDefaults);
                } catch (LinkageError | RuntimeException e) {
                    String reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    if (plan.clientRequired()) {
                        throw new IllegalStateException(KinesisSourceConfig.HTTP_CLIENT + ": is CRT, but the AWS"
                                + " CRT client cannot start on this machine (" + reason + "); set httpClient to"
                                + " NETTY or leave it empty", e);
                    }
                    if (CRT_FALLBACK_LOGGED.compareAndSet(false, true)) {
                        LOG.warn("The AWS CRT HTTP client cannot start on this machine ({}); Kinesis calls use the"
                                + " Netty client instead. Set httpClient to NETTY to choose it and silence this.", reason);
                    }
                }
            }
            NettyNioAsyncHttpClient.Builder builder = NettyNioAsyncHttpClient.builder()
                    .protocol(plan.protocol())
                    .protocolNegotiation(plan.negotiation())
                    .maxConcurrency(plan.maxConcurrency())
                    .connectionTimeout(plan.connectionTimeout())
                    .readTimeout(plan.readTimeout());
            plan.proxy().ifPresent(builder::proxyConfiguration);
            return SharedEventLoops.build(builder, plan.options().merge(serviceDefaults));
        }

        private SdkAsyncHttpClient crt(AttributeMap serviceDefaults) {
            // CRT watches a connection's throughput rather than the time between reads: a request
            // that receives nothing for readTimeout (at least the one second CRT counts in) fails.
            Duration stall = Duration.ofSeconds(Math.max(1, (plan.readTimeout().toMillis() + 999) / 1000));
            AwsCrtAsyncHttpClient.Builder builder = crtBuilders.get()
                    // Kinesis's service defaults ask for HTTP/2, which CRT would speak by prior knowledge.
                    .protocol(plan.protocol())
                    .maxConcurrency(plan.maxConcurrency())
                    .connectionTimeout(plan.connectionTimeout())
                    .connectionHealthConfiguration(health -> health.minimumThroughputInBps(1L)
                            .minimumThroughputTimeout(stall));
            plan.proxy().ifPresent(proxy -> builder.proxyConfiguration(crtProxy(proxy)));
            return builder.buildWithDefaults(plan.options().merge(serviceDefaults));
        }

        private static software.amazon.awssdk.http.crt.ProxyConfiguration crtProxy(ProxyConfiguration proxy) {
            software.amazon.awssdk.http.crt.ProxyConfiguration.Builder builder =
                    software.amazon.awssdk.http.crt.ProxyConfiguration.builder()
                            .scheme(proxy.scheme())
                            .host(proxy.host())
                            .port(proxy.port())
                            .useSystemPropertyValues(false)
                            .useEnvironmentVariableValues(false);
            if (proxy.username() != null) {
                builder.username(proxy.username());
            }
            if (proxy.password() != null) {
                builder.password(proxy.password());
            }
            return builder.build();
        }
    }
}
