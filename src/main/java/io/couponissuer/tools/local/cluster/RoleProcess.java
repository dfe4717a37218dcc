package io.couponissuer.tools.local.cluster;

import org.slf4j.LoggerFactory;

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
 * One role of the system ({@code kafka-node}, {@code broker}, {@code gateway}, {@code issuer},
 * {@code writer}) as a real OS process of this build: {@code java -cp <classpath> io.couponissuer.Main <role>},
 * configured only through its environment, like in production. `cluster` starts its processes with
 * its own class path (the jar); the tests with the build's classes. Output goes to a log file
 * (appended across restarts, so one file tells the whole story of a role).
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
    /**
     * Each process in a session of its own (setsid, which execs: the pid stays the JVM's), where the
     * machine has it. In this JVM's process group a paused process would get SIGHUP and SIGCONT from
     * the kernel the moment that group became orphaned (the shell that started the build exiting), and
     * a JVM takes SIGHUP as a shutdown: a soak that had paused the gateway found it gone.
     */
    private static final List<String> OWN_SESSION = ownSession();

    /** Whether the JVM shutdown hook kills what is still running (tests); `cluster` stops its processes in order itself. */
    private static volatile boolean killOnExit = true;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (killOnExit) {
                LIVE.forEach(Process::destroyForcibly);
            }
        }, "kill-role-processes"));
    }

    private static List<String> ownSession() {
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            return List.of("/usr/bin/setsid");
        }
        LoggerFactory.getLogger(RoleProcess.class).warn("no /usr/bin/setsid: the processes share this one's process group, "
                + "and one paused (SIGSTOP) gets SIGHUP, a JVM's shutdown, if that group is orphaned");
        return List.of();
    }

    /** The caller stops its processes itself at exit (in order, gracefully); the kill-all hook stands down. */
    public static void ownerStopsProcessesOnExit() {
        killOnExit = false;
    }

    private final String name;
    private final List<String> arguments;
    private final String classpath;
    private final List<String> jvmOptions;
    private final Map<String, String> env;
    private final Path log;
    private final List<String> launcher;
    private Process process;

    private RoleProcess(String name, List<String> arguments, String classpath, List<String> jvmOptions,
                        Map<String, String> env, Path log, List<String> launcher) {
        this.name = name;
        this.launcher = List.copyOf(launcher);
        this.arguments = List.copyOf(arguments);
        this.classpath = classpath;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.env = new LinkedHashMap<>(env);
        this.log = log;
    }

    /**
     * Starts {@code Main} with {@code arguments} (the role and its options) on {@code classpath}, with
     * exactly these settings (COUPON_*, KAFKA_* and CLUSTER_ID of this process's own environment are
     * not passed on) and JVM options (e.g. {@link #SMALL_JVM}); its output goes to {@code logDir/name.log}.
     */
    public static RoleProcess start(String name, List<String> arguments, String classpath, List<String> jvmOptions,
                                    Map<String, String> env, Path logDir) {
        return start(name, arguments, classpath, jvmOptions, env, logDir, List.of());
    }

    /**
     * The same, the java command run by {@code launcher} (e.g. {@code ip netns exec <namespace>}, which
     * execs it: the process, its pid and its signals are the JVM's own).
     */
    public static RoleProcess start(String name, List<String> arguments, String classpath, List<String> jvmOptions,
                                    Map<String, String> env, Path logDir, List<String> launcher) {
        RoleProcess process = new RoleProcess(name, arguments, classpath, jvmOptions, env, logDir.resolve(name + ".log"),
                launcher);
        process.start();
        return process;
    }

    /** This JVM's own class path (the jar, whose manifest names its libraries): what `cluster` gives its processes. */
    public static String ownClasspath() {
        return System.getProperty("java.class.path");
    }

    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>(OWN_SESSION);
        command.addAll(launcher);
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.io.tmpdir=" + log.getParent().toAbsolutePath(),
                "-cp", classpath, "io.couponissuer.Main"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("COUPON_") || key.startsWith("KAFKA_")
                || key.equals("CLUSTER_ID"));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + name + ": starting " + String.join(" ", arguments) + " with " + env + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        LIVE.add(process);
    }

    /** Starts it again with these settings changed from now on (e.g. a test that turns standby replicas off). */
    public synchronized void start(Map<String, String> changes) {
        env.putAll(changes);
        start();
    }

    /** kill -9: the process gets no chance to leave its group, commit, abort or close anything. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * SIGSTOP: the process freezes as in a long GC pause or a stalled VM, every thread at once, its
     * sockets open; nothing it holds (sessions, leases, transactions) is given up until others time it out.
     */
    public synchronized void pause() {
        signal("STOP");
    }

    /** SIGCONT: a paused process runs on from where it stopped, unaware of the time it lost. */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " is not running: cannot send SIG" + signal);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
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

    /** The OS process id, or -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public Path log() {
        return log;
    }

    /**
     * Waits until GET {@code url} answers 200 (e.g. /health/ready); returns the wait. Throws an
     * IllegalStateException with the log's tail when it does not in time, or at once when the process died.
     */
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
        throw new IllegalStateException(name + ": " + url + " not ready within " + timeout + " (last: " + last + "); log "
                + log + ":\n" + tail());
    }

    /**
     * Waits until the log written since the last start contains {@code text} (roles without an HTTP
     * port: the broker's "ready" line, the writer's "consuming" line). Returns the wait; throws like
     * {@link #awaitHttpOk}.
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
        throw new IllegalStateException(name + ": no '" + text + "' in its log within " + timeout + "; log " + log + ":\n" + tail());
    }

    /** Waits until a job (kafka-setup) has exited with 0; returns the wait. Throws with the log's tail otherwise. */
    public Duration awaitSuccess(Duration timeout) {
        long start = System.nanoTime();
        Process current;
        synchronized (this) {
            current = process;
        }
        try {
            if (!current.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not finish within " + timeout + "; log " + log + ":\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (current.exitValue() != 0) {
            throw new IllegalStateException(name + " failed (exit " + current.exitValue() + "); log " + log + ":\n" + tail());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void requireAlive() {
        Process current = process;
        if (current != null && !current.isAlive()) {
            throw new IllegalStateException(name + " exited with " + current.exitValue() + "; log " + log + ":\n" + tail());
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
