package io.couponissuer.bench;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which apply-topic partition each event lands on, by the producers' default key hashing (murmur2). */
final class PartitionSpread {
    private PartitionSpread() {
    }

    static Map<Integer, Integer> of(List<String> eventIds, int partitions) {
        Map<Integer, Integer> spread = new TreeMap<>();
        try (StringSerializer serializer = new StringSerializer()) {
            for (String eventId : eventIds) {
                int partition = Utils.toPositive(Utils.murmur2(serializer.serialize(null, eventId))) % partitions;
                spread.merge(partition, 1, Integer::sum);
            }
        }
        return spread;
    }
}
