/**
 * Worker metrics: per-task recorders that are cheap enough for the data path, worker-wide JVM
 * gauges, and their rendering in the Prometheus text exposition format 0.0.4.
 */
package dev.tributary.runtime.metrics;
