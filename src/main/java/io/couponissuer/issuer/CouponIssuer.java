package io.couponissuer.issuer;

import io.couponissuer.config.Setting;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.query.AnswerFeed;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.query.InstanceSecret;
import io.couponissuer.query.RemoteIssuerQueries;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The issuer role: the topology running in Kafka Streams, its health and its queryable stores. */
public final class CouponIssuer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CouponIssuer.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

    private final KafkaStreamsMetrics metrics;
    private final ScheduledExecutorService metricsRefresh;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final RestoreProgress restores = new RestoreProgress(Clock.systemUTC());
    private final DecisionFeed feed = new DecisionFeed();

    private final InstanceSecret secret;

    /** @param secret what this instance presents to another instance's store routes when it forwards a question */
    public CouponIssuer(Settings settings, MeterRegistry registry, InstanceSecret secret) {
        this.secret = secret;
        UncheckpointedTasks.wipe(settings.getPath(Setting.COUPON_STATE_DIR).toAbsolutePath(),
                settings.get(Setting.COUPON_APPLICATION_ID));
        this.streams = new KafkaStreams(CouponTopology.build(registry, feed,
                        RecordAuthenticator.parse(settings.get(Setting.COUPON_RECORD_KEYS))),
                IssuerStreamsConfig.from(settings));
        this.self = new HostInfo(settings.get(Setting.COUPON_ISSUER_ADVERTISED_HOST),
                settings.getInt(Setting.COUPON_ISSUER_HTTP_PORT));
        streams.setStateListener((now, before) -> LOG.info("Issuer streams {} -> {}", before, now));
        streams.setGlobalStateRestoreListener(restores);
        // A thread that dies on an unexpected error is replaced; its tasks restart from the last commit.
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Issuer stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        // Task and processor-node metrics (process rate per task, record-e2e-latency) appear only once
        // tasks are assigned, after binding; the binder looks for new metrics every 10 s, not 60.
        this.metricsRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "issuer-metrics-refresh");
            thread.setDaemon(true);
            return thread;
        });
        this.metrics = new KafkaStreamsMetrics(streams, Tags.empty(), metricsRefresh, METRICS_REFRESH);
        metrics.bindTo(registry);
        Gauge.builder("coupon.issuer.answer.waits", feed, DecisionFeed::waiting)
                .description("waits for an answer this instance holds (?waitMs of a gateway in this process, or a long poll of another instance)").register(registry);
        Gauge.builder("coupon.issuer.answer.streams", feed, DecisionFeed::streams)
                .description("gateways this instance streams its answers to (one stream each)").register(registry);
        Gauge.builder("coupon.issuer.restoring.partitions", restores, RestoreProgress::partitions)
                .description("changelog partitions the issuer is restoring its stores from (it decides nothing on their tasks meanwhile)")
                .register(registry);
        Gauge.builder("coupon.issuer.restore.remaining.records", restores, RestoreProgress::remainingRecords)
                .description("changelog records still to restore, over the restores in progress").register(registry);
        // One series per state, 1 for the current one: alerts can say "not RUNNING for 1 minute".
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder("coupon.issuer.streams.state", streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the issuer's current Kafka Streams state").tag("state", state.name())
                    .register(registry);
        }
    }

    public void start() {
        streams.start();
    }

    /** Ready when Kafka Streams runs; otherwise its state and each store it is restoring, with its progress. */
    public HealthCheck health() {
        return () -> {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return HealthCheck.Result.ready("issuer");
            }
            String restoring = restores.describe();
            return HealthCheck.Result.notReady("issuer", "streams state is " + state
                    + (restoring.isEmpty() ? "" : "; " + restoring));
        };
    }

    /** The decisions on awaited applications, streamed to the gateways of their own that subscribe. */
    public AnswerFeed answers() {
        return feed;
    }

    public RoutedIssuerQueries queries() {
        return new RoutedIssuerQueries(streams, self, feed,
                host -> new RemoteIssuerQueries(http, URI.create("http://" + host.host() + ":" + host.port() + "/"), true,
                        secret));
    }

    @Override
    public void close() {
        metrics.close();
        metricsRefresh.shutdownNow();
        streams.close(Duration.ofSeconds(30));
        feed.close();
    }
}
