package io.couponissuer.tools.local.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FreePortTest {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void readsTheEphemeralRangeAsTheKernelWritesIt() throws Exception {
        assumeTrue(Files.exists(RANGE), "Linux only");
        String expected;
        try (var in = Files.newInputStream(RANGE)) {
            expected = new String(in.readAllBytes()).trim().split("\\s+")[0];
        }
        assertThat(FreePort.ephemeralLow()).isEqualTo(Integer.parseInt(expected));
    }

    @Test
    void handsOutDistinctPortsBelowTheEphemeralRange() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePort.next();
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            if (FreePort.ephemeralLow() - 10_000 >= 1_000) {
                assertThat(port).isBetween(10_000, FreePort.ephemeralLow() - 1);
            }
        }
    }
}
