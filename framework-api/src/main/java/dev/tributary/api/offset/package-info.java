/**
 * Source partitions and offsets, reading them back, and the {@link dev.tributary.api.offset.OffsetStore}
 * SPI that checkpoint stores implement.
 */
@Stable
package dev.tributary.api.offset;

import dev.tributary.api.annotation.Stable;
