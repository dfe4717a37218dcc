package io.couponissuer.writer;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class WriterDatabaseErrorsTest {
    @Test
    void onlyDataAndIntegrityErrorsRefuseTheRow() {
        assertThat(DatabaseErrors.refusesData(new SQLException("check", "23514"))).isTrue();
        assertThat(DatabaseErrors.refusesData(new SQLException("too long", "22001"))).isTrue();
        // Connection, shutdown, resources, serialization, deadlock, missing table: retry, never drop.
        for (String state : new String[] {"08006", "08001", "57P01", "57P03", "53300", "40001", "40P01", "42P01"}) {
            assertThat(DatabaseErrors.refusesData(new SQLException("x", state))).as(state).isFalse();
        }
        assertThat(DatabaseErrors.refusesData(new SQLException("no state"))).isFalse();
    }
}
