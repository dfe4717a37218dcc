package io.couponissuer.issuer;

import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.Decision;
import io.couponissuer.message.EventDefinition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The issuer's three RocksDB stores, each with a changelog. Their names are part of the contract:
 * they name the changelog topics ({@code <application.id>-<store>-changelog}) and the stores the
 * gateway queries.
 */
public final class IssuerStores {
    /** eventId -> the current {@link EventDefinition}. */
    public static final String EVENT_DEFINITIONS = "event-definitions";
    /** eventId -> coupons issued so far (the last seq). Never reset. */
    public static final String ISSUED_COUNTS = "issued-counts";
    /** "eventId/userId" -> the user's standing {@link Decision}. */
    public static final String DECISIONS = "decisions";

    private IssuerStores() {
    }

    public static StoreBuilder<KeyValueStore<String, EventDefinition>> eventDefinitions() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_DEFINITIONS),
                Serdes.String(), Topics.EVENTS.valueSerde()).withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Long>> issuedCounts() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ISSUED_COUNTS),
                Serdes.String(), Serdes.Long()).withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Decision>> decisions() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DECISIONS),
                Serdes.String(), new JsonSerde<>(Decision.class)).withCachingEnabled();
    }
}
