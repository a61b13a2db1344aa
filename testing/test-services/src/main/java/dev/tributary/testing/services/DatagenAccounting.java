package dev.tributary.testing.services;

import dev.tributary.testing.services.DeliveryAccounting.Delivered;
import org.apache.pulsar.client.api.Message;

/**
 * What a bounded {@code datagen} connector writes, registered with the shared checker.
 *
 * <p>Derived from datagen's documented contract, not from its code: task {@code t} of {@code n}
 * generates {@code count / n} records (plus one for the first {@code count % n} tasks), with ids
 * {@code "t-0"}, {@code "t-1"}, … in that order.
 *
 * <p>The ordering key is the task, not the message key: datagen's keys {@code key-0 … key-99}
 * are shared by every task, and two tasks write them concurrently, so only each task's own
 * partition has an order to keep, and within it every record, whatever its key.
 */
public final class DatagenAccounting {
    private DatagenAccounting() {
    }

    public static DeliveryAccounting expected(long count, int tasks) {
        DeliveryAccounting accounting = new DeliveryAccounting();
        for (int task = 0; task < tasks; task++) {
            long share = count / tasks + (task < count % tasks ? 1 : 0);
            for (long seq = 0; seq < share; seq++) {
                accounting.written(task + "-" + seq, orderKey(Integer.toString(task)));
            }
        }
        return accounting;
    }

    /** The id and ordering key of a message that datagen wrote. */
    public static Delivered delivered(Message<byte[]> message) {
        String task = message.getProperty("datagen.task");
        return new Delivered(message.getProperty("datagen.id"), task == null ? null : orderKey(task));
    }

    private static String orderKey(String task) {
        return "task-" + task;
    }
}
