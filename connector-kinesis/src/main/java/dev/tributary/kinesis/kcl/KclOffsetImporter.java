package dev.tributary.kinesis.kcl;

import dev.tributary.api.config.ConfigException;
import dev.tributary.api.connector.ConnectException;
import dev.tributary.api.offset.OffsetImportPlan;
import dev.tributary.api.offset.OffsetImporter;
import dev.tributary.kinesis.config.KinesisClientFactory;
import dev.tributary.kinesis.config.KinesisSourceConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The Kinesis connector's importer of a KCL lease table ({@code connect-runtime offsets import-kcl}):
 * {@link KclImport} with the connector's config, its plan in the runtime's terms. Each call builds
 * its own clients and closes them before returning.
 */
public final class KclOffsetImporter implements OffsetImporter {
    /** The format name the command line uses. */
    public static final String FORMAT = "kcl";

    @Override
    public OffsetImportPlan plan(Map<String, String> config, Optional<String> source) {
        KclImportPlan plan;
        try (KinesisClientFactory factory = new KinesisClientFactory(KinesisSourceConfig.from(config))) {
            plan = KclImport.plan(factory, source);
        } catch (KclImportException e) {
            throw new ConnectException(e.getMessage(), e);
        } catch (ConfigException e) {
            throw new ConnectException(String.join("; ", e.problems()), e);
        }
        return new OffsetImportPlan(plan.entries().stream().map(e -> new OffsetImportPlan.Entry(e.partition(),
                "KCL checkpoint " + e.checkpoint(), Optional.ofNullable(e.offset()), note(e))).toList());
    }

    private static String note(KclImportPlan.Entry e) {
        return switch (e.action()) {
            case OFFSET -> "resumes after this record";
            case SHARD_FINISHED -> "shard finished";
            default -> e.note();
        };
    }
}
