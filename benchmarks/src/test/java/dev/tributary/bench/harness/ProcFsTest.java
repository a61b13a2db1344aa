package dev.tributary.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcFsTest {
    @Test
    void cpuTicksAreUtimePlusStimeCountedAfterTheCommandName() {
        // A command name with a space and a parenthesis, as a thread or a script may have.
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 40 0 100 0 0";

        assertThat(ProcFs.cpuTicks(stat)).isEqualTo(1750);
    }

    @Test
    void rssAndPssComeFromSmapsRollupInKibibytes() {
        String rollup = """
                559e7397f000-7ffee5ea3000 ---p 00000000 00:00 0                          [rollup]
                Rss:             1048576 kB
                Pss:              524288 kB
                Pss_Dirty:           112 kB
                Pss_Anon:            112 kB
                Shared_Clean:       1172 kB
                SwapPss:               0 kB
                """;

        assertThat(ProcFs.memory(rollup)).isEqualTo(new ProcFs.Memory(1L << 30, 512L << 20));
    }

    @Test
    void aFigureMissingFromTheTextIsZero() {
        assertThat(ProcFs.memory("Rss:  4 kB\n")).isEqualTo(new ProcFs.Memory(4096, 0));
    }

    @Test
    void aTreeAddsItsProcessesAndItsPeakTakesEachFigureApart() {
        ProcFs.Memory a = new ProcFs.Memory(100, 60);
        ProcFs.Memory b = new ProcFs.Memory(50, 30);

        assertThat(a.plus(b)).isEqualTo(new ProcFs.Memory(150, 90));
        assertThat(new ProcFs.Memory(200, 10).max(a)).isEqualTo(new ProcFs.Memory(200, 60));
    }

    @Test
    void thisProcessCanBeRead() {
        long pid = ProcessHandle.current().pid();

        assertThat(ProcFs.cpuTicks(pid)).isPositive();
        ProcFs.Memory memory = ProcFs.memory(pid);
        assertThat(memory).isNotNull();
        assertThat(memory.rssBytes()).isPositive();
        assertThat(memory.pssBytes()).isPositive().isLessThanOrEqualTo(memory.rssBytes());
    }

    @Test
    void aProcessThatIsGoneReadsAsGone() {
        assertThat(ProcFs.cpuTicks(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(ProcFs.memory(Long.MAX_VALUE)).isNull();
    }
}
