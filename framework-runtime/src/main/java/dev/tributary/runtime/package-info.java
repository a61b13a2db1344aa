/**
 * The worker that loads connector plugins and writes their records into Pulsar: plugin
 * registry, task lifecycle, Pulsar sink, offset committer, REST, metrics and the CLI.
 */
package dev.tributary.runtime;
