package io.couponissuer.config;

/**
 * Every setting of every role: its environment variable, its default and what it is for. The
 * table in docs/settings.md is checked against this list by a test.
 */
public enum Setting {
    KAFKA_BOOTSTRAP_SERVERS("127.0.0.1:9092", "Kafka brokers to connect to"),
    KAFKA_CLIENT_PROPERTIES("", "a Kafka client properties file with how every client of the process proves who it is "
            + "(security.protocol, sasl.*, ssl.*; nothing else); empty: PLAINTEXT (docs/security.md#kafkas-own-security)"),
    COUPON_TOPIC_PARTITIONS("6", "partitions of each topic when the system creates them"),
    COUPON_REPLICATION_FACTOR("1", "replication of topics, changelogs and (dev broker) internal topics"),
    COUPON_MIN_INSYNC_REPLICAS("1", "min.insync.replicas of the topics the system creates"),

    COUPON_HTTP_HOST("127.0.0.1", "address every HTTP server of the process listens on (0.0.0.0 in containers)"),
    COUPON_HTTP_PORT("8080", "gateway HTTP port: the public API and /health"),
    COUPON_MANAGEMENT_PORT("", "gateway port for /ops, /api/ops/summary and /metrics, kept off the public API port; "
            + "empty: served on COUPON_HTTP_PORT too"),
    COUPON_ADMIN_TOKEN("", "bearer token for POST /api/events; `dev` generates and prints one when empty, "
            + "the gateway refuses to start without one"),
    COUPON_IDENTITY_MODE("trusted-upstream", "who names the user of an application: trusted-upstream: the body's userId, "
            + "vouched for by an authenticating proxy the gateway cannot be reached around; jwt: the verified bearer token's "
            + "user claim (docs/security.md#identity)"),
    COUPON_JWT_JWKS_URL("", "jwt: the token issuer's JWKS URL (keys cached 5 min, fetched again for an unknown kid, "
            + "at most twice per 30 s); this or COUPON_JWT_JWKS_FILE"),
    COUPON_JWT_JWKS_FILE("", "jwt: a JWKS JSON file with the token issuer's public keys, read at start-up; this or COUPON_JWT_JWKS_URL"),
    COUPON_JWT_ISSUER("", "jwt: the iss every token must carry (required in jwt mode)"),
    COUPON_JWT_AUDIENCE("", "jwt: the aud every token must name (required in jwt mode)"),
    COUPON_JWT_USER_CLAIM("sub", "jwt: the claim holding the userId; it must be a valid id"),
    COUPON_JWT_CLOCK_SKEW_S("30", "jwt: seconds of clock difference allowed on exp and nbf (0 to 300)"),
    COUPON_GATEWAY_SEND_TIMEOUT_MS("3000", "how long the gateway waits for the broker to take a record before it answers 503"),
    COUPON_RECORD_KEYS("", "keys of the authenticator on the records only gateways and issuers write (id=secret,...; the first signs, all verify; secrets of 32+ characters); "
            + "the same on every gateway and issuer; empty: `dev`/`all` keep one in COUPON_STATE_DIR/record-keys, a separate gateway or issuer refuses to start"),
    COUPON_GATEWAY_DEFINE_TIMEOUT_MS("10000", "how long POST /api/events waits for an issuer to take a definition before it answers 503 definition_pending (it still takes effect)"),
    COUPON_GATEWAY_LINGER_MS("1", "gateway producer linger.ms: batching against per-request latency"),
    COUPON_INSTANCE_SECRET("", "secret gateways and issuers send each other on the issuers' /internal routes (header "
            + "X-Coupon-Instance-Secret); `dev` and `all` generate one when empty, a separate gateway or issuer refuses to start without one"),
    COUPON_ISSUER_HTTP_HOST("127.0.0.1", "address the issuer's store port (COUPON_ISSUER_HTTP_PORT) listens on; 0.0.0.0 only "
            + "where gateways and other issuers reach it over a private network"),
    COUPON_GATEWAY_CLIENT_RATE("20", "requests per second each client may make, sustained, on the public application routes "
            + "(apply, a user's status, an event); over it 429 with Retry-After; 0: no limit"),
    COUPON_GATEWAY_CLIENT_BURST("40", "requests a client may make at once before COUPON_GATEWAY_CLIENT_RATE applies (its bucket's size)"),
    COUPON_GATEWAY_CLIENTS_TRACKED("100000", "most clients whose rate the gateway keeps track of (the least recently seen are "
            + "forgotten first, and a client idle long enough to have a full bucket again)"),
    COUPON_GATEWAY_TRUSTED_PROXIES("", "comma-separated addresses of proxies whose X-Forwarded-For names the client; "
            + "empty: the client is the connection's source address"),
    COUPON_GATEWAY_THROTTLE_HOLD_MS("1000", "how long a 429 of COUPON_GATEWAY_CLIENT_RATE is held back before it is sent "
            + "(the request waits on no thread), so a client that resends at once gets at most its connections' worth per hold; 0: at once"),
    COUPON_GATEWAY_MAX_THROTTLE_HOLDS("2000", "most 429s a gateway holds back at once (COUPON_GATEWAY_THROTTLE_HOLD_MS); beyond it a 429 is sent at once"),
    COUPON_GATEWAY_MAX_WAITS("2000", "most ?waitMs waits a gateway holds at once; an application beyond it is answered "
            + "202 PENDING at once, without waiting"),
    COUPON_GATEWAY_BATCH_MS("2", "how long a gateway gathers the applications of one event that arrive together into one "
            + "ApplyBatch record, so the issuer pays its per-record cost once per batch; 0: one record per application"),
    COUPON_GATEWAY_BATCH_MAX("256", "most applications in one such record (1 to 256); a full one is sent at once"),
    COUPON_GATEWAY_EDGE_ANSWERS("true", "answer at the gateway what committed records already prove (a holder's DUPLICATE, "
            + "SOLD_OUT, NOT_OPEN, CLOSED; docs/architecture.md#answers-at-the-edge); false: every application goes to the issuer"),
    COUPON_GATEWAY_EDGE_HOLDERS_PER_EVENT("100000", "most coupon holders of one event a gateway keeps for the answers at the edge; "
            + "an event with more is decided by the issuer only"),
    COUPON_GATEWAY_EDGE_HOLDERS("500000", "most coupon holders a gateway keeps over all events for the answers at the edge; "
            + "events past it are decided by the issuer only"),
    COUPON_GATEWAY_EDGE_UNSENT("20000", "most rejections decided at the edge waiting to be written to coupon.rejected; "
            + "while it is full, applications go to the issuer"),

