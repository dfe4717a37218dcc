package io.couponissuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.query.InstanceSecret;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A separate gateway or issuer cannot guess the secret the others hold: it refuses to start without one. */
class InstanceSecretSettingTest {
    private static final Settings NO_SECRET = Settings.from(Map.of()).with(Setting.COUPON_ADMIN_TOKEN, "t");

    @Test
    void aSeparateGatewayOrIssuerWithoutTheSecretRefusesToStart() {
        for (CouponSystem.Role role : EnumSet.of(CouponSystem.Role.GATEWAY, CouponSystem.Role.ISSUER)) {
            assertThatThrownBy(() -> CouponSystem.start(NO_SECRET, EnumSet.of(role)).close())
                    .as("%s alone", role).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("COUPON_INSTANCE_SECRET must be set for a separate " + role.name().toLowerCase());
        }
    }

    @Test
    void theSecretIsComparedWhole() {
        InstanceSecret secret = InstanceSecret.of("s3cret");
        assertThat(secret.admits("s3cret")).isTrue();
        assertThat(secret.admits("s3cre")).isFalse();
        assertThat(secret.admits("s3cretx")).isFalse();
        assertThat(secret.admits("")).isFalse();
        assertThat(secret.admits(null)).isFalse();
        assertThat(secret.toString()).doesNotContain("s3cret");
        assertThat(InstanceSecret.random()).hasSize(64).isNotEqualTo(InstanceSecret.random());
    }
}
