package dev.tributary.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.api.config.ConfigField;
import dev.tributary.api.config.Password;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.runtime.worker.ConnectorInfo;
import dev.tributary.runtime.worker.ConnectorStatus;
import dev.tributary.runtime.worker.TaskStatus;
import java.util.Map;

/**
 * Turns the worker's values into Kafka Connect's JSON shapes: {@code ConnectorInfo},
 * {@code ConnectorStateInfo}, {@code TaskInfo}, {@code ConnectorOffsets} and {@code ConfigKeyInfo},
 * with Kafka Connect's field names.
 */
final class ConnectEntities {
    /** Every Tributary connector is a source; Kafka Connect's {@code type} field says so. */
    static final String TYPE = "source";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConnectEntities() {
    }

    /** {@code {"name","config","tasks":[{"connector","task"}],"type"}}. */
    static ObjectNode info(ConnectorInfo info) {
        ObjectNode node = NODES.objectNode().put("name", info.name());
        node.set("config", stringMap(info.config()));
        ArrayNode tasks = node.putArray("tasks");
        info.tasks().forEach(task -> tasks.add(taskId(info.name(), task.id())));
        node.put("type", TYPE);
        return node;
    }

    /** {@code [{"id":{"connector","task"},"config":{...}}]}, the body of {@code GET /connectors/{name}/tasks}. */
    static ArrayNode tasks(ConnectorInfo info) {
        ArrayNode tasks = NODES.arrayNode();
        for (ConnectorInfo.TaskInfo task : info.tasks()) {
            ObjectNode node = tasks.addObject();
            node.set("id", taskId(info.name(), task.id()));
            node.set("config", stringMap(task.config()));
        }
        return tasks;
    }

    /** {@code {"name","connector":{"state","worker_id","trace"?},"tasks":[...],"type"}}. */
    static ObjectNode status(ConnectorStatus status) {
        ObjectNode node = NODES.objectNode().put("name", status.name());
        ObjectNode connector = node.putObject("connector")
                .put("state", status.state().name())
                .put("worker_id", status.workerId());
        if (status.trace() != null) {
            connector.put("trace", status.trace());
        }
        ArrayNode tasks = node.putArray("tasks");
        status.tasks().forEach(task -> tasks.add(taskStatus(task)));
        node.put("type", TYPE);
        return node;
    }

    /** {@code {"id","state","worker_id","trace"?}}. */
    static ObjectNode taskStatus(TaskStatus task) {
        ObjectNode node = NODES.objectNode()
                .put("id", task.id())
                .put("state", task.state().name())
                .put("worker_id", task.workerId());
        if (task.trace() != null) {
            node.put("trace", task.trace());
        }
        return node;
    }

    /** {@code {"offsets":[{"partition":{...},"offset":{...}}]}}. */
    static ObjectNode offsets(Map<SourcePartition, SourceOffset> offsets) {
        ObjectNode node = NODES.objectNode();
        ArrayNode list = node.putArray("offsets");
        offsets.forEach((partition, offset) -> {
            ObjectNode entry = list.addObject();
            entry.set("partition", fields(partition.fields()));
            entry.set("offset", fields(offset.fields()));
        });
        return node;
    }

    /**
     * Kafka Connect's {@code ConfigKeyInfo} of one field. Kafka Connect has no enum, duration or
     * timestamp types, so those read as {@code STRING} (the documentation says what they take);
     * it has importance levels, which Tributary does not declare, so required fields read as HIGH
     * and the others as MEDIUM. The position is {@code order_in_group}, the name Kafka Connect's
     * {@code ConfigKeyInfo} reads from 3.9 on and the only one it reads from 4.2 on.
     */
    static ObjectNode definition(ConfigField field, int orderInGroup) {
        ObjectNode node = NODES.objectNode()
                .put("name", field.name())
                .put("type", kafkaType(field))
                .put("required", field.required());
        String defaultValue = field.defaultValue();
        if (defaultValue == null) {
            node.putNull("default_value");
        } else {
            node.put("default_value", field.sensitive() ? Password.HIDDEN : defaultValue);
        }
        node.put("importance", field.required() ? "HIGH" : "MEDIUM")
                .put("documentation", field.documentation())
                .put("group", field.group().isEmpty() ? null : field.group())
                .put("width", "NONE")
                .put("display_name", field.name())
                .put("order_in_group", orderInGroup);
        node.putArray("dependents");
        return node;
    }

    /** A definition for a key that no schema declares, so that validation can still report it. */
    static ObjectNode undeclared(String name) {
        ObjectNode node = NODES.objectNode()
                .put("name", name)
                .put("type", "STRING")
                .put("required", false);
        node.putNull("default_value");
        node.put("importance", "LOW")
                .put("documentation", "Not a key of this connector.")
                .putNull("group");
        node.put("width", "NONE").put("display_name", name).put("order_in_group", -1);
        node.putArray("dependents");
        return node;
    }

    private static String kafkaType(ConfigField field) {
        return switch (field.type()) {
            case INT -> "INT";
            case LONG -> "LONG";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case LIST -> "LIST";
            case PASSWORD -> "PASSWORD";
            default -> "STRING";
        };
    }

    private static ObjectNode taskId(String connector, int task) {
        return NODES.objectNode().put("connector", connector).put("task", task);
    }

    static ObjectNode stringMap(Map<String, String> map) {
        ObjectNode node = NODES.objectNode();
        map.forEach(node::put);
        return node;
    }

    private static JsonNode fields(Map<String, Object> fields) {
        ObjectNode node = NODES.objectNode();
        fields.forEach((key, value) -> {
            if (value instanceof String s) {
                node.put(key, s);
            } else if (value instanceof Long l) {
                node.put(key, l);
            } else if (value instanceof Double d) {
                node.put(key, d);
            } else if (value instanceof Boolean b) {
                node.put(key, b);
            } else {
                node.put(key, String.valueOf(value));
            }
        });
        return node;
    }
}
