package io.couponissuer.message;

/**
 * The key of one user in one event: eventId and userId joined by '/', which no valid id contains. It
 * keys the decisions store, the stage-1 store of claimants, and a spread event's applications and
 * claim outcomes on coupon.apply-requests (so a user's records of a spread event share a partition).
 */
public final class EventUserKey {
    private EventUserKey() {
    }

    public static String of(String eventId, String userId) {
        return eventId + "/" + userId;
    }
}
