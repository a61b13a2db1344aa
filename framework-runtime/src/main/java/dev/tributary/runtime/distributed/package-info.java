/**
 * The worker group: the layer under a {@code DistributedHerder} that lets several workers share
 * connectors through Pulsar, with no consensus of our own (issue #13). Modelled on Pulsar's
 * Functions worker ({@code LeaderService}, {@code MembershipManager}, {@code SchedulerManager},
 * {@code FunctionAssignmentTailer}) and Kafka Connect's incremental cooperative rebalancing.
 *
 * <h2>Topics</h2>
 * One namespace per group ({@link dev.tributary.runtime.distributed.GroupTopics}): by default
 * {@code public/tributary-<group.id>}. {@link dev.tributary.runtime.distributed.GroupAdmin} creates
 * it when missing and sets its policies: inactive topics are never deleted (a standalone's default
 * deletes a topic a minute after its last client left, messages and all), and topics compact past
 * 1 MiB of backlog. Each compacted topic is compacted once when created, so that the broker's
 * compaction cursor holds every record until a compaction took it in.
 * <table>
 *   <caption>Topics, keys and writers</caption>
 *   <tr><th>topic</th><th>keys</th><th>written by</th></tr>
 *   <tr><td>{@code configs} (compacted)</td><td>{@code connector/<name>}, {@code target/<name>},
 *       {@code tasks/<name>}, {@code restart/<name>}, {@code restart-task/<index>/<name>}</td><td>the
 *       herder that accepts a change (connector config, target state, restart request); the worker that runs the connector instance (task configs, with a generation)</td></tr>
 *   <tr><td>{@code status} (compacted)</td><td>{@code connector-status/<name>},
 *       {@code task-status/<index>/<name>}</td><td>the worker that runs the connector or task,
 *       naming itself and the assignment generation</td></tr>
 *   <tr><td>{@code assignments} (compacted)</td><td>{@code assignment}</td><td>the leader alone,
 *       through an {@code ExclusiveWithFencing} producer</td></tr>
 *   <tr><td>{@code coordination}</td><td>none: no message is written</td><td>its
 *       {@code members} failover subscription is the membership and the leadership</td></tr>
 * </table>
 * Records are JSON with a {@code version} and a {@code type}
 * ({@link dev.tributary.runtime.distributed.GroupRecordCodec}); a deletion is a tombstone. Every
 * member reads all three compacted topics through a
 * {@link dev.tributary.runtime.distributed.GroupTopicView} (a Pulsar TableView), so any worker
 * answers reads; a record that does not decode is skipped with one WARN and the key keeps its last
 * good record. Connector configs hold secrets in clear on the configs topic, as Kafka Connect's
 * config topic does: restrict who may consume the group's namespace.
 *
 * <h2>Membership and leadership</h2>
 * {@link dev.tributary.runtime.distributed.GroupMembership}: each member subscribes to
 * {@code coordination} with the failover subscription {@code members}, its consumer named after
 * its worker id and REST URL ({@link dev.tributary.runtime.distributed.Member}). The members are
 * the subscription's consumers as the admin API lists them; the leader is the active consumer,
 * told by {@code ConsumerEventListener}. No heartbeat, no lease: the broker's and client's
 * keep-alive settings decide when a member is gone (see {@code GroupMembership} for the knobs).
 *
 * <h2>Life of an assignment</h2>
 * <ol>
 *   <li>A worker becomes the active consumer: its {@link dev.tributary.runtime.distributed.GroupLeader}
 *       opens the {@link dev.tributary.runtime.distributed.AssignmentPublisher}, which fences any
 *       earlier leader's producer, then refreshes its assignments view: it now holds the last
 *       generation anyone published.</li>
 *   <li>The leader lists the members, takes the connectors that should run with their task counts
 *       ({@link dev.tributary.runtime.distributed.GroupMember#connectorsToRun}) and runs the pure
 *       {@link dev.tributary.runtime.distributed.Assignor}: balanced, sticky, deterministic. When the
 *       result differs from the assignment in force it publishes it as generation + 1, with every
 *       member's REST URL (for forwarding). It does so again at each configs change and at each
 *       membership check (every {@code membershipCheckInterval}). When the result moves work from
 *       one live member to another, it publishes that in two steps ({@code HandOver}): first without
 *       what moves, then, once every giver wrote {@code applied/<worker id>} for that generation on
 *       the status topic (or left, or 60 s passed), with it.</li>
 *   <li>Every member's {@link dev.tributary.runtime.distributed.AssignmentTailer} sees the new
 *       assignment and hands its herder an {@link dev.tributary.runtime.distributed.AssignmentDiff}:
 *       the herder stops (flushes, commits) what it loses before it starts what it gains, then the
 *       member reports the generation applied.</li>
 * </ol>
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A member dies: the broker drops its consumer (at once for a dead process, after the
 *       keep-alive for a lost host); the leader's next membership check reassigns its work. Tasks
 *       restart elsewhere from their last committed offsets.</li>
 *   <li>The leader dies: the broker makes another consumer active; it fences the old producer and
 *       publishes from the last generation. A leader that was only deposed gets
 *       {@link dev.tributary.runtime.distributed.AssignmentFencedException} on its next publish and
 *       stops leading.</li>
 *   <li>A member is cut off from Pulsar: as soon as its client has lost the connection it stops all
 *       its work ({@code GroupMembership.Listener#cutOff}, then a diff to nothing) and stops leading;
 *       when reconnected, it applies the latest assignment again. Whatever still ran meanwhile is
 *       fenced by the offset store: in a group each task commits through its own
 *       scope ({@code task-<n>}), which its successor claims when it starts.</li>
 *   <li>A join or a leave moves only what balance needs: the joiner's share, or the leaver's work.</li>
 * </ul>
 *
 * <h2>For the herder</h2>
 * <ul>
 *   <li>Settings: {@code GroupTopics.of(group.id, group.namespace)} validates both and names the key
 *       in its error; the admin URL defaults to {@link dev.tributary.runtime.distributed.GroupAdmin#defaultAdminUrl}
 *       of {@code pulsar.service.url} and is required otherwise. Error messages here already name
 *       the worker keys {@code group.id}, {@code group.namespace} and {@code group.admin.url}: add
 *       them to {@code WorkerConfig} under these names.</li>
 *   <li>Start one {@link dev.tributary.runtime.distributed.GroupMember} per worker, with an
 *       {@code AssignmentTailer.Listener} that runs each diff: stop (flush, commit), then start.</li>
 *   <li>Reads: from {@code configs()}, {@code status()} and {@code assignment()} on any worker.</li>
 *   <li>Writes: connector configs, target states and restart requests through
 *       {@code configWriter()} on the worker asked (restart requests are performed by the workers
 *       that run what they name, see {@link dev.tributary.runtime.distributed.RestartRequests});
 *       task configs
 *       by the worker that runs the connector instance; statuses by the worker that runs the
 *       connector or task, through {@code statusWriter()}, with the assignment generation. No call
 *       to {@code leader().requestRebalance()} is needed after a configs write: every member's
 *       configs view asks for one, and only the leader acts on it.</li>
 *   <li>Shutdown: stop the tasks first, then close the member, so that they commit while this
 *       worker still holds them.</li>
 * </ul>
 */
package dev.tributary.runtime.distributed;
