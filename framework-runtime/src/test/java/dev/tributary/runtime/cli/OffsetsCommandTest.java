package dev.tributary.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.offset.SourceOffset;
import dev.tributary.api.offset.SourcePartition;
import dev.tributary.offsets.FileOffsetStore;
import dev.tributary.offsets.OffsetCodec;
import dev.tributary.runtime.cli.offsets.OffsetStateJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connect-runtime offsets export|import}, run through the CLI's entry point, between file and memory stores. */
class OffsetsCommandTest {
    private static final String ORDERS = "orders";
    private static final String CLICKS = "clicks";

    @TempDir
    Path dir;

    private final OffsetCodec codec = new OffsetCodec();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Every kind of value an offset may hold, with the edge cases a careless JSON writer gets wrong. */
    private static Map<String, Map<SourcePartition, SourceOffset>> committed() {
        Map<String, Object> edgy = new LinkedHashMap<>();
        edgy.put("sequenceNumber", "49590338271490256608559692538361571095921575989136588898");
        edgy.put("subSequenceNumber", 0L);
        edgy.put("max", Long.MAX_VALUE);
        edgy.put("wholeDouble", 2.0);
        edgy.put("negativeZero", -0.0);
        edgy.put("nan", Double.NaN);
        edgy.put("infinity", Double.NEGATIVE_INFINITY);
        edgy.put("done", true);
        edgy.put("looksLikeANumber", "12345");
        return Map.of(
                ORDERS, Map.of(
                        SourcePartition.of("stream", "orders", "shard", "shardId-000000000000"), new SourceOffset(edgy),
                        SourcePartition.of("stream", "orders", "shard", "shardId-000000000001"),
                        SourceOffset.of("sequenceNumber", "49590338271490256608559692538361571095921575989136588899",
                                "subSequenceNumber", 3L)),
                CLICKS, Map.of(SourcePartition.of("shard", "s-1"), SourceOffset.of("at", 1.5)));
    }

    private Path fileWorker(String name) throws Exception {
        return write(name + ".properties", "offset.store=file\ndata.dir=" + dir.resolve(name) + "\n");
    }

    private Path offsetFile(String worker) {
        return dir.resolve(worker).resolve("offsets.json");
    }

    private void commit(Path file, Map<String, Map<SourcePartition, SourceOffset>> state) {
        try (FileOffsetStore store = new FileOffsetStore(file, codec)) {
            state.forEach(store::write);
        }
    }

    private Map<String, Map<SourcePartition, SourceOffset>> held(Path file) {
        Map<String, Map<SourcePartition, SourceOffset>> state = new LinkedHashMap<>();
        try (FileOffsetStore store = new FileOffsetStore(file, codec)) {
            store.connectors().forEach(c -> state.put(c, store.readAll(c)));
        }
        return state;
    }

    @Test
    void exportsFromOneFileStoreAndImportsIntoAnotherValueForValue() throws Exception {
        commit(offsetFile("source"), committed());
        Path export = dir.resolve("exports").resolve("offsets-export.json");

        assertThat(run("offsets", "export", "--worker", fileWorker("source").toString(), "--out", export.toString()))
                .as(errText()).isZero();
        assertThat(errText()).contains("Exported 3 offsets of 2 connectors from the file offset store to " + export);
        // The checkpoint stores' own codec reads the export: the format is the one the file store keeps.
        assertThat(codec.decodeState(Files.readAllBytes(export), "the export")).isEqualTo(committed());

        assertThat(run("offsets", "import", "--worker", fileWorker("target").toString(), "--in", export.toString()))
                .as(errText()).isZero();

        assertThat(errText()).contains("Imported 3 offsets of 2 connectors into the file offset store");
        Map<String, Map<SourcePartition, SourceOffset>> imported = held(offsetFile("target"));
        assertThat(imported).isEqualTo(committed());
        SourcePartition edgy = SourcePartition.of("stream", "orders", "shard", "shardId-000000000000");
        committed().get(ORDERS).get(edgy).fields().forEach((key, value) ->
                assertThat(imported.get(ORDERS).get(edgy).fields().get(key)).as(key)
                        .isExactlyInstanceOf(value.getClass()).isEqualTo(value));
    }

    @Test
    void exportsOneConnectorToStandardOutput() throws Exception {
        commit(offsetFile("source"), committed());

        assertThat(run("offsets", "export", "--worker", fileWorker("source").toString(), "--connector", CLICKS))
                .isZero();

        assertThat(OffsetStateJson.decode(out.toByteArray(), "stdout")).isEqualTo(Map.of(CLICKS, committed().get(CLICKS)));
    }

    @Test
    void importsAFileStoresOwnOffsetFileIntoTheMemoryStore() throws Exception {
        commit(offsetFile("source"), committed());
        Path memory = write("memory.properties", "offset.store=memory\n");

        assertThat(run("offsets", "import", "--worker", memory.toString(), "--in", offsetFile("source").toString()))
                .as(errText()).isZero();

        assertThat(errText()).contains("Imported 2 offsets of connector 'orders'", "Imported 1 offset of connector 'clicks'",
                "Imported 3 offsets of 2 connectors into the memory offset store");
    }

