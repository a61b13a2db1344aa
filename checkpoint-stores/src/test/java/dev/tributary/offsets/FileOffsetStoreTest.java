package dev.tributary.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.offset.OffsetStore;
import dev.tributary.api.offset.OffsetStoreException;
import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

class FileOffsetStoreTest extends OffsetStoreConformance {
    private static final String FIX = "; restore it from a backup, or delete it so that the connectors start again"
            + " from their initial positions";

    @TempDir
    Path dataDir;

    private final OffsetCodec codec = new OffsetCodec();
    private final AtomicBoolean failNextChange = new AtomicBoolean();

    /** The file of the tests below; the conformance tests keep theirs in a directory of their own. */
    private Path file() {
        return dataDir.resolve("offsets.json");
    }

    private FileOffsetStore open() {
        return open(file());
    }

    private FileOffsetStore open(Path file) {
        return new FileOffsetStore(file, codec, this::writeOrFailHalfWay);
    }

    private Path conformanceFile() {
        return dataDir.resolve("conformance").resolve("offsets.json");
    }

    /** Writes the content, or, when armed, half of it and then fails as a full disk does. */
    private void writeOrFailHalfWay(FileChannel channel, ByteBuffer content) throws IOException {
        if (failNextChange.getAndSet(false)) {
            channel.write(content.slice().limit(content.remaining() / 2));
            throw new IOException("No space left on device");
        }
        while (content.hasRemaining()) {
            channel.write(content);
        }
    }

    @Override
    protected OffsetStore openFresh() {
        return open(conformanceFile());
    }

    @Override
    protected OffsetStore reopen() {
        return open(conformanceFile());
    }

    @Override
    protected void failDuringNextChange(OffsetStore store) {
        failNextChange.set(true);
    }

