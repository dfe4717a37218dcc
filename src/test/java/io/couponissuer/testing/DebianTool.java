package io.couponissuer.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program from Debian's packages that a test runs for real (a browser, Prometheus). CI (CI=true)
 * installs it in .ci/run and must run the test; elsewhere a machine without it skips the test and
 * says which package to install.
 */
public final class DebianTool {
    private DebianTool() {
    }

    /** The program on PATH, if it is there; under CI its absence fails the test. */
    public static Optional<Path> find(String program, String debianPackage) {
        Optional<Path> found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(found).as(program + " on PATH (.ci/run installs Debian's " + debianPackage + ")").isPresent();
        }
        return found;
    }

    /** The program on PATH; skips the test without it (fails it under CI). */
    public static Path require(String program, String debianPackage) {
        Optional<Path> found = find(program, debianPackage);
        Assumptions.assumeTrue(found.isPresent(), program + " is not installed: apt-get install -y " + debianPackage
                + " (as .ci/run does)");
        return found.get();
    }
}
