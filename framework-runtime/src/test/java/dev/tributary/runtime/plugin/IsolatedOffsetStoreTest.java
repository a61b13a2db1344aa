package dev.tributary.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.config.ConfigSchema;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreProvider;
import dev.tributary.api.offset.ScopedOffsetWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Every method of a store and of its scoped writers reaches the plugin's object and runs in the
 * plugin's class loader: a method the wrapper forgot would run the interface's default instead.
 */
class IsolatedOffsetStoreTest {
    private final ClassLoader pluginLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
    private final Map<String, ClassLoader> calledIn = new ConcurrentHashMap<>();

    @Test
    void everyStoreAndWriterMethodIsForwardedInThePluginsClassLoader() throws Exception {
        ScopedOffsetWriter pluginWriter = recording(ScopedOffsetWriter.class, "writer.");
        OffsetStore pluginStore = recording(OffsetStore.class, "store.", pluginWriter);
        OffsetStoreProvider provider = new IsolatedOffsetStoreProvider(new OffsetStoreProvider() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public ConfigSchema configSchema() {
                return ConfigSchema.builder().build();
            }

            @Override
            public OffsetStore open(Map<String, String> config, Path dataDir) {
                return pluginStore;
            }
        }, pluginLoader);
        OffsetStore store = provider.open(Map.of(), Path.of("."));
        ClassLoader before = Thread.currentThread().getContextClassLoader();

        Set<String> expected = new java.util.HashSet<>();
        for (Method method : abstractAndDefaultMethods(OffsetStore.class)) {
            expected.add("store." + method.getName());
            method.invoke(store, arguments(method));
        }
        ScopedOffsetWriter writer = store.openWriter("c", "s");
        for (Method method : abstractAndDefaultMethods(ScopedOffsetWriter.class)) {
            expected.add("writer." + method.getName());
            method.invoke(writer, arguments(method));
        }

        assertThat(calledIn.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Set.copyOf(calledIn.values())).containsExactly(pluginLoader);
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    private static List<Method> abstractAndDefaultMethods(Class<?> type) {
        return Arrays.stream(type.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .toList();
    }

    private static Object[] arguments(Method method) {
        return Arrays.stream(method.getParameterTypes())
                .map(type -> type == String.class ? "x" : type == Map.class ? Map.of() : List.of())
                .toArray();
    }

    private <T> T recording(Class<T> type, String prefix, Object... results) {
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    calledIn.put(prefix + method.getName(), Thread.currentThread().getContextClassLoader());
                    Class<?> returns = method.getReturnType();
                    if (returns == boolean.class) {
                        return true;
                    }
                    if (returns == Map.class) {
                        return Map.of();
                    }
                    if (returns == Set.class) {
                        return Set.of();
                    }
                    if (returns == String.class) {
                        return "x";
                    }
                    if (returns == ScopedOffsetWriter.class) {
                        return results[0];
                    }
                    return null;
                }));
    }
}
