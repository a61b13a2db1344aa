/**
 * The built-in {@code datagen} source connector: synthetic records at a chosen rate, size and key
 * cardinality, each with a unique, deterministic id, for demos, tests and benchmarks.
 */
package dev.tributary.runtime.datagen;
