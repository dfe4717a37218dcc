package io.couponissuer.tools.local.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's own keytool, run as a process: the one supported way to sign a certificate with the JDK alone. */
final class Keytool {
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    private Keytool() {
    }

    /** Runs {@code keytool arguments...}; throws with keytool's own output when it fails. */
    static void run(Path workDir, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(KEYTOOL.toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + KEYTOOL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
