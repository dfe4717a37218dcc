package io.couponissuer.issuer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes, before Kafka Streams starts, the local state of every task that has no checkpoint file: what
 * an issuer killed while it ran leaves behind. Under exactly-once a running task keeps no checkpoint,
 * so Kafka Streams cannot tell committed writes from an aborted transaction's in such a store: it
 * opens the stores, declares the task corrupted, closes it dirty, wipes it, rebalances again and only
 * then restores it from the changelog. Wiping first leads to the same restore without the detour
 * (docs/operations.md#restarts). A task with a checkpoint (a clean stop, a standby) is left to Kafka
 * Streams. Valid only under exactly-once, which the issuer always runs.
 */
final class UncheckpointedTasks {
    private static final Logger LOG = LoggerFactory.getLogger(UncheckpointedTasks.class);
    /** Kafka Streams' names in a task directory and the application's state directory. */
    private static final String CHECKPOINT = ".checkpoint";
    private static final String LOCK = ".lock";
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private UncheckpointedTasks() {
    }

    /**
     * Wipes the uncheckpointed task directories of {@code stateDir/applicationId}, holding the lock Kafka
     * Streams takes on it; does nothing if another process holds it (Kafka Streams then refuses to start,
     * with its own message). Returns the tasks wiped.
     */
    static List<String> wipe(Path stateDir, String applicationId) {
        Path applicationDir = stateDir.resolve(applicationId);
        if (!Files.isDirectory(applicationDir)) {
            return List.of();
        }
        try (FileChannel channel = FileChannel.open(applicationDir.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                LOG.warn("State directory {} is locked by another instance; leaving its tasks to Kafka Streams", applicationDir);
                return List.of();
            }
            try {
                List<String> wiped = wipeUnder(applicationDir);
                if (!wiped.isEmpty()) {
                    LOG.info("Wiped the local state of tasks {} in {}: no checkpoint (the issuer stopped without closing), "
                            + "restoring them from their changelogs", wiped, applicationDir);
                }
                return wiped;
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect the state directory " + applicationDir, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held in this JVM: another issuer here uses the same directory
        }
    }

    private static List<String> wipeUnder(Path applicationDir) throws IOException {
        List<String> wiped = new ArrayList<>();
        try (Stream<Path> entries = Files.list(applicationDir)) {
            for (Path task : entries.sorted().toList()) {
                String name = task.getFileName().toString();
                if (Files.isDirectory(task) && TASK_DIRECTORY.matcher(name).matches()
                        && !Files.exists(task.resolve(CHECKPOINT))) {
                    deleteRecursively(task);
                    wiped.add(name);
                }
            }
        }
        return wiped;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> tree = Files.walk(directory)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