    @Test
    void anImportKeepsThePartitionsTheFileDoesNotName() throws Exception {
        SourcePartition other = SourcePartition.of("stream", "orders", "shard", "shardId-000000000009");
        commit(offsetFile("target"), Map.of(ORDERS, Map.of(other, SourceOffset.of("sequenceNumber", "1"))));
        Path export = write("export.json", new String(OffsetStateJson.encode(committed()), StandardCharsets.UTF_8));

        assertThat(run("offsets", "import", "--worker", fileWorker("target").toString(), "--in", export.toString()))
                .isZero();

        assertThat(held(offsetFile("target")).get(ORDERS)).hasSize(3).containsEntry(other, SourceOffset.of("sequenceNumber", "1"));
    }

    @Test
    void exportingAConnectorWithoutOffsetsFailsAndSaysSo() throws Exception {
        commit(offsetFile("source"), committed());

        assertThat(run("offsets", "export", "--worker", fileWorker("source").toString(), "--connector", "ordrs"))
                .isEqualTo(1);

        assertThat(errLines()).containsExactly("error: connector 'ordrs' has no committed offsets in the file offset"
                + " store; 'offsets export' without --connector lists them all");
    }

    @Test
    void aDamagedOrNewerFileIsRefusedAndNothingIsImported() throws Exception {
        Path cut = write("cut.json", "{\"version\":1,\"connectors\":{\"orders\":[{\"partition\":{\"shard\":");
        Path newer = write("newer.json", "{\"version\":4,\"connectors\":{}}");
        Path worker = fileWorker("target");

        assertThat(run("offsets", "import", "--worker", worker.toString(), "--in", cut.toString())).isEqualTo(1);
        assertThat(errText()).startsWith("error: " + cut + " is not a valid offsets export: it is not valid JSON");
        err.reset();
        assertThat(run("offsets", "import", "--worker", worker.toString(), "--in", newer.toString())).isEqualTo(1);
        assertThat(errLines()).containsExactly("error: " + newer + " has format version 4, newer than this Tributary"
                + " understands (1); import it with a newer Tributary");
        assertThat(offsetFile("target")).doesNotExist();
    }

    @Test
    void usageProblemsExitTwoWithOneLine() throws Exception {
        Path worker = fileWorker("w");

        assertThat(run("offsets", "export")).isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: offsets export needs --worker <worker config>, whose offset"
                + " store it uses");
        err.reset();
        assertThat(run("offsets", "import", "--worker", worker.toString())).isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: offsets import needs --in <file>, an export or a file store's"
                + " offsets.json");
        err.reset();
        assertThat(run("offsets", "move", "--worker", worker.toString())).isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: the offsets command takes 'export' or 'import'");
        err.reset();
        assertThat(run("offsets", "import", "--worker", worker.toString(), "--in", dir.resolve("none.json").toString()))
                .isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: " + dir.resolve("none.json") + ": no such file");
    }

    @Test
    void importFromAnotherSystemChecksItsArgumentsAndThePluginsOffer() throws Exception {
        Path worker = fileWorker("w");
        Path connector = write("datagen.properties", "name=gen\nconnector.class=datagen\ntopic=t\n");

        assertThat(run("offsets", "import-kcl", connector.toString())).isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: offsets import-kcl needs --worker <worker config>, whose offset"
                + " store it writes");
        err.reset();
        assertThat(run("offsets", "import-kcl", "--worker", worker.toString())).isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: offsets import-kcl takes exactly one connector config file");
        err.reset();
        assertThat(run("offsets", "import-kcl", "--worker", worker.toString(), "--bogus", connector.toString()))
                .isEqualTo(2);
        assertThat(errLines()).first().isEqualTo("error: unknown option --bogus for offsets import-kcl");
        err.reset();

        assertThat(run("offsets", "import-kcl", "--worker", worker.toString(), connector.toString(), "--dry-run"))
                .isEqualTo(1);
        assertThat(errLines()).containsExactly("error: connector class 'datagen' cannot import 'kcl' positions");
        assertThat(offsetFile("w")).doesNotExist();
    }

    @Test
    void aWrongStoreKeyIsReportedWithItsPrefixAndAHint() throws Exception {
        Path worker = write("worker.properties", "offset.store=file\noffset.file.fiel=x.json\ndata.dir=" + dir + "\n");

        assertThat(run("offsets", "export", "--worker", worker.toString())).isEqualTo(2);

        assertThat(errLines()).containsExactly("Invalid offset store config:",
                "  - offset.file.fiel: is not a known key; did you mean file?");
    }

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of()).run(args, false);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<String> errLines() {
        return errText().lines().toList();
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
