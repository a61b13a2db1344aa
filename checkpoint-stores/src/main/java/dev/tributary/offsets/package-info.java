/**
 * {@code OffsetStore} implementations, each a ServiceLoader plugin chosen by name with
 * {@code offset.store}: memory, file, pulsar and jdbc. They share {@link dev.tributary.offsets.OffsetCodec},
 * the versioned JSON form of offsets.
 */
package dev.tributary.offsets;
