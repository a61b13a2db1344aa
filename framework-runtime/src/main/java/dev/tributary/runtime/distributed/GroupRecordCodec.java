package dev.tributary.runtime.distributed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.runtime.distributed.GroupRecord.AppliedRecord;
import dev.tributary.runtime.distributed.GroupRecord.AssignmentRecord;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorStatusRecord;
import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.distributed.GroupRecord.TargetStateRecord;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.distributed.GroupRecord.TaskStatusRecord;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes {@link GroupRecord}s as JSON objects with a {@code version} and a {@code type}, and reads
 * them back strictly: anything else, including a record whose body does not belong under its key,
 * is {@link UndecodableRecordException undecodable}. Unknown fields are ignored, so that a newer
 * Tributary of the same format version may add some. A record kind added later within a format
 * version (such as {@code restart-request}) is an unknown type to an older worker, which skips it
 * with its one WARN, as any undecodable record.
 *
 * <p>Thread-safe.
 */
public final class GroupRecordCodec {
    /** The format version written; a record of a higher version is refused as undecodable. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** A record that is not a group record of this format; the message never quotes its content. */
    public static final class UndecodableRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        UndecodableRecordException(String reason) {
            super(reason);
        }
    }

    /** The record as JSON bytes. */
    public byte[] encode(GroupRecord record) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("version", VERSION);
        if (record instanceof ConnectorConfig c) {
            node.put("type", "connector-config").put("name", c.name());
            node.set("config", strings(c.config()));
        } else if (record instanceof TargetStateRecord t) {
            node.put("type", "target-state").put("name", t.name()).put("state", t.state().name());
        } else if (record instanceof TaskConfigs t) {
            node.put("type", "task-configs").put("name", t.name()).put("generation", t.generation());
            ArrayNode tasks = node.putArray("tasks");
            t.tasks().forEach(task -> tasks.add(strings(task)));
        } else if (record instanceof RestartRequest r) {
            node.put("type", "restart-request").put("name", r.name()).put("request_id", r.requestId())
                    .put("generation", r.generation());
            if (r.task().isPresent()) {
                node.put("task", r.task().getAsInt());
            } else {
                node.put("only_failed", r.onlyFailed()).put("include_tasks", r.includeTasks());
            }
        } else if (record instanceof ConnectorStatusRecord s) {
            node.put("type", "connector-status").put("name", s.name()).put("state", s.state().name())
                    .put("worker_id", s.workerId());
            s.trace().ifPresent(trace -> node.put("trace", trace));
        } else if (record instanceof TaskStatusRecord s) {
            node.put("type", "task-status").put("name", s.id().connector()).put("task", s.id().task())
                    .put("state", s.state().name()).put("worker_id", s.workerId()).put("generation", s.generation());
            s.trace().ifPresent(trace -> node.put("trace", trace));
        } else if (record instanceof AppliedRecord a) {
            node.put("type", "applied").put("worker_id", a.workerId()).put("generation", a.generation());
        } else if (record instanceof AssignmentRecord a) {
            node.put("type", "assignment").put("generation", a.assignment().generation())
                    .put("leader", a.assignment().leader());
            ObjectNode workers = node.putObject("workers");
            a.assignment().workers().forEach((id, work) -> {
                ObjectNode w = workers.putObject(id);
                String url = a.restUrls().get(id);
                if (url != null) {
                    w.put("rest_url", url);
                }
                ArrayNode connectors = w.putArray("connectors");
                work.connectors().forEach(connectors::add);
                ArrayNode tasks = w.putArray("tasks");
                work.tasks().forEach(t -> tasks.addObject().put("connector", t.connector()).put("task", t.task()));
            });
        } else {
            throw new IllegalArgumentException("not a group record: " + record.getClass().getName());
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a group record as JSON", e);
        }
    }

    /**
     * Reads the record stored under {@code key}.
     *
     * @throws UndecodableRecordException when it is not JSON, not of this format, of a newer
     *     version, or not the record that {@code key} names
     */
    public GroupRecord decode(String key, byte[] raw) throws UndecodableRecordException {
        JsonNode node;
        try {
            node = MAPPER.readTree(raw);
        } catch (IOException e) {
            throw new UndecodableRecordException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new UndecodableRecordException("not a JSON object");
        }
        JsonNode version = node.get("version");
        if (version == null || !version.isIntegralNumber() || version.asInt() < 1) {
            throw new UndecodableRecordException("no format version");
        }
        if (version.asInt() > VERSION) {
            throw new UndecodableRecordException("format version " + version.asInt() + " is newer than this worker's ("
                    + VERSION + "): a newer Tributary wrote it; upgrade this worker");
        }
        GroupRecord record = switch (text(node, "type")) {
            case "connector-config" -> new ConnectorConfig(text(node, "name"), stringMap(node.get("config"), "config"));
            case "target-state" -> new TargetStateRecord(text(node, "name"), enumOf(TargetState.class, text(node, "state")));
            case "task-configs" -> {
                JsonNode tasks = node.get("tasks");
                if (tasks == null || !tasks.isArray()) {
                    throw new UndecodableRecordException("tasks is not a list");
                }
                List<Map<String, String>> configs = new ArrayList<>();
                for (JsonNode task : tasks) {
                    configs.add(stringMap(task, "task config"));
                }
                yield new TaskConfigs(text(node, "name"), number(node, "generation"), configs);
            }
            case "restart-request" -> restartRequest(node);
            case "connector-status" -> new ConnectorStatusRecord(text(node, "name"),
                    enumOf(State.class, text(node, "state")), text(node, "worker_id"), optionalText(node, "trace"));
            case "task-status" -> new TaskStatusRecord(taskId(node.get("name"), node.get("task")),
                    enumOf(State.class, text(node, "state")), text(node, "worker_id"), number(node, "generation"),
                    optionalText(node, "trace"));
            case "assignment" -> assignment(node);
            case "applied" -> new AppliedRecord(text(node, "worker_id"), number(node, "generation"));
            default -> throw new UndecodableRecordException("unknown record type");
        };
        if (!record.key().equals(key)) {
            throw new UndecodableRecordException("its content belongs under another key");
        }
        return record;
    }

    private static RestartRequest restartRequest(JsonNode node) throws UndecodableRecordException {
        String name = text(node, "name");
        String requestId = text(node, "request_id");
        if (requestId.isEmpty() || requestId.length() > 64) {
            throw new UndecodableRecordException("request_id is not 1 to 64 characters");
        }
        long generation = number(node, "generation");
        if (generation < 0) {
            throw new UndecodableRecordException("generation is negative");
        }
        JsonNode task = node.get("task");
        if (task != null) {
            return RestartRequest.ofTask(taskId(node.get("name"), task), requestId, generation);
        }
        return new RestartRequest(name, OptionalInt.empty(), flag(node, "only_failed"), flag(node, "include_tasks"),
                requestId, generation);
    }

    private static boolean flag(JsonNode node, String field) throws UndecodableRecordException {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new UndecodableRecordException(field + " is not true or false");
        }
        return value.asBoolean();
    }

    private static AssignmentRecord assignment(JsonNode node) throws UndecodableRecordException {
        long generation = number(node, "generation");
        if (generation < 0) {
            throw new UndecodableRecordException("generation is negative");
        }
        JsonNode workers = node.get("workers");
        if (workers == null || !workers.isObject()) {
            throw new UndecodableRecordException("workers is not an object");
        }
        SortedMap<String, WorkerAssignment> plan = new TreeMap<>();
        Map<String, String> urls = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = workers.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> worker = fields.next();
            JsonNode w = worker.getValue();
            if (!w.isObject()) {
                throw new UndecodableRecordException("a worker's assignment is not an object");
            }
            SortedSet<String> connectors = new TreeSet<>();
            for (JsonNode c : array(w, "connectors")) {
                if (!c.isTextual()) {
                    throw new UndecodableRecordException("a connector name is not a string");
                }
                connectors.add(c.asText());
            }
            SortedSet<ConnectorTaskId> tasks = new TreeSet<>();
            for (JsonNode t : array(w, "tasks")) {
                tasks.add(taskId(t.get("connector"), t.get("task")));
            }
            optionalText(w, "rest_url").ifPresent(url -> urls.put(worker.getKey(), url));
            plan.put(worker.getKey(), new WorkerAssignment(connectors, tasks));
        }
        return new AssignmentRecord(new Assignment(generation, text(node, "leader"), plan), urls);
    }

    private static JsonNode array(JsonNode node, String field) throws UndecodableRecordException {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new UndecodableRecordException(field + " is not a list");
        }
        return value;
    }

    private static ConnectorTaskId taskId(JsonNode name, JsonNode task) throws UndecodableRecordException {
        if (name == null || !name.isTextual() || task == null || !task.canConvertToInt() || !task.isIntegralNumber()
                || task.asInt() < 0) {
            throw new UndecodableRecordException("a task is not a connector name and a task index");
        }
        return new ConnectorTaskId(name.asText(), task.asInt());
    }

    private static ObjectNode strings(Map<String, String> map) {
        ObjectNode node = MAPPER.createObjectNode();
        map.forEach(node::put);
        return node;
    }

    private static Map<String, String> stringMap(JsonNode node, String what) throws UndecodableRecordException {
        if (node == null || !node.isObject()) {
            throw new UndecodableRecordException(what + " is not an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw new UndecodableRecordException(what + " has a value that is not a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    private static String text(JsonNode node, String field) throws UndecodableRecordException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new UndecodableRecordException(field + " is not a string");
        }
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field) throws UndecodableRecordException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new UndecodableRecordException(field + " is not a string");
        }
        return Optional.of(value.asText());
    }

    private static long number(JsonNode node, String field) throws UndecodableRecordException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new UndecodableRecordException(field + " is not a whole number");
        }
        return value.asLong();
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name) throws UndecodableRecordException {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new UndecodableRecordException("state is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }
}
