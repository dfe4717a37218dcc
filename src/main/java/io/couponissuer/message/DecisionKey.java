package io.couponissuer.message;

/** Key of the decision store: eventId and userId joined by '/', which no valid id contains. */
public final class DecisionKey {
    private DecisionKey() {
    }

    public static String of(String eventId, String userId) {
        return eventId + "/" + userId;
    }
}
