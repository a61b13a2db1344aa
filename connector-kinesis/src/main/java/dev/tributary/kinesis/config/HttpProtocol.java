package dev.tributary.kinesis.config;

/** The HTTP version of the connection to Kinesis. */
public enum HttpProtocol {
    /** HTTP/1.1, enough for GetRecords polling. */
    HTTP1_1,
    /** HTTP/2, which enhanced fan-out's SubscribeToShard needs. */
    HTTP2
}
