package io.couponissuer.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.db.CouponDataSource;
import io.couponissuer.writer.SchemaMigrator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on the real PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres), created
 * from the {@code postgres} database and dropped on close, so test classes never see each other's rows.
 * Either {@link #create()} and close it yourself, or let JUnit do both for a test class:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final TestDatabase database = TestDatabase.perClass();   // or .perClass().withSchema()
 * </pre>
 */
public final class TestDatabase implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    public static final int PORT = 5432;
    public static final String HOST_PORT = "127.0.0.1:" + PORT;
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String ADMIN_URL = "jdbc:postgresql://" + HOST_PORT + "/postgres";
    private static final String USER = "postgres";

    /** Set by {@link #create()}, or before the first test of the class for {@link #perClass()}. */
    private String name;
    private boolean withSchema;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() throws SQLException {
        return new TestDatabase(createDatabase());
    }

    /** For {@code @RegisterExtension}: created before the class's first test, dropped after its last. */
    public static TestDatabase perClass() {
        return new TestDatabase(null);
    }

    /** The writer's schema is migrated at creation, so the table exists before the first count. */
    public TestDatabase withSchema() {
        this.withSchema = true;
        return this;
    }

    private static String createDatabase() throws SQLException {
        String name = "coupon_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, "");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        if (name != null) {
            return; // a @Nested class shares its outer class's database
        }
        name = createDatabase();
        if (withSchema) {
            try (HikariDataSource dataSource = CouponDataSource.create(settings(), "it-setup")) {
                new SchemaMigrator(dataSource).migrate();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (context.getTestClass().filter(c -> c.isAnnotationPresent(Nested.class)).isEmpty()) {
            close();
        }
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return jdbcUrl(HOST_PORT);
    }

    /** The URL of this database through another address, e.g. a {@link TcpProxy}. */
    public String jdbcUrl(String hostPort) {
        return "jdbc:postgresql://" + hostPort + "/" + name;
    }

    /** Settings pointing the writer at this database. */
    public Settings settings() {
        return Settings.from(Map.of(Setting.COUPON_JDBC_URL.name(), jdbcUrl(), Setting.COUPON_JDBC_USER.name(), USER));
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** Runs one statement (DDL or DML) in auto-commit. */
    public void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * The count a query returns; 0 while the table does not exist yet (the writer creates it
     * asynchronously at start, and tests poll for rows from the moment they start it).
     */
    public long count(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /** {@link #count} for polling lambdas, which cannot throw checked exceptions. */
    public long rows(String sql) {
        try {
            return count(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    @Override
    public void close() throws SQLException {
        if (name == null) {
            return; // a per-class database whose class never started
        }
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, "");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
