package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TcpProxy;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.WriterMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static io.couponissuer.writer.IssuedCoupons.await;
import static io.couponissuer.writer.IssuedCoupons.coupons;
import static io.couponissuer.writer.IssuedCoupons.produce;
import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL cut off (through a proxy) while coupons keep coming: nothing lost, nothing doubled, membership kept. */
class WriterOutageIT {
    private static final String GROUP = "writer-outage";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    @RegisterExtension
    static final TcpProxy proxy = TcpProxy.perClass("127.0.0.1", 5432);


    @Test
    void anOutageLosesNothingDoublesNothingAndKeepsTheGroupMember() throws Exception {
        int sessionTimeoutMs = 6000;
        Settings settings = KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl(proxy.hostPort()))
                .with(Setting.COUPON_JDBC_TIMEOUT_MS, 1000)
                .with(Setting.COUPON_WRITER_GROUP_ID, GROUP)
                .with(Setting.COUPON_WRITER_BATCH_SIZE, 40)
                .with(Setting.COUPON_WRITER_RETRY_INITIAL_MS, 50)
                .with(Setting.COUPON_WRITER_RETRY_MAX_MS, 1000)
                .with(Setting.COUPON_SESSION_TIMEOUT_MS, sessionTimeoutMs);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CouponWriter writer = new CouponWriter(settings, CouponDataSource.create(settings, "it-outage"), registry)) {
            writer.start();
            produce(settings, coupons("out", 1, 100), true);
            await("first 100 rows", Duration.ofSeconds(60), () -> database.rows("SELECT count(*) FROM coupon") == 100);
            MemberDescription member = awaitValue(this::stableMember);

            proxy.cut();
            produce(settings, coupons("out", 101, 250), true);
            produce(settings, coupons("out2", 1, 50), true);
            await("the writer to notice", Duration.ofSeconds(30), () -> !WriterMeters.databaseConnected(registry));
            // Longer than the session timeout: a writer that stopped polling would be out of the group.
            Thread.sleep(sessionTimeoutMs + 2000);
            assertThat(writer.health().check().ready()).isFalse();
            assertThat(writer.health().check().reason()).contains(proxy.hostPort());
            assertThat(registry.get("coupon.writer.retries").counter().count()).isGreaterThanOrEqualTo(3);
            assertThat(awaitValue(this::stableMember).consumerId()).isEqualTo(member.consumerId());
            assertThat(member.assignment().topicPartitions()).hasSize(3);

            proxy.restore();
            await("all 300 rows", Duration.ofSeconds(60), () -> database.rows("SELECT count(*) FROM coupon") == 300);
            await("ready again", Duration.ofSeconds(10), () -> writer.health().check().ready());
            assertThat(awaitValue(this::stableMember).consumerId()).isEqualTo(member.consumerId());
        } finally {
            proxy.restore();
        }
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE event_id = 'out'")).isEqualTo(250);
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE event_id = 'out2'")).isEqualTo(50);
        assertThat(database.rows("SELECT count(DISTINCT coupon_id) FROM coupon")).isEqualTo(300);
        assertThat(registry.get("coupon.writer.rows").tag("result", "inserted").counter().count()).isEqualTo(300);
    }

    /** The group's only member once the group is stable. */
    private MemberDescription stableMember() throws Exception {
        try (Admin admin = KAFKA.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            if (group.groupState() != GroupState.STABLE || group.members().size() != 1) {
                return null;
            }
            return group.members().iterator().next();
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T awaitValue(Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        T value = probe.get();
        while (value == null) {
            assertThat(System.nanoTime() - deadline).as("waited for a stable group").isNegative();
            Thread.sleep(100);
            value = probe.get();
        }
        return value;
    }
}
