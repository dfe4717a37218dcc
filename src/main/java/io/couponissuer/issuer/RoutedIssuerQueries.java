package io.couponissuer.issuer;

import io.couponissuer.message.Decision;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventUserKey;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Interactive queries routed to the instance that owns the event: answered from this instance's
 * stores when it is the owner, else forwarded over HTTP to the owner (its {@code application.server}).
 * Every store is partitioned like the apply topic, by eventId, so the eventId finds the owner.
 */
public final class RoutedIssuerQueries implements IssuerQueries {
    private final KafkaStreams streams;
    private final HostInfo self;
    private final DecisionFeed feed;
    /** The instance that owns an event elsewhere; null in the local-only view, which never forwards. */
    private final Function<HostInfo, IssuerQueries> remoteInstances;

    public RoutedIssuerQueries(KafkaStreams streams, HostInfo self, DecisionFeed feed,
                              Function<HostInfo, IssuerQueries> remoteInstances) {
        this.streams = streams;
        this.feed = feed;
        this.self = self;
        this.remoteInstances = remoteInstances;
    }

    /**
     * The same questions answered from this instance's stores only, for a question another instance
     * forwarded: if ownership moved meanwhile, it says so (unavailable, try again) instead of
     * forwarding once more.
     */
    public IssuerQueries localOnly() {
        return new RoutedIssuerQueries(streams, self, feed, null);
    }

    private boolean forwards() {
        return remoteInstances != null;
    }

    private IssuerQueries forwardTo(KeyQueryMetadata metadata, String eventId) {
        if (!forwards()) {
            throw new UnavailableException("event " + eventId + " is not owned by this instance (ownership moved)",
                    null);
        }
        return remoteInstances.apply(metadata.activeHost());
    }

    @Override
    public Optional<StandingDecision> standingDecision(String eventId, String userId) {
        KeyQueryMetadata owner = ownerOf(eventId);
        if (!owner.activeHost().equals(self)) {
            return forwardTo(owner, eventId).standingDecision(eventId, userId);
        }
        return read(IssuerStores.DECISIONS, () -> Optional.ofNullable(
                        this.<StandingDecision>store(IssuerStores.DECISIONS, owner.partition()).get(EventUserKey.of(eventId, userId)))
                .filter(StandingDecision::stands));
    }

    @Override
    public Optional<EventStatus> event(String eventId) {
        KeyQueryMetadata owner = ownerOf(eventId);
        if (!owner.activeHost().equals(self)) {
            return forwardTo(owner, eventId).event(eventId);
        }
        return read(IssuerStores.EVENT_DEFINITIONS, () -> localEvent(eventId, owner.partition()));
    }

