/**
 * A Kinesis endpoint for benchmarks that serves generated records from memory, fast enough that
 * the connector under test, not the source, limits a run: {@link dev.tributary.bench.replay.ReplayServer},
 * configured by {@link dev.tributary.bench.replay.ReplayConfig}, counting what it served in
 * {@link dev.tributary.bench.replay.ReplayStats}. Not a Kinesis emulator: it only reads, and only
 * what the polling reader asks for.
 */
package dev.tributary.bench.replay;
