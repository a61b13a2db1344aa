package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link OffsetImporter} found: one entry per position it read, with the offset it becomes,
 * or none and the reason.
 *
 * @param entries in the order the importer read them
 */
@Evolving
public record OffsetImportPlan(List<Entry> entries) {
    /**
     * One position read.
     *
     * @param partition the partition it is for
     * @param from the position as the other system stored it, for the operator to compare
     * @param offset the offset to write, or empty when nothing is written for it
     * @param note why nothing is written, or anything the operator should know; may be empty
     */
    public record Entry(SourcePartition partition, String from, Optional<SourceOffset> offset, String note) {
        public Entry {
            Objects.requireNonNull(partition, "partition is null");
            Objects.requireNonNull(from, "from is null");
            Objects.requireNonNull(offset, "offset is null");
            Objects.requireNonNull(note, "note is null");
        }
    }

    public OffsetImportPlan {
        entries = List.copyOf(entries);
    }

    /** The offsets to write, in entry order. */
    public Map<SourcePartition, SourceOffset> offsets() {
        Map<SourcePartition, SourceOffset> offsets = new LinkedHashMap<>();
        for (Entry e : entries) {
            e.offset().ifPresent(o -> offsets.put(e.partition(), o));
        }
        return offsets;
    }
}
