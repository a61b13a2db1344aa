/**
 * The service-provider interface that connector and offset-store authors build against.
 *
 * <p>This module depends on the JDK alone, so that a plugin never inherits the runtime's
 * libraries. Its types arrive with the runtime work (source connectors, tasks, records, the
 * config schema and the offset-store SPI).
 */
package dev.tributary.api;
