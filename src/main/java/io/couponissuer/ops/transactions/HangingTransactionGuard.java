package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The issuer's watch over the transactions it depends on. Every {@code COUPON_HANGING_TXN_CHECK_MS}
 * it looks for hanging transactions on the system's topics, the issuer's changelogs and its
 * offsets partition ({@link HangingTransactionFinder}); with {@code COUPON_HANGING_TXN_REPAIR=auto}
 * it writes the missing marker where the transaction log proves which one
 * ({@link HangingTransactionRepair}), and it reports the rest in readiness and metrics with the
 * reason and the remedy. It runs from the start, before the issuer's
 * restore, so a hanging changelog transaction left by a whole-machine crash is found while the
 * restore waits on it.
 */
public final class HangingTransactionGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionGuard.class);

    private final Admin admin;
    private final HangingTransactionFinder finder;
    private final HangingTransactionRepair repair;
    private final boolean autoRepair;
    private final Duration interval;
    private final String bootstrapServers;
    private final Clock clock;
    private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "hanging-transaction-guard");
        thread.setDaemon(true);
        return thread;
    });
    private volatile List<HangingTransaction> latest = List.of();
    private volatile String scanError;
    private volatile Instant scanFailingSince;
    private final Counter scanFailures;
    /** What the issuer reads: a hanging transaction there stops it deciding. */
    private final Set<String> issuerReads;

    public HangingTransactionGuard(Settings settings, MeterRegistry registry, Clock clock) {
        this.bootstrapServers = settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS);
        this.interval = Duration.ofMillis(settings.getInt(Setting.COUPON_HANGING_TXN_CHECK_MS));
        this.autoRepair = repairMode(settings);
        this.clock = clock;
        var adminConfig = ClientConfigs.admin(settings);
        adminConfig.put("client.id", "coupon-transaction-guard");
        this.admin = Admin.create(adminConfig);
        this.finder = HangingTransactionFinder.forSystem(admin, settings, interval, clock);
        this.repair = new HangingTransactionRepair(admin, adminConfig, bootstrapServers, Duration.ofSeconds(10), clock,
                registry);
        this.issuerReads = Set.copyOf(Topics.issuerReads(settings.get(Setting.COUPON_APPLICATION_ID)));
        this.scanFailures = Counter.builder("coupon.hanging.transaction.scan.failures")
                .description("looks for hanging transactions that failed (Kafka unreachable, missing permissions)")
                .register(registry);
        Gauge.builder("coupon.hanging.transactions", this, g -> g.latest.stream().filter(HangingTransaction::confirmed).count())
                .description("confirmed hanging transactions on the partitions the issuer writes or restores from")
                .register(registry);
    }

    private static boolean repairMode(Settings settings) {
        String mode = settings.get(Setting.COUPON_HANGING_TXN_REPAIR).trim();
        return switch (mode) {
            case "auto" -> true;
            case "report" -> false;
            default -> throw new IllegalArgumentException("COUPON_HANGING_TXN_REPAIR must be auto or report, not '" + mode + "'");
        };
    }

    public HangingTransactionGuard start() {
        scanner.scheduleWithFixedDelay(this::scanSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The latest scan's hanging transactions (confirmed or not). */
    public List<HangingTransaction> latest() {
        return latest;
    }

    /** This guard's looks, for the gateway's sampler in the same process: no second scanner. */
    public HangingTransactions view() {
        return () -> {
            if (scanError != null) {
                throw new IllegalStateException(scanError);
            }
            return latest;
        };
    }

    /** Scans once now (the scanner thread, or a test). */
    synchronized void scan() {
        List<HangingTransaction> found = finder.scan();
        if (autoRepair && !repair.repair(found).isEmpty()) {
            found = finder.scan(); // show what is left at once
        } else if (!autoRepair) {
            found.stream().filter(HangingTransaction::confirmed).forEach(h ->
                    LOG.debug("COUPON_HANGING_TXN_REPAIR=report: {}", h.describe(clock.instant(), bootstrapServers)));
        }
        latest = found;
        scanError = null;
    }

    private void scanSafely() {
        try {
            scan();
            scanFailingSince = null;
        } catch (RuntimeException e) {
            scanError = e.getMessage();
            if (scanFailingSince == null) {
                scanFailingSince = clock.instant();
            }
            scanFailures.increment();
            LOG.warn("Hanging-transaction scan failed: {}", e.toString());
        }
    }

    /**
     * Not ready while a confirmed hanging transaction stops the issuer itself (its input, its
     * changelogs, its offsets); one on an output (coupon.issued stops the writer) is named in the
     * reason while the issuer stays ready to decide. A guard that cannot look says so, and since when.
     */
    public HealthCheck health() {
        return () -> {
            List<HangingTransaction> confirmed = latest.stream().filter(HangingTransaction::confirmed).toList();
            List<String> problems = new ArrayList<>(confirmed.stream()
                    .map(h -> h.describe(clock.instant(), bootstrapServers)).toList());
            if (scanError != null) {
                problems.add("cannot look for hanging transactions since " + scanFailingSince + ": " + scanError);
            }
            boolean stopsTheIssuer = confirmed.stream().anyMatch(h -> issuerReads.contains(h.topic()));
            if (problems.isEmpty()) {
                return HealthCheck.Result.ready("transactions");
            }
            return new HealthCheck.Result("transactions", !stopsTheIssuer, String.join("; ", problems));
        };
    }

    @Override
    public void close() {
        scanner.shutdownNow();
        try {
            scanner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finder.close(); // closes the admin client
    }
}
