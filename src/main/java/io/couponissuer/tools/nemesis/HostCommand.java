package io.couponissuer.tools.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of this machine's network tools (ip, nft) and fails with its output when it fails or hangs. */
final class HostCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {
    }

    static String run(List<String> command) {
        return run(command, null);
    }

    /** {@code command} with {@code input} on its standard input (an nft script). */
    static String run(List<String> command, String input) {
        Path output = null;
        try {
            // Into a file, not a pipe read before the wait: a command that hangs is then stopped at the timeout.
            output = Files.createTempFile("nemesis-command", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!exited || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + (exited ? " failed: " : " hung for "
                        + TIMEOUT_SECONDS + " s: ") + text.strip() + (input == null ? "" : "\ninput:\n" + input));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** Whether {@code command} runs and exits with 0 (a probe: is the tool there, may we use it). */
    static boolean succeeds(List<String> command) {
        try {
            run(command);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether this JVM runs as root, which every fault on the host's network or disks needs. */
    static boolean asRoot() {
        return "0".equals(run(List.of("id", "-u")).strip());
    }
}
