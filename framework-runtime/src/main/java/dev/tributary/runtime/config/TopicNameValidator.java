package dev.tributary.runtime.config;

import dev.tributary.api.config.Validator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a Pulsar topic name as Pulsar reads it: {@code persistent://tenant/namespace/topic},
 * {@code non-persistent://tenant/namespace/topic}, or a short name such as {@code orders}, which
 * Pulsar puts in {@code public/default}. Each part takes the characters Pulsar allows in tenant
 * and namespace names (letters, digits, {@code - _ = : .}), is at most {@value #MAX_PART_LENGTH}
 * characters, and is neither {@code .} nor {@code ..}, so that no name can walk out of its
 * namespace in a path or a REST URL. Messages say what is wrong and what is accepted.
 */
final class TopicNameValidator implements Validator {
    /** The longest tenant, namespace or local topic name taken. */
    static final int MAX_PART_LENGTH = 255;
    static final String WORDS = "a Pulsar topic: a short name such as orders, or"
            + " persistent://tenant/namespace/topic (or non-persistent://...), each part letters, digits,"
            + " '-', '_', '=', ':' or '.', at most " + MAX_PART_LENGTH + " characters";

    private static final Pattern PART = Pattern.compile("[-=:.\\w]+");

    @Override
    public Optional<String> check(Object value) {
        String name = value.toString();
        int scheme = name.indexOf("://");
        if (scheme < 0) {
            return checkPart(name, "the topic name");
        }
        String domain = name.substring(0, scheme);
        if (!domain.equals("persistent") && !domain.equals("non-persistent")) {
            return Optional.of("must start with persistent:// or non-persistent://, or be a short name such as orders");
        }
        String[] parts = name.substring(scheme + 3).split("/", -1);
        if (parts.length != 3) {
            return Optional.of("must be " + domain + "://tenant/namespace/topic, with exactly three parts");
        }
        String[] roles = {"the tenant", "the namespace", "the topic name"};
        for (int i = 0; i < 3; i++) {
            Optional<String> problem = checkPart(parts[i], roles[i]);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkPart(String part, String role) {
        if (part.isEmpty()) {
            return Optional.of("has an empty " + role.substring(4) + "; write " + WORDS);
        }
        if (part.length() > MAX_PART_LENGTH) {
            return Optional.of("has " + role + " of " + part.length() + " characters; at most " + MAX_PART_LENGTH
                    + " are taken");
        }
        if (part.equals(".") || part.equals("..")) {
            return Optional.of("has '" + part + "' as " + role + ", which Pulsar does not take; name the "
                    + role.substring(4) + " itself");
        }
        if (!PART.matcher(part).matches()) {
            return Optional.of("has a character Pulsar does not take in " + role + "; write " + WORDS);
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return WORDS;
    }
}
