/** Stability markers for the SPI: {@link dev.tributary.api.annotation.Stable} and {@link dev.tributary.api.annotation.Evolving}. */
package dev.tributary.api.annotation;
