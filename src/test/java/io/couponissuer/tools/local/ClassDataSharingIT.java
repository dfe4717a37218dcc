package io.couponissuer.tools.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/lib/class-data-sharing.sh, as bin/coupon-issuer uses it, on a small jar of its own (the probe): the
 * first run of a server subcommand records its classes and leaves an archive behind, the next run maps
 * it, a rebuilt jar is not run with a stale one, and a JVM started with a flight recording, or a
 * subcommand that is not a server, runs without one.
 */
class ClassDataSharingIT {
    private static final Path LIBRARY = Path.of("bin/lib/class-data-sharing.sh").toAbsolutePath();

    @TempDir
    Path directory;

    @Test
    void aServerSubcommandMapsTheArchiveItsFirstRunLeftAndNeverAStaleOne() throws Exception {
        Path jar = probeJar();
        Path archive = directory.resolve("cds/dev.jsa");

        assertThat(run(jar, "dev", "")).as("the first run records").contains("archive mapped: false");
        awaitFile(archive);
        assertThat(run(jar, "dev", "")).as("the next run maps the archive").contains("archive mapped: true");
        try (Stream<Path> left = Files.list(archive.getParent())) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .as("the class list and the partial archive are gone").noneMatch(name -> name.contains("classlist") || name.endsWith(".tmp"));
        }

        assertThat(run(jar, "dev", "-XX:StartFlightRecording=filename=" + directory.resolve("probe.jfr")))
                .as("no archive under a class-file load hook from the start").contains("archive mapped: false");
        assertThat(run(jar, "lag", "")).as("not a server subcommand").contains("archive mapped: false");
        try (Stream<Path> left = Files.list(archive.getParent())) {
            assertThat(left.map(path -> path.getFileName().toString()))
                    .as("nothing recorded for it either").noneMatch(name -> name.startsWith("lag."));
        }

        // A jar rebuilt after the archive was made.
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        assertThat(run(jar, "dev", "")).as("a stale archive is not mapped").contains("archive mapped: false");
        assertThat(archive).as("it is deleted, to be recorded again").doesNotExist();
        awaitFile(archive);
        assertThat(run(jar, "dev", "")).contains("archive mapped: true");
    }

    /** A jar whose main class is the probe, from the compiled test classes. */
    private Path probeJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ArchiveMappedProbe.class.getName());
        Path jar = directory.resolve("probe.jar");
        String entry = ArchiveMappedProbe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             var in = ArchiveMappedProbe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** The probe run as bin/coupon-issuer runs a subcommand: the shell sources the library, then execs java. */
    private String run(Path jar, String subcommand, String javaOpts) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "source \"$1\"; cds_java_options \"$2\" \"$3\" $$; exec java $JAVA_OPTS \"${CDS_OPTIONS[@]}\" -jar \"$2\" \"$2\"",
                "probe", LIBRARY.toString(), jar.toString(), subcommand)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .directory(directory.toFile());
        builder.environment().put("JAVA_OPTS", javaOpts);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static void awaitFile(Path file) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Path log = file.resolveSibling("dev.log");
        assertThat(file).as("the archive, built in the background: %s",
                Files.exists(log) ? String.join("\n", Files.readAllLines(log)) : "no log").exists();
    }
}
