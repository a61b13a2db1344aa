package dev.tributary.runtime.docs;

import static java.util.Objects.requireNonNull;

import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.config.Validator;
import dev.tributary.runtime.config.ConnectorConfig;
import dev.tributary.runtime.plugin.PluginDescriptor;
import dev.tributary.runtime.plugin.PluginRegistry;
import dev.tributary.runtime.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders the configuration reference (docs/configuration.md) from the config schemas
 * themselves, so that the docs cannot drift from the code: the worker's keys, the keys every
 * connector has, and each installed connector's and offset store's own keys.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    /** One part of the reference: a schema under a title, its keys optionally prefixed. */
    public record Section(String title, String intro, ConfigSchema schema, String keyPrefix) {
        public Section {
            requireNonNull(title, "title is null");
            requireNonNull(intro, "intro is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(keyPrefix, "keyPrefix is null");
        }
    }

    /** The sections for everything installed with {@code plugins}. */
    public static List<Section> sections(PluginRegistry plugins) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("Worker", "Keys of the worker config file (`config/worker.properties`). "
                + "Each can be overridden by an environment variable: `TRIBUTARY_` then the key in upper case with "
                + "dots as underscores, such as `TRIBUTARY_PULSAR_SERVICE_URL`.", WorkerConfig.SCHEMA, ""));
        sections.add(new Section("Every connector", "Keys that every connector config has, whatever its class. "
                + "In a Pulsar IO config file they are `name`, `className`, `parallelism` and `topicName`.",
                ConnectorConfig.RUNTIME_SCHEMA, ""));
        for (PluginDescriptor d : plugins.connectors()) {
            sections.add(new Section("Connector: " + d.alias(), "`connector.class=" + d.alias() + "` (or `"
                    + d.className() + "`).", plugins.newConnector(d.alias()).configSchema(), ""));
        }
        for (PluginDescriptor d : plugins.offsetStores()) {
            ConfigSchema schema = plugins.newOffsetStoreProvider(d.alias()).configSchema();
            sections.add(new Section("Offset store: " + d.alias(), "`offset.store=" + d.alias() + "`. Its keys go in "
                    + "the worker config as `offset." + d.alias() + ".<key>`.", schema, "offset." + d.alias() + "."));
        }
        return sections;
    }

    /** The whole reference as Markdown. */
    public static String render(List<Section> sections) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from the config schemas by ConfigReference; do not edit by hand. -->\n\n")
                .append("Values are text: numbers may be written as strings (`\"30000\"`), durations as `500ms`, `30s`, ")
                .append("`5m`, `1h`, `PT30S` or a number of milliseconds, timestamps in ISO-8601 or epoch milliseconds, ")
                .append("and lists as comma-separated text. A blank value counts as unset. Secret values are masked in ")
                .append("every message, log line and response.\n\n")
                .append("A type marked *endpoint* (a host the worker connects to) or *file* (a path the worker reads) ")
                .append("is held to the worker's `connector.policy.*` keys when a REST caller sets it; a change of such ")
                .append("a key, or of one marked *destination* (where or as whom credentials are used), must carry the ")
                .append("connector's stored secrets again. See operations.md, \"What REST callers may point the worker ")
                .append("at\".\n\n");
        for (Section section : sections) {
            md.append("- [").append(section.title()).append("](#").append(anchor(section.title())).append(")\n");
        }
        for (Section section : sections) {
            md.append("\n## ").append(section.title()).append("\n\n").append(section.intro()).append('\n');
            Map<String, List<ConfigField>> groups = new LinkedHashMap<>();
            for (ConfigField field : section.schema().fields()) {
                groups.computeIfAbsent(field.group().isBlank() ? "General" : field.group(), g -> new ArrayList<>()).add(field);
            }
            if (groups.isEmpty()) {
                md.append("\nThis has no keys of its own.\n");
            }
            boolean headed = groups.size() > 1;
            for (Map.Entry<String, List<ConfigField>> group : groups.entrySet()) {
                if (headed) {
                    md.append("\n### ").append(section.title()).append(": ").append(group.getKey()).append('\n');
                }
                md.append("\n| Key | Type | Default | Valid values | Description |\n|---|---|---|---|---|\n");
                for (ConfigField f : group.getValue()) {
                    md.append("| `").append(section.keyPrefix()).append(f.name()).append("` | ")
                            .append(f.type().displayName()).append(marks(f)).append(" | ")
                            .append(defaultText(f)).append(" | ")
                            .append(cell(validText(f))).append(" | ")
                            .append(cell(f.documentation())).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /** Such as {@code " (secret, destination)"}: whether the value is a secret and what it reaches. */
    private static String marks(ConfigField f) {
        List<String> marks = new ArrayList<>();
        if (f.sensitive()) {
            marks.add("secret");
        }
        switch (f.reach()) {
            case ENDPOINT -> marks.add("endpoint");
            case FILE -> marks.add("file");
            case DESTINATION -> marks.add("destination");
            case NONE -> {
            }
        }
        return marks.isEmpty() ? "" : " (" + String.join(", ", marks) + ")";
    }

    private static String defaultText(ConfigField f) {
        if (f.required()) {
            return "required";
        }
        if (f.defaultValue() == null) {
            return "none";
        }
        if (f.defaultValue().isEmpty()) {
            return "empty";
        }
        return "`" + cell(f.defaultValue()) + "`";
    }

    private static String validText(ConfigField f) {
        List<String> parts = new ArrayList<>();
        if (!f.enumValues().isEmpty()) {
            parts.add(f.enumValues().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", ")));
        }
        for (Validator v : f.validators()) {
            parts.add(v.describe());
        }
        return parts.isEmpty() ? "" : String.join("; ", parts);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String anchor(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}
