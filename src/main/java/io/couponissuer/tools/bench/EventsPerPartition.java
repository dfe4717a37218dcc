package io.couponissuer.tools.bench;

import io.couponissuer.kafka.KeyPartition;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How many of the run's events each apply-topic partition holds, by the producers' default key hashing (murmur2). */
final class EventsPerPartition {
    private EventsPerPartition() {
    }

    static Map<Integer, Integer> of(List<String> eventIds, int partitions) {
        Map<Integer, Integer> eventsPerPartition = new TreeMap<>();
        for (String eventId : eventIds) {
            eventsPerPartition.merge(KeyPartition.of(eventId, partitions), 1, Integer::sum);
        }
        return eventsPerPartition;
    }
}
