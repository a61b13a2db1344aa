/**
 * The worker's HTTP listener, on the JDK's built-in server: exact-path routes with small
 * request and response values, JSON errors, and the Prometheus {@code /metrics} endpoint.
 */
package dev.tributary.runtime.http;
