/**
 * Connector config files: reading {@code .properties}, Kafka Connect JSON and Pulsar IO YAML or
 * JSON into one flat map, and splitting that map into the runtime's keys and the connector's own.
 */
package dev.tributary.runtime.config;
