package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.ops.HealthCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The issuer's watch over the transactions it depends on. Every {@code COUPON_HANGING_TXN_CHECK_MS}
 * it looks for hanging transactions on the system's topics, the issuer's changelogs and its
 * offsets partition ({@link HangingTransactionFinder}), aborts the provably aborted ones when
 * and commits the ones whose COMMIT marker Kafka lost, when {@code COUPON_HANGING_TXN_REPAIR=auto}
 * ({@link HangingTransactionRepair}), and reports the rest in
 * readiness and metrics with the reason and the remedy. It runs from the start, before the issuer's
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
        } catch (RuntimeException e) {
            scanError = e.getMessage();
            LOG.warn("Hanging-transaction scan failed: {}", e.toString());
        }
    }

    /** Not ready while a confirmed hanging transaction blocks a partition, with the reason and the remedy. */
    public HealthCheck health() {
        return () -> {
            List<String> problems = latest.stream().filter(HangingTransaction::confirmed)
                    .map(h -> h.describe(clock.instant(), bootstrapServers)).toList();
            return problems.isEmpty()
                    ? HealthCheck.Status.ready("transactions")
                    : HealthCheck.Status.notReady("transactions", String.join("; ", problems));
        };
    }

    /** Why the last scan failed, or null. */
    public String scanError() {
        return scanError;
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
