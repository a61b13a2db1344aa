package dev.tributary.runtime.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigField.Reach;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.ConfigType;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a REST caller may point the worker at, as the operator set it in worker.properties: the
 * hosts that {@link Reach#ENDPOINT endpoint} keys may name, the directories that
 * {@link Reach#FILE file} keys may name, and the keys that a REST caller may not change at all.
 * Connector files that the operator gives on the command line are not held to it.
 *
 * <p>Only values that differ from what is stored (for a new connector: from the key's default) are
 * checked, so that a client that reads a connector the operator made and sends it back, changed
 * elsewhere, is not refused for the operator's own values.
 *
 * <p>Immutable and thread-safe.
 */
public final class ConnectorConfigPolicy {
    /** The worker key that lists the hosts endpoint keys may name. */
    public static final String ALLOWED_HOSTS = "connector.policy.allowed.hosts";
    /** The worker key that lists the directories file keys may name. */
    public static final String ALLOWED_PATHS = "connector.policy.allowed.paths";
    /** The worker key that lists the connector keys a REST caller may not change. */
    public static final String LOCKED_KEYS = "connector.policy.locked.keys";

    /**
     * The Kinesis and STS endpoints of AWS, their FIPS and dual-stack forms and their VPC endpoints.
     * Not all of {@code *.amazonaws.com}: anyone can own a host there (an API Gateway at
     * {@code <id>.execute-api.<region>.amazonaws.com}) and read the signed requests sent to it.
     * And a region label, not any label: {@code kinesis.s3.amazonaws.com} is an S3 bucket of
     * whoever owns the bucket named kinesis.
     */
    public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of(
            "kinesis.{region}.amazonaws.com", "kinesis-fips.{region}.amazonaws.com",
            "*.kinesis.{region}.vpce.amazonaws.com", "sts.amazonaws.com", "sts.{region}.amazonaws.com",
            "sts-fips.{region}.amazonaws.com", "*.sts.{region}.vpce.amazonaws.com", "kinesis.{region}.amazonaws.com.cn",
            "sts.{region}.amazonaws.com.cn", "*.kinesis.{region}.vpce.amazonaws.com.cn",
            "*.sts.{region}.vpce.amazonaws.com.cn", "kinesis.{region}.api.aws", "kinesis-fips.{region}.api.aws",
            "sts.{region}.api.aws");
    /** The label that {@code {region}} stands for: an AWS region such as us-east-1 or us-gov-west-1. */
    private static final Pattern REGION_LABEL = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");
    /** Keys that weaken what protects the credentials in transit. */
    public static final Set<String> DEFAULT_LOCKED_KEYS = Set.of("trustAllCertificates");

    /** The operator's defaults: AWS's Kinesis and STS endpoints only, no file paths, trustAllCertificates locked. */
    public static final ConnectorConfigPolicy DEFAULT =
            new ConnectorConfigPolicy(DEFAULT_ALLOWED_HOSTS, List.of(), DEFAULT_LOCKED_KEYS);

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[?[0-9A-Fa-f:.]+]?(%\\w+)?");

    private final List<String> allowedHosts;
    private final List<Path> allowedPaths;
    private final Set<String> lockedKeys;

    /**
     * @param allowedHosts host names or addresses, where a {@code *} label stands for one label
     *     ({@code kinesis.*.amazonaws.com}), a {@code {region}} label for one AWS region
     *     ({@code kinesis.{region}.amazonaws.com}) and a leading {@code *.} for one or more
     *     ({@code *.corp.example}); {@code *} alone allows any host
     * @param allowedPaths absolute directories (or files) under which file keys may point
     * @param lockedKeys connector keys that a REST caller may not change
     */
    public ConnectorConfigPolicy(List<String> allowedHosts, List<Path> allowedPaths, Set<String> lockedKeys) {
        this.allowedHosts = requireNonNull(allowedHosts, "allowedHosts is null").stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.allowedPaths = requireNonNull(allowedPaths, "allowedPaths is null").stream()
                .map(p -> p.toAbsolutePath().normalize()).toList();
        this.lockedKeys = Set.copyOf(requireNonNull(lockedKeys, "lockedKeys is null"));
    }

    /**
     * Refuses a config sent over REST when it sets a locked key, an endpoint on a host that is not
     * allowed or a file outside the allowed directories.
     *
     * @param before the config now stored (secrets may be masked), empty for a new connector
     * @param after the config as sent
     * @param connectorSchema the connector's own schema; empty when it is not installed, in which
     *     case only the runtime's keys and the locked keys are checked (the config cannot start)
     * @throws ConfigException with one line per refused key, naming the key, the host or path, and
     *     the worker key that the operator would change to allow it
     */
    public void check(Map<String, String> before, Map<String, String> after, Optional<ConfigSchema> connectorSchema) {
        requireNonNull(before, "before is null");
        requireNonNull(after, "after is null");
        requireNonNull(connectorSchema, "connectorSchema is null");
        List<String> problems = new ArrayList<>();
        after.forEach((key, value) -> {
            if (value == null || value.isBlank()) {
                return;
            }
            Optional<ConfigField> field = ConnectorConfig.RUNTIME_KEYS.contains(key)
                    ? ConnectorConfig.RUNTIME_SCHEMA.field(key)
                    : connectorSchema.flatMap(s -> s.field(key));
            String baseline = before.containsKey(key) ? before.get(key)
                    : field.map(ConfigField::defaultValue).orElse(null);
            if (baseline != null && baseline.trim().equals(value.trim())) {
                return;
            }
            if (lockedKeys.contains(key)) {
                problems.add(key + ": a REST caller may not change this key on this worker; set it in the connector's"
                        + " file given to the worker at start, or remove " + key + " from " + LOCKED_KEYS
                        + " in worker.properties");
                return;
            }
            field.ifPresent(f -> {
                switch (f.reach()) {
                    case ENDPOINT -> items(f, value).forEach(item -> checkHost(f, item, problems));
                    case FILE -> items(f, value).forEach(item -> checkPath(f, item, problems));
                    default -> {
                    }
                }
            });
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static List<String> items(ConfigField field, String value) {
        if (field.type() != ConfigType.LIST) {
            return List.of(value.trim());
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private void checkHost(ConfigField field, String value, List<String> problems) {
        Optional<String> host = hostOf(value);
        String shown = field.sensitive() ? "" : " '" + host.orElse(value) + "'";
        if (host.isEmpty()) {
            problems.add(field.name() + ": the host of" + shown + " cannot be told, so it cannot be checked against "
                    + ALLOWED_HOSTS + "; write a URL such as https://kinesis.us-east-1.amazonaws.com or a host name");
        } else if (!hostAllowed(host.get())) {
            problems.add(field.name() + ": host" + shown + " is not allowed for configs sent over REST (allowed: "
                    + String.join(", ", allowedHosts.isEmpty() ? List.of("none") : allowedHosts) + "); to allow it,"
                    + " the operator adds it to " + ALLOWED_HOSTS + " in worker.properties");
        }
    }

    private void checkPath(ConfigField field, String value, List<String> problems) {
        String shown = field.sensitive() ? "" : " '" + value + "'";
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(field.name() + ": is not a file path");
            return;
        }
        if (!path.isAbsolute()) {
            problems.add(field.name() + ": path" + shown + " is relative; over REST, give an absolute path under one of "
                    + ALLOWED_PATHS);
            return;
        }
        if (!pathAllowed(path.normalize())) {
            problems.add(field.name() + ": path" + shown + " is not allowed for configs sent over REST (allowed: "
                    + (allowedPaths.isEmpty() ? "none" : String.join(", ", allowedPaths.stream().map(Path::toString).toList()))
                    + "); to allow it, the operator adds its directory to " + ALLOWED_PATHS + " in worker.properties");
        }
    }

    /** Whether {@code host}, lower case and without brackets, is on the allow-list. */
    boolean hostAllowed(String host) {
        for (String allowed : allowedHosts) {
            if (allowed.equals("*") || allowed.equals(host) || matches(allowed, host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A {@code *} label stands for exactly one label of the host and {@code {region}} for one
     * label that is an AWS region, except a leading {@code *.},
     * which stands for one or more: {@code *.corp.example} is every host under corp.example,
     * {@code kinesis.*.amazonaws.com} is kinesis.us-east-1.amazonaws.com but not
     * kinesis.x.y.amazonaws.com.
     */
    private static boolean matches(String pattern, String host) {
        List<String> want = List.of(pattern.split("\\.", -1));
        List<String> have = List.of(host.split("\\.", -1));
        boolean anyDepth = want.size() > 1 && want.get(0).equals("*");
        List<String> tail = anyDepth ? want.subList(1, want.size()) : want;
        if (anyDepth ? have.size() <= tail.size() : have.size() != tail.size()) {
            return false;
        }
        List<String> end = have.subList(have.size() - tail.size(), have.size());
        for (int i = 0; i < tail.size(); i++) {
            String label = end.get(i);
            String wanted = tail.get(i);
            boolean fits = wanted.equals("*") || wanted.equals(label)
                    || (wanted.equals("{region}") && REGION_LABEL.matcher(label).matches());
            if (label.isEmpty() || !fits) {
                return false;
            }
        }
        return have.subList(0, have.size() - tail.size()).stream().noneMatch(String::isEmpty);
    }

    private boolean pathAllowed(Path normalized) {
        for (Path allowed : allowedPaths) {
            if (normalized.startsWith(allowed)) {
                // A link inside an allowed directory must not lead out of it.
                return !Files.exists(normalized) || realUnder(normalized, allowed);
            }
        }
        return false;
    }

    private static boolean realUnder(Path path, Path allowed) {
        try {
            Path realAllowed = Files.exists(allowed) ? allowed.toRealPath() : allowed;
            return path.toRealPath().startsWith(realAllowed);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The host that {@code value} names: the host of a URL ({@code scheme://host:port/path}), or
     * the value itself when it is a bare host name or address; empty when it is neither.
     */
    static Optional<String> hostOf(String value) {
        String text = value.trim();
        String host;
        if (text.contains("://")) {
            try {
                host = new URI(text).getHost();
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        } else {
            host = HOST.matcher(text).matches() ? text : null;
        }
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // "host." is the same host as "host" to DNS.
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? Optional.empty() : Optional.of(host);
    }

    @Override
    public String toString() {
        return "ConnectorConfigPolicy[hosts=" + allowedHosts + ", paths=" + allowedPaths + ", locked=" + lockedKeys + "]";
    }
}