    COUPON_KAFKA_USERS_FILE("", "kafka-setup: properties file with each role's SCRAM-SHA-512 password (gateway=..., issuer=..., "
            + "writer=..., ops=...); `kafka-secrets` writes one (docs/security.md#kafkas-own-security)"),

    COUPON_APPLICATION_ID("coupon-issuer", "Kafka Streams application.id (consumer group and changelog prefix)"),
    COUPON_STATE_DIR("data/streams", "directory of the issuer's RocksDB stores"),
    COUPON_STREAM_THREADS("1", "stream threads per issuer instance"),
    COUPON_STANDBY_REPLICAS("0", "standby replicas of each store (1 on a real cluster: fast takeover)"),
    COUPON_COMMIT_INTERVAL_MS("100", "how often the issuer commits its transaction: decisions become visible then"),
    COUPON_ISSUER_POLL_MS("100", "longest the issuer's stream thread blocks in poll when no record came: a commit waits for it (docs/benchmarks.md#what-bounds-the-numbers)"),
    COUPON_ISSUER_BATCH_BYTES("1048576", "issuer producer batch.size: bigger batches cost the broker and the issuer less CPU "
            + "per decision; keep it at most the brokers' message.max.bytes; buffer.memory is 64 times it (at least 32 MiB)"),
    COUPON_SESSION_TIMEOUT_MS("10000", "consumer session timeout: how soon a hard-killed instance's partitions move"),
    COUPON_INSTANCE_ID("", "static group membership id of this issuer instance (empty: dynamic membership)"),
    COUPON_HANGING_TXN_CHECK_MS("2000", "how often the issuer looks for hanging transactions on its topics, changelogs and "
            + "offsets; one counts as hanging when it is still there a look later (docs/operations.md#hanging-transactions)"),
    COUPON_HANGING_TXN_REPAIR("auto", "auto: the issuer writes a hanging transaction's missing marker where __transaction_state "
            + "proves which: ABORT when it aborted, COMMIT when it committed with that partition in it; report: only report it"),
    COUPON_ISSUER_HTTP_PORT("8081", "port on which an issuer serves its state stores to gateways (0: none)"),
    COUPON_ISSUER_ADVERTISED_HOST("127.0.0.1", "host name other instances use to reach this issuer's store port"),
    COUPON_ISSUER_URL("http://127.0.0.1:8081", "issuer store URLs (comma-separated, tried in order) a separate gateway asks for decisions and counts"),

