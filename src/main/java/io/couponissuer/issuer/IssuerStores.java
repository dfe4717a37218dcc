package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.Claimant;
import io.couponissuer.issuer.spread.GateState;
import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The issuer's RocksDB stores, each with a changelog: three of every event's own partition, two of
 * the stage-1 partitions of spread events. Their names are part of the contract:
 * they name the changelog topics ({@code <application.id>-<store>-changelog}) and the stores the
 * gateway queries.
 */
public final class IssuerStores {
    /** eventId -> the current {@link EventDefinition}. */
    public static final String EVENT_DEFINITIONS = "event-definitions";
    /** eventId -> coupons issued so far (the last seq). Never reset. */
    public static final String ISSUED_COUNTS = "issued-counts";
    /** "eventId/userId" -> the user's standing {@link StandingDecision}. */
    public static final String DECISIONS = "decisions";
    /**
     * Stage 1 of spread events, per partition: eventId -> the {@link GateState} this partition has.
     * Every partition keeps its own under the same key, so it is never queried by key across instances.
     */
    public static final String SPREAD_GATES = "spread-gates";
    /**
     * Stage 1 of spread events, per partition: "eventId/userId" -> the {@link Claimant}: claims of the
     * user still in flight to the counter, and its coupon once issued. Only such users are kept: at
     * most the coupons issued plus the claims in flight.
     */
    public static final String SPREAD_CLAIMANTS = "spread-claimants";

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

    public static StoreBuilder<KeyValueStore<String, GateState>> spreadGates() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SPREAD_GATES),
                Serdes.String(), new JsonSerde<>(GateState.class)).withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Claimant>> spreadClaimants() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SPREAD_CLAIMANTS),
                Serdes.String(), new JsonSerde<>(Claimant.class)).withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, StandingDecision>> decisions() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DECISIONS),
                Serdes.String(), new JsonSerde<>(StandingDecision.class)).withCachingEnabled();
    }
}
