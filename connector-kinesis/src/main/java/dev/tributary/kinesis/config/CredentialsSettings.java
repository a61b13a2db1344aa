package dev.tributary.kinesis.config;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.Password;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The credentials that a validated config resolves to: one record per {@link CredentialsType},
 * holding exactly what that type uses. No {@code toString()} shows a secret or an access key id.
 */
public sealed interface CredentialsSettings {

    /** Which kind of credentials these are. */
    CredentialsType type();

    /** The SDK's default credentials chain. */
    record DefaultChain() implements CredentialsSettings {
        @Override
        public CredentialsType type() {
            return CredentialsType.DEFAULT_CHAIN;
        }
    }

    /**
     * Fixed keys.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @param sessionToken the session token of temporary keys, or empty
     */
    record StaticKeys(String accessKeyId, Password secretAccessKey, Optional<Password> sessionToken)
            implements CredentialsSettings {
        public StaticKeys {
            requireNonNull(accessKeyId, "accessKeyId is null");
            requireNonNull(secretAccessKey, "secretAccessKey is null");
            requireNonNull(sessionToken, "sessionToken is null");
        }

        @Override
        public CredentialsType type() {
            return CredentialsType.STATIC;
        }

        @Override
        public String toString() {
            return "StaticKeys[accessKeyId=" + Password.HIDDEN + ", secretAccessKey=" + Password.HIDDEN
                    + ", sessionToken=" + (sessionToken.isPresent() ? Password.HIDDEN : "none") + "]";
        }
    }

    /**
     * A profile of the shared AWS config and credentials files.
     *
     * @param profileName the profile's name
     */
    record Profile(String profileName) implements CredentialsSettings {
        public Profile {
            requireNonNull(profileName, "profileName is null");
        }

        @Override
        public CredentialsType type() {
            return CredentialsType.PROFILE;
        }
    }

    /**
     * A role assumed through STS.
     *
     * @param roleArn the role to assume
     * @param roleSessionName the name of the role session, seen in CloudTrail
     * @param externalId the external id that the role's trust policy asks for, or empty
     * @param baseKeys the keys that call STS, or empty for the default chain
     */
    record AssumeRole(String roleArn, String roleSessionName, Optional<Password> externalId,
            Optional<StaticKeys> baseKeys) implements CredentialsSettings {
        public AssumeRole {
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(roleSessionName, "roleSessionName is null");
            requireNonNull(externalId, "externalId is null");
            requireNonNull(baseKeys, "baseKeys is null");
        }

        @Override
        public CredentialsType type() {
            return CredentialsType.ASSUME_ROLE;
        }
    }

    /**
     * A role assumed through STS with a web identity token read from a file.
     *
     * @param roleArn the role to assume, or empty to take it from the environment's {@code AWS_ROLE_ARN}
     * @param roleSessionName the name of the role session
     * @param webIdentityTokenFile the token file, or empty to take it from the environment's
     *     {@code AWS_WEB_IDENTITY_TOKEN_FILE}; empty exactly when {@code roleArn} is
     */
    record WebIdentity(Optional<String> roleArn, String roleSessionName, Optional<Path> webIdentityTokenFile)
            implements CredentialsSettings {
        public WebIdentity {
            requireNonNull(roleArn, "roleArn is null");
            requireNonNull(roleSessionName, "roleSessionName is null");
            requireNonNull(webIdentityTokenFile, "webIdentityTokenFile is null");
            if (roleArn.isPresent() != webIdentityTokenFile.isPresent()) {
                throw new IllegalArgumentException("roleArn and webIdentityTokenFile are given together or not at all");
            }
        }

        @Override
        public CredentialsType type() {
            return CredentialsType.WEB_IDENTITY;
        }
    }
}
