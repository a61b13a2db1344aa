package dev.tributary.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.api.config.ConfigField.Reach;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFieldReachTest {
    @Test
    void aFieldReachesNothingUnlessItSaysSo() {
        assertThat(ConfigField.builder("batch", ConfigType.INT).build().reach()).isEqualTo(Reach.NONE);
        assertThat(ConfigField.builder("endpoint", ConfigType.STRING).reach(Reach.ENDPOINT).build().reach())
                .isEqualTo(Reach.ENDPOINT);
    }

    @Test
    void theDeclarationWithoutAReachStillCompilesAndReachesNothing() {
        ConfigField old = new ConfigField("tokenFile", ConfigType.STRING, null, false, List.of(), "doc", "g", false, List.of());

        assertThat(old.reach()).isEqualTo(Reach.NONE);
        assertThat(old).isEqualTo(ConfigField.builder("tokenFile", ConfigType.STRING).doc("doc").group("g").build());
    }

    @Test
    void aNullReachIsNone() {
        ConfigField field = new ConfigField("x", ConfigType.STRING, null, false, List.of(), "", "", false, List.of(), null);

        assertThat(field.reach()).isEqualTo(Reach.NONE);
    }
}
