package io.couponissuer.kafka;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What a gateway may know of the events without asking an issuer, as the issuer committed it (read
 * committed, from the beginning): the definitions in effect on {@code coupon.events} and the coupons
 * on {@code coupon.issued}, per event a {@link CommittedEvent}.
 *
 * <p>{@link #caughtUp(String)} is a read barrier: it completes once this reader has read everything
 * that was committed on the event's partitions of both topics when it was called. The issuer keys both
 * by eventId, so those partitions hold every record of the event (a definition found on another
 * partition is skipped: no barrier would wait for it). An event still missing then was not defined
 * when the question was asked, and since the gateway answers a definition's 201 only once the
 * definition is committed here ({@link #taken}), no application that follows a successful creation
 * can be told the event does not exist (invariant 6). The answers at the edge other than a holder's
 * DUPLICATE are given only after a barrier asked once the application arrived. A thread of its own
 * serves the barriers with a consumer of its own, so a round costs one end-offsets request for the
 * partitions asked about, answered at once (on the reader's connection it would wait behind the
 * reader's fetch); barriers asked for while one round is served share the next one.
 *
 * <p>Its size: the definitions, as many as events (only admins define events), and the holders it
 * keeps, at most {@code perEvent} of one event and {@code total} in all; an event over either is
 * left to the issuer.
 */
public final class CommittedEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedEvents.class);
    private static final Duration POLL = Duration.ofMillis(5);
    /**
     * Rounds start at most this often: under a flood a round is one end-offsets request to the broker
     * for every barrier asked meanwhile, not one per application.
     */
    private static final long ROUND_EVERY_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final Map<String, CommittedEvent> events = new ConcurrentHashMap<>();
    private final int holdersPerEvent;
    private final long holdersInAll;
    /** Holders kept over all events (reader thread only). */
    private long kept;
    /** Definitions sent by this gateway, waiting to be seen committed. */
    private final Map<String, List<Awaited>> awaited = new ConcurrentHashMap<>();
    /** Barriers asked for since the last round took them; its lock also guards {@link #read}'s updates. */
    private final List<Barrier> asked = new ArrayList<>();
    /** The barrier thread's consumer: end offsets only, on a connection of its own. */
    private final KafkaConsumer<String, byte[]> ends;
    private final Thread barrierThread;
    /** The reader's positions after it applied what it polled: everything before them is in {@link #events}. */
    private volatile Map<TopicPartition, Long> read = Map.of();
    private List<TopicPartition> partitions = List.of();
    private int eventsPartitions;
    private int issuedPartitions;
    /** Written under {@link #asked}'s lock, so no barrier is added after the reader stopped. */
    private volatile boolean running = true;
    /** Written under {@link #asked}'s lock too: a barrier asked before the start cannot be served. */
    private volatile boolean started;

    private record Awaited(EventDefinition sent, CompletableFuture<EventDefinition> taken) {
    }

    /** A barrier on an event's partition of coupon.events and of coupon.issued. */
    private record Barrier(TopicPartition events, TopicPartition issued, CompletableFuture<Void> reached) {
    }


    /** Keeps holders up to COUPON_GATEWAY_EDGE_HOLDERS_PER_EVENT of one event and COUPON_GATEWAY_EDGE_HOLDERS in all. */
    public CommittedEvents(Settings settings, String clientId) {
        this.holdersPerEvent = settings.getInt(Setting.COUPON_GATEWAY_EDGE_HOLDERS_PER_EVENT);
        this.holdersInAll = settings.getInt(Setting.COUPON_GATEWAY_EDGE_HOLDERS);
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, clientId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A fetch returns as soon as there is data; this bounds an idle reader's fetch, so that a stop
        // and the loop's position updates do not wait the default 500 ms.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.ends = new KafkaConsumer<>(ClientConfigs.readCommittedConsumer(settings, null, clientId + "-barriers"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, clientId);
        thread.setDaemon(true);
        this.barrierThread = new Thread(this::serveBarriers, clientId + "-barriers");
        barrierThread.setDaemon(true);
    }

    /** Assigns every partition of coupon.events and coupon.issued from its beginning and starts reading. */
    public CommittedEvents start() {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(Topics.EVENTS.name(), Topics.ISSUED.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> all.add(new TopicPartition(info.topic(), info.partition())));
        }
        partitions = List.copyOf(all);
        eventsPartitions = (int) all.stream().filter(partition -> partition.topic().equals(Topics.EVENTS.name())).count();
        issuedPartitions = all.size() - eventsPartitions;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        synchronized (asked) {
            started = true;
        }
        thread.start();
        barrierThread.start();
        return this;
    }

    /** The definition in effect as far as this reader has read; empty if it has not read one. */
    public Optional<EventDefinition> get(String eventId) {
        CommittedEvent event = events.get(eventId);
        return event == null ? Optional.empty() : event.definition();
    }

    /** What this reader has read of an event, if anything. */
    public Optional<CommittedEvent> event(String eventId) {
        return Optional.ofNullable(events.get(eventId));
    }

    /**
     * Completes once everything committed on the event's partitions of coupon.events and coupon.issued
     * at the time of this call has been read.
     */
    public CompletableFuture<Void> caughtUp(String eventId) {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        synchronized (asked) {
            if (!running || !started) {
                reached.completeExceptionally(new IllegalStateException("the reader of " + Topics.EVENTS.name() + " stopped"));
            } else {
                asked.add(new Barrier(new TopicPartition(Topics.EVENTS.name(), KeyPartition.of(eventId, eventsPartitions)),
                        new TopicPartition(Topics.ISSUED.name(), KeyPartition.of(eventId, issuedPartitions)), reached));
                asked.notifyAll();
            }
        }
        return reached;
    }

    /**
     * Completes with the definition in effect once a definition of {@code sent}'s event with its cap and
     * window is read committed (the issuer took it; the spread flag is the event's first one).
     */
    public CompletableFuture<EventDefinition> taken(EventDefinition sent) {
        CompletableFuture<EventDefinition> taken = new CompletableFuture<>();
        awaited.computeIfAbsent(sent.eventId(), id -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new Awaited(sent, taken));
        get(sent.eventId()).filter(current -> sameTerms(sent, current))
                .ifPresent(current -> complete(sent.eventId(), current));
        taken.whenComplete((definition, error) -> forget(sent.eventId(), taken));
        return taken;
    }

    private void forget(String eventId, CompletableFuture<EventDefinition> taken) {
        awaited.computeIfPresent(eventId, (id, list) -> {
            list.removeIf(waiting -> waiting.taken() == taken);
            return list.isEmpty() ? null : list;
        });
    }

    private static boolean sameTerms(EventDefinition sent, EventDefinition read) {
        return sent.withSpread(read.isSpread()).equals(read);
    }

    private void complete(String eventId, EventDefinition read) {
        List<Awaited> waiting = awaited.get(eventId);
        if (waiting != null) {
            for (Awaited each : waiting) {
                if (sameTerms(each.sent(), read)) {
                    each.taken().complete(read);
                }
            }
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        read(record);
                    }
                } catch (WakeupException e) {
                    if (!running || !started) {
                        return;
                    }
                }
                Map<TopicPartition, Long> positions = new java.util.HashMap<>();
                for (TopicPartition partition : partitions) {
                    positions.put(partition, consumer.position(partition));
                }
                synchronized (asked) {
                    read = positions;
                    asked.notifyAll();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The reader of {} stopped; applications for events it does not know go to the issuer",
                    Topics.EVENTS.name(), e);
        } finally {
            synchronized (asked) {
                running = false;
                asked.notifyAll();
            }
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            if (record.topic().equals(Topics.ISSUED.name())) {
                if (leftToIssuer(record.key())) {
                    // Nothing in it could change an answer: not parsed. A record keyed with another event
                    // than its own (only the issuer writes here) would at worst leave its event to the issuer too.
                    return;
                }
                CouponIssued coupon = Topics.ISSUED.read(record);
                boolean keep = kept < holdersInAll && eventOf(coupon.eventId()).keepsFewerThan(holdersPerEvent);
                kept += eventOf(coupon.eventId()).issued(coupon, keep);
            } else {
                EventDefinition definition = Topics.EVENTS.read(record);
                if (record.partition() != KeyPartition.of(definition.eventId(), eventsPartitions)) {
                    LOG.warn("Definition of {} at {}-{}@{} skipped: not on its event's partition", definition.eventId(),
                            record.topic(), record.partition(), record.offset());
                    return;
                }
                eventOf(definition.eventId()).defined(definition, issuedCount(record));
                complete(definition.eventId(), definition);
            }
        } catch (RuntimeException e) {
            LOG.warn("Unreadable record at {}-{}@{} skipped: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /** Coupons are keyed by their event: one already left to the issuer keeps nothing more of them. */
    private boolean leftToIssuer(String eventId) {
        CommittedEvent event = eventId == null ? null : events.get(eventId);
        return event != null && event.leftToIssuer();
    }

    private CommittedEvent eventOf(String eventId) {
        return events.computeIfAbsent(eventId, CommittedEvent::new);
    }

    /** The count the issuer wrote on a definition record (Topics.ISSUED_COUNT_HEADER); -1 if none. */
    private static long issuedCount(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(Topics.ISSUED_COUNT_HEADER);
        if (header == null || header.value() == null || header.value().length > 19) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Rounds, one after another: take every barrier asked so far, ask for the end offsets (read_committed:
     * the last stable offsets, what is committed now), and complete the barriers once the reader's
     * positions reach them.
     */
    private void serveBarriers() {
        try {
            long lastRound = System.nanoTime() - ROUND_EVERY_NANOS;
            while (true) {
                long wait = lastRound + ROUND_EVERY_NANOS - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                List<Barrier> barriers;
                synchronized (asked) {
                    while (running && asked.isEmpty()) {
                        asked.wait();
                    }
                    if (!running) {
                        return;
                    }
                    barriers = new ArrayList<>(asked);
                    asked.clear();
                }
                lastRound = System.nanoTime();
                Set<TopicPartition> askedAbout = new HashSet<>();
                barriers.forEach(barrier -> {
                    askedAbout.add(barrier.events());
                    askedAbout.add(barrier.issued());
                });
                Map<TopicPartition, Long> committed;
                try {
                    committed = ends.endOffsets(askedAbout, END_OFFSETS_TIMEOUT);
                } catch (RuntimeException e) {
                    barriers.forEach(barrier -> barrier.reached().completeExceptionally(e));
                    continue;
                }
                synchronized (asked) {
                    while (running && !reached(committed)) {
                        asked.wait();
                    }
                }
                if (!running) {
                    fail(barriers);
                    return;
                }
                barriers.forEach(barrier -> barrier.reached().complete(null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (asked) {
                fail(asked);
                asked.clear();
            }
            ends.close(Duration.ofSeconds(2));
        }
    }

    private boolean reached(Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> positions = read;
        for (Map.Entry<TopicPartition, Long> end : committed.entrySet()) {
            if (positions.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void fail(List<Barrier> barriers) {
        IllegalStateException stopped = new IllegalStateException("the reader of " + Topics.EVENTS.name() + " stopped");
        barriers.forEach(barrier -> barrier.reached().completeExceptionally(stopped));
    }

    @Override
    public void close() {
        synchronized (asked) {
            running = false;
            asked.notifyAll();
        }
        if (!started) {
            consumer.close(Duration.ZERO);
            ends.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        ends.wakeup();
        try {
            thread.join(5_000);
            barrierThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
