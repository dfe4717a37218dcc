package io.couponissuer.tools.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The main class of the small jar {@link ClassDataSharingIT} runs through bin/lib/class-data-sharing.sh:
 * it loads a few classes of its own and of the JDK, then prints whether this JVM maps a class-data
 * archive from the jar's cds/ directory (a mapped archive is a line of /proc/self/maps).
 */
public final class ArchiveMappedProbe {
    private ArchiveMappedProbe() {
    }

    public static void main(String[] args) throws Exception {
        ConcurrentHashMap<String, Integer> loaded = new ConcurrentHashMap<>();
        loaded.merge("probe", 1, Integer::sum);
        String cdsDirectory = Path.of(args[0]).toAbsolutePath().getParent().resolve("cds").toString();
        boolean mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .anyMatch(line -> line.contains(cdsDirectory) && line.endsWith(".jsa"));
        System.out.println("archive mapped: " + mapped + " (" + loaded.size() + ")");
    }
}
