/**
 * The worker's REST API, compatible with Kafka Connect's: connectors, their configs, statuses,
 * restarts, lifecycle and offsets, the installed plugins with config validation, and log levels.
 * Served on the {@link dev.tributary.runtime.http.WorkerHttpServer}; the worker behind it is a
 * {@link dev.tributary.runtime.worker.Herder}.
 */
package dev.tributary.runtime.rest;