    @Override
    protected void damageStoredData(Damage damage) {
        try {
            switch (damage) {
                case TRUNCATED -> {
                    byte[] content = Files.readAllBytes(conformanceFile());
                    Files.write(conformanceFile(), Arrays.copyOf(content, content.length / 2));
                }
                case NEWER_VERSION -> Files.writeString(conformanceFile(),
                        "{\"version\":" + FUTURE_VERSION + ",\"stores\":[{\"kind\":\"future\"}]}");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void writesVersionedJsonInTheDocumentedShape() throws IOException {
        try (FileOffsetStore store = new FileOffsetStore(dataDir.resolve("shape.json"), codec)) {
            store.write("orders", Map.of(SourcePartition.of("stream", "orders", "shard", "shardId-000000000000"),
                    SourceOffset.of("sequenceNumber", "49590338271490256608559692538361571095921575989136588898",
                            "subSequenceNumber", 0L)));
            store.write("clicks", Map.of(SourcePartition.of("shard", "s-1"), SourceOffset.of("at", 1.5, "done", true)));
        }

        assertThat(Files.readString(dataDir.resolve("shape.json"))).isEqualTo("{\"version\":1,\"connectors\":{"
                + "\"clicks\":[{\"partition\":{\"shard\":\"s-1\"},\"offset\":{\"at\":1.5,\"done\":true}}],"
                + "\"orders\":[{\"partition\":{\"shard\":\"shardId-000000000000\",\"stream\":\"orders\"},"
                + "\"offset\":{\"sequenceNumber\":\"49590338271490256608559692538361571095921575989136588898\","
                + "\"subSequenceNumber\":0}}]}}");
    }

    @Test
    void startsEmptyAndCreatesMissingDirectories() {
        Path nested = dataDir.resolve("a").resolve("b").resolve("offsets.json");

        try (FileOffsetStore store = new FileOffsetStore(nested, codec)) {
            assertThat(store.connectors()).isEmpty();
            assertThat(nested).doesNotExist();
            store.write(CONNECTOR, batch(1, 1));
        }

        assertThat(nested).isRegularFile();
    }

    @Test
    void deletesLeftoverTemporaryFilesAtOpenAndIgnoresTheirContent() throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(2, 1));
        }
        Path halfWritten = dataDir.resolve("offsets.json.8123456789.tmp");
        Files.writeString(halfWritten, "{\"version\":1,\"connectors\":{\"orders-to-pul");
        Path empty = dataDir.resolve("offsets.json.42.tmp");
        Files.createFile(empty);
        Path unrelated = dataDir.resolve("other.json.42.tmp");
        Files.createFile(unrelated);

        try (OffsetStore store = open()) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 1));
        }

        assertThat(halfWritten).doesNotExist();
        assertThat(empty).doesNotExist();
        assertThat(unrelated).exists();
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(2, 1));
            failNextChange.set(true);

            assertThatThrownBy(() -> store.write(CONNECTOR, batch(2, 2)))
                    .isInstanceOf(OffsetStoreException.class)
                    .hasMessage("could not write offset file " + file() + " (IOException: No space left on device);"
                            + " check that " + dataDir + " is writable and has free space. The file and the offsets"
                            + " committed before still hold");
        }

        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aRenameThatFailsChangesNothingAndTheRetryLands() throws IOException {
        try (OffsetStore store = open()) {
            // A non-empty directory where the file belongs makes the rename itself fail.
            Files.createDirectories(file().resolve("in-the-way"));

            assertThatThrownBy(() -> store.write(CONNECTOR, batch(2, 1)))
                    .isInstanceOf(OffsetStoreException.class)
                    .hasMessageStartingWith("could not write offset file " + file());
            assertThat(store.connectors()).isEmpty();
            assertThat(temporaryFiles()).isEmpty();

            Files.delete(file().resolve("in-the-way"));
            Files.delete(file());
            store.write(CONNECTOR, batch(2, 1));
        }

        try (OffsetStore store = open()) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 1));
        }
    }

    @Test
    void aTruncatedFileNamesTheFileAndTheFix() throws IOException {
        Files.writeString(file(), "{\"version\":1,\"connectors\":{\"orders\":[{\"partition\":{\"shard\":\"s-1\"");

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage("offset file " + file() + " is damaged: its JSON ends early at line 1, column 65,"
                        + " as if the data were cut short" + FIX);
    }

    @Test
    void anEmptyFileNamesTheFileAndTheFix() throws IOException {
        Files.createFile(file());

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage("offset file " + file() + " is damaged: it is empty" + FIX);
    }

    @Test
    void aFileOfANewerVersionIsRefusedWithTheFix() throws IOException {
        Files.writeString(file(), "{\"version\":7,\"connectors\":{}}");

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage("offset file " + file() + " has format version 7, newer than this Tributary understands"
                        + " (1); upgrade Tributary or restore it from a backup");
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsReported() throws IOException {
        Files.createDirectories(file());

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageStartingWith("could not read offset file " + file())
                .hasMessageEndingWith("check that it is a file the worker may read");
    }

    @Test
    void aSecondStoreOnTheSameFileIsRefusedWhileTheFirstIsOpen() {
        try (OffsetStore first = open()) {
            first.write(CONNECTOR, batch(1, 1));

            assertThatThrownBy(this::open)
                    .isInstanceOf(OffsetStoreException.class)
                    .hasMessage("offset file " + file() + " is in use by another offset store (" + file() + ".lock is"
                            + " locked); give each worker its own data.dir, or stop the other worker first");
        }

        try (OffsetStore second = open()) {
            assertThat(second.readAll(CONNECTOR)).isEqualTo(batch(1, 1));
        }
    }

    @Test
    void theProviderResolvesARelativeFileAgainstTheDataDir() {
        FileOffsetStoreProvider provider = new FileOffsetStoreProvider();
        Path absolute = dataDir.resolve("elsewhere").resolve("absolute.json").toAbsolutePath();

        try (FileOffsetStore byDefault = (FileOffsetStore) provider.open(Map.of(), dataDir);
                FileOffsetStore relative = (FileOffsetStore) provider.open(Map.of("file", "state/offs.json"), dataDir);
                FileOffsetStore given = (FileOffsetStore) provider.open(Map.of("file", absolute.toString()),
                        dataDir.resolve("ignored"))) {
            assertThat(byDefault.file()).isEqualTo(dataDir.resolve("offsets.json").toAbsolutePath());
            assertThat(relative.file()).isEqualTo(dataDir.resolve("state").resolve("offs.json").toAbsolutePath());
            assertThat(given.file()).isEqualTo(absolute);
        }
        assertThat(provider.name()).isEqualTo("file");
        assertThat(provider.configSchema().field("file")).hasValueSatisfying(field ->
                assertThat(field.defaultValue()).isEqualTo("offsets.json"));
    }

    @Test
    void theProviderRejectsUnknownKeysAndInvalidPaths() {
        FileOffsetStoreProvider provider = new FileOffsetStoreProvider();

        assertThat(provider.configSchema().validate(Map.of("fiel", "x.json")).errorLines())
                .anySatisfy(line -> assertThat(line).contains("did you mean file?"));
        assertThat(provider.configSchema().validate(Map.of("file", "bad\u0000name")).errorLines())
                .anySatisfy(line -> assertThat(line).contains("is not a valid file path"));
        assertThatThrownBy(() -> provider.open(Map.of("fiel", "x.json"), dataDir)).isInstanceOf(ConfigException.class);
    }

    @Test
    void eachCommitKeepsTheStateBeforeItAsThePreviousCopy() throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(2, 1));
            assertThat(previousCopy()).doesNotExist();

            store.write(CONNECTOR, batch(2, 2));
            assertThat(decode(previousCopy())).isEqualTo(batch(2, 1));
            assertThat(decode(file())).isEqualTo(batch(2, 2));

            store.write(CONNECTOR, batch(2, 3));
            assertThat(decode(previousCopy())).isEqualTo(batch(2, 2));
            assertThat(decode(file())).isEqualTo(batch(2, 3));
        }
    }

    /** Ways a file can be damaged that the store recovers from with its previous copy. */
    enum FileDamage {
        EMPTY(content -> new byte[0]),
        TRUNCATED(content -> Arrays.copyOf(content, content.length / 2)),
        CUT_TO_ONE_BYTE(content -> Arrays.copyOf(content, 1)),
        NOT_JSON(content -> "\u0000\u0000\u0000garbage".getBytes(StandardCharsets.UTF_8)),
        ZEROS(content -> new byte[content.length]),
        JSON_OF_ANOTHER_SHAPE(content -> "{\"version\":1,\"stores\":[]}".getBytes(StandardCharsets.UTF_8));

        private final java.util.function.UnaryOperator<byte[]> damage;

        FileDamage(java.util.function.UnaryOperator<byte[]> damage) {
            this.damage = damage;
        }

        void apply(Path file) throws IOException {
            Files.write(file, damage.apply(Files.readAllBytes(file)));
        }
    }

    @ParameterizedTest
    @EnumSource(FileDamage.class)
    void aDamagedFileIsRecoveredFromItsPreviousCopyWhichTheNextCommitKeeps(FileDamage damage) throws Exception {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(3, 1));
            store.write(CONNECTOR, batch(3, 2));
        }
        damage.apply(file());

        String log = StandardErrorCapture.during(() -> {
            try (OffsetStore store = open()) {
                assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(3, 1));
                store.write(CONNECTOR, batch(3, 3));
                // The damaged file is replaced, not kept as the previous copy.
                assertThat(decode(previousCopy())).isEqualTo(batch(3, 1));
            }
        });

        assertThat(log).contains("WARN", "offset file " + file() + " is damaged (",
                "using its previous copy " + previousCopy() + " instead");

        try (OffsetStore store = open()) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(3, 3));
        }
    }

    @Test
    void aFileMissingBetweenTheTwoRenamesOfACommitIsRecoveredFromThePreviousCopy() throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(2, 1));
            store.write(CONNECTOR, batch(2, 2));
        }
        // What a crash after the first rename of a commit leaves: the previous copy and the new content in a temporary file.
        Files.move(file(), previousCopy(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dataDir.resolve("offsets.json.77.tmp"), "{\"version\":1,\"connectors\":{}}");

        try (OffsetStore store = open()) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 2));
            store.write(CONNECTOR, batch(2, 3));
        }

        try (OffsetStore store = open()) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(2, 3));
        }
        assertThat(temporaryFiles()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FileDamage.class)
    void aDamagedFileAndADamagedPreviousCopyGiveAnErrorNamingBothAndTheFix(FileDamage damage) throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(3, 1));
            store.write(CONNECTOR, batch(3, 2));
        }
        damage.apply(file());
        FileDamage.TRUNCATED.apply(previousCopy());

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageStartingWith("offset file " + file() + " is damaged (")
                .hasMessageContaining(") and so is its previous copy " + previousCopy() + " (its JSON ends early")
                .hasMessageEndingWith("). Restore " + file() + " from a backup, or delete both files so that the"
                        + " connectors start again from their initial positions");
    }

    @Test
    void aMissingFileWithADamagedPreviousCopyGivesAnErrorNamingBoth() throws IOException {
        Files.writeString(previousCopy(), "{\"version\":1,\"conn");

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessage("offset file " + file() + " is missing and its previous copy " + previousCopy()
                        + " is damaged (its JSON ends early at line 1, column 19, as if the data were cut short)."
                        + " Restore " + file() + " from a backup, or delete " + previousCopy() + " so that the"
                        + " connectors start again from their initial positions");
    }

    @Test
    void aFileOfANewerVersionIsNotRolledBackToThePreviousCopy() throws IOException {
        try (OffsetStore store = open()) {
            store.write(CONNECTOR, batch(2, 1));
            store.write(CONNECTOR, batch(2, 2));
        }
        Files.writeString(file(), "{\"version\":7,\"connectors\":{}}");

        assertThatThrownBy(this::open)
                .isInstanceOf(OffsetStoreException.class)
                .hasMessageContaining("has format version 7, newer than this Tributary understands");
    }

    private Path previousCopy() {
        return dataDir.resolve("offsets.json.prev");
    }

    private Map<SourcePartition, SourceOffset> decode(Path path) throws IOException {
        return codec.decodeState(Files.readAllBytes(path), path.toString()).get(CONNECTOR);
    }

    /**
     * Kills a writer process with SIGKILL at random moments, and checks each time that the file
     * holds one whole batch: every partition at the same batch, no older than the last batch the
     * writer acknowledged, and at most the one it was writing.
     */
    @Test
    void aWriterKilledAtAnyMomentLeavesTheFileHoldingOneWholeBatch() throws Exception {
        int partitions = 200;
        Path file = dataDir.resolve("killed").resolve("offsets.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Random random = new Random();
        long recovered = 0;
        for (int round = 1; round <= 4; round++) {
            Path errors = dataDir.resolve("writer-" + round + ".err");
            Process writer = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"),
                    OffsetWriterProcess.class.getName(), file.toString(), Integer.toString(partitions))
                    .redirectError(errors.toFile())
                    .start();
            Acknowledgements acknowledgements = new Acknowledgements(writer.getInputStream());
            try {
                assertThat(acknowledgements.first.await(60, TimeUnit.SECONDS))
                        .as("the writer acknowledged a batch; it reported: %s", Files.readString(errors))
                        .isTrue();
                // Lets it run a random while, so the kill lands at a different point of a write each round.
                Thread.sleep(random.nextInt(150));
            } finally {
                writer.destroyForcibly();
                assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            long acknowledged = acknowledgements.last();

            Map<SourcePartition, SourceOffset> held;
            // Through a store, since a kill between the two renames of a commit leaves the state in the previous copy.
            try (FileOffsetStore store = new FileOffsetStore(file, codec)) {
                held = store.readAll(CONNECTOR);
            }

            assertThat(held).hasSize(partitions);
            Set<Long> batches = held.values().stream().map(o -> o.getLong("batch", -1)).collect(Collectors.toSet());
            assertThat(batches).hasSize(1);
            long batch = batches.iterator().next();
            assertThat(batch).isBetween(acknowledged, acknowledged + 1).isGreaterThanOrEqualTo(recovered);
            assertThat(held).isEqualTo(batch(partitions, batch));
            recovered = batch;
        }

        try (FileOffsetStore store = new FileOffsetStore(file, codec)) {
            assertThat(store.readAll(CONNECTOR)).isEqualTo(batch(partitions, recovered));
        }
        assertThat(temporaryFiles(file.getParent())).isEmpty();
    }

    /** The batches a writer process has acknowledged on its standard output. */
    private static final class Acknowledgements {
        private final CountDownLatch first = new CountDownLatch(1);
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;

        Acknowledgements(InputStream stdout) {
            reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (stdout) {
                    for (int n = stdout.read(buffer); n >= 0; n = stdout.read(buffer)) {
                        output.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                        if (output.indexOf("\n") >= 0) {
                            first.countDown();
                        }
                    }
                } catch (IOException e) {
                    // The pipe closes when the writer is killed.
                }
            }, "writer-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        /** The last batch acknowledged on a whole line; a line the kill cut short does not count. */
        long last() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(60));
            String text = output.toString();
            String complete = text.substring(0, text.lastIndexOf('\n'));
            return Long.parseLong(complete.substring(complete.lastIndexOf('\n') + 1));
        }
    }

    private List<Path> temporaryFiles() throws IOException {
        return temporaryFiles(dataDir);
    }

    private static List<Path> temporaryFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
