/**
 * Worker metrics: per-task recorders that are cheap enough for the data path, worker-wide JVM
 * gauges, and their reading as the Prometheus Java client's snapshots, which its exposition
 * formats write.
 */
package dev.tributary.runtime.metrics;
