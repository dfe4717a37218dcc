package io.couponissuer.health;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code /health/ready} answers: only the role this port serves gates it (200 or 503). Other
 * roles of the same process ({@code dev}, {@code all}) are listed with their checks but do not gate,
 * so a load balancer does not take the API out of rotation because the writer lost its database.
 */
public record Readiness(RoleChecks gating, List<RoleChecks> alongside) {
    private static final String READY = "READY";
    private static final String NOT_READY = "NOT_READY";

    public Readiness {
        alongside = List.copyOf(alongside);
    }

    public static Readiness of(RoleChecks gating) {
        return new Readiness(gating, List.of());
    }

    /**
     * Asks each check once, even when several roles need it (Kafka), so that all roles see the same
     * answer; a check the gating role shares is marked gating.
     */
    public Report report() {
        Map<HealthCheck, HealthCheck.Result> asked = new IdentityHashMap<>();
        Map<String, Check> checks = new LinkedHashMap<>();
        List<String> degraded = new ArrayList<>();
        boolean ready = false;
        for (RoleChecks role : Stream.concat(Stream.of(gating), alongside.stream()).toList()) {
            boolean gates = role == gating;
            boolean roleReady = true;
            for (HealthCheck check : role.checks()) {
                HealthCheck.Result status = asked.computeIfAbsent(check, HealthCheck::check);
                roleReady &= status.ready();
                checks.putIfAbsent(status.component(), new Check(status.ready(), status.reason(), gates));
            }
            if (!roleReady) {
                degraded.add(role.role());
            }
            if (gates) {
                ready = roleReady;
            }
        }
        return new Report(ready ? READY : NOT_READY, gating.role(), degraded, checks);
    }

    /** The JSON body: {@code status} and {@code checks.<component>.ready/.reason} as before, plus who gates. */
    public record Report(String status, String role, List<String> degraded, Map<String, Check> checks) {
        public boolean ready() {
            return READY.equals(status);
        }

        /** What a stranger may know: ready or not, and the first gating component that is not. */
        public Summary summary() {
            String component = ready() ? null : checks.entrySet().stream()
                    .filter(check -> check.getValue().gating() && !check.getValue().ready())
                    .map(Map.Entry::getKey).findFirst().orElse(role);
            return new Summary(status, component);
        }
    }

    /** The public body of {@code /health/ready}: no reasons (they name hosts, URLs and remedies). */
    public record Summary(String status, String component) {
    }

    public record Check(boolean ready, String reason, boolean gating) {
    }
}
