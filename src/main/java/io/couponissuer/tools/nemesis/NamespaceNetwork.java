package io.couponissuer.tools.nemesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network of its own for the local cluster, as Docker gives a compose project: each process in a
 * Linux network namespace with one address on {@value #SUBNET}.0/24, all joined by a bridge on this
 * host, which holds {@link #HOST_ADDRESS}. Links between any two of them can then be cut (both ways
 * or one way) and a process's link slowed, while the processes keep running and keep their sockets:
 * what a real network partition does, which a kill or a pause cannot show.
 *
 * <p>Needs root, {@code ip} (iproute2) and {@code nft} (nftables). A lost packet is dropped where it
 * would arrive (the receiver's input), so the sender sees silence, not an error; only a packet to
 * this host (the test's own clients) is dropped on the way out.
 */
public final class NamespaceNetwork implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceNetwork.class);
    /** The private range the network uses; nothing else on this machine may use it. */
    public static final String SUBNET = "10.77.0";
    /** This host on the bridge: the test's clients come from here, and the relays to this machine's services listen here. */
    public static final String HOST_ADDRESS = SUBNET + ".1";
    /** The name {@link #drop} takes for this host (the test's own clients, the relays). */
    public static final String HOST = "host";
    private static final String BRIDGE = "cinetbr";
    private static final String NAMESPACE_PREFIX = "cinet-";
    private static final int FIRST_HOST = 10;

    /** One network on this machine at a time: a second run would take the first one's names and addresses. */
    private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "coupon-issuer-nemesis.lock");

    private final Map<String, String> addresses;
    private final FileChannel lockFile;
    private final FileLock lock;

    private NamespaceNetwork(Map<String, String> addresses, FileChannel lockFile, FileLock lock) {
        this.addresses = addresses;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Whether this machine lets us build one: root, nft, and a namespace with a veth pair that can
     * really be made (root in a container without CAP_NET_ADMIN cannot).
     */
    public static boolean available() {
        if (!HostCommand.succeeds(List.of("nft", "--version")) || !HostCommand.asRoot()) {
            return false;
        }
        String probe = NAMESPACE_PREFIX + "probe";
        try {
            HostCommand.succeeds(List.of("ip", "netns", "del", probe));
            return HostCommand.succeeds(List.of("ip", "netns", "add", probe))
                    && HostCommand.succeeds(List.of("ip", "netns", "exec", probe, "ip", "link", "add", "probe0", "type", "veth",
                    "peer", "name", "probe1"))
                    && HostCommand.succeeds(List.of("ip", "netns", "exec", probe, "nft", "list", "ruleset"));
        } finally {
            HostCommand.succeeds(List.of("ip", "netns", "del", probe));
        }
    }

    /** The address each service will have, in order: what a plan is made with before the network exists. */
    public static Map<String, String> addressesFor(List<String> services) {
        if (services.size() > 200) {
            throw new IllegalArgumentException("at most 200 services on one network, not " + services.size());
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        for (int i = 0; i < services.size(); i++) {
            addresses.put(services.get(i), SUBNET + "." + (FIRST_HOST + i));
        }
        return addresses;
    }

    /** Builds the bridge and one namespace per service (what an earlier run left behind is removed first). */
    public static NamespaceNetwork create(List<String> services) {
        FileChannel lockFile;
        FileLock lock;
        try {
            lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockFile.tryLock();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take " + LOCK, e);
        }
        if (lock == null) {
            closeQuietly(lockFile);
            throw new IllegalStateException("another run on this machine holds the namespaces' network (" + LOCK
                    + "): one at a time");
        }
        removeLeftovers();
        NamespaceNetwork network = new NamespaceNetwork(addressesFor(services), lockFile, lock);
        try {
            ip("link", "add", BRIDGE, "type", "bridge");
            ip("addr", "add", HOST_ADDRESS + "/24", "dev", BRIDGE);
            ip("link", "set", BRIDGE, "up");
            int index = 0;
            for (Map.Entry<String, String> service : network.addresses.entrySet()) {
                network.join(service.getKey(), service.getValue(), index++);
            }
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        LOG.info("network {}.0/24 on bridge {}: {}", SUBNET, BRIDGE, network.addresses);
        return network;
    }

    private void join(String service, String address, int index) {
        String namespace = namespace(service);
        String hostSide = "cinet" + index;
        ip("netns", "add", namespace);
        ip("link", "add", hostSide, "type", "veth", "peer", "name", hostSide + "p");
        ip("link", "set", hostSide + "p", "netns", namespace);
        ip("link", "set", hostSide, "master", BRIDGE);
        ip("link", "set", hostSide, "up");
        inside(service, "ip", "link", "set", hostSide + "p", "name", "eth0");
        inside(service, "ip", "addr", "add", address + "/24", "dev", "eth0");
        inside(service, "ip", "link", "set", "eth0", "up");
        inside(service, "ip", "link", "set", "lo", "up");
        HostCommand.run(List.of("ip", "netns", "exec", namespace, "nft", "-f", "-"), """
                table inet nemesis {
                  chain input { type filter hook input priority 0; policy accept; }
                  chain output { type filter hook output priority 0; policy accept; }
                }
                """);
    }

    public Map<String, String> addresses() {
        return Map.copyOf(addresses);
    }

    public String address(String service) {
        String address = addresses.get(service);
        if (address == null) {
            throw new IllegalArgumentException("no service " + service + " on this network: " + addresses.keySet());
        }
        return address;
    }

    /** What runs a command in the service's namespace: put in front of its command line. */
    public List<String> launcher(String service) {
        address(service);
        return List.of("ip", "netns", "exec", namespace(service));
    }

    /** From now on every packet from {@code from} to {@code to} is lost (either may be {@link #HOST}). */
    public void drop(String from, String to) {
        if (!to.equals(HOST)) {
            rule(to, "input", "ip saddr " + addressOf(from) + " drop");
        } else {
            rule(from, "output", "ip daddr " + HOST_ADDRESS + " drop");
        }
        LOG.info("nemesis: packets from {} to {} are lost", from, to);
    }

    /** A partition between two services: nothing gets through, either way. */
    public void cut(String a, String b) {
        drop(a, b);
        drop(b, a);
    }

    /** A service cut off from every other one and from this host: a node on the wrong side of a clean split. */
    public void isolate(String service) {
        for (String other : addresses.keySet()) {
            if (!other.equals(service)) {
                cut(service, other);
            }
        }
        cut(service, HOST);
    }

    /** Every service of {@code side} cut from every service of {@code other}. */
    public void cut(List<String> side, List<String> other) {
        for (String a : side) {
            for (String b : other) {
                cut(a, b);
            }
        }
    }

    /**
     * The service's outgoing link limited to {@code rate} (tc's token bucket, e.g. "1mbit"): a slow
     * network. This kernel has no netem, so a delay or a jitter of its own cannot be injected.
     */
    public void slow(String service, String rate) {
        inside(service, "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", rate, "burst", "32kbit",
                "latency", "400ms");
        LOG.info("nemesis: {}'s link slowed to {}", service, rate);
    }

    /** Every link whole again and at full speed. */
    public void heal() {
        for (String service : addresses.keySet()) {
            inside(service, "nft", "flush", "table", "inet", "nemesis");
            HostCommand.succeeds(List.of("ip", "netns", "exec", namespace(service), "tc", "qdisc", "del", "dev", "eth0", "root"));
        }
        LOG.info("nemesis: network healed");
    }

    /** The namespaces and the bridge removed (a process still in a namespace loses its network). */
    @Override
    public void close() {
        for (String service : addresses.keySet()) {
            HostCommand.succeeds(List.of("ip", "netns", "del", namespace(service)));
        }
        HostCommand.succeeds(List.of("ip", "link", "del", BRIDGE));
        try {
            lock.release();
        } catch (IOException e) {
            // released with the channel anyway
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private String addressOf(String service) {
        return service.equals(HOST) ? HOST_ADDRESS : address(service);
    }

    private void rule(String service, String chain, String rule) {
        List<String> command = new ArrayList<>(List.of("nft", "add", "rule", "inet", "nemesis", chain));
        command.addAll(List.of(rule.split(" ")));
        inside(service, command.toArray(String[]::new));
    }

    private void inside(String service, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(service)));
        line.addAll(List.of(command));
        HostCommand.run(line);
    }

    private static String namespace(String service) {
        return NAMESPACE_PREFIX + service;
    }

    private static void ip(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        HostCommand.run(command);
    }

    /**
     * What a run that did not get to close left behind: its processes (killed: they would hold ports
     * and CPU with no network), its namespaces, the host ends of its veth pairs and the bridge.
     */
    private static void removeLeftovers() {
        for (String line : HostCommand.run(List.of("ip", "netns", "list")).split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(NAMESPACE_PREFIX)) {
                for (String pid : HostCommand.run(List.of("ip", "netns", "pids", name)).split("\\s+")) {
                    if (!pid.isBlank()) {
                        HostCommand.succeeds(List.of("kill", "-9", pid.strip()));
                    }
                }
                HostCommand.succeeds(List.of("ip", "netns", "del", name));
            }
        }
        for (String line : HostCommand.run(List.of("ip", "-o", "link", "show")).split("\n")) {
            String[] fields = line.split(":\\s+");
            if (fields.length > 1) {
                String link = fields[1].split("@")[0];
                if (link.matches("cinet\\d+")) {
                    HostCommand.succeeds(List.of("ip", "link", "del", link));
                }
            }
        }
        HostCommand.succeeds(List.of("ip", "link", "del", BRIDGE));
    }
}
