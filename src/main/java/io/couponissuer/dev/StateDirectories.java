package io.couponissuer.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Wipes the issuer's local RocksDB state for {@code dev --fresh}; the broker wipes its own directory. */
final class StateDirectories {
    private StateDirectories() {
    }

    /** Refuses a directory holding anything but Kafka Streams state, so a mistyped path wipes nothing. */
    static void wipeStreamsState(Path stateDir, String applicationId) {
        if (!Files.isDirectory(stateDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(stateDir)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals(applicationId) && !name.equals("kafka-streams-process-metadata"))
                    .toList();
            if (!foreign.isEmpty()) {
                throw new IllegalStateException("refusing to wipe " + stateDir + ": it holds " + foreign
                        + ", which is not Kafka Streams state of " + applicationId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stateDir, e);
        }
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe issuer state in " + stateDir, e);
        }
    }
}