    @Override
    public CompletableFuture<Optional<Decision>> awaitDecision(String eventId, String userId, String requestId, int waitMs) {
        if (!forwards()) {
            // Forwarded here because this instance owned the event then; if it no longer does, the
            // decision may still come (a replay) or the wait runs out: never forwarded again.
            return localDecision(requestId, waitMs);
        }
        KeyQueryMetadata owner;
        try {
            // The partition the application's key falls on; a spread event's decision may be made there (stage 1).
            owner = ownerOf(userId == null ? eventId : EventUserKey.of(eventId, userId));
        } catch (UnavailableException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (!owner.activeHost().equals(self)) {
            return forwardTo(owner, eventId).awaitDecision(eventId, userId, requestId, waitMs);
        }
        return localDecision(requestId, waitMs);
    }

    /** Waits on this instance's feed; forgets the waiter when the wait runs out or is cancelled. */
    private CompletableFuture<Optional<Decision>> localDecision(String requestId, int waitMs) {
        CompletableFuture<Optional<Decision>> decision = feed.await(requestId).thenApply(Optional::of)
                .completeOnTimeout(Optional.empty(), waitMs, TimeUnit.MILLISECONDS);
        decision.whenComplete((found, error) -> {
            if (found == null || found.isEmpty()) {
                feed.forget(requestId);
            }
        });
        return decision;
    }

    /**
     * This instance's events plus those of every other instance of the application (asked with
     * {@code local=true}). Instances without a store endpoint (no application.server) are skipped.
     */
    @Override
    public List<EventStatus> events() {
        List<EventStatus> all = new ArrayList<>(localEvents());
        if (forwards()) {
            all.addAll(otherInstancesEvents());
        }
        all.sort(Comparator.comparing(EventStatus::eventId));
        return all;
    }

    private List<EventStatus> otherInstancesEvents() {
        Collection<StreamsMetadata> instances;
        try {
            instances = streams.metadataForAllStreamsClients();
        } catch (RuntimeException e) {
            throw new UnavailableException("issuer metadata unavailable: " + e.getMessage(), e);
        }
        List<EventStatus> events = new ArrayList<>();
        for (StreamsMetadata instance : instances) {
            HostInfo host = instance.hostInfo();
            if (!host.equals(self) && !host.equals(HostInfo.unavailable()) && host.port() > 0) {
                events.addAll(remoteInstances.apply(host).events());
            }
        }
        return events;
    }

    /** Every event in the partitions this instance owns (its active tasks' stores). */
    private List<EventStatus> localEvents() {
        return read(IssuerStores.EVENT_DEFINITIONS, () -> {
            List<EventStatus> events = new ArrayList<>();
            ReadOnlyKeyValueStore<String, Long> counts = allLocal(IssuerStores.ISSUED_COUNTS);
            try (KeyValueIterator<String, EventDefinition> definitions =
                         this.<EventDefinition>allLocal(IssuerStores.EVENT_DEFINITIONS).all()) {
                definitions.forEachRemaining(entry -> {
                    Long issued = counts.get(entry.key);
                    events.add(EventStatus.of(entry.value, issued == null ? 0 : issued));
                });
            }
            return events;
        });
    }

    private Optional<EventStatus> localEvent(String eventId, int partition) {
        EventDefinition definition = this.<EventDefinition>store(IssuerStores.EVENT_DEFINITIONS, partition).get(eventId);
        if (definition == null) {
            return Optional.empty();
        }
        Long issued = this.<Long>store(IssuerStores.ISSUED_COUNTS, partition).get(eventId);
        return Optional.of(EventStatus.of(definition, issued == null ? 0 : issued));
    }

    /**
     * Who owns the partition a key of coupon.apply-requests falls on: an eventId (the event's own
     * partition, where every store of the event is) or an {@link EventUserKey} (a spread event's
     * stage-1 partition of that user). Every store is partitioned like the topic, so any store's
     * metadata finds it.
     */
    private KeyQueryMetadata ownerOf(String key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(IssuerStores.DECISIONS, key, Serdes.String().serializer());
        } catch (RuntimeException e) {
            throw new UnavailableException("issuer metadata unavailable: " + e.getMessage(), e);
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new UnavailableException("issuer is rebalancing or starting (state " + streams.state() + ")", null);
        }
        return metadata;
    }

    /**
     * Every read of the stores goes through here. Kafka Streams refuses a store in any state the system
     * passes through on its own (starting, PARTITIONS_ASSIGNED, rebalancing, restoring, a store that
     * migrated): the handle throws when taken, and also later, on get or all. Each of them is an
     * InvalidStateStoreException, and each means "try again shortly", never an error of the caller.
     */
    private static <T> T read(String store, Supplier<T> reading) {
        try {
            return reading.get();
        } catch (InvalidStateStoreException e) {
            throw new UnavailableException("store " + store + " is not queryable now: " + e.getMessage(), e);
        }
    }

    /** Only inside {@link #read}: the handle's reads can fail as its taking can. */
    private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
                .withPartition(partition));
    }

    /** The store over all partitions this instance owns; only inside {@link #read}. */
    private <V> ReadOnlyKeyValueStore<String, V> allLocal(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}
