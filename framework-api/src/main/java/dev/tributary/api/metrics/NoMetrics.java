package dev.tributary.api.metrics;

import java.util.Map;
import java.util.function.DoubleSupplier;

/** {@link PluginMetrics#none()}: accepts every metric and exposes none. */
enum NoMetrics implements PluginMetrics {
    INSTANCE;

    @Override
    public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
        // Nothing scrapes these.
    }

    @Override
    public void counter(String name, String help, Map<String, String> labels, DoubleSupplier total) {
        // Nothing scrapes these.
    }

    @Override
    public void remove(String name, Map<String, String> labels) {
        // Nothing was kept.
    }
}
