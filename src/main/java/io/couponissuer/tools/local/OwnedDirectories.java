package io.couponissuer.tools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Wipes a data directory for {@code --fresh}, refusing one that holds what its owner did not write (a mistyped path). */
final class OwnedDirectories {
    private OwnedDirectories() {
    }

    static void wipe(Path dir, Set<String> ownEntries, String owner) {
        requireOwned(dir, ownEntries, owner);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }

    /** Throws if {@code dir} holds an entry its owner did not write; checked before anything is wiped. */
    static void requireOwned(Path dir, Set<String> ownEntries, String owner) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> foreign = entries.map(entry -> entry.getFileName().toString())
                    .filter(name -> !ownEntries.contains(name)).toList();
            if (!foreign.isEmpty()) {
                throw new IllegalStateException("will not wipe " + dir + ": it holds " + foreign + ", which "
                        + owner + " did not write");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
