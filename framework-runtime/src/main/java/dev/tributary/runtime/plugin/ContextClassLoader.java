package dev.tributary.runtime.plugin;

import java.util.concurrent.Callable;

/** Runs code with a plugin's class loader as the thread's context class loader, then restores it. */
public final class ContextClassLoader {
    private ContextClassLoader() {
    }

    /** Runs {@code action} with {@code loader} as the context class loader. */
    public static void run(ClassLoader loader, Runnable action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Calls {@code action} with {@code loader} as the context class loader; rethrows unchecked. */
    public static <T> T call(ClassLoader loader, Callable<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
