package io.couponissuer.testing;

import io.couponissuer.tools.local.cluster.RoleProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What each running process holds: its heap in use (jstat) and its resident set (/proc), e.g. "212 MiB / 498 MiB". */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** By process name, the live ones only; "?" with the reason where a figure could not be read. */
    public static Map<String, String> of(List<RoleProcess> processes) {
        Map<String, String> memory = new LinkedHashMap<>();
        for (RoleProcess process : processes) {
            if (process.isAlive()) {
                memory.put(process.name(), heapInUse(process.pid()) + " / " + residentSet(process.pid()));
            }
        }
        return memory;
    }

    /** The young and old generations' used sizes as jstat reads them from the JVM's perf data. */
    private static String heapInUse(long pid) {
        try {
            Process jstat = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            List<String> lines = new String(jstat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            if (jstat.waitFor() != 0 || lines.size() != 2) {
                return "? (jstat: " + String.join(" ", lines) + ")";
            }
            List<String> names = List.of(lines.get(0).trim().split("\\s+"));
            String[] values = lines.get(1).trim().split("\\s+");
            double usedKb = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                usedKb += Double.parseDouble(values[names.indexOf(column)]);
            }
            return Math.round(usedKb / 1024) + " MiB";
        } catch (IOException | RuntimeException e) {
            return "? (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "? (interrupted)";
        }
    }

    private static String residentSet(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024 + " MiB")
                    .findFirst().orElse("? (no VmRSS)");
        } catch (IOException e) {
            return "? (" + e + ")";
        }
    }
}
