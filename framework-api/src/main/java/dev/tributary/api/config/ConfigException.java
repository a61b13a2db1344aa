package dev.tributary.api.config;

import dev.tributary.api.annotation.Stable;
import java.util.List;

/**
 * A config is invalid. The message holds one line per problem, each naming the field and the
 * fix, with secret values masked. It is meant to be shown to the user as it is.
 */
@Stable
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One line per problem. */
    public List<String> problems() {
        return problems;
    }
}
