package dev.tributary.runtime.plugin;

/** The kinds of plugin the runtime loads. */
public enum PluginType {
    SOURCE("source"),
    OFFSET_STORE("offset-store");

    private final String displayName;

    PluginType(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
