package dev.tributary.testing.services;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes worker and connector configs as properties files, for workers run as their own JVMs. */
public final class PropertiesFiles {
    private PropertiesFiles() {
    }

    /** Writes {@code entries} in their order, one {@code key=value} line each; returns the file. */
    public static Path write(Path file, Map<String, String> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        // A backslash is an escape in a properties file, so a Windows path or a regex must double it.
        entries.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
