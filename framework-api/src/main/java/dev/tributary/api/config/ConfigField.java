package dev.tributary.api.config;

import dev.tributary.api.annotation.Evolving;
import dev.tributary.api.annotation.Stable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One config key, declared as data: its name, type, default, whether it is required, its
 * validators, its documentation, its group and whether it is a secret. The generated
 * configuration reference and the validation messages both come from this declaration.
 *
 * @param name the key, as users write it
 * @param type how its text is read
 * @param defaultValue the default as a user would write it, or null when there is none
 * @param required whether a value must be given (a required field has no default)
 * @param validators checks run on the value once it is read
 * @param documentation what the field does, in one or more sentences
 * @param group the section of the docs it belongs to, such as {@code "AWS"}
 * @param sensitive whether the value is a secret, masked everywhere it could be shown
 * @param enumValues the allowed words, for {@link ConfigType#ENUM}; empty otherwise
 * @param reach what outside the worker the value points the worker at: an endpoint it connects
 *     to, a file it reads, or where or as whom credentials are used; {@link Reach#NONE} for most
 *     fields. The worker checks values that reach something against the operator's policy, and
 *     keeps stored secrets from following a change of them.
 */
@Stable
public record ConfigField(
        String name,
        ConfigType type,
        String defaultValue,
        boolean required,
        List<Validator> validators,
        String documentation,
        String group,
        boolean sensitive,
        List<String> enumValues,
        Reach reach) {

    /**
     * What a field's value points the worker at. A plugin declares it so that the runtime can hold
     * a change of it to the operator's policy (which endpoint hosts and file paths a REST caller
     * may name) and so that secrets already stored are never sent to a destination that someone
     * changed without knowing them.
     *
     * <p>New constants may be added in later versions; treat an unknown one as {@link #DESTINATION}.
     */
    @Evolving
    public enum Reach {
        /** Nothing outside the worker: a name, a size, a duration. */
        NONE,
        /**
         * A URL, or a host name or address, that the worker connects to, such as an API endpoint or
         * a proxy host. The runtime reads the host from a URL ({@code https://host:port/path}) and
         * takes any other value as a host name.
         */
        ENDPOINT,
        /** A path on the worker's machine that the worker reads, such as a token or key file. */
        FILE,
        /**
         * Changes where or as whom credentials are used without naming a host itself: a proxy
         * port, a role to assume, a region, the type of credentials, a profile name.
         */
        DESTINATION
    }

    /**
     * The declaration without a {@link Reach}, as before the field had one: it reaches nothing.
     */
    public ConfigField(String name, ConfigType type, String defaultValue, boolean required,
            List<Validator> validators, String documentation, String group, boolean sensitive,
            List<String> enumValues) {
        this(name, type, defaultValue, required, validators, documentation, group, sensitive, enumValues, Reach.NONE);
    }

    public ConfigField {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        validators = List.copyOf(Objects.requireNonNull(validators, "validators is null"));
        documentation = Objects.requireNonNullElse(documentation, "");
        group = Objects.requireNonNullElse(group, "");
        enumValues = List.copyOf(Objects.requireNonNull(enumValues, "enumValues is null"));
        reach = Objects.requireNonNullElse(reach, Reach.NONE);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a config field needs a name");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException(name + ": a required field cannot have a default");
        }
        if (type == ConfigType.ENUM && enumValues.isEmpty()) {
            throw new IllegalArgumentException(name + ": an enum field needs its allowed values");
        }
        sensitive = sensitive || type == ConfigType.PASSWORD;
        if (defaultValue != null) {
            // A default that its own field would reject is a bug in the connector, found at once.
            ConfigValues.read(new ConfigField(name, type, null, false, validators, documentation, group,
                    sensitive, enumValues, reach), defaultValue).ifError(problem -> {
                        throw new IllegalArgumentException(name + ": default '" + defaultValue + "' " + problem);
                    });
        }
    }

    /** Starts a field declaration. */
    public static Builder builder(String name, ConfigType type) {
        return new Builder(name, type);
    }

    /** The values that validation offers for this field: the enum's words, or a {@code oneOf}'s. */
    public List<String> recommendedValues() {
        if (!enumValues.isEmpty()) {
            return enumValues;
        }
        return validators.stream()
                .filter(Validators.OneOf.class::isInstance)
                .map(Validators.OneOf.class::cast)
                .findFirst()
                .map(Validators.OneOf::allowed)
                .orElse(List.of());
    }

    /** Builds a {@link ConfigField}. */
    public static final class Builder {
        private final String name;
        private final ConfigType type;
        private String defaultValue;
        private boolean required;
        private final List<Validator> validators = new ArrayList<>();
        private String documentation = "";
        private String group = "";
        private boolean sensitive;
        private List<String> enumValues = List.of();
        private Reach reach = Reach.NONE;

        private Builder(String name, ConfigType type) {
            this.name = name;
            this.type = type;
        }

        /** The default, written as a user would write it. */
        public Builder defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        /** The field must be given a value. */
        public Builder required() {
            this.required = true;
            return this;
        }

        public Builder validator(Validator validator) {
            validators.add(Objects.requireNonNull(validator, "validator is null"));
            return this;
        }

        public Builder doc(String documentation) {
            this.documentation = documentation;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        /** The value is a secret: it is masked in messages, logs, REST responses and docs. */
        public Builder sensitive() {
            this.sensitive = true;
            return this;
        }

        /** The allowed words of an {@link ConfigType#ENUM} field. */
        public Builder enumValues(String... values) {
            this.enumValues = List.of(values);
            return this;
        }

        /** The allowed words of an {@link ConfigType#ENUM} field, from a Java enum's constants. */
        public Builder enumValues(Class<? extends Enum<?>> type) {
            this.enumValues = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            return this;
        }

        /**
         * What the value points the worker at; {@link Reach#NONE} unless set. Declare it for every
         * endpoint, file path and credential destination, so that the operator's policy applies.
         */
        public Builder reach(Reach reach) {
            this.reach = Objects.requireNonNull(reach, "reach is null");
            return this;
        }

        public ConfigField build() {
            return new ConfigField(name, type, defaultValue, required, validators, documentation, group,
                    sensitive, enumValues, reach);
        }
    }
}
