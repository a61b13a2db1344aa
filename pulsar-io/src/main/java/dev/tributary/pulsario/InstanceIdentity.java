package dev.tributary.pulsario;

import static java.util.Objects.requireNonNull;

/**
 * Which Pulsar IO source instance this is: the source's place in Pulsar, and this instance's
 * number among the source's {@code parallelism}.
 *
 * @param tenant the source's tenant
 * @param namespace the source's namespace
 * @param name the source's name
 * @param instanceId this instance, from 0 to {@code numInstances - 1}; it runs that task
 * @param numInstances the source's parallelism, the {@code maxTasks} given to the connector
 */
public record InstanceIdentity(String tenant, String namespace, String name, int instanceId, int numInstances) {
    public InstanceIdentity {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        if (numInstances < 1) {
            throw new IllegalArgumentException("numInstances must be at least 1, not " + numInstances);
        }
        if (instanceId < 0 || instanceId >= numInstances) {
            throw new IllegalArgumentException("instanceId " + instanceId + " is outside 0.." + (numInstances - 1));
        }
    }

    /** The key of the source's offsets in the offset store: one per source, shared by its instances. */
    public String connectorKey() {
        return tenant + "/" + namespace + "/" + name;
    }

    /** The offset scope this instance writes: its task. */
    public String scope() {
        return "task-" + instanceId;
    }

    @Override
    public String toString() {
        return connectorKey() + " instance " + instanceId + " of " + numInstances;
    }
}
