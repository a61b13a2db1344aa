package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Password;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pulsar IO's {@code awsCredentialPluginParam}, read: access keys as its default plugin takes them
 * ({@code {"accessKey":"...","secretKey":"..."}}), a role as its STSAssumeRoleProviderPlugin takes it
 * ({@code {"roleArn":"...","roleSessionName":"..."}}, here also with an optional {@code externalId}),
 * or nothing ({@code {}}). {@link #toString()} shows which, never the values.
 *
 * @param accessKey the access key id, or empty
 * @param secretKey the secret key, present exactly when {@code accessKey} is
 * @param roleArn the role to assume, or empty
 * @param roleSessionName the session name for the role, or empty
 * @param externalId the external id for the role, or empty
 */
record CredentialPluginParam(
        Optional<String> accessKey,
        Optional<Password> secretKey,
        Optional<String> roleArn,
        Optional<String> roleSessionName,
        Optional<Password> externalId) {

    static final CredentialPluginParam NONE = new CredentialPluginParam(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    static final String ACCESS_KEY = "accessKey";
    static final String SECRET_KEY = "secretKey";
    static final String ROLE_ARN = "roleArn";
    static final String ROLE_SESSION_NAME = "roleSessionName";
    static final String EXTERNAL_ID = "externalId";

    private static final Set<String> KNOWN = Set.of(ACCESS_KEY, SECRET_KEY, ROLE_ARN, ROLE_SESSION_NAME, EXTERNAL_ID);

    /** The two shapes, for the end of every message. */
    static final String SHAPES = "write it as {\"accessKey\":\"...\",\"secretKey\":\"...\"} or as"
            + " {\"roleArn\":\"...\",\"roleSessionName\":\"...\"}, optionally with \"externalId\"";

    static final Pattern ROLE_ARN_PATTERN = Pattern.compile("arn:aws(-[a-z]+)*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    static final String ROLE_ARN_DESCRIPTION = "an IAM role ARN such as arn:aws:iam::123456789012:role/kinesis-reader";
    static final Pattern ROLE_SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");
    static final String ROLE_SESSION_NAME_DESCRIPTION = "2 to 64 letters, digits or any of _+=,.@-";

    CredentialPluginParam {
        requireNonNull(accessKey, "accessKey is null");
        requireNonNull(secretKey, "secretKey is null");
        requireNonNull(roleArn, "roleArn is null");
        requireNonNull(roleSessionName, "roleSessionName is null");
        requireNonNull(externalId, "externalId is null");
    }

    /**
     * Reads and checks {@code json}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and how to write it,
     *     and quotes nothing from {@code json}
     */
    static CredentialPluginParam parse(String json) {
        requireNonNull(json, "json is null");
        Map<String, String> members;
        try {
            members = JsonStringObject.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; " + SHAPES);
        }
        if (!KNOWN.containsAll(members.keySet())) {
            // The unknown key itself is not quoted: a pasted secret could be in its place.
            throw new IllegalArgumentException("has a key other than accessKey, secretKey, roleArn, roleSessionName"
                    + " and externalId; " + SHAPES);
        }
        boolean keys = members.containsKey(ACCESS_KEY) || members.containsKey(SECRET_KEY);
        boolean role = members.containsKey(ROLE_ARN) || members.containsKey(ROLE_SESSION_NAME)
                || members.containsKey(EXTERNAL_ID);
        if (keys && role) {
            throw new IllegalArgumentException("has both access keys and a role; " + SHAPES);
        }
        if (keys) {
            require(members, ACCESS_KEY, SECRET_KEY);
            require(members, SECRET_KEY, ACCESS_KEY);
            return new CredentialPluginParam(Optional.of(members.get(ACCESS_KEY).trim()),
                    Optional.of(new Password(members.get(SECRET_KEY).trim())), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
        if (role) {
            require(members, ROLE_ARN, members.containsKey(ROLE_SESSION_NAME) ? ROLE_SESSION_NAME : EXTERNAL_ID);
            String arn = members.get(ROLE_ARN).trim();
            if (!ROLE_ARN_PATTERN.matcher(arn).matches()) {
                throw new IllegalArgumentException("has a roleArn that is not " + ROLE_ARN_DESCRIPTION);
            }
            Optional<String> session = nonBlank(members.get(ROLE_SESSION_NAME));
            if (session.isPresent() && !ROLE_SESSION_NAME_PATTERN.matcher(session.get()).matches()) {
                throw new IllegalArgumentException("has a roleSessionName that is not " + ROLE_SESSION_NAME_DESCRIPTION);
            }
            return new CredentialPluginParam(Optional.empty(), Optional.empty(), Optional.of(arn), session,
                    nonBlank(members.get(EXTERNAL_ID)).map(Password::new));
        }
        return NONE;
    }

    private static void require(Map<String, String> members, String key, String present) {
        String value = members.get(key);
        if (value == null) {
            throw new IllegalArgumentException("has " + present + " but no " + key + "; " + SHAPES);
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException("has an empty " + key + "; " + SHAPES);
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Whether it holds an access key and a secret key. */
    boolean hasKeys() {
        return accessKey.isPresent();
    }

    /** Whether it holds a role. */
    boolean hasRole() {
        return roleArn.isPresent();
    }

    @Override
    public String toString() {
        return hasKeys() ? "CredentialPluginParam[access keys]"
                : hasRole() ? "CredentialPluginParam[role]" : "CredentialPluginParam[empty]";
    }
}
