package io.couponissuer.issuer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class UncheckpointedTasksTest {
    @TempDir
    Path stateDir;

    @Test
    void wipesOnlyTheTasksWithoutACheckpointAndKeepsTheProcessMetadata() throws IOException {
        Path app = stateDir.resolve("coupon-issuer");
        Path crashed = store(app.resolve("0_1"));
        Path closed = store(app.resolve("0_0"));
        Files.writeString(closed.resolve(".checkpoint"), "0\n1\ncoupon-issuer-decisions-changelog 0 42\n");
        Path metadata = Files.writeString(app.resolve("kafka-streams-process-metadata"), "{}");
        Path notATask = store(app.resolve("scratch"));

        assertThat(UncheckpointedTasks.wipe(stateDir, "coupon-issuer")).containsExactly("0_1");

        assertThat(crashed).doesNotExist();
        assertThat(closed.resolve("rocksdb/decisions/000001.sst")).exists();
        assertThat(metadata).exists();
        assertThat(notATask).exists();
    }

    @Test
    void leavesEverythingWhenTheStateDirectoryIsLockedByAnotherInstance() throws IOException {
        Path app = stateDir.resolve("coupon-issuer");
        Path crashed = store(app.resolve("0_3"));
        try (FileChannel channel = FileChannel.open(app.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            assertThat(UncheckpointedTasks.wipe(stateDir, "coupon-issuer")).isEmpty();
        }
        assertThat(crashed.resolve("rocksdb/decisions/000001.sst")).exists();
    }

    @Test
    void aFirstStartHasNothingToWipe() {
        assertThat(UncheckpointedTasks.wipe(stateDir, "coupon-issuer")).isEmpty();
    }

    private static Path store(Path task) throws IOException {
        Path store = Files.createDirectories(task.resolve("rocksdb/decisions"));
        Files.writeString(store.resolve("000001.sst"), "data");
        return task;
    }
}
