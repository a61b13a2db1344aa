package dev.tributary.kinesis.config;

import static dev.tributary.kinesis.config.KinesisSourceConfig.AWS_ACCESS_KEY_ID;
import static dev.tributary.kinesis.config.KinesisSourceConfig.AWS_CREDENTIAL_PLUGIN_PARAM;
import static dev.tributary.kinesis.config.KinesisSourceConfig.AWS_PROFILE_NAME;
import static dev.tributary.kinesis.config.KinesisSourceConfig.AWS_SECRET_ACCESS_KEY;
import static dev.tributary.kinesis.config.KinesisSourceConfig.AWS_SESSION_TOKEN;
import static dev.tributary.kinesis.config.KinesisSourceConfig.CREDENTIALS_TYPE;
import static dev.tributary.kinesis.config.KinesisSourceConfig.ROLE_ARN;
import static dev.tributary.kinesis.config.KinesisSourceConfig.ROLE_EXTERNAL_ID;
import static dev.tributary.kinesis.config.KinesisSourceConfig.ROLE_SESSION_NAME;
import static dev.tributary.kinesis.config.KinesisSourceConfig.STS_ENDPOINT;
import static dev.tributary.kinesis.config.KinesisSourceConfig.WEB_IDENTITY_TOKEN_FILE;
import static dev.tributary.kinesis.config.CredentialsType.ASSUME_ROLE;
import static dev.tributary.kinesis.config.CredentialsType.DEFAULT_CHAIN;
import static dev.tributary.kinesis.config.CredentialsType.PROFILE;
import static dev.tributary.kinesis.config.CredentialsType.STATIC;
import static dev.tributary.kinesis.config.CredentialsType.WEB_IDENTITY;

import dev.tributary.api.config.Config;
import dev.tributary.api.config.ConfigRule;
import dev.tributary.api.config.Password;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the credential keys into {@link CredentialsSettings}: infers {@code credentialsType} when it
 * is empty, takes keys and roles from {@code awsCredentialPluginParam} or from the keys of their own,
 * and reports what is missing, what conflicts and what the chosen type would ignore. The same code
 * serves as the schema's rule and as the typed view's reader, so that they cannot disagree.
 *
 * <p>No message quotes a value: most of these keys are secrets.
 */
final class CredentialsResolution {
    /** Which types use each key; a key given for another type is an error rather than silently ignored. */
    private static final Map<String, Set<CredentialsType>> USED_BY = Map.of(
            AWS_ACCESS_KEY_ID, EnumSet.of(STATIC, ASSUME_ROLE),
            AWS_SECRET_ACCESS_KEY, EnumSet.of(STATIC, ASSUME_ROLE),
            AWS_SESSION_TOKEN, EnumSet.of(STATIC, ASSUME_ROLE),
            AWS_PROFILE_NAME, EnumSet.of(PROFILE),
            ROLE_ARN, EnumSet.of(ASSUME_ROLE, WEB_IDENTITY),
            ROLE_SESSION_NAME, EnumSet.of(ASSUME_ROLE, WEB_IDENTITY),
            ROLE_EXTERNAL_ID, EnumSet.of(ASSUME_ROLE),
            WEB_IDENTITY_TOKEN_FILE, EnumSet.of(WEB_IDENTITY),
            STS_ENDPOINT, EnumSet.of(ASSUME_ROLE, WEB_IDENTITY));

    /** Key order for messages, so that they come out the same every time. */
    private static final List<String> KEYS = List.of(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
            AWS_PROFILE_NAME, ROLE_ARN, ROLE_SESSION_NAME, ROLE_EXTERNAL_ID, WEB_IDENTITY_TOKEN_FILE, STS_ENDPOINT);

    /** Every key that credentials are resolved from. */
    private static final List<String> ALL_KEYS = List.of(CREDENTIALS_TYPE, AWS_CREDENTIAL_PLUGIN_PARAM,
            AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE_NAME, ROLE_ARN, ROLE_SESSION_NAME,
            ROLE_EXTERNAL_ID, WEB_IDENTITY_TOKEN_FILE, STS_ENDPOINT);

    private CredentialsResolution() {
    }

    /** The schema rule: reports every problem with the credential keys. */
    static void check(Config config, ConfigRule.Problems problems) {
        resolve(config, problems);
    }

