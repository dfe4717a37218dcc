package io.couponissuer.tools.nemesis;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The slow disk the nemesis puts on a process: its synced writes crawl, and run at full speed once healed. */
class SlowDisksIT {
    @TempDir
    Path dir;

    @Test
    void aSlowedProcessWritesAtTheThrottledRateAndAHealedOneAtFullSpeed() throws Exception {
        Assumptions.assumeTrue(SlowDisks.available(), "needs root and cgroup v1's blkio");
        try (SlowDisks disks = SlowDisks.create()) {
            // 1 MiB written and synced: about 4 s at 256 KiB/s, well under one on this machine's disk.
            List<String> write = List.of("sh", "-c", "sleep 1; dd if=/dev/zero of=" + dir.resolve("out")
                    + " bs=64k count=16 conv=fdatasync 2>/dev/null");
            Process slowed = new ProcessBuilder(write).start();
            disks.slow(slowed.pid());
            long slowMillis = millisToFinish(slowed);
            long throttled = disks.operationsThrottled();

            disks.heal();
            Process healed = new ProcessBuilder(write).start();
            long healedMillis = millisToFinish(healed);

            assertThat(slowMillis).as("1 MiB synced while slowed, with the 1 s sleep").isGreaterThan(3_500);
            assertThat(healedMillis).as("the same once healed, with the 1 s sleep").isLessThan(3_000);
            assertThat(throttled).as("operations that went through the throttle while slowed").isPositive();
            assertThat(disks.operationsThrottled()).as("none more once healed").isEqualTo(throttled);
        }
    }

    private static long millisToFinish(Process process) throws InterruptedException {
        long start = System.nanoTime();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
