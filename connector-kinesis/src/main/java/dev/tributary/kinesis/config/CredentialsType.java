package dev.tributary.kinesis.config;

/** How the connector gets its AWS credentials. */
public enum CredentialsType {
    /** The SDK's default chain: environment, system properties, profile, web identity, container, instance. */
    DEFAULT_CHAIN,
    /** A fixed access key and secret key, with an optional session token. */
    STATIC,
    /** A named profile of the shared AWS config and credentials files. */
    PROFILE,
    /** An IAM role assumed through STS, on top of the static keys if given, else the default chain. */
    ASSUME_ROLE,
    /** An IAM role assumed through STS with a web identity token read from a file, as on EKS. */
    WEB_IDENTITY
}
