package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The repository against a real PostgreSQL: idempotent inserts, refusals isolated, schema versioned. */
class CouponRepositoryIT {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456789Z");

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static HikariDataSource dataSource;
    private static CouponRepository repository;

    @BeforeAll
    static void migrate() throws SQLException {
        dataSource = CouponDataSource.create(database.settings(), "test");
        assertThat(new SchemaMigrator(dataSource).migrate()).isEqualTo("1");
        repository = new CouponRepository(dataSource);
    }

    @AfterAll
    static void closePool() {
        dataSource.close();
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        database.execute("TRUNCATE coupon");
    }

    static CouponIssued coupon(String event, long seq, String user) {
        return new CouponIssued(CouponIssued.couponIdOf(event, seq), event, user, "req-" + event + "-" + user, seq,
                T0.plusSeconds(seq));
    }

    @Test
    void insertsABatchAndStoresEveryField() throws SQLException {
        List<CouponIssued> coupons = IntStream.rangeClosed(1, 100).mapToObj(i -> coupon("e1", i, "u" + i)).toList();

        WriteResult result = repository.write(coupons);

        assertThat(result).isEqualTo(new WriteResult(100, 0, List.of()));
        assertThat(database.count("SELECT count(*) FROM coupon")).isEqualTo(100);
        CouponIssued stored = repository.find("e1-7").orElseThrow();
        assertThat(stored.userId()).isEqualTo("u7");
        assertThat(stored.requestId()).isEqualTo("req-e1-u7");
        assertThat(stored.issuedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:07.123456Z"));
        assertThat(database.count("SELECT count(*) FROM coupon WHERE persisted_at IS NULL")).isZero();
    }

    @Test
    void reDeliveryOfTheSameCouponsAddsNothing() throws SQLException {
        List<CouponIssued> coupons = List.of(coupon("e1", 1, "a"), coupon("e1", 2, "b"));
        repository.write(coupons);

        // Same coupons again, plus one new one and a copy inside the batch itself.
        List<CouponIssued> again = new ArrayList<>(coupons);
        again.add(coupon("e1", 3, "c"));
        again.add(coupon("e1", 3, "c"));
        WriteResult result = repository.write(again);

        assertThat(result).isEqualTo(new WriteResult(1, 3, List.of()));
        assertThat(database.strings("SELECT coupon_id FROM coupon ORDER BY seq")).containsExactly("e1-1", "e1-2", "e1-3");
    }

    @Test
    void conflictingCouponsAreRefusedWithTheReasonAndTheRestLands() throws SQLException {
        repository.write(List.of(coupon("e1", 1, "alice")));

        List<CouponIssued> batch = List.of(
                coupon("e1", 2, "bob"),
                coupon("e1", 3, "alice"),                                        // same (event, user), other seq
                new CouponIssued("e1-1", "e1", "carol", "req-x", 1, T0),          // same id and seq, other user
                coupon("e1", 4, "dave"));
        WriteResult result = repository.write(batch);

        assertThat(result.inserted()).isEqualTo(2);
        assertThat(result.alreadyPresent()).isZero();
        assertThat(result.refused()).extracting(WriteResult.Refused::index).containsExactly(1, 2);
        assertThat(result.refused().get(0).reason()).isInstanceOf(CouponRefusedException.class)
                .hasMessageContaining("coupon e1-3").hasMessageContaining("stored coupon e1-1")
                .hasMessageContaining("(event_id, user_id)");
        assertThat(result.refused().get(1).reason()).hasMessageContaining("coupon_id")
                .hasMessageContaining("(event_id, seq)");
        assertThat(database.strings("SELECT user_id FROM coupon ORDER BY seq")).containsExactly("alice", "bob", "dave");
    }

    @Test
    void sameIdWithOtherContentIsRefusedNotTakenForARedelivery() throws SQLException {
        repository.write(List.of(coupon("e1", 1, "alice")));
        CouponIssued changed = new CouponIssued("e1-1", "e1", "alice", "another-request", 1, T0.plusSeconds(1));

        WriteResult result = repository.write(List.of(changed));

        assertThat(result.inserted()).isZero();
        assertThat(result.alreadyPresent()).isZero();
        assertThat(result.refused()).hasSize(1);
    }

    @Test
    void aRowTheDatabaseRejectsWithAnErrorIsIsolatedRowByRow() throws SQLException {
        // A constraint the database enforces with an error (not a skipped conflict): the batch
        // statement fails as a whole, the fallback finds the one bad row.
        database.execute("ALTER TABLE coupon ADD CONSTRAINT no_banned CHECK (user_id <> 'banned')");
        try {
            List<CouponIssued> batch = List.of(coupon("e2", 1, "a"), coupon("e2", 2, "banned"), coupon("e2", 3, "c"));

            WriteResult result = repository.write(batch);

            assertThat(result.inserted()).isEqualTo(2);
            assertThat(result.refused()).singleElement().satisfies(refused -> {
                assertThat(refused.index()).isEqualTo(1);
                assertThat(refused.reason()).isInstanceOf(SQLException.class).hasMessageContaining("no_banned");
                assertThat(((SQLException) refused.reason()).getSQLState()).isEqualTo("23514");
            });
            assertThat(database.strings("SELECT user_id FROM coupon ORDER BY seq")).containsExactly("a", "c");
        } finally {
            database.execute("ALTER TABLE coupon DROP CONSTRAINT no_banned");
        }
    }

    @Test
    void previewRollsBack() throws SQLException {
        WriteResult result = repository.preview(List.of(coupon("e3", 1, "a")));

        assertThat(result.inserted()).isEqualTo(1);
        assertThat(database.count("SELECT count(*) FROM coupon")).isZero();
    }

    @Test
    void migrationIsVersionedAndRunsOnce() {
        assertThat(new SchemaMigrator(dataSource).migrate()).isEqualTo("1");
        assertThat(new SchemaMigrator(dataSource).migrate()).isEqualTo("1");
    }

    @Test
    void batchInsertThroughput() throws SQLException {
        int rows = 50_000;
        int batchSize = 500;
        long start = System.nanoTime();
        for (int from = 1; from <= rows; from += batchSize) {
            int first = from;
            repository.write(IntStream.range(first, first + batchSize).mapToObj(i -> coupon("load", i, "u" + i)).toList());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("writer batch insert: %d rows in batches of %d in %.2f s = %.0f rows/s%n",
                rows, batchSize, seconds, rows / seconds);
        assertThat(database.count("SELECT count(*) FROM coupon WHERE event_id = 'load'")).isEqualTo(rows);
    }
}
