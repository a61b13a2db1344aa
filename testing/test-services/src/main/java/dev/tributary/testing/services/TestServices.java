package dev.tributary.testing.services;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a running service as a parameter: {@link PulsarStandalone}, {@link KinesisMock}
 * or {@link Dynalite}.
 *
 * <pre>{@code
 * @ExtendWith(TestServices.class)
 * class MyIT {
 *     @Test
 *     void moves(PulsarStandalone pulsar, KinesisMock kinesis) { ... }
 * }
 * }</pre>
 *
 * <p>Each service starts on first use, at most once per test JVM, and stops when the JVM
 * exits. Parameters work on test methods, lifecycle methods and constructors.
 */
public final class TestServices implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PulsarStandalone.class || type == KinesisMock.class || type == KinesisService.class
                || type == Dynalite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == PulsarStandalone.class) {
            return PulsarStandalone.get();
        }
        return type == Dynalite.class ? Dynalite.get() : KinesisMock.get();
    }
}
