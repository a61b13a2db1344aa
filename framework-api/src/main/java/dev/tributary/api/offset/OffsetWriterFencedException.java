package dev.tributary.api.offset;

import dev.tributary.api.annotation.Evolving;

/**
 * A {@link ScopedOffsetWriter} was fenced: a newer writer claimed its scope, so this one may never
 * write again. Unlike other {@link OffsetStoreException}s, retrying cannot help: the offsets it was
 * given belong to a copy of the task that runs elsewhere now.
 *
 * <p>Stores throw it from {@link ScopedOffsetWriter#write} and {@link ScopedOffsetWriter#remove}
 * of a fenced writer. A store written before this type existed throws a plain
 * {@link OffsetStoreException} instead; callers then treat the failure as one that may pass.
 */
@Evolving
public class OffsetWriterFencedException extends OffsetStoreException {
    private static final long serialVersionUID = 1L;

    public OffsetWriterFencedException(String message) {
        super(message);
    }
}
