package io.couponissuer.writer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;

import java.time.Duration;

/** What the writer's poll loop needs from the settings. */
public record WriterConfig(String groupId, int batchSize, Duration retryInitial,
                           Duration retryMax, String jdbcUrl) {
    public WriterConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("COUPON_WRITER_BATCH_SIZE must be 1 or more, was " + batchSize);
        }
    }

    public static WriterConfig from(Settings settings) {
        return new WriterConfig(settings.get(Setting.COUPON_WRITER_GROUP_ID),
                settings.getInt(Setting.COUPON_WRITER_BATCH_SIZE),
                Duration.ofMillis(settings.getInt(Setting.COUPON_WRITER_RETRY_INITIAL_MS)),
                Duration.ofMillis(settings.getInt(Setting.COUPON_WRITER_RETRY_MAX_MS)),
                settings.get(Setting.COUPON_JDBC_URL));
    }
}
