package io.couponissuer.health;

import java.util.List;

/** The checks one role (gateway, issuer, writer) needs to pass to do its own job. */
public record RoleChecks(String role, List<HealthCheck> checks) {
    public RoleChecks {
        checks = List.copyOf(checks);
    }
}
