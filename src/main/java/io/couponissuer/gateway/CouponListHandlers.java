package io.couponissuer.gateway;

import io.couponissuer.db.CouponLedgerReader;
import io.couponissuer.db.CouponLedgerReader.StoredCoupon;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import io.javalin.http.Context;

import java.sql.SQLException;
import java.util.List;

/**
 * GET /api/events/{eventId}/coupons (admin): the winners, as the table holds them, in seq order, a
 * page at a time; JSON, or CSV with {@code Accept: text/csv}. The issuer's count says how many there
 * are; what the table does not hold yet is {@code pending} (the writer has not caught up with
 * coupon.issued), so a page is never taken for the whole story.
 */
final class CouponListHandlers {
    static final String CSV = "text/csv";

    private final AdminAuth auth;
    private final IssuerQueries queries;
    private final CouponLedgerReader ledger;

    /**
     * @param issued  coupons the issuer has issued for the event (its store, exact)
     * @param stored  of them, rows in the table now
     * @param pending issued - stored: still to be written from coupon.issued (0 once the writer caught up)
     * @param next    the {@code after} of the next page; null on the last
     */
    record CouponPage(String eventId, long issued, long stored, long pending, List<StoredCoupon> coupons, Long next) {
    }

    CouponListHandlers(AdminAuth auth, IssuerQueries queries, CouponLedgerReader ledger) {
        this.auth = auth;
        this.queries = queries;
        this.ledger = ledger;
    }

    void list(Context ctx) {
        auth.require(ctx);
        String eventId = RequestBodies.id(ctx, "eventId");
        int limit = Paging.limit(ctx);
        long after = Paging.afterSeq(ctx);
        EventStatus event = queries.event(eventId).orElseThrow(() ->
                new ApiException(404, "unknown_event", "no event " + eventId, "eventId"));
        CouponPage page;
        try {
            // One more than the page: whether a next page exists, without a second query.
            CouponLedgerReader.Page read = ledger.page(eventId, after, limit + 1);
            List<StoredCoupon> coupons = read.coupons();
            long stored = read.stored();
            boolean more = coupons.size() > limit;
            List<StoredCoupon> shown = more ? coupons.subList(0, limit) : coupons;
            page = new CouponPage(eventId, event.issued(), stored, Math.max(0, event.issued() - stored), shown,
                    more ? shown.get(shown.size() - 1).seq() : null);
        } catch (SQLException e) {
            // 503 with Retry-After (GatewayServer's error mapping), as for the broker and the issuers.
            throw new ApiException(503, "database_unavailable", "the coupon table cannot be read now; try again", null, e);
        }
        if (wantsCsv(ctx)) {
            csv(ctx, page);
        } else {
            ctx.json(page);
        }
    }

    private static boolean wantsCsv(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(CSV);
    }

    /** The rows as CSV, every cell through {@link CsvCell}; the counts and the next page travel in headers. */
    private static void csv(Context ctx, CouponPage page) {
        StringBuilder body = new StringBuilder("seq,couponId,userId,requestId,issuedAt,persistedAt\n");
        for (StoredCoupon c : page.coupons()) {
            body.append(CsvCell.of(c.seq())).append(',').append(CsvCell.of(c.couponId())).append(',')
                    .append(CsvCell.of(c.userId())).append(',').append(CsvCell.of(c.requestId())).append(',')
                    .append(CsvCell.of(c.issuedAt())).append(',').append(CsvCell.of(c.persistedAt())).append('\n');
        }
        ctx.header("X-Coupons-Issued", String.valueOf(page.issued()));
        ctx.header("X-Coupons-Stored", String.valueOf(page.stored()));
        ctx.header("X-Coupons-Pending", String.valueOf(page.pending()));
        if (page.next() != null) {
            ctx.header("Link", "</api/events/" + page.eventId() + "/coupons?after=" + page.next() + "&limit="
                    + page.coupons().size() + ">; rel=\"next\"");
        }
        ctx.contentType(CSV + "; charset=utf-8").result(body.toString());
    }
}
