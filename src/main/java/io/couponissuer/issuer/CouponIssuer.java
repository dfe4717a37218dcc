package io.couponissuer.issuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.ops.HealthCheck;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/** The issuer role: the topology running in Kafka Streams, its health and its queryable stores. */
public final class CouponIssuer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CouponIssuer.class);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final KafkaStreamsMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public CouponIssuer(Settings settings, MeterRegistry registry) {
        this.streams = new KafkaStreams(CouponTopology.build(), IssuerStreamsConfig.from(settings));
        this.self = new HostInfo(settings.get(Setting.COUPON_ISSUER_ADVERTISED_HOST),
                settings.getInt(Setting.COUPON_ISSUER_HTTP_PORT));
        streams.setStateListener((now, before) -> LOG.info("Issuer streams {} -> {}", before, now));
        // A thread that dies on an unexpected error is replaced; its tasks restart from the last commit.
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Issuer stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public HealthCheck health() {
        return () -> streams.state() == KafkaStreams.State.RUNNING
                ? HealthCheck.Status.ready("issuer")
                : HealthCheck.Status.notReady("issuer", "streams state is " + streams.state());
    }

    public LocalIssuerQueries queries() {
        return new LocalIssuerQueries(streams, self,
                host -> new RemoteIssuerQueries(http, URI.create("http://" + host.host() + ":" + host.port() + "/"), true));
    }

    @Override
    public void close() {
        metrics.close();
        streams.close(Duration.ofSeconds(30));
    }
}
