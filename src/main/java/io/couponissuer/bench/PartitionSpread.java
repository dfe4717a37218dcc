package io.couponissuer.bench;

import io.couponissuer.kafka.KeyPartition;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which apply-topic partition each event lands on, by the producers' default key hashing (murmur2). */
final class PartitionSpread {
    private PartitionSpread() {
    }

    static Map<Integer, Integer> of(List<String> eventIds, int partitions) {
        Map<Integer, Integer> spread = new TreeMap<>();
        for (String eventId : eventIds) {
            spread.merge(KeyPartition.of(eventId, partitions), 1, Integer::sum);
        }
        return spread;
    }
}
