/** Metrics that plugins report through the runtime: {@link dev.tributary.api.metrics.PluginMetrics}. */
@Stable
package dev.tributary.api.metrics;

import dev.tributary.api.annotation.Stable;