    COUPON_JDBC_URL("jdbc:postgresql://127.0.0.1:5432/postgres", "PostgreSQL the writer stores coupons in (and the gateway lists winners from)"),
    COUPON_JDBC_USER("postgres", "PostgreSQL user"),
    COUPON_JDBC_PASSWORD("", "PostgreSQL password"),
    COUPON_WRITER_HTTP_PORT("8082", "port of the writer's health and metrics server when the writer runs without the gateway"),
    COUPON_WRITER_GROUP_ID("coupon-writer", "consumer group of the writer"),
    COUPON_WRITER_BATCH_SIZE("500", "most coupons the writer inserts in one database transaction"),
    COUPON_WRITER_RETRY_MAX_MS("10000", "longest back-off between the writer's retries of a failing database"),
    COUPON_WRITER_RETRY_INITIAL_MS("100", "first back-off of the writer after a database failure; doubles up to COUPON_WRITER_RETRY_MAX_MS"),
    COUPON_JDBC_TIMEOUT_MS("5000", "how long the writer waits for a database connection before it counts the attempt as failed and backs off"),

    COUPON_LAG_INTERVAL_MS("2000", "how often the gateway samples consumer lag and event counts for /metrics and /ops"),
    COUPON_LAG_WINDOW_MS("30000", "sliding window of the lag status rules in the gateway (docs/operations.md#lag)"),
    COUPON_EVENT_METRICS_RETENTION_MS("86400000", "how long an ended event (window closed, or sold out) keeps its coupon_event_* series in /metrics"),

    COUPON_BROKER_DIR("data/kafka", "data directory of the embedded broker (`dev`, `broker`)"),
    COUPON_BROKER_PORT("9092", "port of the embedded broker"),
    COUPON_BROKER_CONTROLLER_PORT("9093", "KRaft controller port of the embedded broker"),

    COUPON_CLUSTER_DIR("data/cluster", "`cluster`: where the local production shape keeps its volumes (broker logs, issuer state) and process logs"),
    COUPON_CLUSTER_BASE_PORT("29100", "`cluster`: first local port handed to the services' container ports (0: free ports); the gateway keeps the port docker-compose.yml publishes"),
    COUPON_CLUSTER_JVM_OPTS("-Xmx512m", "`cluster`: JVM options of each process, after the Dockerfile's"),

    // Read by log4j2.xml (${env:...}), not by code: listed so that they have a default and a line in docs/settings.md too.
    COUPON_LOG_LEVEL("INFO", "log level of coupon-issuer's own loggers"),
    COUPON_KAFKA_LOG_LEVEL("WARN", "log level of Kafka's client, Streams and broker loggers (INFO shows rebalances, restores, fencing, transaction timeouts)");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
