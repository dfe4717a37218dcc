package io.couponissuer.issuer.spread;

import io.couponissuer.kafka.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The stores of stage 1 ({@link SpreadGate}), on every partition, each with a changelog. Their names
 * are part of the contract, like the issuer's other stores': they name the changelog topics.
 */
public final class SpreadStores {
    /**
     * eventId -> the {@link ClaimWindow} this partition has. Every partition keeps its own under the
     * same key, so it is never queried by key across instances.
     */
    public static final String SPREAD_GATES = "spread-gates";
    /**
     * "eventId/userId" -> the {@link Claimant}: claims of the user still in flight to the counter, and
     * its coupon once issued. Only such users are kept: at most the coupons issued plus the claims in
     * flight.
     */
    public static final String SPREAD_CLAIMANTS = "spread-claimants";

    private SpreadStores() {
    }

    public static StoreBuilder<KeyValueStore<String, ClaimWindow>> windows() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SPREAD_GATES),
                Serdes.String(), new JsonSerde<>(ClaimWindow.class)).withCachingEnabled();
    }

    public static StoreBuilder<KeyValueStore<String, Claimant>> claimants() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SPREAD_CLAIMANTS),
                Serdes.String(), new JsonSerde<>(Claimant.class)).withCachingEnabled();
    }
}
