package io.couponissuer.testing;

import io.micrometer.core.instrument.MeterRegistry;

/** What a writer reports through the registry it was given. */
public final class WriterMeters {
    private WriterMeters() {
    }

    /** The writer's {@code coupon.writer.db.connected} gauge: whether its last database interaction succeeded. */
    public static boolean databaseConnected(MeterRegistry registry) {
        return registry.get("coupon.writer.db.connected").gauge().value() == 1;
    }
}
