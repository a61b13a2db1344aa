package dev.tributary.kinesis.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;

/**
 * The factory without network: requests are captured by an interceptor and stopped before they
 * are sent, or sent to a socket on the loopback interface that reads their first bytes.
 */
class KinesisClientFactoryTest {
    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    @TempDir
    Path dir;

    private static Map<String, String> base(String... keysAndValues) {
        Map<String, String> config = new HashMap<>();
        config.put("awsRegion", "eu-west-1");
        config.put("awsKinesisStreamName", "orders");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    private static KinesisClientFactory factory(Map<String, String> config, ExecutionInterceptor... interceptors) {
        return factory(config, NO_ENVIRONMENT, interceptors);
    }

    private static KinesisClientFactory factory(Map<String, String> config, Map<String, String> environment,
            ExecutionInterceptor... interceptors) {
        return new KinesisClientFactory(KinesisSourceConfig.from(config), List.of(interceptors), environment::get);
    }

    /** Captures each request as it would go on the wire, signed, and stops it there. */
    private static final class StopBeforeSending implements ExecutionInterceptor {
        final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            requests.add(context.httpRequest());
            Optional<ContentStreamProvider> body = context.requestBody().map(RequestBody::contentStreamProvider)
                    .or(() -> context.httpRequest() instanceof SdkHttpFullRequest full
                            ? full.contentStreamProvider() : Optional.empty());
            body.ifPresent(content -> {
                try (InputStream in = content.newStream()) {
                    bodies.add(URLDecoder.decode(new String(in.readAllBytes(), UTF_8), UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            throw new Stopped();
        }

        SdkHttpRequest first() {
            assertThat(requests).isNotEmpty();
            return requests.get(0);
        }
    }

    /** Asserts that {@code call} failed because the interceptor stopped the request, however the SDK wrapped it. */
    private static void assertStopped(ThrowingCallable call) {
        assertThatThrownBy(call).satisfies(thrown -> {
            Throwable t = thrown;
            while (t != null && !(t instanceof Stopped)) {
                t = t.getCause();
            }
            assertThat(t).as("a Stopped in the causes of %s", thrown).isNotNull();
        });
    }

    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped before sending, as the test asks", null, false, false);
        }
    }

    @Test
    void getRecordsReaderChoosesWhoReadsResponses() {
        try (KinesisClientFactory factory = factory(base());
                KinesisAsyncClient client = factory.kinesisClient();
                DynamoDbAsyncClient dynamo = factory.dynamoClient()) {
            assertThat(client.serviceClientConfiguration().overrideConfiguration().executionInterceptors())
                    .hasAtLeastOneElementOfType(dev.tributary.kinesis.proxy.LeanGetRecords.class);
            assertThat(dynamo.serviceClientConfiguration().overrideConfiguration().executionInterceptors())
                    .noneMatch(dev.tributary.kinesis.proxy.LeanGetRecords.class::isInstance);
        }
        try (KinesisClientFactory factory = factory(base("getRecordsReader", "SDK"));
                KinesisAsyncClient client = factory.kinesisClient()) {
            assertThat(client.serviceClientConfiguration().overrideConfiguration().executionInterceptors())
                    .noneMatch(dev.tributary.kinesis.proxy.LeanGetRecords.class::isInstance);
        }
    }

    @Test
    void staticCredentials() {
        try (KinesisClientFactory factory = factory(base("credentialsType", "STATIC", "awsAccessKeyId", "AKID",
                "awsSecretAccessKey", "secret", "awsSessionToken", "token"))) {
            AwsCredentialsProvider provider = factory.credentials();

            assertThat(provider).isInstanceOf(StaticCredentialsProvider.class);
            AwsCredentials credentials = provider.resolveCredentials();
            assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
            assertThat(credentials.accessKeyId()).isEqualTo("AKID");
            assertThat(credentials.secretAccessKey()).isEqualTo("secret");
            assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo("token");
            assertThat(factory.credentials()).isSameAs(provider);
        }
    }

    @Test
    void staticCredentialsFromThePulsarParam() {
        try (KinesisClientFactory factory = factory(KinesisSourceConfigTest.referenceJsonExample())) {
            AwsCredentials credentials = factory.credentials().resolveCredentials();

            assertThat(credentials.accessKeyId()).isEqualTo("myKey");
            assertThat(credentials.secretAccessKey()).isEqualTo("my-Secret");
        }
    }

    static Stream<Arguments> providerPerType() {
        return Stream.of(
                Arguments.of(CredentialsType.DEFAULT_CHAIN, DefaultCredentialsProvider.class),
                Arguments.of(CredentialsType.STATIC, StaticCredentialsProvider.class),
                Arguments.of(CredentialsType.PROFILE, ProfileCredentialsProvider.class),
                Arguments.of(CredentialsType.ASSUME_ROLE, StsAssumeRoleCredentialsProvider.class),
                Arguments.of(CredentialsType.WEB_IDENTITY, StsAssumeRoleWithWebIdentityCredentialsProvider.class));
    }

    @ParameterizedTest
    @MethodSource("providerPerType")
    void theProviderMatchesTheCredentialsType(CredentialsType type, Class<?> providerClass) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "jwt");
        Map<String, String> config = base("credentialsType", type.name());
        switch (type) {
            case PROFILE -> config.put("awsProfileName", "kinesis");
            case ASSUME_ROLE -> config.put("roleArn", "arn:aws:iam::123456789012:role/reader");
            case WEB_IDENTITY -> {
                config.put("roleArn", "arn:aws:iam::123456789012:role/reader");
                config.put("webIdentityTokenFile", token.toString());
            }
            case STATIC -> {
                config.put("awsAccessKeyId", "AKID");
                config.put("awsSecretAccessKey", "secret");
            }
            case DEFAULT_CHAIN -> {
            }
        }
        try (KinesisClientFactory factory = factory(config)) {
            assertThat(factory.credentials()).isInstanceOf(providerClass);
            assertThat(factory.config().credentialsType()).isEqualTo(type);
        }
    }

    @Test
    void assumeRoleCallsStsWithTheRoleExternalIdSessionNameAndBaseKeys() {
        StopBeforeSending sts = new StopBeforeSending();
        try (KinesisClientFactory factory = factory(base("credentialsType", "ASSUME_ROLE",
                "roleArn", "arn:aws:iam::123456789012:role/reader", "roleSessionName", "orders-reader",
                "roleExternalId", "ext-42", "awsAccessKeyId", "AKIDBASE", "awsSecretAccessKey", "base-secret",
                "stsEndpoint", "http://127.0.0.1:1", "applicationName", "My test application"), sts)) {
            AwsCredentialsProvider provider = factory.credentials();

            assertStopped(provider::resolveCredentials);

            SdkHttpRequest request = sts.first();
            assertThat(request.host()).isEqualTo("127.0.0.1");
            assertThat(request.firstMatchingHeader("Authorization")).hasValueSatisfying(auth ->
                    assertThat(auth).contains("Credential=AKIDBASE/").contains("/eu-west-1/sts/"));
            assertThat(request.firstMatchingHeader("User-Agent")).hasValueSatisfying(ua ->
                    assertThat(ua).contains("My test application"));
            assertThat(sts.bodies.get(0)).contains("Action=AssumeRole")
                    .contains("RoleArn=arn:aws:iam::123456789012:role/reader")
                    .contains("RoleSessionName=orders-reader")
                    .contains("ExternalId=ext-42");
        }
    }

    @Test
    void theDynamoClientCallsDynamoEndpointWithTheConnectorsCredentialsAndRegion() {
        StopBeforeSending dynamo = new StopBeforeSending();
        try (KinesisClientFactory factory = factory(base("credentialsType", "STATIC", "awsAccessKeyId", "AKIDDYNAMO", "awsSecretAccessKey", "dyn-secret",
                "awsEndpoint", "http://127.0.0.1:2", "dynamoEndpoint", "http://127.0.0.1:3"), dynamo);
                DynamoDbAsyncClient client = factory.dynamoClient()) {
            assertStopped(() -> client.describeTable(b -> b.tableName("orders-app")).join());

            SdkHttpRequest request = dynamo.first();
            assertThat(request.host()).isEqualTo("127.0.0.1");
            assertThat(request.port()).isEqualTo(3);
            assertThat(request.firstMatchingHeader("Authorization")).hasValueSatisfying(auth ->
                    assertThat(auth).contains("Credential=AKIDDYNAMO/").contains("/eu-west-1/dynamodb/"));
            assertThat(request.firstMatchingHeader("X-Amz-Target")).contains("DynamoDB_20120810.DescribeTable");
        }
    }

    @Test
    void assumeRoleFromThePulsarParamSignsWithTheDefaultChain() {
        try (KinesisClientFactory factory = factory(base("awsCredentialPluginParam",
                "{\"roleArn\":\"arn:aws:iam::123456789012:role/reader\",\"roleSessionName\":\"pulsar\"}"))) {
            assertThat(factory.credentials()).isInstanceOf(StsAssumeRoleCredentialsProvider.class);
        }
    }

    @Test
    void webIdentityReadsTheTokenFileAtEveryRefresh() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "first-token\n");
        StopBeforeSending sts = new StopBeforeSending();
        try (KinesisClientFactory factory = factory(base("credentialsType", "WEB_IDENTITY",
                "roleArn", "arn:aws:iam::123456789012:role/reader", "webIdentityTokenFile", token.toString(),
                "stsEndpoint", "http://127.0.0.1:1"), sts)) {
            AwsCredentialsProvider provider = factory.credentials();

            assertStopped(provider::resolveCredentials);
            Files.writeString(token, "second-token");
            assertStopped(provider::resolveCredentials);

            assertThat(sts.bodies).anySatisfy(body -> assertThat(body).contains("Action=AssumeRoleWithWebIdentity")
                    .contains("RoleArn=arn:aws:iam::123456789012:role/reader")
                    .contains("RoleSessionName=tributary")
                    .endsWith("WebIdentityToken=first-token"));
            assertThat(sts.bodies).anySatisfy(body -> assertThat(body).endsWith("WebIdentityToken=second-token"));
            assertThat(sts.first().firstMatchingHeader("Authorization")).isEmpty();
        }
    }

    @Test
    void webIdentityTakesRoleAndTokenFromTheEnvironmentWhenNotConfigured() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "eks-token");
        StopBeforeSending sts = new StopBeforeSending();
        Map<String, String> environment = Map.of("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod",
                "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        try (KinesisClientFactory factory = factory(base("credentialsType", "WEB_IDENTITY",
                "stsEndpoint", "http://127.0.0.1:1"), environment, sts)) {
            assertStopped(factory.credentials()::resolveCredentials);

            assertThat(sts.bodies.get(0)).contains("RoleArn=arn:aws:iam::123456789012:role/pod")
                    .contains("WebIdentityToken=eks-token");
        }
    }

    @Test
    void webIdentityWithoutRoleAnywhereSaysWhatToSet() {
        try (KinesisClientFactory factory = factory(base("credentialsType", "WEB_IDENTITY"))) {
            assertThatThrownBy(factory::credentials)
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("roleArn: is required when credentialsType is WEB_IDENTITY and the environment has no"
                            + " AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE; set roleArn and webIdentityTokenFile");
        }
    }

    @Test
    void trustAllIsOffByDefault() {
        try (KinesisClientFactory factory = factory(base())) {
            KinesisClientFactory.HttpClientPlan plan = factory.httpClientPlan();

            assertThat(plan.trustAllCertificates()).isFalse();
            assertThat(plan.options().get(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES)).isNull();
        }
    }

    @Test
    void trustAllOnlyWhenConfigured() {
        try (KinesisClientFactory factory = factory(base("trustAllCertificates", "true"))) {
            assertThat(factory.httpClientPlan().options().get(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES))
                    .isTrue();
        }
    }

    @Test
    void theHttpPlanFollowsTheConfig() {
        try (KinesisClientFactory factory = factory(base("httpMaxConcurrency", "64", "connectionTimeout", "3s",
                "readTimeout", "45s", "proxyHost", "proxy.local", "proxyPort", "3128", "proxyUsername", "me",
                "proxyPassword", "pw"))) {
            KinesisClientFactory.HttpClientPlan plan = factory.httpClientPlan();

            assertThat(plan.protocol()).isEqualTo(Protocol.HTTP1_1);
            assertThat(plan.maxConcurrency()).isEqualTo(64);
            assertThat(plan.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(plan.readTimeout()).isEqualTo(Duration.ofSeconds(45));
            assertThat(plan.proxy()).hasValueSatisfying(proxy -> {
                assertThat(proxy.host()).isEqualTo("proxy.local");
                assertThat(proxy.port()).isEqualTo(3128);
                assertThat(proxy.username()).isEqualTo("me");
                assertThat(proxy.password()).isEqualTo("pw");
            });
        }
    }

    @Test
    void theConnectorChoosesCrtForHttp11AndNettyForHttp2UnlessTheConfigSays() {
        try (KinesisClientFactory chosen = factory(base());
                KinesisClientFactory crt = factory(base("httpClient", "CRT"));
                KinesisClientFactory netty = factory(base("httpClient", "NETTY"));
                KinesisClientFactory fanOut = factory(base("useEnhancedFanOut", "true"));
                KinesisClientFactory http2 = factory(base("httpProtocol", "HTTP2"))) {
            assertThat(chosen.httpClientPlan().client()).isEqualTo(HttpClientKind.CRT);
            assertThat(chosen.httpClientPlan().clientRequired()).isFalse();
            assertThat(crt.httpClientPlan().client()).isEqualTo(HttpClientKind.CRT);
            assertThat(crt.httpClientPlan().clientRequired()).isTrue();
            assertThat(netty.httpClientPlan().client()).isEqualTo(HttpClientKind.NETTY);
            assertThat(fanOut.httpClientPlan().client()).isEqualTo(HttpClientKind.NETTY);
            assertThat(http2.httpClientPlan().client()).isEqualTo(HttpClientKind.NETTY);
        }
    }

    @Test
    void aCrtClientThatCannotStartGivesWayToNettyUnlessTheConfigNamedCrt() {
        Supplier<AwsCrtAsyncHttpClient.Builder> broken = () -> {
            throw new UnsatisfiedLinkError("no aws-crt-jni in java.library.path (as the test makes it)");
        };
        StopBeforeSending sent = new StopBeforeSending();
        try (KinesisClientFactory chosen = new KinesisClientFactory(KinesisSourceConfig.from(base("credentialsType",
                "STATIC", "awsAccessKeyId", "test", "awsSecretAccessKey", "test")), List.of(sent),
                NO_ENVIRONMENT::get, broken);
                KinesisAsyncClient client = chosen.kinesisClient()) {
            assertStopped(client.listShards(r -> r.streamName("orders"))::join);
            assertThat(sent.first().firstMatchingHeader("User-Agent")).hasValueSatisfying(ua ->
                    assertThat(ua).contains("md/http#NettyNio "));
        }
        try (KinesisClientFactory named = new KinesisClientFactory(KinesisSourceConfig.from(base("httpClient", "CRT")),
                List.of(), NO_ENVIRONMENT::get, broken)) {
            assertThatThrownBy(named::kinesisClient).hasStackTraceContaining("httpClient: is CRT, but the AWS CRT"
                    + " client cannot start on this machine (UnsatisfiedLinkError: no aws-crt-jni in"
                    + " java.library.path (as the test makes it)); set httpClient to NETTY or leave it empty");
        }
    }

    @Test
    void http2NegotiatesWithAlpnOverTlsAndAssumesItOverPlainHttp() {
        try (KinesisClientFactory aws = factory(base("useEnhancedFanOut", "true"));
                KinesisClientFactory https = factory(base("useEnhancedFanOut", "true",
                        "awsEndpoint", "https://vpce-1.kinesis.eu-west-1.vpce.amazonaws.com"));
                KinesisClientFactory http = factory(base("httpProtocol", "HTTP2",
                        "awsEndpoint", "http://localhost:4567"))) {
            assertThat(aws.httpClientPlan().protocol()).isEqualTo(Protocol.HTTP2);
            assertThat(aws.httpClientPlan().negotiation()).isEqualTo(ProtocolNegotiation.ALPN);
            assertThat(https.httpClientPlan().negotiation()).isEqualTo(ProtocolNegotiation.ALPN);
            assertThat(http.httpClientPlan().negotiation()).isEqualTo(ProtocolNegotiation.ASSUME_PROTOCOL);
        }
    }

    @Test
    void theUserAgentHasTheApplicationNameAndRequestsAreSignedForTheRegion() {
        StopBeforeSending kinesis = new StopBeforeSending();
        try (KinesisClientFactory factory = factory(KinesisSourceConfigTest.referenceJsonExample(), kinesis);
                KinesisAsyncClient client = factory.kinesisClient()) {
            CompletableFuture<?> call = client.listShards(r -> r.streamName("my-stream"));

            assertStopped(call::join);
            SdkHttpRequest request = kinesis.first();
            assertThat(request.host()).isEqualTo("some.endpoint.aws");
            assertThat(request.firstMatchingHeader("User-Agent")).hasValueSatisfying(ua ->
                    assertThat(ua).contains("My test application"));
            assertThat(request.firstMatchingHeader("Authorization")).hasValueSatisfying(auth ->
                    assertThat(auth).contains("Credential=myKey/").contains("/us-east-1/kinesis/"));
        }
    }

    @Test
    void anEndpointWithoutRegionIsSignedForUsEast1() {
        StopBeforeSending kinesis = new StopBeforeSending();
        Map<String, String> config = base("awsEndpoint", "http://127.0.0.1:1", "credentialsType", "STATIC",
                "awsAccessKeyId", "test", "awsSecretAccessKey", "test");
        config.remove("awsRegion");
        try (KinesisClientFactory factory = factory(config, kinesis);
                KinesisAsyncClient client = factory.kinesisClient()) {
            assertStopped(client.listShards(r -> r.streamName("orders"))::join);

            assertThat(kinesis.first().firstMatchingHeader("Authorization")).hasValueSatisfying(auth ->
                    assertThat(auth).contains("/us-east-1/kinesis/"));
        }
    }

    @ParameterizedTest
    @CsvSource({"HTTP1_1, , POST / HTTP/1.1, AwsCommonRuntime", "HTTP1_1, NETTY, POST / HTTP/1.1, NettyNio",
            "HTTP2, , PRI * HTTP/2.0, "})
    void theClientSpeaksTheConfiguredProtocol(String protocol, String httpClient, String firstLine, String clientName)
            throws Exception {
        String received = firstRequest(port -> {
            Map<String, String> config = base("httpProtocol", protocol, "credentialsType", "STATIC",
                    "awsAccessKeyId", "test", "awsSecretAccessKey", "test", "applicationName", "wire-check",
                    "readTimeout", "2s", "awsEndpoint", "http://127.0.0.1:" + port);
            if (httpClient != null) {
                config.put("httpClient", httpClient);
            }
            return config;
        }, protocol.equals("HTTP2") ? "\r\n\r\nSM\r\n\r\n" : "\r\n\r\n");

        assertThat(received).startsWith(firstLine);
        if (protocol.equals("HTTP1_1")) {
            assertThat(received).containsPattern("(?i)user-agent: [^\r\n]*wire-check");
            // The SDK names the HTTP client that sent the request in the User-Agent.
            assertThat(received).containsPattern("(?i)user-agent: [^\r\n]*md/http#" + clientName + " ");
        }
    }

    @ParameterizedTest
    @CsvSource({"CRT, POST http://kinesis.invalid:4567/ HTTP/1.1", "NETTY, CONNECT kinesis.invalid:4567 HTTP/1.1"})
    void callsGoThroughTheConfiguredProxyWithItsCredentials(String httpClient, String firstLine) throws Exception {
        // A host that does not resolve: only the proxy can reach it.
        String received = firstRequest(port -> base("httpClient", httpClient, "credentialsType", "STATIC",
                "awsAccessKeyId", "test", "awsSecretAccessKey", "test", "readTimeout", "2s",
                "awsEndpoint", "http://kinesis.invalid:4567", "proxyHost", "127.0.0.1",
                "proxyPort", String.valueOf(port), "proxyUsername", "me", "proxyPassword", "pw"), "\r\n\r\n");

        // Netty tunnels (CONNECT host:port); CRT forwards a plain-http request (POST http://host:port/).
        assertThat(received.lines().findFirst()).contains(firstLine);
        assertThat(received).containsPattern("(?i)proxy-authorization: Basic "
                + java.util.Base64.getEncoder().encodeToString("me:pw".getBytes(UTF_8)));
    }

    /**
     * What a local socket receives first, up to {@code end}, when a client built from the config
     * that {@code config} makes for the socket's port lists shards; that call must then fail, as the
     * socket is gone.
     */
    private static String firstRequest(IntFunction<Map<String, String>> config, String end) throws Exception {
        String received;
        CompletableFuture<?> call;
        KinesisClientFactory factory;
        KinesisAsyncClient client;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(20_000);
            factory = factory(config.apply(server.getLocalPort()));
            client = factory.kinesisClient();
            call = client.listShards(r -> r.streamName("orders"));
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(20_000);
                received = readUntil(socket.getInputStream(), end);
            }
        }
        // The socket is gone, so retries are refused at once and the call fails soon.
        try (factory; client) {
            assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
        return received;
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            text.append((char) b);
            if (text.length() >= end.length() && text.lastIndexOf(end) == text.length() - end.length()) {
                break;
            }
        }
        return text.toString();
    }

    @Test
    void aClosedFactoryBuildsNothing() {
        KinesisClientFactory factory = factory(base("credentialsType", "ASSUME_ROLE",
                "roleArn", "arn:aws:iam::123456789012:role/reader"));
        factory.credentials();
        factory.close();
        factory.close();

        assertThatThrownBy(factory::credentials).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(factory::kinesisClient).isInstanceOf(IllegalStateException.class);
    }
}
