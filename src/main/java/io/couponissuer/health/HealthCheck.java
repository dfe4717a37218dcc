package io.couponissuer.health;

/** One part's readiness, with the reason when it is not ready. */
@FunctionalInterface
public interface HealthCheck {
    Result check();

    record Result(String component, boolean ready, String reason) {
        public static Result ready(String component) {
            return new Result(component, true, "ok");
        }

        public static Result notReady(String component, String reason) {
            return new Result(component, false, reason);
        }
    }
}
