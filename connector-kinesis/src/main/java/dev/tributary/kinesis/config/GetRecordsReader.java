package dev.tributary.kinesis.config;

/** What reads the body of a GetRecords response into records. */
public enum GetRecordsReader {
    /**
     * The connector: Kinesis's CBOR straight into records, each payload copied once; a body it does
     * not recognise is left to the SDK.
     */
    CONNECTOR,
    /** The AWS SDK's own unmarshalling, for every response. */
    SDK
}
