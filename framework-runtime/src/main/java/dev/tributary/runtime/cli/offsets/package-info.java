/**
 * {@code connect-runtime offsets export|import}: committed offsets moved between offset stores as
 * JSON in the offset state format.
 */
package dev.tributary.runtime.cli.offsets;
