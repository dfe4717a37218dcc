package io.couponissuer.issuer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries, keyed by eventId, the least recently used out first. The
 * processors keep recent events' values here as objects in front of their stores (definitions, counts,
 * claim windows): a hot event is read on every request, and a store read costs a cache lookup and a
 * JSON parse each time. The stores stay the truth (every write goes to them too); this is only ever as
 * new as what the task itself wrote.
 */
final class LruMap<V> extends LinkedHashMap<String, V> {
    private final int capacity;

    LruMap(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
    }
}
