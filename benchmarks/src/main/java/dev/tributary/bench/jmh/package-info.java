/**
 * JMH benchmarks of the per-record hot paths: KPL de-aggregation, record mapping and offset
 * tracking. {@link dev.tributary.bench.jmh.JmhMain} runs them all and writes JSON results.
 */
package dev.tributary.bench.jmh;
