/**
 * Config declared as data: {@link dev.tributary.api.config.ConfigSchema} fields with types,
 * defaults, validators, docs, groups and a {@code sensitive} flag, validated all at once into a
 * {@link dev.tributary.api.config.Config}.
 */
@Stable
package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
