package io.couponissuer.writer;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The writer's start: migrates the schema, retrying with back-off while PostgreSQL is down or
 * refuses, so a writer started before its database waits for it instead of dying.
 */
final class RetryingSchemaMigration {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingSchemaMigration.class);

    private final SchemaMigrator migrator;
    private final String jdbcUrl;
    private final Backoff backoff;
    private final Counter retries;

    RetryingSchemaMigration(SchemaMigrator migrator, WriterConfig config, Counter retries) {
        this.migrator = migrator;
        this.jdbcUrl = config.jdbcUrl();
        this.backoff = new Backoff(config.retryInitial(), config.retryMax());
        this.retries = retries;
    }

    /**
     * Tries until the migration succeeds or {@code stopping} is counted down, telling
     * {@code onFailure} why each attempt failed.
     *
     * @return the schema version now in force; empty when the writer stopped first
     */
    Optional<String> migrate(CountDownLatch stopping, Consumer<String> onFailure) {
        while (stopping.getCount() > 0) {
            try {
                String version = migrator.migrate();
                LOG.info("PostgreSQL at {}: schema at version {}", jdbcUrl, version);
                return Optional.of(version);
            } catch (RuntimeException e) {
                Duration delay = backoff.next();
                String reason = "PostgreSQL at " + jdbcUrl + " is unreachable or refused the schema migration ("
                        + DatabaseErrors.describe(rootCause(e)) + ")";
                onFailure.accept(reason);
                retries.increment();
                LOG.warn("{}; the writer retries in {} ms", reason, delay.toMillis());
                try {
                    if (stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                        return Optional.empty();
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Flyway wraps the driver's error: the SQLException (or the innermost cause) says what went wrong. */
    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof SQLException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }
}
