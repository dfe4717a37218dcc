package io.couponissuer.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The log levels are read by log4j2.xml, not by code: its fallbacks must be the settings' defaults. */
class LoggingSettingsTest {
    @Test
    void log4jConfigurationFallsBackToTheDocumentedDefaults() throws Exception {
        String config = Files.readString(Path.of("src/main/resources/log4j2.xml"));
        for (Setting setting : new Setting[] {Setting.COUPON_LOG_LEVEL, Setting.COUPON_KAFKA_LOG_LEVEL}) {
            assertThat(config).as(setting.name()).contains("${env:" + setting.name() + ":-" + setting.defaultValue() + "}");
        }
    }
}
