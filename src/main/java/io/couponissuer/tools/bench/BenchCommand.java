package io.couponissuer.tools.bench;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Drives load against a running system and prints one JSON object: rates, latency percentiles and
 * the exactness verdict. Exit code 0 when the run was exact, 2 when it was not.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load generator against a running system: throughput, latency percentiles and an exactness verdict, as JSON.")
public final class BenchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", defaultValue = "http",
            description = "http (through the gateway), direct (onto coupon.apply-requests), raw (1-partition broker "
                    + "ceiling), passthrough (raw plus one exactly-once Kafka Streams copy). Default: ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--events", defaultValue = "1", description = "events of the run (each on the partition its id hashes to). Default: ${DEFAULT-VALUE}")
    int events;

    @Option(names = "--users", description = "distinct users per event. Default: as many as --requests")
    Integer users;

    @Option(names = "--requests", defaultValue = "10000", description = "applications in all. Default: ${DEFAULT-VALUE}")
    int requests;

    @Option(names = "--repeats", defaultValue = "1", description = "most applications per user and event. Default: ${DEFAULT-VALUE}")
    int repeats;

    @Option(names = "--concurrency", defaultValue = "1000",
            description = "HTTP: clients in flight; direct/raw: unacknowledged sends. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--cap", defaultValue = "100", description = "coupons per event. Default: ${DEFAULT-VALUE}")
    int cap;

    @Option(names = "--batch", defaultValue = "1", description = "applications per record: direct sends ApplyBatch"
            + " records of one event; raw and passthrough send JSON arrays. Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--spread", description = "define the events spread over every partition of the apply topic"
            + " (direct and http modes). Default: not spread")
    boolean spread;

    @Option(names = "--gateway", description = "gateway base URL. Default: http://COUPON_HTTP_HOST:COUPON_HTTP_PORT")
    String gateway;

    @Option(names = "--admin-token", description = "bearer token for POST /api/events. Default: COUPON_ADMIN_TOKEN")
    String adminToken;

    @Option(names = "--bootstrap", description = "Kafka brokers. Default: KAFKA_BOOTSTRAP_SERVERS")
    String bootstrap;

    @Option(names = "--jdbc", description = "PostgreSQL of the coupon table. Default: COUPON_JDBC_URL")
    String jdbc;

    @Option(names = "--timeout", defaultValue = "60",
            description = "seconds to wait, after the last send, for decisions and table rows. Default: ${DEFAULT-VALUE}")
    int timeoutSeconds;

    @Option(names = "--wait-ms", defaultValue = "5000",
            description = "HTTP: ?waitMs of each application, 0 for a plain 202. Default: ${DEFAULT-VALUE}")
    int waitMs;

    @Option(names = "--http-client", defaultValue = "jetty", description = "HTTP: jetty or jdk. Default: ${DEFAULT-VALUE}")
    String httpClient;

    @Option(names = "--warmup", defaultValue = "0",
            description = "unreported runs of the same shape (fresh ids) before the measured one, in this JVM, so that "
                    + "neither side pays JIT compilation in the numbers. Default: ${DEFAULT-VALUE}")
    int warmups;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.fromEnvironment();
        if (bootstrap != null) {
            settings = settings.with(Setting.KAFKA_BOOTSTRAP_SERVERS, bootstrap);
        }
        String jdbcUrl = jdbc != null ? jdbc : settings.get(Setting.COUPON_JDBC_URL);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        BenchMode benchMode = BenchMode.valueOf(mode.toUpperCase(Locale.ROOT));
        if (batch < 1 || batch > io.couponissuer.message.ApplyBatch.MAX_APPLICATIONS || batch > 1 && benchMode == BenchMode.HTTP) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch must be from 1 to "
                    + io.couponissuer.message.ApplyBatch.MAX_APPLICATIONS + ", and more than 1 only with --mode raw,"
                    + " passthrough or direct");
        }
        for (int i = 1; i <= warmups; i++) {
            BenchReport warmup = runOnce(settings, jdbcUrl, timeout, benchMode);
            System.err.printf(Locale.ROOT, "warm-up %d/%d: %.1f decisions/s, exact %s%n", i, warmups,
                    warmup.decisionsPerSec(), warmup.verdict().exact());
            if (!warmup.verdict().exact()) {
                print(warmup); // an inexact run is a finding, warm-up or not
                return 2;
            }
        }
        BenchReport report = runOnce(settings, jdbcUrl, timeout, benchMode);
        print(report);
        return report.verdict().exact() ? 0 : 2;
    }

    private BenchReport runOnce(Settings settings, String jdbcUrl, Duration timeout, BenchMode benchMode) throws Exception {
        RunPlan plan = RunPlan.create(events, cap, users != null ? users : requests, requests, repeats, spread);
        return switch (benchMode) {
            case RAW -> new RawBench(settings, concurrency, timeout, false, batch).run(plan);
            case PASSTHROUGH -> new RawBench(settings, concurrency, timeout, true, batch).run(plan);
            case DIRECT -> new ApplicationBench(settings, jdbcUrl, timeout)
                    .run(benchMode, plan, new DirectLoad(settings, concurrency, batch), concurrency, null, null);
            case HTTP -> runHttp(settings, jdbcUrl, timeout, plan);
        };
    }

    private static void print(BenchReport report) throws Exception {
        System.out.println(Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }

    private BenchReport runHttp(Settings settings, String jdbcUrl, Duration timeout, RunPlan plan) throws Exception {
        URI base = URI.create(gateway != null ? gateway
                : "http://" + settings.get(Setting.COUPON_HTTP_HOST) + ":" + settings.get(Setting.COUPON_HTTP_PORT));
        String token = adminToken != null ? adminToken : settings.get(Setting.COUPON_ADMIN_TOKEN);
        // The client gives up a little after the gateway's own longest answer (the wait plus a send timeout).
        long requestTimeoutMs = waitMs + 15_000L;
        try (HttpTransport transport = HttpTransport.create(httpClient, concurrency, requestTimeoutMs)) {
            HttpLoad load = new HttpLoad(transport, base, token, concurrency, waitMs);
            return new ApplicationBench(settings, jdbcUrl, timeout)
                    .run(BenchMode.HTTP, plan, load, concurrency, httpClient, waitMs > 0 ? waitMs : null);
        }
    }
}
