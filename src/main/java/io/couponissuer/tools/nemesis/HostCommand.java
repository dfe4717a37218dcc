package io.couponissuer.tools.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of this machine's network tools (ip, nft) and fails with its output when it fails. */
final class HostCommand {
    private HostCommand() {
    }

    static String run(List<String> command) {
        return run(command, null);
    }

    /** {@code command} with {@code input} on its standard input (an nft script). */
    static String run(List<String> command, String input) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip()
                        + (input == null ? "" : "\ninput:\n" + input));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
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
}
