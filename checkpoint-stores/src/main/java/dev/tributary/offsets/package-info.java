/**
 * {@code OffsetStore} implementations, each a ServiceLoader plugin chosen by name with
 * {@code offset.store}: memory, file, pulsar and jdbc.
 */
package dev.tributary.offsets;
