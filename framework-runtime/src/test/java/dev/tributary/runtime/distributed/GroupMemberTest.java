package dev.tributary.runtime.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.runtime.distributed.GroupRecord.ConnectorConfig;
import dev.tributary.runtime.distributed.GroupRecord.TargetStateRecord;
import dev.tributary.runtime.distributed.GroupRecord.TaskConfigs;
import dev.tributary.runtime.worker.TargetState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupMemberTest {
    @Test
    void theLeaderAssignsEveryConnectorNotStoppedWithTheTasksItsInstanceWrote() {
        List<ConnectorConfig> connectors = List.of(config("running"), config("paused"), config("stopped"),
                config("new"), config("no-target"));
        Map<String, TargetStateRecord> targets = Map.of(
                GroupRecord.targetKey("running"), new TargetStateRecord("running", TargetState.STARTED),
                GroupRecord.targetKey("paused"), new TargetStateRecord("paused", TargetState.PAUSED),
                GroupRecord.targetKey("stopped"), new TargetStateRecord("stopped", TargetState.STOPPED),
                GroupRecord.targetKey("new"), new TargetStateRecord("new", TargetState.STARTED),
                // A target state whose config was deleted assigns nothing.
                GroupRecord.targetKey("deleted"), new TargetStateRecord("deleted", TargetState.STARTED));
        Map<String, TaskConfigs> tasks = Map.of(
                GroupRecord.tasksKey("running"), new TaskConfigs("running", 3, List.of(Map.of(), Map.of())),
                GroupRecord.tasksKey("paused"), new TaskConfigs("paused", 1, List.of(Map.of())),
                GroupRecord.tasksKey("stopped"), new TaskConfigs("stopped", 1, List.of(Map.of())),
                GroupRecord.tasksKey("no-target"), new TaskConfigs("no-target", 1, List.of(Map.of(), Map.of(), Map.of())));

        assertThat(GroupMember.connectorsToRun(connectors, targets, tasks)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "running", 2, "paused", 1, "new", 0, "no-target", 3));
    }

    @Test
    void aConfigRecordShowsNoValueWhenPrinted() {
        ConnectorConfig config = new ConnectorConfig("c", Map.of("awsSecretKey", "do-not-print"));
        TaskConfigs tasks = new TaskConfigs("c", 1, List.of(Map.of("awsSecretKey", "do-not-print")));
        assertThat(config.toString()).contains("awsSecretKey").doesNotContain("do-not-print");
        assertThat(tasks.toString()).doesNotContain("do-not-print");
    }

    private static ConnectorConfig config(String name) {
        return new ConnectorConfig(name, Map.of("connector.class", "x"));
    }
}