    /** The settings of a config that has passed validation. */
    static CredentialsSettings resolve(Config config) {
        List<String> problems = new ArrayList<>();
        CredentialsSettings settings = resolve(config, (field, problem) -> problems.add(field + ": " + problem));
        if (settings == null || !problems.isEmpty()) {
            throw new IllegalStateException("credentials of a validated config do not resolve: " + problems);
        }
        return settings;
    }

    /** The settings, or null when a problem was reported. */
    private static CredentialsSettings resolve(Config config, ConfigRule.Problems problems) {
        for (String key : ALL_KEYS) {
            if (config.isSet(key) && !hasValue(config, key)) {
                return null; // the key's own error says it all; resolving without it would only add noise
            }
        }
        CredentialsType explicit = config.getEnum(CREDENTIALS_TYPE, CredentialsType.class);
        CredentialPluginParam param = KinesisSourceConfig.credentialPluginParam(config);
        CredentialsType type = explicit != null ? explicit
                : param.hasKeys() ? STATIC : param.hasRole() ? ASSUME_ROLE : DEFAULT_CHAIN;
        String typeText = explicit != null ? "credentialsType is " + type
                : "credentialsType is empty, which here means " + type + (param.hasKeys()
                        ? " because awsCredentialPluginParam holds access keys"
                        : param.hasRole() ? " because awsCredentialPluginParam holds a role"
                                : " because awsCredentialPluginParam holds neither access keys nor a role");

        Counting counting = new Counting(problems);
        for (String key : KEYS) {
            Set<CredentialsType> users = USED_BY.get(key);
            if (config.isSet(key) && !users.contains(type)) {
                counting.add(key, "is only used when credentialsType is " + or(users) + ", but " + typeText
                        + "; set credentialsType, or remove " + key);
            }
        }
        if (param.hasKeys() && !EnumSet.of(STATIC, ASSUME_ROLE).contains(type)) {
            counting.add(AWS_CREDENTIAL_PLUGIN_PARAM, "holds access keys, which are only used when credentialsType is"
                    + " STATIC or ASSUME_ROLE, but " + typeText + "; set credentialsType, or remove the keys");
        }
        if (param.hasRole() && type != ASSUME_ROLE) {
            counting.add(AWS_CREDENTIAL_PLUGIN_PARAM, "holds a role, which is only used when credentialsType is"
                    + " ASSUME_ROLE, but " + typeText + "; set credentialsType, or remove the role");
        }

        CredentialsSettings settings = switch (type) {
            case DEFAULT_CHAIN -> new CredentialsSettings.DefaultChain();
            case STATIC -> staticKeys(config, param, counting, true).orElse(null);
            case PROFILE -> profile(config, counting);
            case ASSUME_ROLE -> assumeRole(config, param, counting);
            case WEB_IDENTITY -> webIdentity(config, counting);
        };
        return counting.count > 0 ? null : settings;
    }

    /**
     * The keys from awsAccessKeyId and awsSecretAccessKey, or from awsCredentialPluginParam. Empty
     * when neither gives them; with {@code required}, that is a problem.
     */
    private static Optional<CredentialsSettings.StaticKeys> staticKeys(Config config, CredentialPluginParam param,
            Counting problems, boolean required) {
        boolean id = config.isSet(AWS_ACCESS_KEY_ID);
        boolean secret = config.isSet(AWS_SECRET_ACCESS_KEY);
        Optional<Password> token = Optional.ofNullable(config.getPassword(AWS_SESSION_TOKEN));
        if (param.hasKeys()) {
            for (String key : List.of(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)) {
                if (config.isSet(key)) {
                    problems.add(key, "cannot be given together with the accessKey and secretKey in"
                            + " awsCredentialPluginParam; give the keys in one place");
                }
            }
            return Optional.of(new CredentialsSettings.StaticKeys(param.accessKey().orElseThrow(),
                    param.secretKey().orElseThrow(), token));
        }
        if (id && secret) {
            return Optional.of(new CredentialsSettings.StaticKeys(config.getString(AWS_ACCESS_KEY_ID),
                    config.getPassword(AWS_SECRET_ACCESS_KEY), token));
        }
        if (id || secret) {
            String missing = id ? AWS_SECRET_ACCESS_KEY : AWS_ACCESS_KEY_ID;
            String present = id ? AWS_ACCESS_KEY_ID : AWS_SECRET_ACCESS_KEY;
            problems.add(missing, "is required when " + present + " is set; give both keys, or neither");
        } else if (required) {
            problems.add(AWS_ACCESS_KEY_ID, "is required when credentialsType is STATIC; set awsAccessKeyId and"
                    + " awsSecretAccessKey, or give {\"accessKey\":\"...\",\"secretKey\":\"...\"} in"
                    + " awsCredentialPluginParam");
        } else if (config.isSet(AWS_SESSION_TOKEN)) {
            problems.add(AWS_SESSION_TOKEN, "is only used with awsAccessKeyId and awsSecretAccessKey; set them"
                    + " too, or remove awsSessionToken");
        }
        return Optional.empty();
    }

