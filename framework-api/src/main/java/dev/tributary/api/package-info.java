/**
 * The service-provider interface that connector and offset-store authors build against. It
 * depends on the JDK alone, so that a plugin never inherits the runtime's libraries.
 *
 * <ul>
 *   <li>{@link dev.tributary.api.connector}: source connectors, tasks and records;</li>
 *   <li>{@link dev.tributary.api.config}: config schemas declared as data;</li>
 *   <li>{@link dev.tributary.api.offset}: partitions, offsets and the offset-store SPI.</li>
 * </ul>
 */
package dev.tributary.api;
