package io.couponissuer.health;

/** One part's readiness, with the reason when it is not ready. */
@FunctionalInterface
public interface HealthCheck {
    Status check();

    record Status(String component, boolean ready, String reason) {
        public static Status ready(String component) {
            return new Status(component, true, "ok");
        }

        public static Status notReady(String component, String reason) {
            return new Status(component, false, reason);
        }
    }
}
