package io.couponissuer.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The record keys a process that runs both gateway and issuer keeps for itself (owner-only file). */
public final class RecordKeyFile {
    public static final String NAME = "record-keys";

    private RecordKeyFile() {
    }

    /** The keys in {@code file}, made (random, one key) on the first call. */
    public static String loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, RecordAuthenticator.randomSetting(), StandardCharsets.US_ASCII);
                } catch (FileAlreadyExistsException raced) {
                    // another process of the same directory made it first: use theirs
                }
            }
            String keys = Files.readString(file, StandardCharsets.US_ASCII).trim();
            RecordAuthenticator.parse(keys); // fail here, naming the file, rather than at the first record
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the record keys in " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
