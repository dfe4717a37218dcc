package io.couponissuer.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** The build's own classes and runtime libraries, as a class path for role processes started by tests. */
public final class BuildOutput {
    private BuildOutput() {
    }

    /** target/classes and target/lib/*: failsafe runs after `package`, which puts them there. */
    public static String classpath() {
        Path target = Path.of("target").toAbsolutePath();
        Path classes = target.resolve("classes");
        Path lib = target.resolve("lib");
        if (!Files.isDirectory(classes) || !Files.isDirectory(lib)) {
            throw new IllegalStateException("run `mvn package` first: need " + classes + " and " + lib);
        }
        return classes + File.pathSeparator + lib + File.separator + "*";
    }
}
