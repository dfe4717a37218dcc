package io.couponissuer.tools.bench;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which applications a run makes. Event ids carry a random run id, so runs against the same broker
 * and table never mix. Request {@code i} goes to event {@code i % events} from user
 * {@code (i / events) % users}: every event gets the same load, and a user's repeat comes only after
 * every other user of the event applied once (each repeat is a DUPLICATE the issuer must answer).
 */
public record RunPlan(String runId, List<String> eventIds, int cap, int users, int requests, int repeats,
                      boolean spread) {

    /** One application: who applies to which event. */
    public record PlannedApplication(String eventId, String userId) {
    }

    public RunPlan {
        if (eventIds.isEmpty() || users < 1 || requests < 1 || repeats < 1 || cap < 0) {
            throw new IllegalArgumentException("need at least one event, user, request and repeat, and cap >= 0");
        }
        long most = (long) eventIds.size() * users * repeats;
        if (requests > most) {
            throw new IllegalArgumentException(requests + " requests exceed events x users x repeats = " + most
                    + "; raise --users or --repeats");
        }
        eventIds = List.copyOf(eventIds);
    }

    /** @param spread define the events spread over every partition (stage 1 per user, stage 2 per event) */
    public static RunPlan create(int events, int cap, int users, int requests, int repeats, boolean spread) {
        String runId = "bench-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        List<String> eventIds = IntStream.range(0, events).mapToObj(e -> runId + "-e" + e).toList();
        return new RunPlan(runId, eventIds, cap, users, requests, repeats, spread);
    }

    public static RunPlan create(int events, int cap, int users, int requests, int repeats) {
        return create(events, cap, users, requests, repeats, false);
    }

    public PlannedApplication application(int index) {
        int events = eventIds.size();
        return new PlannedApplication(eventIds.get(index % events), "u-" + (index / events) % users);
    }

    /** Whether this is one of the run's event ids (a key of eventId/userId is not). */
    public boolean isOwnEvent(String eventId) {
        return eventId != null && eventIds.contains(eventId);
    }
}
