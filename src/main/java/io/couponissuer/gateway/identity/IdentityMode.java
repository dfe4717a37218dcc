package io.couponissuer.gateway.identity;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Who says which user an application is for (COUPON_IDENTITY_MODE). */
public enum IdentityMode {
    /** The body's userId, set and vouched for by an authenticating proxy in front of the gateway. */
    TRUSTED_UPSTREAM("trusted-upstream"),
    /** The subject of a signed JWT the gateway verifies itself on every application request. */
    JWT("jwt");

    private final String settingValue;

    IdentityMode(String settingValue) {
        this.settingValue = settingValue;
    }

    public String settingValue() {
        return settingValue;
    }

    public static IdentityMode of(String settingValue) {
        for (IdentityMode mode : values()) {
            if (mode.settingValue.equalsIgnoreCase(settingValue.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("COUPON_IDENTITY_MODE must be one of "
                + Arrays.stream(values()).map(IdentityMode::settingValue).collect(Collectors.joining(", "))
                + ", was '" + settingValue + "'");
    }
}
