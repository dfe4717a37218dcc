package io.couponissuer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One role of the system ({@code broker}, {@code gateway}, {@code issuer}, {@code writer}) as a real
 * OS process of the project's own classes: {@code java -cp target/classes:target/lib/* io.couponissuer.Main <role>},
 * configured only through its environment, like in production. Output goes to a log file (appended
 * across restarts, so one file tells the whole story of a role).
 *
 * <p>{@link #kill()} is {@code kill -9} (no shutdown hook runs, nothing is flushed or left cleanly);
 * {@link #stop()} is SIGTERM. Every process started here is also killed by a JVM shutdown hook, so a
 * test run that dies half-way leaves nothing behind.
 */
public final class RoleProcess implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /**
     * Small heaps, the serial collector and C1 only: four or five JVMs share two cores in the fault
     * tests, where start-up time matters more than peak throughput.
     */
    public static final List<String> SMALL_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-role-processes"));
    }

    private final String name;
    private final String role;
    private final List<String> jvmOptions;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private long lastStartNanos;

    private RoleProcess(String name, String role, List<String> jvmOptions, Map<String, String> env, Path log) {
        this.name = name;
        this.role = role;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = new LinkedHashMap<>(env);
        this.log = log;
    }

    /**
     * Starts {@code role} with exactly these settings (COUPON_* and KAFKA_* of the test's own
     * environment are not passed on) and JVM options (e.g. {@link #SMALL_JVM}).
     */
    public static RoleProcess start(String name, String role, List<String> jvmOptions, Map<String, String> env,
                                    Path logDir) {
        RoleProcess process = new RoleProcess(name, role, jvmOptions, env, logDir.resolve(name + ".log"));
        process.start();
        return process;
    }

    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.io.tmpdir=" + log.getParent().toAbsolutePath(),
                "-cp", classpath(), "io.couponissuer.Main", role));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("COUPON_") || key.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + name + ": starting " + role + " with " + env + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            lastStartNanos = System.nanoTime();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        LIVE.add(process);
    }

    /** kill -9: the process gets no chance to leave its group, commit, abort or close anything. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the role's shutdown hook closes it cleanly. Falls back to kill -9 after 30 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        awaitExit();
    }

    private void awaitExit() {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit", e);
        } finally {
            LIVE.remove(process);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** Waits until GET {@code url} answers 200 (e.g. /health/ready); fails early if the process died. Returns the wait. */
    public Duration awaitHttpOk(String url, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(100);
        }
        throw new AssertionError(name + ": " + url + " not ready within " + timeout + " (last: " + last + "); log "
                + log + ":\n" + tail());
    }

    /**
     * Waits until the log written since the last start contains {@code text} (roles without an HTTP
     * port: the broker's "ready" line, the writer's "consuming" line). Returns the wait.
     */
    public Duration awaitLog(String text, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (sinceLastStart().contains(text)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            requireAlive();
            sleep(100);
        }
        throw new AssertionError(name + ": no '" + text + "' in its log within " + timeout + "; log " + log + ":\n" + tail());
    }

    /** Time since this process was last started. */
    public Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - lastStartNanos);
    }

    private void requireAlive() {
        Process current = process;
        if (current != null && !current.isAlive()) {
            throw new AssertionError(name + " exited with " + current.exitValue() + "; log " + log + ":\n" + tail());
        }
    }

    private String sinceLastStart() {
        String text = read();
        int at = text.lastIndexOf("=== " + name + ": starting");
        return at < 0 ? text : text.substring(at);
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        String[] lines = read().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    private String read() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The build's own classes and runtime libraries: failsafe runs after `package`, which puts them in target/. */
    private static String classpath() {
        Path target = Path.of("target").toAbsolutePath();
        Path classes = target.resolve("classes");
        Path lib = target.resolve("lib");
        if (!Files.isDirectory(classes) || !Files.isDirectory(lib)) {
            throw new IllegalStateException("run `mvn package` first: need " + classes + " and " + lib);
        }
        return classes + java.io.File.pathSeparator + lib + java.io.File.separator + "*";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
