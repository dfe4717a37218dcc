package io.couponissuer.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The shape of a record on {@code coupon.failed}: the original key and value untouched, the
 * original headers, and headers that say what failed where. The error header names are those of
 * Kafka Streams' own dead-letter queue (KIP-1034), so tools that know them read ours too.
 */
public final class FailedRecords {
    public static final String STAGE = "coupon.stage";
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";

    public static final String STAGE_ISSUER = "issuer";
    public static final String STAGE_WRITER = "writer";

    private static final int MAX_STACKTRACE_CHARS = 8 * 1024;

    private FailedRecords() {
    }

    /** Where the failed record came from. */
    public record Source(String topic, int partition, long offset, Long timestamp, Headers headers) {
    }

    public static ProducerRecord<byte[], byte[]> build(String stage, Source source, byte[] key, byte[] value,
                                                      Throwable error) {
        ProducerRecord<byte[], byte[]> failed = new ProducerRecord<>(Topics.FAILED.name(), null, source.timestamp(), key, value);
        if (source.headers() != null) {
            for (Header header : source.headers()) {
                if (!header.key().startsWith("__streams.errors.") && !header.key().equals(STAGE)) {
                    failed.headers().add(header);
                }
            }
        }
        add(failed.headers(), STAGE, stage);
        add(failed.headers(), EXCEPTION, error.getClass().getName());
        add(failed.headers(), MESSAGE, String.valueOf(error.getMessage()));
        add(failed.headers(), STACKTRACE, stackTrace(error));
        add(failed.headers(), TOPIC, source.topic());
        add(failed.headers(), PARTITION, String.valueOf(source.partition()));
        add(failed.headers(), OFFSET, String.valueOf(source.offset()));
        return failed;
    }

    /** The value of a header as text, or null. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_STACKTRACE_CHARS ? text : text.substring(0, MAX_STACKTRACE_CHARS) + "...";
    }
}
