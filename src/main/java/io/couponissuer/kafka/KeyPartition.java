package io.couponissuer.kafka;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * The partition a keyed record lands on by the producers' default partitioner (murmur2 of the key's
 * bytes, as Kafka's BuiltInPartitioner), which the gateway, the issuer's sinks and the interactive
 * queries all use: an event's partition for its eventId, a spread event's user's for eventId/userId.
 */
public final class KeyPartition {
    private KeyPartition() {
    }

    public static int of(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
