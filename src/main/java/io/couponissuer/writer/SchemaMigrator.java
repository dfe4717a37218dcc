package io.couponissuer.writer;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/** Brings the writer's schema to the newest version in {@code db/migration} (Flyway, versioned, idempotent). */
public final class SchemaMigrator {
    private final DataSource dataSource;

    public SchemaMigrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Applies pending migrations; returns the schema version now in force. */
    public String migrate() {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // Several writers may start at once: Flyway takes an advisory lock, so only one migrates.
                .load()
                .migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    }
}
