package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.runtime.distributed.GroupRecord.AssignmentRecord;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.ConnectorStatusRecord;
import dev.tributary.runtime.distributed.GroupRecord.RestartRequest;
import dev.tributary.runtime.distributed.GroupRecord.TargetStateRecord;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.distributed.GroupRecord.TaskStatusRecord;
import dev.tributary.runtime.worker.State;
import dev.tributary.runtime.worker.TargetState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupRecordCodecTest {
    private final GroupRecordCodec codec = new GroupRecordCodec();

    private GroupRecord roundTrip(GroupRecord record) throws Exception {
        return codec.decode(record.key(), codec.encode(record));
    }

    @Test
    void everyKindOfRecordReadsBackAsWritten() throws Exception {
        TreeMap<String, WorkerAssignment> workers = new TreeMap<>();
        workers.put("w1", new WorkerAssignment(new TreeSet<>(List.of("a/b")),
                new TreeSet<>(List.of(new ConnectorTaskId("a/b", 0), new ConnectorTaskId("c", 2)))));
        workers.put("w2", WorkerAssignment.EMPTY);
        List<GroupRecord> records = List.of(
                new ConnectorConfig("a/b", Map.of("connector.class", "X", "secret", "s3cr\"et")),
                new TargetStateRecord("a/b", TargetState.PAUSED),
                new TaskConfigs("a/b", 7, List.of(Map.of("k", "v"), Map.of())),
                new ConnectorStatusRecord("a/b", State.RUNNING, "w1", Optional.empty()),
                new ConnectorStatusRecord("a/b", State.FAILED, "w1", Optional.of("boom")),
                new TaskStatusRecord(new ConnectorTaskId("a/b", 3), State.RUNNING, "w2", 12, Optional.empty()),
                RestartRequest.ofConnector("a/b", true, false, "r-1", 4),
                RestartRequest.ofConnector("a/b", false, true, "r-2", 0),
                RestartRequest.ofTask(new ConnectorTaskId("a/b", 2), "r-3", 9),
                new AssignmentRecord(new Assignment(5, "w1", workers), Map.of("w1", "http://h1:8083")),
                new GroupRecord.AppliedRecord("127.0.0.1:8083", 17));
        for (GroupRecord record : records) {
            assertThat(roundTrip(record)).isEqualTo(record);
        }
    }

    @Test
    void aTaskStatusKeyPutsTheIndexFirstSoThatNamesWithSlashesStayApart() {
        assertThat(GroupRecord.taskStatusKey(new ConnectorTaskId("a/1", 2))).isEqualTo("task-status/2/a/1");
        assertThat(GroupRecord.taskStatusKey(new ConnectorTaskId("a", 12))).isEqualTo("task-status/12/a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"version\":1}", "{\"version\":\"1\",\"type\":\"target-state\"}",
            "{\"version\":1,\"type\":\"target-state\",\"name\":\"x\",\"state\":\"FLYING\"}",
            "{\"version\":1,\"type\":\"connector-config\",\"name\":\"x\",\"config\":{\"a\":1}}",
            "{\"version\":1,\"type\":\"assignment\",\"generation\":-1,\"leader\":\"w\",\"workers\":{}}",
            "{\"version\":1,\"type\":\"nonsense\",\"name\":\"x\"}",
            "{\"version\":1,\"type\":\"target-state\",\"name\":\"x\",\"state\":\"PAUSED\"} trailing"})
    void garbageIsUndecodable(String text) {
        assertThatThrownBy(() -> codec.decode("target/x", text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GroupRecordCodec.UndecodableRecordException.class);
    }

    @Test
    void aRecordUnderAnotherKeyIsUndecodable() {
        byte[] raw = codec.encode(new TargetStateRecord("x", TargetState.STOPPED));
        assertThatThrownBy(() -> codec.decode("target/y", raw))
                .isInstanceOf(GroupRecordCodec.UndecodableRecordException.class).hasMessageContaining("another key");
    }

    @Test
    void aNewerFormatVersionSaysSoAndNeverQuotesTheRecord() {
        byte[] raw = "{\"version\":2,\"type\":\"target-state\",\"name\":\"x\",\"state\":\"SECRET-VALUE\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode("target/x", raw))
                .isInstanceOf(GroupRecordCodec.UndecodableRecordException.class)
                .hasMessageContaining("newer").hasMessageNotContaining("SECRET");
    }

    @Test
    void unknownFieldsOfTheSameVersionAreIgnored() throws Exception {
        byte[] raw = "{\"version\":1,\"type\":\"target-state\",\"name\":\"x\",\"state\":\"PAUSED\",\"added\":true}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decode("target/x", raw)).isEqualTo(new TargetStateRecord("x", TargetState.PAUSED));
    }

    @Test
    void aRestartRequestOfAConnectorAndOneOfATaskHaveKeysOfTheirOwn() {
        assertThat(RestartRequest.ofConnector("a/1", false, false, "r", 1).key()).isEqualTo("restart/a/1");
        assertThat(RestartRequest.ofTask(new ConnectorTaskId("a/1", 2), "r", 1).key()).isEqualTo("restart-task/2/a/1");
        assertThatThrownBy(() -> new RestartRequest("a", java.util.OptionalInt.of(0), true, false, "r", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"generation\":1,\"only_failed\":false,\"include_tasks\":false}",
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"request_id\":\"\",\"generation\":1,\"only_failed\":false,\"include_tasks\":false}",
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"request_id\":\"r\",\"generation\":-1,\"only_failed\":false,\"include_tasks\":false}",
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"request_id\":\"r\",\"generation\":1,\"only_failed\":\"yes\",\"include_tasks\":false}",
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"request_id\":\"r\",\"generation\":1}",
        "{\"version\":1,\"type\":\"restart-request\",\"name\":\"x\",\"request_id\":\"r\",\"generation\":1,\"task\":0}",
    })
    void aBrokenRestartRequestIsUndecodable(String text) {
        // The last one is a task's request under the connector's key.
        assertThatThrownBy(() -> codec.decode("restart/x", text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GroupRecordCodec.UndecodableRecordException.class);
    }

    @Test
    void aRestartRequestReadByAnOlderWorkerIsAnUnknownTypeItSkips() {
        // What an older worker does with a kind it does not know: the same as with garbage.
        byte[] raw = "{\"version\":1,\"type\":\"restart-request-v9\",\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode("restart/x", raw))
                .isInstanceOf(GroupRecordCodec.UndecodableRecordException.class).hasMessageContaining("unknown record type");
    }
}
