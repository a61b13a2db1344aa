package dev.tributary.kinesis.reader;

import dev.tributary.kinesis.proxy.KinesisRecord;
import java.util.List;

/**
 * Sizes one shard's GetRecords calls by bytes as well as by records. GetRecords takes only a
 * record count, so the sizer keeps an estimate of what one of the shard's records takes in a
 * response and asks for as many as fit in {@link ReaderSettings#maxBytesPerFetch()}: never more
 * than {@link ReaderSettings#maxRecordsPerFetch()}, never fewer than one. A response's size then
 * no longer depends on how small the records are, and neither does the time the SDK takes to
 * collect and parse it before the first of its records can move on.
 *
 * <p>The estimate rises at once to what a response shows and falls by a quarter of the gap per
 * response, so a shard whose records grow overshoots the budget for one call at most. A shard not
 * yet fetched starts from the estimate of the task's last response, or 1 KiB records.
 *
 * <p>When {@link ReaderSettings#paceShardReads()} holds, a shard that is behind may ask for at
 * least {@link #PACED_CATCH_UP_BYTES} a call whatever the budget: paced calls come at most five a
 * second, and five calls must be able to carry the 2 MB a second Kinesis serves, or the bound
 * would slow a shard's catching up.
 *
 * <p>Not thread-safe: each shard has its own, used by one thread at a time (the fetcher's).
 */
final class FetchSizer {
    /** What a record adds to a response beyond its data, partition key and sequence number: field names, timestamp. */
    static final long RECORD_OVERHEAD = 64;
    /** What a response holds beyond its records: the next iterator, the lag, child shards. */
    static final long RESPONSE_OVERHEAD = 1024;
    /** The estimate for a shard before any response: 1 KiB of data, a short key, a 56-digit sequence number. */
    static final long INITIAL_RECORD_BYTES = 1024 + 16 + 56 + RECORD_OVERHEAD;
    /** The bytes per call at which five paced calls a second carry a shard's 2 MB a second. */
    static final long PACED_CATCH_UP_BYTES = ReaderSettings.SHARD_BYTES_PER_SECOND
            * ReaderSettings.MIN_FETCH_SPACING.toMillis() / 1000;

    private long recordBytes;

    /**
     * How many records the next call should ask for.
     *
     * @param behind whether the shard's last response had records and was behind its tip
     * @param taskRecordBytes the estimate to start from when this shard has none yet, or 0
     */
    int recordsToAsk(ReaderSettings settings, boolean behind, long taskRecordBytes) {
        long perRecord = recordBytes > 0 ? recordBytes : taskRecordBytes > 0 ? taskRecordBytes : INITIAL_RECORD_BYTES;
        long budget = settings.maxBytesPerFetch();
        if (behind && settings.paceShardReads()) {
            budget = Math.max(budget, PACED_CATCH_UP_BYTES);
        }
        long fits = Math.max(0, budget - RESPONSE_OVERHEAD) / perRecord;
        return (int) Math.max(1, Math.min(settings.maxRecordsPerFetch(), fits));
    }

    /** Learns from a response's records; an empty response teaches nothing. Returns the estimate. */
    long observe(List<KinesisRecord> records) {
        if (records.isEmpty()) {
            return recordBytes;
        }
        long bytes = 0;
        for (KinesisRecord record : records) {
            bytes += record.data().length + record.partitionKey().length() + record.sequenceNumber().length()
                    + RECORD_OVERHEAD;
        }
        long seen = Math.max(1, bytes / records.size());
        recordBytes = recordBytes == 0 || seen >= recordBytes ? seen : recordBytes - (recordBytes - seen) / 4;
        return recordBytes;
    }

    /** The current estimate of one record's bytes in a response, or 0 before the first response with records. */
    long recordBytes() {
        return recordBytes;
    }
}
