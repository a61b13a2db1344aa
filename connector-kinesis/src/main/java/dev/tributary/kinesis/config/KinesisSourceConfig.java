package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigField.Reach;
import dev.tributary.api.config.ConfigRule;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import dev.tributary.api.config.Password;
import dev.tributary.api.config.Validator;
import dev.tributary.api.config.Validators;
import dev.tributary.kinesis.reader.ReaderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kinesis source connector's configuration: its keys declared as data in {@link #SCHEMA}, and
 * a typed, validated view of one config.
 *
 * <p>The keys of Pulsar IO's Kinesis source keep their names and defaults, so that a Pulsar IO
 * config runs unchanged; the other keys are this connector's own.
 *
 * <p>Immutable and thread-safe. {@link #toString()} masks every secret.
 */
public final class KinesisSourceConfig {

    // Pulsar IO's keys.
    public static final String AWS_ENDPOINT = "awsEndpoint";
    public static final String AWS_REGION = "awsRegion";
    public static final String AWS_KINESIS_STREAM_NAME = "awsKinesisStreamName";
    public static final String AWS_CREDENTIAL_PLUGIN_NAME = "awsCredentialPluginName";
    public static final String AWS_CREDENTIAL_PLUGIN_PARAM = "awsCredentialPluginParam";
    public static final String APPLICATION_NAME = "applicationName";
    public static final String INITIAL_POSITION_IN_STREAM = "initialPositionInStream";
    public static final String START_AT_TIME = "startAtTime";
    public static final String CHECKPOINT_INTERVAL = "checkpointInterval";
    public static final String BACKOFF_TIME = "backoffTime";
    public static final String NUM_RETRIES = "numRetries";
    public static final String RECEIVE_QUEUE_SIZE = "receiveQueueSize";
    public static final String DYNAMO_ENDPOINT = "dynamoEndpoint";
    public static final String CLOUDWATCH_ENDPOINT = "cloudwatchEndpoint";

    // This connector's own keys.
    public static final String AWS_KINESIS_STREAM_ARN = "awsKinesisStreamArn";
    public static final String AWS_KINESIS_STREAM_NAMES = "awsKinesisStreamNames";
    public static final String USE_ENHANCED_FAN_OUT = "useEnhancedFanOut";
    public static final String CONSUMER_NAME = "consumerName";
    public static final String KCL_LEASE_TABLE = "kclLeaseTable";
    public static final String KINESIS_RECORD_PROPERTIES = "kinesisRecordProperties";
    public static final String MESSAGE_KEY_MODE = "messageKeyMode";
    public static final String POLL_INTERVAL = "pollInterval";
    public static final String PACE_SHARD_READS = "paceShardReads";
    public static final String MAX_RECORDS_PER_FETCH = "maxRecordsPerFetch";
    public static final String MAX_BYTES_PER_FETCH = "maxBytesPerFetch";
    public static final String RECEIVE_QUEUE_BYTES = "receiveQueueBytes";
    public static final String SHARD_DISCOVERY_INTERVAL = "shardDiscoveryInterval";
    public static final String MAX_CONCURRENT_FETCHES = "maxConcurrentFetches";
    public static final String CREDENTIALS_TYPE = "credentialsType";
    public static final String AWS_ACCESS_KEY_ID = "awsAccessKeyId";
    public static final String AWS_SECRET_ACCESS_KEY = "awsSecretAccessKey";
    public static final String AWS_SESSION_TOKEN = "awsSessionToken";
    public static final String AWS_PROFILE_NAME = "awsProfileName";
    public static final String ROLE_ARN = "roleArn";
    public static final String ROLE_SESSION_NAME = "roleSessionName";
    public static final String ROLE_EXTERNAL_ID = "roleExternalId";
    public static final String WEB_IDENTITY_TOKEN_FILE = "webIdentityTokenFile";
    public static final String STS_ENDPOINT = "stsEndpoint";
    public static final String HTTP_PROTOCOL = "httpProtocol";
    public static final String HTTP_CLIENT = "httpClient";
    public static final String GET_RECORDS_READER = "getRecordsReader";
    public static final String HTTP_MAX_CONCURRENCY = "httpMaxConcurrency";
    public static final String PROXY_HOST = "proxyHost";
    public static final String PROXY_PORT = "proxyPort";
    public static final String PROXY_USERNAME = "proxyUsername";
    public static final String PROXY_PASSWORD = "proxyPassword";
    public static final String TRUST_ALL_CERTIFICATES = "trustAllCertificates";
    public static final String CONNECTION_TIMEOUT = "connectionTimeout";
    public static final String READ_TIMEOUT = "readTimeout";

    /** Record properties that the connector can put on each Pulsar message. */
    public static final String PROPERTY_ARRIVAL_TIMESTAMP = "kinesis.arrival.timestamp";
    public static final String PROPERTY_ENCRYPTION_TYPE = "kinesis.encryption.type";
    public static final String PROPERTY_PARTITION_KEY = "kinesis.partition.key";
    public static final String PROPERTY_SEQUENCE_NUMBER = "kinesis.sequence.number";
    public static final String PROPERTY_SHARD_ID = "kinesis.shard.id";
    public static final String PROPERTY_MILLIS_BEHIND_LATEST = "kinesis.millis.behind.latest";
    public static final String PROPERTY_SUB_SEQUENCE_NUMBER = "kinesis.sub.sequence.number";
    public static final String PROPERTY_STREAM_NAME = "kinesis.stream.name";

    /** The region given to the SDK when only {@code awsEndpoint} is set: the SDK needs one to sign requests. */
    public static final String REGION_FOR_ENDPOINT = "us-east-1";

    /** Pulsar IO's own credential plugins, whose names are accepted so that Pulsar IO configs load. */
    static final List<String> PULSAR_CREDENTIAL_PLUGINS = List.of(
            "org.apache.pulsar.io.aws.AwsDefaultProviderChainPlugin",
            "org.apache.pulsar.io.aws.STSAssumeRoleProviderPlugin",
            "org.apache.pulsar.io.kinesis.AwsDefaultProviderChainPlugin",
            "org.apache.pulsar.io.kinesis.STSAssumeRoleProviderPlugin");

    private static final String STREAM_NAME_REGEX = "[a-zA-Z0-9_.-]{1,128}";
    private static final String STREAM_NAME_DESCRIPTION = "a stream name of 1 to 128 letters, digits, '_', '.' or '-'";
    private static final String REGION_REGEX = "[a-z]{2,}(-[a-z]+)+-\\d+";
    private static final Pattern STREAM_ARN = Pattern.compile(
            "arn:aws(?:-[a-z]+)*:kinesis:(" + REGION_REGEX + "):\\d{12}:stream/(" + STREAM_NAME_REGEX + ")");
    private static final String STREAM_CHOICE = "give exactly one of awsKinesisStreamName, awsKinesisStreamArn or"
            + " awsKinesisStreamNames";

    private static final String STREAM = "Stream";
    private static final String POSITION = "Position";
    private static final String AWS = "AWS";
    private static final String CREDENTIALS = "Credentials";
    private static final String READING = "Reading";
    private static final String ENHANCED_FAN_OUT = "Enhanced fan-out";
    private static final String RECORDS = "Records";
    private static final String HTTP = "HTTP";
    private static final String OFFSETS = "Offsets";
    private static final String COMPATIBILITY = "Pulsar IO compatibility";

    /** Every key of the connector, declared as data; validation and the configuration reference come from it. */
    public static final ConfigSchema SCHEMA = ConfigSchema.builder()
            // Stream
            .field(ConfigField.builder(AWS_KINESIS_STREAM_NAME, ConfigType.STRING)
                    .validator(Validators.matches(STREAM_NAME_REGEX, STREAM_NAME_DESCRIPTION))
                    .doc("The Kinesis stream to read, by name, in the account of the credentials. Give exactly one"
                            + " of awsKinesisStreamName, awsKinesisStreamArn or awsKinesisStreamNames.")
                    .group(STREAM)
                    .build())
            .field(ConfigField.builder(AWS_KINESIS_STREAM_ARN, ConfigType.STRING)
                    .validator(Validators.matches(STREAM_ARN.pattern(), "a stream ARN such as"
                            + " arn:aws:kinesis:us-east-1:123456789012:stream/my-stream"))
                    .doc("The Kinesis stream to read, by ARN (arn:aws[-partition]:kinesis:<region>:<account>:stream/<name>),"
                            + " which can name a stream shared from another account. Its region must be awsRegion."
                            + " Give exactly one of awsKinesisStreamName, awsKinesisStreamArn or awsKinesisStreamNames.")
                    .group(STREAM)
                    .build())
            .field(ConfigField.builder(AWS_KINESIS_STREAM_NAMES, ConfigType.LIST)
                    .validator(Validators.nonEmpty())
                    .validator(Validators.matches(STREAM_NAME_REGEX, "a comma-separated list of stream names, each"
                            + " of 1 to 128 letters, digits, '_', '.' or '-'"))
                    .doc("Several Kinesis streams to read with one connector, by name, comma-separated; every record"
                            + " says its stream in kinesis.stream.name. Give exactly one of awsKinesisStreamName,"
                            + " awsKinesisStreamArn or awsKinesisStreamNames.")
                    .group(STREAM)
                    .build())
            // Position
            .field(ConfigField.builder(INITIAL_POSITION_IN_STREAM, ConfigType.ENUM)
                    .enumValues(InitialPositionInStream.class)
                    .defaultValue(InitialPositionInStream.LATEST.name())
                    .doc("Where the connector starts reading a shard that it has no offset for: LATEST starts after"
                            + " the most recent record, TRIM_HORIZON at the oldest record still kept, AT_TIMESTAMP at"
                            + " the first record at or after startAtTime.")
                    .group(POSITION)
                    .build())
            .field(ConfigField.builder(START_AT_TIME, ConfigType.TIMESTAMP)
                    .doc("The instant to start from when initialPositionInStream is AT_TIMESTAMP, in ISO-8601 such as"
                            + " 2019-03-05T19:28:58.000Z or in epoch milliseconds. Ignored for the other positions.")
                    .group(POSITION)
                    .build())
            // AWS
            .field(ConfigField.builder(AWS_ENDPOINT, ConfigType.STRING)
                    .reach(Reach.ENDPOINT)
                    .validator(httpUrl())
                    .doc("The Kinesis endpoint URL, such as a VPC endpoint or a local emulator. Empty means the"
                            + " SDK's endpoint for awsRegion.")
                    .group(AWS)
                    .build())
            .field(ConfigField.builder(AWS_REGION, ConfigType.STRING)
                    .reach(Reach.DESTINATION)
                    .validator(Validators.matches(REGION_REGEX, "an AWS region such as us-east-1"))
                    .doc("The stream's AWS region, such as us-east-1. Required unless awsEndpoint is set; with only"
                            + " awsEndpoint set, requests are signed for " + REGION_FOR_ENDPOINT + ".")
                    .group(AWS)
                    .build())
            .field(ConfigField.builder(APPLICATION_NAME, ConfigType.STRING)
                    .defaultValue("Pulsar IO connector")
                    .validator(Validators.custom("text of at most 256 characters without line breaks or other"
                                    + " control characters",
                            v -> v.toString().length() <= 256 && v.toString().chars().noneMatch(Character::isISOControl),
                            "must be at most 256 characters without line breaks or other control characters, because"
                                    + " it goes into the User-Agent header"))
                    .doc("The name of the application. It goes into the User-Agent of every AWS request, which helps"
                            + " to tell connectors apart in CloudTrail, and names the enhanced fan-out consumer unless"
                            + " consumerName is set.")
                    .group(AWS)
                    .build())
            // Credentials
            .field(ConfigField.builder(AWS_CREDENTIAL_PLUGIN_NAME, ConfigType.STRING)
                    .defaultValue("")
                    .validator(Validators.custom("empty, or one of " + String.join(", ", PULSAR_CREDENTIAL_PLUGINS),
                            v -> v.toString().isBlank() || PULSAR_CREDENTIAL_PLUGINS.contains(v.toString()),
                            "is a custom credential plugin, and custom credential plugins are not supported; use"
                                    + " credentialsType (DEFAULT_CHAIN, STATIC, PROFILE, ASSUME_ROLE or WEB_IDENTITY)"
                                    + " with its keys instead, and leave awsCredentialPluginName empty"))
                    .doc("Accepted so that Pulsar IO configs load: it may be empty or name one of Pulsar IO's own"
                            + " credential plugins, and it chooses nothing. Credentials are chosen by"
                            + " awsCredentialPluginParam and by credentialsType and its keys.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(AWS_CREDENTIAL_PLUGIN_PARAM, ConfigType.PASSWORD)
                    .reach(Reach.DESTINATION)
                    .sensitive()
                    .validator(credentialPluginParam())
                    .doc("Credentials as Pulsar IO takes them, a JSON object: {\"accessKey\":\"...\",\"secretKey\":\"...\"}"
                            + " for fixed keys, or {\"roleArn\":\"...\",\"roleSessionName\":\"...\"} (optionally with"
                            + " \"externalId\") for a role to assume. With credentialsType empty, access keys here mean"
                            + " STATIC and a role means ASSUME_ROLE.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(CREDENTIALS_TYPE, ConfigType.ENUM)
                    .reach(Reach.DESTINATION)
                    .enumValues(CredentialsType.class)
                    .doc("How the connector gets AWS credentials. Empty means inferred: STATIC when"
                            + " awsCredentialPluginParam holds accessKey and secretKey, ASSUME_ROLE when it holds"
                            + " roleArn, else DEFAULT_CHAIN (environment, system properties, profile, web identity,"
                            + " container or instance credentials).")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(AWS_ACCESS_KEY_ID, ConfigType.STRING)
                    // Not a secret to AWS, but it names the account and the user: kept out of logs all the same.
                    .sensitive()
                    .doc("The access key id, for credentialsType STATIC, or for ASSUME_ROLE to call STS with. Give it"
                            + " with awsSecretAccessKey.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(AWS_SECRET_ACCESS_KEY, ConfigType.PASSWORD)
                    .sensitive()
                    .doc("The secret access key that goes with awsAccessKeyId.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(AWS_SESSION_TOKEN, ConfigType.PASSWORD)
                    .sensitive()
                    .doc("The session token of temporary keys, for credentialsType STATIC or ASSUME_ROLE.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(AWS_PROFILE_NAME, ConfigType.STRING)
                    .reach(Reach.DESTINATION)
                    .doc("The profile of the shared AWS config and credentials files, for credentialsType PROFILE.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(ROLE_ARN, ConfigType.STRING)
                    .reach(Reach.DESTINATION)
                    .validator(Validators.matches(CredentialPluginParam.ROLE_ARN_PATTERN.pattern(),
                            CredentialPluginParam.ROLE_ARN_DESCRIPTION))
                    .doc("The IAM role to assume, for credentialsType ASSUME_ROLE or WEB_IDENTITY, such as"
                            + " arn:aws:iam::123456789012:role/kinesis-reader.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(ROLE_SESSION_NAME, ConfigType.STRING)
                    .defaultValue("tributary")
                    .validator(Validators.matches(CredentialPluginParam.ROLE_SESSION_NAME_PATTERN.pattern(),
                            CredentialPluginParam.ROLE_SESSION_NAME_DESCRIPTION))
                    .doc("The name of the role session, seen in CloudTrail, for credentialsType ASSUME_ROLE or"
                            + " WEB_IDENTITY. A roleSessionName in awsCredentialPluginParam is used when this is unset.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(ROLE_EXTERNAL_ID, ConfigType.PASSWORD)
                    .sensitive()
                    .doc("The external id that the role's trust policy asks for, for credentialsType ASSUME_ROLE.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(WEB_IDENTITY_TOKEN_FILE, ConfigType.STRING)
                    .reach(Reach.FILE)
                    .validator(Validators.custom("a file path", v -> isPath(v.toString()), "is not a valid file path"))
                    .doc("The file holding the web identity token, read again at every refresh, for credentialsType"
                            + " WEB_IDENTITY. Give it with roleArn, or leave both empty to take them from"
                            + " AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, as on EKS.")
                    .group(CREDENTIALS)
                    .build())
            .field(ConfigField.builder(STS_ENDPOINT, ConfigType.STRING)
                    .reach(Reach.ENDPOINT)
                    .validator(httpUrl())
                    .doc("The STS endpoint URL for credentialsType ASSUME_ROLE or WEB_IDENTITY, such as a local"
                            + " emulator's. Empty means the SDK's STS endpoint for awsRegion; awsEndpoint is not used"
                            + " for STS, since it usually serves Kinesis alone.")
                    .group(CREDENTIALS)
                    .build())
            // Reading
            .field(ConfigField.builder(POLL_INTERVAL, ConfigType.DURATION)
                    .defaultValue("1s")
                    .validator(Validators.atLeast(Duration.ofMillis(200)))
                    .doc("How long a shard reader waits between GetRecords calls once it has caught up with its"
                            + " shard. At least 200ms, because Kinesis allows 5 GetRecords calls per second per shard."
                            + " A shard whose records of one interval do not fit in one call is called evenly instead,"
                            + " as often as its rate needs, rather than after the whole interval and then in a burst."
                            + " Each shard of a task keeps its own place in the interval, so that shards with records"
                            + " do not call at the same moment."
                            + " While a shard stays empty the wait doubles, up to four times pollInterval, and ends on"
                            + " a grid of a quarter pollInterval that all empty shards share, so that their calls go out"
                            + " together and cost less CPU.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(MAX_RECORDS_PER_FETCH, ConfigType.INT)
                    .defaultValue("1000")
                    .validator(Validators.between(1, 10_000))
                    .doc("The most records one GetRecords call returns; Kinesis allows at most 10000.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(MAX_BYTES_PER_FETCH, ConfigType.LONG)
                    .defaultValue(Long.toString(ReaderSettings.DEFAULT_MAX_BYTES_PER_FETCH))
                    .validator(Validators.between(16 * 1024, 10L * 1024 * 1024))
                    .doc("About how many bytes one GetRecords response holds, between 16384 and 10485760 (Kinesis's"
                            + " own cap). GetRecords takes only a record count, so each call asks for as many records"
                            + " as fit by the sizes of the shard's records so far, up to maxRecordsPerFetch, which"
                            + " keeps latency and memory per call the same whatever the record size. The default,"
                            + " 1 MiB, holds about 900 records of 1 KiB. With getRecordsReader=SDK, 262144 (256 KiB)"
                            + " keeps the SDK's response buffer out of G1's humongous objects on heaps under 4 GiB, at"
                            + " the cost of more calls, each with its own CPU; the connector's own reader (the default)"
                            + " collects a response in 64 KiB pieces and never makes one. With paceShardReads on, a"
                            + " shard that is behind asks for at least 409.6 KiB a call, so that its 5 calls a second"
                            + " can still read its 2 MB a second.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(RECEIVE_QUEUE_SIZE, ConfigType.INT)
                    .defaultValue("10000")
                    .validator(Validators.atLeast(1))
                    .doc("The most Kinesis records buffered inside the connector, fetched and in flight. Once it is"
                            + " reached, the connector reads no more from Kinesis until records in the buffer have"
                            + " been handed to Pulsar. Pulsar IO's default is 1000, on top of the KCL's own prefetch;"
                            + " here it bounds everything fetched, so its default is 10000: at 1000, a single fetch"
                            + " of maxRecordsPerFetch records fills it, fetches cannot overlap and a backlog is read"
                            + " about a quarter slower. receiveQueueBytes bounds the memory either way. While Pulsar"
                            + " is slower than Kinesis, fetches also wait while the records already fetched would last"
                            + " the task two fetch round trips (at least 2 x maxRecordsPerFetch), so the buffer does"
                            + " not sit full.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(RECEIVE_QUEUE_BYTES, ConfigType.LONG)
                    .defaultValue(Long.toString(64L * 1024 * 1024))
                    .validator(Validators.atLeast(1024 * 1024))
                    .doc("The most bytes of record data buffered inside the connector, beside receiveQueueSize,"
                            + " which bounds memory when records are large. At least 1 MiB, the largest Kinesis record.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(SHARD_DISCOVERY_INTERVAL, ConfigType.DURATION)
                    .defaultValue("30s")
                    .validator(Validators.atLeast(Duration.ofSeconds(1)))
                    .doc("How often the connector lists the stream's shards to find new ones after a reshard.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(PACE_SHARD_READS, ConfigType.BOOLEAN)
                    .defaultValue("true")
                    .doc("Whether each shard's GetRecords calls are spaced to stay within Kinesis's read limits of"
                            + " 5 calls and 2 MB per second per shard, so that a shard that is behind is read at full"
                            + " speed and never throttled. Turn it off only for a Kinesis-compatible endpoint without"
                            + " those limits; against Kinesis itself, calls over the limits are throttled and wait"
                            + " backoffTime.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(MAX_CONCURRENT_FETCHES, ConfigType.INT)
                    .defaultValue("16")
                    .validator(Validators.between(1, 1024))
                    .doc("The most GetRecords calls that one task has in flight at once, across its shards.")
                    .group(READING)
                    .build())
            .field(ConfigField.builder(BACKOFF_TIME, ConfigType.DURATION)
                    .defaultValue("3000")
                    .validator(Validators.atLeast(Duration.ZERO))
                    .doc("How long to wait before calling Kinesis again after it throttled a call, such as 3s; a"
                            + " bare number is milliseconds, as Pulsar IO writes it.")
                    .group(READING)
                    .build())
            // Enhanced fan-out
            .field(ConfigField.builder(USE_ENHANCED_FAN_OUT, ConfigType.BOOLEAN)
                    .defaultValue("false")
                    .doc("Whether to read with enhanced fan-out (SubscribeToShard over HTTP/2), which gives this"
                            + " connector its own 2 MB/s per shard, instead of polling with GetRecords.")
                    .group(ENHANCED_FAN_OUT)
                    .build())
            .field(ConfigField.builder(CONSUMER_NAME, ConfigType.STRING)
                    .validator(Validators.matches(STREAM_NAME_REGEX, "1 to 128 letters, digits, '_', '.' or '-'"))
                    .doc("The name of the enhanced fan-out consumer registered on the stream. Empty means"
                            + " applicationName, with every character other than letters, digits, '_', '.' and '-'"
                            + " replaced by '-'.")
                    .group(ENHANCED_FAN_OUT)
                    .build())
            // Records
            .field(ConfigField.builder(KINESIS_RECORD_PROPERTIES, ConfigType.LIST)
                    .defaultValue(String.join(",", PROPERTY_ARRIVAL_TIMESTAMP, PROPERTY_ENCRYPTION_TYPE,
                            PROPERTY_PARTITION_KEY, PROPERTY_SEQUENCE_NUMBER, PROPERTY_SHARD_ID,
                            PROPERTY_MILLIS_BEHIND_LATEST))
                    .validator(Validators.oneOf(PROPERTY_ARRIVAL_TIMESTAMP, PROPERTY_ENCRYPTION_TYPE,
                            PROPERTY_PARTITION_KEY, PROPERTY_SEQUENCE_NUMBER, PROPERTY_SHARD_ID,
                            PROPERTY_MILLIS_BEHIND_LATEST, PROPERTY_SUB_SEQUENCE_NUMBER, PROPERTY_STREAM_NAME))
                    .doc("The properties that every Pulsar message gets from its Kinesis record. The default is the"
                            + " set that Pulsar IO writes.")
                    .group(RECORDS)
                    .build())
            .field(ConfigField.builder(MESSAGE_KEY_MODE, ConfigType.ENUM)
                    .enumValues(MessageKeyMode.class)
                    .defaultValue(MessageKeyMode.PARTITION_KEY.name())
                    .doc("What becomes the Pulsar message key: the record's partition key, as in Pulsar IO, or the"
                            + " id of its shard.")
                    .group(RECORDS)
                    .build())
            // HTTP
            .field(ConfigField.builder(HTTP_PROTOCOL, ConfigType.ENUM)
                    .enumValues(HttpProtocol.class)
                    .doc("The HTTP version of calls to Kinesis. Empty means HTTP2 when useEnhancedFanOut is true,"
                            + " which needs it, else HTTP1_1.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(HTTP_CLIENT, ConfigType.ENUM)
                    .enumValues(HttpClientKind.class)
                    .doc("The HTTP client of calls to Kinesis. CRT is the AWS Common Runtime's client, native code"
                            + " that the connector bundles for Linux, macOS and Windows: it speaks HTTP/1.1 only"
                            + " here and costs about a quarter less CPU per call than NETTY, the SDK's Netty client,"
                            + " which speaks both versions. Empty means CRT when httpProtocol is HTTP1_1 and the"
                            + " CRT's native library loads on this machine (it is unpacked into java.io.tmpdir), else"
                            + " NETTY; a worker that falls back logs why once. Enhanced fan-out and the DynamoDB"
                            + " client of kclImport always use NETTY.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(GET_RECORDS_READER, ConfigType.ENUM)
                    .enumValues(GetRecordsReader.class)
                    .defaultValue("CONNECTOR")
                    .doc("What reads GetRecords responses. CONNECTOR reads the CBOR Kinesis sends straight into"
                            + " records, copying each payload once, where the SDK builds a tree of the whole response"
                            + " and then SDK objects: a call of 1,000 records of 1 KiB costs about a third less CPU."
                            + " A response it does not recognise, and every error response, is left to the SDK. SDK"
                            + " uses the SDK's own reading for every response. Either way the SDK signs, sends and"
                            + " retries each call. Enhanced fan-out is always read by the SDK.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(HTTP_MAX_CONCURRENCY, ConfigType.INT)
                    .defaultValue("100")
                    .validator(Validators.atLeast(1))
                    .doc("The most HTTP requests to Kinesis in flight at once, per client.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(CONNECTION_TIMEOUT, ConfigType.DURATION)
                    .defaultValue("10s")
                    .validator(Validators.atLeast(Duration.ofMillis(1)))
                    .doc("How long to wait for a connection to Kinesis to open.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(READ_TIMEOUT, ConfigType.DURATION)
                    .defaultValue("30s")
                    .validator(Validators.atLeast(Duration.ofMillis(1)))
                    .doc("How long to wait for data from Kinesis on an open connection before giving up on the call.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(PROXY_HOST, ConfigType.STRING)
                    .reach(Reach.ENDPOINT)
                    .validator(Validators.matches("[^\\s/:]+", "a host name or address, without scheme or port"))
                    .doc("The HTTP proxy's host for calls to Kinesis. Empty means no proxy.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(PROXY_PORT, ConfigType.INT)
                    .reach(Reach.DESTINATION)
                    .validator(Validators.between(1, 65_535))
                    .doc("The HTTP proxy's port; required with proxyHost.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(PROXY_USERNAME, ConfigType.STRING)
                    .doc("The user for proxy authentication; give it with proxyPassword.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(PROXY_PASSWORD, ConfigType.PASSWORD)
                    .sensitive()
                    .doc("The password of proxyUsername.")
                    .group(HTTP)
                    .build())
            .field(ConfigField.builder(TRUST_ALL_CERTIFICATES, ConfigType.BOOLEAN)
                    .reach(Reach.DESTINATION)
                    .defaultValue("false")
                    .doc("For tests only, against an emulator with a self-signed certificate: accept any TLS"
                            + " certificate. Never set it in production, where it lets anyone in the network path"
                            + " read the stream and the credentials.")
                    .group(HTTP)
                    .build())
            // Offsets
            .field(ConfigField.builder(CHECKPOINT_INTERVAL, ConfigType.DURATION)
                    .defaultValue("60000")
                    .validator(Validators.atLeast(Duration.ofMillis(1)))
                    .doc("How often the connector checkpoints: stores the position it has reached in each shard,"
                            + " from which it resumes after a restart. Such as 30s; a bare number is milliseconds,"
                            + " as Pulsar IO writes it.")
                    .group(OFFSETS)
                    .build())
            .field(ConfigField.builder(NUM_RETRIES, ConfigType.INT)
                    .defaultValue("3")
                    .validator(Validators.atLeast(0))
                    .doc("How many times a failed checkpoint is tried again before the task fails.")
                    .group(OFFSETS)
                    .build())
            // Pulsar IO compatibility
            .field(ConfigField.builder(DYNAMO_ENDPOINT, ConfigType.STRING)
                    .reach(Reach.ENDPOINT)
                    .validator(httpUrl())
                    .doc("The DynamoDB endpoint URL, used only to read the KCL lease table of a Pulsar IO source"
                            + " (kclLeaseTable, or the import command's table) when importing its checkpoints. Empty means the SDK's"
                            + " DynamoDB endpoint for awsRegion. The connector itself keeps its positions in"
                            + " Tributary's offset store, not in DynamoDB.")
                    .group(COMPATIBILITY)
                    .build())
            .field(ConfigField.builder(KCL_LEASE_TABLE, ConfigType.STRING)
                    // A table name, read with the connector's credentials at dynamoEndpoint (whose reach is checked there).
                    .reach(Reach.NONE)
                    .validator(Validators.matches("[a-zA-Z0-9_.-]{3,255}", "a DynamoDB table name of 3 to 255 letters,"
                            + " digits, '_', '.' or '-'"))
                    .doc("The KCL lease table of the Pulsar IO Kinesis source this connector replaces (the table is"
                            + " named after that source's applicationName). When set, the connector reads the table at"
                            + " each start while it has no offsets, or while a shard it lists has no offset yet (a stop"
                            + " before every task committed the import), through dynamoEndpoint with the connector's"
                            + " region and credentials, and starts each shard without an offset where the KCL left off"
                            + " (after the checkpointed record; a SHARD_END lease is a finished shard; a TRIM_HORIZON,"
                            + " LATEST or AT_TIMESTAMP lease starts there, AT_TIMESTAMP at startAtTime). Stored offsets"
                            + " always win over the table's. Once every shard has an offset the table is not read. A"
                            + " table that cannot be imported fails the connector's start with a message, and nothing is"
                            + " read or written; only a table that no longer exists once the connector has offsets is a"
                            + " WARN, and shards without an offset start at initialPositionInStream. Delete the table"
                            + " only once every shard has an offset. Empty means no import.")
                    .group(COMPATIBILITY)
                    .build())
            .field(ConfigField.builder(CLOUDWATCH_ENDPOINT, ConfigType.STRING)
                    .doc("Accepted so that Pulsar IO configs load, and ignored: this connector reports metrics through"
                            + " the worker, not to CloudWatch.")
                    .group(COMPATIBILITY)
                    .build())
            .rule(KinesisSourceConfig::checkRegion)
            .rule(KinesisSourceConfig::checkStreamChoice)
            .rule(KinesisSourceConfig::checkStreamArnRegion)
            .rule(KinesisSourceConfig::checkStartAtTime)
            .rule(CredentialsResolution::check)
            .rule(KinesisSourceConfig::checkHttpProtocol)
            .rule(KinesisSourceConfig::checkProxy)
            .build();

    private final Config config;
    private final List<KinesisStreamRef> streams;
    private final CredentialsSettings credentials;
    private final Optional<ProxySettings> proxy;
    private final List<String> recordProperties;

    private KinesisSourceConfig(Config config) {
        this.config = requireNonNull(config, "config is null");
        this.streams = readStreams(config);
        this.credentials = CredentialsResolution.resolve(config);
        this.proxy = readProxy(config);
        this.recordProperties = config.getList(KINESIS_RECORD_PROPERTIES).stream()
                .map(p -> p.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }

    /**
     * Validates {@code props} against {@link #SCHEMA} and reads them.
     *
     * @throws ConfigException with one line per problem, each naming the field and the fix, secrets masked
     */
    public static KinesisSourceConfig from(Map<String, String> props) {
        requireNonNull(props, "props is null");
        return new KinesisSourceConfig(SCHEMA.parse(props));
    }

    /** The validated config underneath, for keys without a getter here. */
    public Config config() {
        return config;
    }

    /** The streams to read: one, or several with {@code awsKinesisStreamNames}. */
    public List<KinesisStreamRef> streams() {
        return streams;
    }

    /** {@code awsEndpoint}, or empty for the SDK's endpoint of the region. */
    public Optional<URI> awsEndpoint() {
        return Optional.ofNullable(config.getString(AWS_ENDPOINT)).map(URI::create);
    }

    /** {@code awsRegion} as given, or empty. */
    public Optional<String> awsRegion() {
        return Optional.ofNullable(config.getString(AWS_REGION));
    }

    /** The region for the SDK: {@code awsRegion}, or {@value #REGION_FOR_ENDPOINT} when only {@code awsEndpoint} is set. */
    public String clientRegion() {
        return awsRegion().orElse(REGION_FOR_ENDPOINT);
    }

    /** {@code dynamoEndpoint}, or empty for the SDK's DynamoDB endpoint of the region. */
    public Optional<URI> dynamoEndpoint() {
        return Optional.ofNullable(config.getString(DYNAMO_ENDPOINT)).map(URI::create);
    }

    /** {@code kclLeaseTable}: the KCL lease table to start from while the connector has no offsets, or empty for none. */
    public Optional<String> kclLeaseTable() {
        return Optional.ofNullable(config.getString(KCL_LEASE_TABLE));
    }

    /** {@code stsEndpoint}, or empty for the SDK's STS endpoint of the region. */
    public Optional<URI> stsEndpoint() {
        return Optional.ofNullable(config.getString(STS_ENDPOINT)).map(URI::create);
    }

    public String applicationName() {
        return config.getString(APPLICATION_NAME);
    }

    /** {@code awsCredentialPluginName} as given; it chooses nothing and is kept for Pulsar IO configs. */
    public String awsCredentialPluginName() {
        return config.getString(AWS_CREDENTIAL_PLUGIN_NAME);
    }

    /** The credentials to use, with {@code credentialsType} inferred when it is empty. */
    public CredentialsSettings credentials() {
        return credentials;
    }

    /** {@code credentialsType}, inferred when it is empty; the same as {@code credentials().type()}. */
    public CredentialsType credentialsType() {
        return credentials.type();
    }

    public InitialPositionInStream initialPositionInStream() {
        return config.getEnum(INITIAL_POSITION_IN_STREAM, InitialPositionInStream.class);
    }

    /** {@code startAtTime}; always present when the initial position is {@code AT_TIMESTAMP}. */
    public Optional<Instant> startAtTime() {
        return Optional.ofNullable(config.getTimestamp(START_AT_TIME));
    }

    /** {@code checkpointInterval}: a duration, or milliseconds when written as a bare number. */
    public Duration checkpointInterval() {
        return config.getDuration(CHECKPOINT_INTERVAL);
    }

    /** {@code backoffTime}: a duration, or milliseconds when written as a bare number. */
    public Duration backoffTime() {
        return config.getDuration(BACKOFF_TIME);
    }

    public int numRetries() {
        return config.getInt(NUM_RETRIES);
    }

    public int receiveQueueSize() {
        return config.getInt(RECEIVE_QUEUE_SIZE);
    }

    public long receiveQueueBytes() {
        return config.getLong(RECEIVE_QUEUE_BYTES);
    }

    public boolean paceShardReads() {
        return config.getBoolean(PACE_SHARD_READS);
    }

    public Duration pollInterval() {
        return config.getDuration(POLL_INTERVAL);
    }

    public int maxRecordsPerFetch() {
        return config.getInt(MAX_RECORDS_PER_FETCH);
    }

    public long maxBytesPerFetch() {
        return config.getLong(MAX_BYTES_PER_FETCH);
    }

    public Duration shardDiscoveryInterval() {
        return config.getDuration(SHARD_DISCOVERY_INTERVAL);
    }

    public int maxConcurrentFetches() {
        return config.getInt(MAX_CONCURRENT_FETCHES);
    }

    public boolean useEnhancedFanOut() {
        return config.getBoolean(USE_ENHANCED_FAN_OUT);
    }

    /** {@code consumerName}, or {@code applicationName} made into a valid consumer name when it is empty. */
    public String consumerName() {
        String name = config.getString(CONSUMER_NAME);
        if (name != null) {
            return name;
        }
        String derived = applicationName().replaceAll("[^a-zA-Z0-9_.-]", "-");
        return derived.length() <= 128 ? derived : derived.substring(0, 128);
    }

    /** {@code kinesisRecordProperties}, in lower case, without repeats, in the order given. */
    public List<String> kinesisRecordProperties() {
        return recordProperties;
    }

    public MessageKeyMode messageKeyMode() {
        return config.getEnum(MESSAGE_KEY_MODE, MessageKeyMode.class);
    }

    /** {@code httpProtocol}, or when it is empty HTTP2 with enhanced fan-out and HTTP1_1 without. */
    public HttpProtocol httpProtocol() {
        HttpProtocol given = config.getEnum(HTTP_PROTOCOL, HttpProtocol.class);
        if (given != null) {
            return given;
        }
        return useEnhancedFanOut() ? HttpProtocol.HTTP2 : HttpProtocol.HTTP1_1;
    }

    /** {@code httpClient}, or empty to let the connector choose (see {@link KinesisClientFactory}). */
    public Optional<HttpClientKind> httpClient() {
        return Optional.ofNullable(config.getEnum(HTTP_CLIENT, HttpClientKind.class));
    }

    /** {@code getRecordsReader}: what reads GetRecords responses. */
    public GetRecordsReader getRecordsReader() {
        return config.getEnum(GET_RECORDS_READER, GetRecordsReader.class);
    }

    public int httpMaxConcurrency() {
        return config.getInt(HTTP_MAX_CONCURRENCY);
    }

    public Duration connectionTimeout() {
        return config.getDuration(CONNECTION_TIMEOUT);
    }

    public Duration readTimeout() {
        return config.getDuration(READ_TIMEOUT);
    }

    /** The HTTP proxy, or empty for none. */
    public Optional<ProxySettings> proxy() {
        return proxy;
    }

    /** Whether any TLS certificate is accepted: for tests against emulators only. */
    public boolean trustAllCertificates() {
        return config.getBoolean(TRUST_ALL_CERTIFICATES);
    }

    /** The values, secrets masked. */
    @Override
    public String toString() {
        return "KinesisSourceConfig" + config;
    }

    private static List<KinesisStreamRef> readStreams(Config config) {
        List<String> names = config.getList(AWS_KINESIS_STREAM_NAMES);
        if (names != null) {
            return names.stream().distinct().map(n -> new KinesisStreamRef(n, Optional.empty())).toList();
        }
        String arn = config.getString(AWS_KINESIS_STREAM_ARN);
        if (arn != null) {
            Matcher m = STREAM_ARN.matcher(arn);
            if (!m.matches()) {
                throw new IllegalStateException("awsKinesisStreamArn was validated but does not match");
            }
            return List.of(new KinesisStreamRef(m.group(3), Optional.of(arn)));
        }
        return List.of(new KinesisStreamRef(config.getString(AWS_KINESIS_STREAM_NAME), Optional.empty()));
    }

    private static Optional<ProxySettings> readProxy(Config config) {
        String host = config.getString(PROXY_HOST);
        if (host == null) {
            return Optional.empty();
        }
        return Optional.of(new ProxySettings(host, config.getInt(PROXY_PORT),
                Optional.ofNullable(config.getString(PROXY_USERNAME)),
                Optional.ofNullable(config.getPassword(PROXY_PASSWORD))));
    }

    // Rules. They test isSet (the text given) rather than the value, so that a field whose own value is
    // invalid, which reads as unset, gets that one error and not a second "is required".

    private static void checkRegion(Config config, ConfigRule.Problems problems) {
        if (!config.isSet(AWS_REGION) && !config.isSet(AWS_ENDPOINT)) {
            problems.add(AWS_REGION, "is required unless awsEndpoint is set; set it to the stream's region, such as"
                    + " us-east-1");
        }
    }

    private static void checkStreamChoice(Config config, ConfigRule.Problems problems) {
        List<String> given = new ArrayList<>();
        for (String key : List.of(AWS_KINESIS_STREAM_NAME, AWS_KINESIS_STREAM_ARN, AWS_KINESIS_STREAM_NAMES)) {
            if (config.isSet(key)) {
                given.add(key);
            }
        }
        if (given.isEmpty()) {
            problems.add(AWS_KINESIS_STREAM_NAME, "is required: no stream is given; " + STREAM_CHOICE);
        } else if (given.size() > 1) {
            problems.add(given.get(0), "cannot be given together with " + String.join(" and ", given.subList(1,
                    given.size())) + "; " + STREAM_CHOICE);
        }
    }

    private static void checkStreamArnRegion(Config config, ConfigRule.Problems problems) {
        String arn = config.getString(AWS_KINESIS_STREAM_ARN);
        String region = config.getString(AWS_REGION);
        if (arn == null || region == null) {
            return;
        }
        Matcher m = STREAM_ARN.matcher(arn);
        if (m.matches() && !m.group(1).equals(region)) {
            problems.add(AWS_KINESIS_STREAM_ARN, "is a stream in " + m.group(1) + " but awsRegion is " + region
                    + "; set awsRegion to " + m.group(1) + " or use the stream's ARN in " + region);
        }
    }

    private static void checkStartAtTime(Config config, ConfigRule.Problems problems) {
        if (config.getEnum(INITIAL_POSITION_IN_STREAM, InitialPositionInStream.class)
                == InitialPositionInStream.AT_TIMESTAMP && !config.isSet(START_AT_TIME)) {
            problems.add(START_AT_TIME, "is required when initialPositionInStream is AT_TIMESTAMP; set it to the"
                    + " instant to start from, such as 2019-03-05T19:28:58.000Z");
        }
    }

    private static void checkHttpProtocol(Config config, ConfigRule.Problems problems) {
        if (Boolean.TRUE.equals(config.getBoolean(USE_ENHANCED_FAN_OUT))
                && config.getEnum(HTTP_PROTOCOL, HttpProtocol.class) == HttpProtocol.HTTP1_1) {
            problems.add(HTTP_PROTOCOL, "is HTTP1_1, but enhanced fan-out (useEnhancedFanOut=true) needs HTTP/2;"
                    + " set httpProtocol to HTTP2 or leave it empty");
        }
        if (config.getEnum(HTTP_CLIENT, HttpClientKind.class) == HttpClientKind.CRT) {
            if (Boolean.TRUE.equals(config.getBoolean(USE_ENHANCED_FAN_OUT))) {
                problems.add(HTTP_CLIENT, "is CRT, but enhanced fan-out (useEnhancedFanOut=true) needs the NETTY"
                        + " client; set httpClient to NETTY or leave it empty");
            } else if (config.getEnum(HTTP_PROTOCOL, HttpProtocol.class) == HttpProtocol.HTTP2) {
                problems.add(HTTP_CLIENT, "is CRT, which speaks HTTP/1.1 only here, but httpProtocol is HTTP2;"
                        + " set httpClient to NETTY, or httpProtocol to HTTP1_1");
            }
        }
    }

    private static void checkProxy(Config config, ConfigRule.Problems problems) {
        boolean host = config.isSet(PROXY_HOST);
        if (host && !config.isSet(PROXY_PORT)) {
            problems.add(PROXY_PORT, "is required when proxyHost is set; set it to the proxy's port, such as 3128");
        }
        for (String key : List.of(PROXY_PORT, PROXY_USERNAME, PROXY_PASSWORD)) {
            if (!host && config.isSet(key)) {
                problems.add(key, "is only used with proxyHost; set proxyHost too, or remove " + key);
            }
        }
        if (host && config.isSet(PROXY_USERNAME) != config.isSet(PROXY_PASSWORD)) {
            String missing = config.isSet(PROXY_USERNAME) ? PROXY_PASSWORD : PROXY_USERNAME;
            problems.add(missing, "is required when " + (missing.equals(PROXY_PASSWORD) ? PROXY_USERNAME : PROXY_PASSWORD)
                    + " is set; set both for proxy authentication, or neither");
        }
    }

    // Validators.

    private static Validator httpUrl() {
        return Validators.custom("an http or https URL, such as https://kinesis.us-east-1.amazonaws.com",
                v -> isHttpUrl(v.toString()),
                "must be an http or https URL with a host, such as https://kinesis.us-east-1.amazonaws.com");
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.getScheme() != null
                    && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isPath(String text) {
        try {
            Path.of(text);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Validator credentialPluginParam() {
        return new Validator() {
            @Override
            public Optional<String> check(Object value) {
                try {
                    CredentialPluginParam.parse(value.toString());
                    return Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.of(e.getMessage());
                }
            }

            @Override
            public String describe() {
                return "a JSON object with accessKey and secretKey, or with roleArn and roleSessionName (and"
                        + " optionally externalId)";
            }
        };
    }

    /** Reads {@code awsCredentialPluginParam}, which validation has already checked. */
    static CredentialPluginParam credentialPluginParam(Config config) {
        Password param = config.getPassword(AWS_CREDENTIAL_PLUGIN_PARAM);
        return param == null ? CredentialPluginParam.NONE : CredentialPluginParam.parse(param.value());
    }
}
