package dev.tributary.kinesis.config;

/** Which HTTP client carries the connector's calls to Kinesis. */
public enum HttpClientKind {
    /**
     * The AWS Common Runtime's client (native code, bundled for Linux, macOS and Windows): HTTP/1.1
     * only here, and cheaper per call than Netty.
     */
    CRT,
    /** The SDK's Netty client: HTTP/1.1 or HTTP/2, the only one for enhanced fan-out. */
    NETTY
}
