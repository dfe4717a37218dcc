package io.couponissuer.issuer.spread;

import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.WindowOpened;

import java.time.Instant;

/**
 * What one stage-1 partition knows of a spread event: the latest claim window the event's counter
 * opened, how many counted claims this partition has sent in it, and whether it heard the window sold
 * out. Kept per partition in the {@code spread-gates} store, keyed by eventId (every partition has its
 * own, so it is never looked up by key across instances).
 *
 * @param version 0 until the partition hears of the event: then every claim goes on uncounted
 * @param window  the coupons left when the counter opened it: that many counted claims may go on
 */
public record ClaimWindow(long version, int cap, long window, long counted, boolean soldOut, Instant opensAt,
                          Instant closesAt) {
    public static final ClaimWindow UNKNOWN = new ClaimWindow(0, 0, 0, 0, false, null, null);

    public boolean known() {
        return version > 0;
    }

    /** A newer definition opens a new window; an older or repeated notice changes nothing. */
    public ClaimWindow opened(WindowOpened notice) {
        if (notice.version() <= version) {
            return this;
        }
        return new ClaimWindow(notice.version(), notice.cap(), notice.window(), 0, false, notice.opensAt(),
                notice.closesAt());
    }

    /** Sold out once the coupons issued reach this window's cap (the count never falls, so a late notice is still true). */
    public ClaimWindow soldOut(EventSoldOut notice) {
        if (!known() || soldOut || notice.issued() < cap) {
            return this;
        }
        return new ClaimWindow(version, cap, window, counted, true, opensAt, closesAt);
    }

    ClaimWindow countedOne() {
        return new ClaimWindow(version, cap, window, counted + 1, soldOut, opensAt, closesAt);
    }

    /** No counted claim is left in it: sold out, or as many claims counted as the window holds. */
    boolean used() {
        return soldOut || counted >= window;
    }
}
