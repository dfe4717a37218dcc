package io.couponissuer.gateway;

import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Which events are spread, so an application is keyed for its user's stage-1 partition from the
 * start. Never on the request's path: an event not known here yet is keyed by eventId, which is
 * always right (the event's partition sends an application of a spread event on to the user's
 * partition, one hop more), and is asked about in the background. An answer is kept for good, since
 * whether an event is spread is fixed by its first definition; an event the issuers do not know yet is
 * asked about again on a later application, at most once per {@link #RETRY_UNKNOWN_NANOS}.
 */
final class SpreadEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpreadEvents.class);
    static final long RETRY_UNKNOWN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Ids beyond this are not remembered (a flood of made-up event ids must not grow the heap). */
    private static final int MAX_REMEMBERED = 100_000;

    private final IssuerQueries queries;
    private final Map<String, Boolean> spread = new ConcurrentHashMap<>();
    private final Map<String, Long> unknownSince = new ConcurrentHashMap<>();
    private final Set<String> asking = ConcurrentHashMap.newKeySet();
    /** Two threads, a short queue: a question that finds them busy is dropped and asked again later. */
    private final ThreadPoolExecutor askers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1_000), runnable -> {
                Thread thread = new Thread(runnable, "spread-events");
                thread.setDaemon(true);
                return thread;
            });

    SpreadEvents(IssuerQueries queries) {
        this.queries = queries;
    }

    /** Whether to key this event's applications by user: true only once an issuer said it is spread. */
    boolean isSpread(String eventId) {
        Boolean known = spread.get(eventId);
        if (known != null) {
            return known;
        }
        Long since = unknownSince.get(eventId);
        if ((since == null || System.nanoTime() - since > RETRY_UNKNOWN_NANOS) && asking.add(eventId)) {
            try {
                askers.execute(() -> ask(eventId));
            } catch (RejectedExecutionException busy) {
                asking.remove(eventId);
            }
        }
        return false;
    }

    private void ask(String eventId) {
        try {
            var event = queries.event(eventId);
            if (event.isPresent()) {
                remember(spread, eventId, event.map(EventStatus::spread).get());
                unknownSince.remove(eventId);
            } else {
                remember(unknownSince, eventId, System.nanoTime());
            }
        } catch (RuntimeException e) {
            // Unavailable (rebalancing, owner unreachable): keyed by eventId meanwhile, asked again later.
            remember(unknownSince, eventId, System.nanoTime());
            log.debug("could not learn whether event {} is spread: {}", eventId, e.toString());
        } finally {
            asking.remove(eventId);
        }
    }

    private static <V> void remember(Map<String, V> map, String eventId, V value) {
        if (map.size() >= MAX_REMEMBERED) {
            map.clear();
        }
        map.put(eventId, value);
    }

    @Override
    public void close() {
        askers.shutdownNow();
    }
}
