/**
 * De-aggregation of records written by the Kinesis Producer Library (KPL), which packs many user
 * records into one Kinesis record: a 4-byte magic, a protobuf {@code AggregatedRecord}, and the
 * MD5 digest of the protobuf bytes. {@link dev.tributary.kinesis.kpl.KplDeaggregator} turns such a
 * record back into its {@link dev.tributary.kinesis.kpl.UserRecord}s, and passes every other
 * record, including a damaged aggregate, through whole.
 */
package dev.tributary.kinesis.kpl;
