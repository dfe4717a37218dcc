package io.couponissuer.ops.lag;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.ops.transactions.HangingTransactionFinder;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Consumer lag of the issuer's and the writer's groups, per partition: committed offset, end offset
 * (last stable offset), lag in records and seconds, and a status ({@link LagRules}).
 *
 * <p>Without {@code --watch} it samples every {@code --interval} until the samples span more than
 * {@code --window} (so every status, STOP included, can be decided), prints once and exits: 0 when
 * every group is better than {@code --fail-on}, 1 when a group's status is {@code --fail-on} or
 * worse (a script gate). With {@code --watch} it redraws in place until stopped.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = "Consumer lag of the issuer and the writer; exit 1 when a group's status is --fail-on or worse.")
public final class LagCommand implements Callable<Integer> {
    private static final String CLEAR = "\033[H\033[2J";

    @Option(names = "--watch", description = "Redraw every --interval until stopped (Ctrl-C).")
    boolean watch;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--window", paramLabel = "DURATION",
            description = "Sliding window of the status rules, e.g. PT10S or 10s (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class, defaultValue = "10s")
    Duration window;

    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between samples (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class, defaultValue = "1s")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long to wait for Kafka's answers before a group is ERR (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class, defaultValue = "5s")
    Duration timeout;

    @Option(names = "--fail-on", paramLabel = "STATUS",
            description = "Exit 1 when a group's status is this or worse: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "STALL")
    LagStatus failOn;

    @Spec
    CommandSpec spec;

    private final Settings settings;
    private final Clock clock;

    public LagCommand() {
        this(Settings.fromEnvironment(), Clock.systemUTC());
    }

    public LagCommand(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // A hanging transaction is confirmed when a later sample (at least --interval later) still shows it.
        try (LagMonitor monitor = new LagMonitor(MonitoredGroup.of(settings), new OffsetsReader(settings, clock, timeout),
                window, HangingTransactionFinder.forSystem(Admin.create(ClientConfigs.admin(settings)), settings, interval,
                clock), settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS), clock, new SpreadEventPartitions(settings))) {
            if (watch) {
                while (!Thread.currentThread().isInterrupted()) {
                    LagReport report = monitor.sample();
                    out.print(CLEAR);
                    print(report, out);
                    Thread.sleep(interval.toMillis());
                }
                return 0;
            }
            LagReport first = monitor.sample();
            LagReport report = first;
            while (Duration.between(first.at(), report.at()).compareTo(window) <= 0) {
                Thread.sleep(interval.toMillis());
                report = monitor.sample();
            }
            print(report, out);
            return report.worst().atLeast(failOn) ? 1 : 0;
        }
    }

    private void print(LagReport report, PrintWriter out) throws Exception {
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(report));
            out.flush();
        } else {
            LagTable.print(report, out);
        }
    }

    /** Accepts ISO-8601 (PT10S) and the short forms 500ms, 10s, 2m. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException("not a duration: " + value + " (use e.g. 500ms, 10s, 2m, PT10S)");
            };
        }
    }
}