    private static CredentialsSettings profile(Config config, Counting problems) {
        String name = config.getString(AWS_PROFILE_NAME);
        if (name == null) {
            problems.add(AWS_PROFILE_NAME, "is required when credentialsType is PROFILE; set it to a profile of"
                    + " the AWS config files, such as default");
            return null;
        }
        return new CredentialsSettings.Profile(name);
    }

    private static CredentialsSettings assumeRole(Config config, CredentialPluginParam param, Counting problems) {
        Optional<String> arn = fromOnePlace(config, problems, ROLE_ARN, Optional.ofNullable(config.getString(ROLE_ARN)),
                param.roleArn(), "roleArn");
        Optional<Password> externalId = fromOnePlace(config, problems, ROLE_EXTERNAL_ID,
                Optional.ofNullable(config.getPassword(ROLE_EXTERNAL_ID)), param.externalId(), "externalId");
        Optional<String> session = fromOnePlace(config, problems, ROLE_SESSION_NAME,
                config.isSet(ROLE_SESSION_NAME) ? Optional.ofNullable(config.getString(ROLE_SESSION_NAME))
                        : Optional.empty(),
                param.roleSessionName(), "roleSessionName");
        Optional<CredentialsSettings.StaticKeys> base = staticKeys(config, param, problems, false);
        if (arn.isEmpty()) {
            problems.add(ROLE_ARN, "is required when credentialsType is ASSUME_ROLE; set it to the role to assume,"
                    + " such as arn:aws:iam::123456789012:role/kinesis-reader, or give it as roleArn in"
                    + " awsCredentialPluginParam");
            return null;
        }
        return new CredentialsSettings.AssumeRole(arn.get(),
                session.orElseGet(() -> config.getString(ROLE_SESSION_NAME)), externalId, base);
    }

    /** A value that may come from its own key or from awsCredentialPluginParam, but not from both. */
    private static <T> Optional<T> fromOnePlace(Config config, Counting problems, String key, Optional<T> own,
            Optional<T> inParam, String paramKey) {
        if (config.isSet(key) && inParam.isPresent()) {
            problems.add(key, "cannot be given together with the " + paramKey + " in awsCredentialPluginParam;"
                    + " give it in one place");
        }
        return own.isPresent() ? own : inParam;
    }

    private static CredentialsSettings webIdentity(Config config, Counting problems) {
        boolean arn = config.isSet(ROLE_ARN);
        boolean file = config.isSet(WEB_IDENTITY_TOKEN_FILE);
        if (arn != file) {
            String missing = arn ? WEB_IDENTITY_TOKEN_FILE : ROLE_ARN;
            problems.add(missing, "is required when " + (arn ? ROLE_ARN : WEB_IDENTITY_TOKEN_FILE) + " is set and"
                    + " credentialsType is WEB_IDENTITY; set both, or neither to take them from AWS_ROLE_ARN and"
                    + " AWS_WEB_IDENTITY_TOKEN_FILE in the environment");
            return null;
        }
        return new CredentialsSettings.WebIdentity(Optional.ofNullable(config.getString(ROLE_ARN)),
                config.getString(ROLE_SESSION_NAME),
                Optional.ofNullable(config.getString(WEB_IDENTITY_TOKEN_FILE)).map(Path::of));
    }

    /** Whether {@code key} has a value, which a key whose text is invalid does not. */
    private static boolean hasValue(Config config, String key) {
        return switch (config.schema().field(key).orElseThrow().type()) {
            case PASSWORD -> config.getPassword(key) != null;
            default -> config.getString(key) != null;
        };
    }

    private static String or(Set<CredentialsType> types) {
        List<String> names = types.stream().map(Enum::name).collect(Collectors.toList());
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Passes problems on and counts them, so that a resolution with problems yields no settings. */
    private static final class Counting implements ConfigRule.Problems {
        private final ConfigRule.Problems delegate;
        private int count;

        Counting(ConfigRule.Problems delegate) {
            this.delegate = delegate;
        }

        @Override
        public void add(String field, String problem) {
            count++;
            delegate.add(field, problem);
        }
    }
}
