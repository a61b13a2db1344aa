/**
 * The worker's HTTP listener, on Jetty's NIO server: routes by method and path template,
 * small request and response values, JSON errors, a body limit and request timeouts, optional
 * TLS and HTTP basic authentication, and the Prometheus {@code /metrics} endpoint.
 */
package dev.tributary.runtime.http;
