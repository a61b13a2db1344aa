/**
 * The source-connector SPI: {@link dev.tributary.api.connector.SourceConnector},
 * {@link dev.tributary.api.connector.SourceTask}, {@link dev.tributary.api.connector.SourceRecord}
 * and their contexts.
 */
@Stable
package dev.tributary.api.connector;

import dev.tributary.api.annotation.Stable;
