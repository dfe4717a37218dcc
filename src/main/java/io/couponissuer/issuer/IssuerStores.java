package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadStores;
import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.StandingDecision;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The decider's RocksDB stores, each with a changelog, on every event's own partition (the stage-1
 * partitions of spread events have two more, {@link SpreadStores}). Their names are part of the
 * contract: they name the changelog topics ({@code <application.id>-<store>-changelog}) and the stores
 * the gateway queries.
 */
public final class IssuerStores {
    /** eventId -> the current {@link EventDefinition}. */
    public static final String EVENT_DEFINITIONS = "event-definitions";
    /** eventId -> coupons issued so far (the last seq). Never reset. */
    public static final String ISSUED_COUNTS = "issued-counts";
    /** "eventId/userId" ({@link io.couponissuer.message.EventUserKey}) -> the user's {@link StandingDecision}. */
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

    public static StoreBuilder<KeyValueStore<String, StandingDecision>> decisions() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DECISIONS),
                Serdes.String(), new JsonSerde<>(StandingDecision.class)).withCachingEnabled();
    }
}
