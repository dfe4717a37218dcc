package io.couponissuer.tools.nemesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Slow disks for chosen processes, with the block I/O controller of cgroup v1: a process moved into
 * this group (with all its threads) has the I/O it submits to any disk of this machine throttled to
 * {@value #BYTES_PER_SECOND} bytes and {@value #OPERATIONS_PER_SECOND} operations a second, reads and
 * writes. What it submits itself is what it waits for: a synced write (the KRaft log's fsync, a
 * segment or producer-state flush, RocksDB's SST files) crawls; a write left to the kernel's
 * writeback and a read served from the page cache do not. That is a disk that is slow when asked to
 * make something durable, where a slow disk hurts Kafka. This kernel has no netem, so a slow link is
 * a token bucket ({@link NamespaceNetwork#slow}) and a slow disk is this.
 *
 * <p>Needs root and the blkio hierarchy of cgroup v1 mounted at {@value #HIERARCHY}.
 */
public final class SlowDisks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlowDisks.class);
    private static final String HIERARCHY = "/sys/fs/cgroup/blkio";
    private static final String GROUP = "coupon-issuer-nemesis-slow-disk";
    static final long BYTES_PER_SECOND = 256 * 1024;
    static final long OPERATIONS_PER_SECOND = 20;
    /** Each limit file of the group and the value it is given per device. */
    private static final Map<String, Long> LIMITS = Map.of(
            "blkio.throttle.read_bps_device", BYTES_PER_SECOND, "blkio.throttle.write_bps_device", BYTES_PER_SECOND,
            "blkio.throttle.read_iops_device", OPERATIONS_PER_SECOND, "blkio.throttle.write_iops_device", OPERATIONS_PER_SECOND);

    private final Path root;
    private final Path group;
    /** The blkio group each slowed process came from. */
    private final Map<String, Path> origins = new ConcurrentHashMap<>();
    /** The group's I/O counters at the last heal, so that each heal logs what its fault throttled. */
    private long bytesBefore;
    private long operationsBefore;

    private SlowDisks(Path root, Path group) {
        this.root = root;
        this.group = group;
    }

    /** Whether this machine lets us throttle a process's disk: root and a writable blkio hierarchy. */
    public static boolean available() {
        Path root = Path.of(HIERARCHY);
        return HostCommand.asRoot()
                && Files.isWritable(root.resolve("cgroup.procs"))
                && Files.exists(root.resolve("blkio.throttle.write_bps_device"));
    }

    /** The group with its limits on every disk; one left by an earlier run is emptied and made anew. */
    public static SlowDisks create() {
        Path root = Path.of(HIERARCHY);
        Path group = root.resolve(GROUP);
        SlowDisks disks = new SlowDisks(root, group);
        try {
            if (Files.isDirectory(group)) {
                disks.heal();
                Files.delete(group);
            }
            Files.createDirectory(group);
            List<String> limited = new ArrayList<>();
            for (String device : disks()) {
                if (limit(group, device)) {
                    limited.add(device);
                }
            }
            if (limited.isEmpty()) {
                disks.close();
                throw new IllegalStateException("no disk of this machine could be throttled in " + group);
            }
            LOG.info("slow disks ready: {} bytes/s and {} operations/s on {} for the processes put in {}",
                    BYTES_PER_SECOND, OPERATIONS_PER_SECOND, limited, group);
            return disks;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the cgroup " + group, e);
        }
    }

    /** Every I/O the process (all its threads, and those it starts) submits from now on is throttled. */
    public void slow(long pid) {
        origins.put(Long.toString(pid), originOf(pid));
        write(group.resolve("cgroup.procs"), Long.toString(pid));
    }

    /** Every slowed process back in its own group, at full speed (one left by an earlier run: in the root). */
    public synchronized void heal() {
        try {
            for (String line : Files.readAllLines(group.resolve("cgroup.procs"))) {
                String pid = line.strip();
                if (!pid.isEmpty()) {
                    try {
                        Path origin = origins.remove(pid);
                        write((origin == null ? root : origin).resolve("cgroup.procs"), pid);
                    } catch (UncheckedIOException e) {
                        LOG.debug("process {} gone before it was moved back: {}", pid, e.getMessage());
                    }
                }
            }
            // What went through the throttle shows whether the fault touched anything the process waits on.
            long bytes = total(group.resolve("blkio.throttle.io_service_bytes"));
            long operations = operationsThrottled();
            LOG.info("nemesis: disks healed; {} bytes in {} operations went through the throttle meanwhile",
                    bytes - bytesBefore, operations - operationsBefore);
            bytesBefore = bytes;
            operationsBefore = operations;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the processes of " + group, e);
        }
    }

    /** The I/O operations that went through the throttle since the group was made. */
    public long operationsThrottled() throws IOException {
        return total(group.resolve("blkio.throttle.io_serviced"));
    }

    /** The "Total N" line of a blkio statistics file (the sum over every device). */
    private static long total(Path statistics) throws IOException {
        for (String line : Files.readAllLines(statistics)) {
            if (line.startsWith("Total ")) {
                return Long.parseLong(line.substring("Total ".length()).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            heal();
            Files.deleteIfExists(group);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove the cgroup {}: {}", group, e.getMessage());
        }
    }

    /** The process's group in this hierarchy, from /proc/PID/cgroup ("N:blkio:/path"). */
    private Path originOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                String[] fields = line.split(":", 3);
                if (fields.length == 3 && List.of(fields[1].split(",")).contains("blkio")) {
                    return root.resolve(fields[2].replaceFirst("^/", ""));
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("no process " + pid, e);
        }
    }

    /** "major:minor" of each whole disk (/sys/block lists no partitions; throttling takes whole disks only). */
    private static List<String> disks() throws IOException {
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            List<String> devices = new ArrayList<>();
            for (Path block : blocks.sorted().toList()) {
                Path dev = block.resolve("dev");
                if (Files.isReadable(dev)) {
                    devices.add(Files.readString(dev).strip());
                }
            }
            return devices;
        }
    }

    /** False if the kernel refuses a limit on this device (one without a queue to throttle). */
    private static boolean limit(Path group, String device) {
        try {
            for (Map.Entry<String, Long> limit : LIMITS.entrySet()) {
                write(group.resolve(limit.getKey()), device + " " + limit.getValue());
            }
            return true;
        } catch (UncheckedIOException e) {
            LOG.debug("no limit on {}: {}", device, e.getMessage());
            return false;
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write '" + text + "' to " + file, e);
        }
    }
}
