package dev.tributary.runtime.rest;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tributary.api.connector.SourceConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a small test plugin, the {@code vault} connector, into a plugin directory: it has a
 * secret key ({@code vault.token}, a password that it also passes to its tasks), an enum key
 * ({@code vault.mode}, READ or WRITE), a required key ({@code vault.path}), and two keys that
 * reach outside the worker, an endpoint ({@code vault.url}) and a file ({@code vault.token.file}),
 * which it never uses but which the operator's REST policy must hold. Its tasks produce
 * nothing; in WRITE mode they fail at start with an error that quotes the token, as a careless
 * plugin might. For the path {@code /start-overflow} its start throws a StackOverflowError, for
 * {@code /overflow} its taskConfigs does, and for
 * {@code /too-many} it returns one config more than it was allowed. It exists to check that secrets never leave the worker (responses, traces, log
 * lines) and that validation offers recommended values, which the built-in datagen connector
 * cannot show.
 */
public final class VaultPlugin {
    /** The secret key. */
    public static final String TOKEN = "vault.token";
    /** The enum key. */
    public static final String MODE = "vault.mode";
    /** The required key. */
    public static final String PATH = "vault.path";
    /** The endpoint key ({@link dev.tributary.api.config.ConfigField.Reach#ENDPOINT}). */
    public static final String URL = "vault.url";
    /** The file key ({@link dev.tributary.api.config.ConfigField.Reach#FILE}). */
    public static final String TOKEN_FILE = "vault.token.file";

    private VaultPlugin() {
    }

    /**
     * Compiles the connector into {@code pluginPath/vault/classes}, with its service file.
     *
     * @param pluginPath a directory to use as the worker's {@code plugin.path}
     * @param work a scratch directory for the sources
     */
    public static void build(Path pluginPath, Path work) throws Exception {
        Path src = work.resolve("vault-src/com/example/vault");
        Files.createDirectories(src);
        Path source = src.resolve("VaultConnector.java");
        Files.writeString(source, SOURCE, UTF_8);
        Path classes = pluginPath.resolve("vault/classes");
        Files.createDirectories(classes.resolve("META-INF/services"));
        String api = Paths.get(SourceConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-d", classes.toString(), "-cp", api, source.toString());
        if (result != 0) {
            throw new IllegalStateException("the vault test connector did not compile");
        }
        Files.writeString(classes.resolve("META-INF/services/dev.tributary.api.connector.SourceConnector"),
                "com.example.vault.VaultConnector\n", UTF_8);
    }

    private static final String SOURCE = """
            package com.example.vault;

            import dev.tributary.api.config.*;
            import dev.tributary.api.connector.*;
            import java.time.Duration;
            import java.util.*;

            public class VaultConnector implements SourceConnector {
                static final ConfigSchema SCHEMA = ConfigSchema.builder()
                        .field(ConfigField.builder("vault.token", ConfigType.PASSWORD).required().group("Vault")
                                .doc("The token.").build())
                        .field(ConfigField.builder("vault.mode", ConfigType.ENUM).defaultValue("READ")
                                .enumValues("READ", "WRITE").group("Vault").doc("The mode.").build())
                        .field(ConfigField.builder("vault.path", ConfigType.STRING).required().group("Vault")
                                .doc("The path.").build())
                        .field(ConfigField.builder("vault.url", ConfigType.STRING).group("Vault")
                                .reach(ConfigField.Reach.ENDPOINT).doc("Where the vault is.").build())
                        .field(ConfigField.builder("vault.token.file", ConfigType.STRING).group("Vault")
                                .reach(ConfigField.Reach.FILE).doc("A file holding the token.").build())
                        .build();
                private Map<String, String> config;

                public String version() { return "1.0"; }
                public ConfigSchema configSchema() { return SCHEMA; }
                public void start(ConnectorContext context, Map<String, String> config) {
                    if ("/start-overflow".equals(config.get("vault.path"))) {
                        throw new StackOverflowError();
                    }
                    this.config = Map.copyOf(config);
                }
                public List<Map<String, String>> taskConfigs(int maxTasks) {
                    if ("/overflow".equals(config.get("vault.path"))) {
                        // As a careless connector might fail for an absurd tasks.max: an Error, not an exception.
                        throw new StackOverflowError();
                    }
                    if ("/too-many".equals(config.get("vault.path"))) {
                        return Collections.nCopies(maxTasks + 1, Map.of("path", config.get("vault.path")));
                    }
                    // The token goes to the task under another name, as a real connector might pass credentials on.
                    return List.of(Map.of("credentials", "token=" + config.get("vault.token"), "path", config.get("vault.path"),
                            "mode", config.getOrDefault("vault.mode", "READ")));
                }
                public void stop() { }
                public SourceTask createTask() {
                    return new SourceTask() {
                        public void start(SourceTaskContext context) {
                            if ("WRITE".equals(context.config().get("mode"))) {
                                throw new ConnectException("vault refused " + context.config().get("credentials") + " for writing");
                            }
                        }
                        public List<SourceRecord> poll(Duration timeout) throws InterruptedException {
                            Thread.sleep(Math.min(100, timeout.toMillis()));
                            return List.of();
                        }
                        public void stop() { }
                    };
                }
            }
            """;
}
