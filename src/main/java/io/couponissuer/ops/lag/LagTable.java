package io.couponissuer.ops.lag;

import java.io.PrintWriter;
import java.util.Locale;

/** The `lag` command's table: one line per partition, one summary line per group. */
public final class LagTable {
    private static final String HANGING_ROW = "%-40s %9s %6s %10s %10s %8s  %s%n";
    private static final String ROW = "%-16s %-24s %9s %10s %10s %8s %9s  %-7s %s%n";

    private LagTable() {
    }

    public static void print(LagReport report, PrintWriter out) {
        out.printf("coupon-issuer lag at %s (window %d s)%n%n", report.at(), report.windowMs() / 1000);
        out.printf(ROW, "GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "LAG(s)", "STATUS", "STAGE 2 OF");
        for (LagReport.Group group : report.groups()) {
            for (LagReport.Partition p : group.partitions()) {
                out.printf(ROW, group.group(), p.topic(), p.partition(), p.committed() == null ? "-" : p.committed(),
                        p.end(), p.lag(), String.format(Locale.ROOT, "%.1f", p.lagSeconds()), p.status(),
                        String.join(",", p.counterOf()));
            }
        }
        out.println();
        if (!report.hangingTransactions().isEmpty() || report.transactionsError() != null) {
            out.println();
            out.printf(HANGING_ROW, "HANGING TRANSACTION", "PRODUCER", "EPOCH", "START", "END", "AGE(s)", "VERDICT");
            for (LagReport.Hanging h : report.hangingTransactions()) {
                out.printf(HANGING_ROW, h.topic() + "-" + h.partition(), h.producerId(), h.producerEpoch(), h.startOffset(),
                        h.endOffset(), h.ageSeconds(), verdict(h));
            }
            for (LagReport.Hanging h : report.hangingTransactions()) {
                out.println("  " + h.detail());
            }
            if (report.transactionsError() != null) {
                out.println("  " + report.transactionsError());
            }
        }
        out.println();
        for (LagReport.Group group : report.groups()) {
            // A spread event decides in two stages: stage 1 on every partition, stage 2 on its counter's.
            for (LagReport.Partition p : group.partitions()) {
                for (String eventId : p.counterOf()) {
                    out.printf(Locale.ROOT, "%-16s spread event %s: stage 2 (its counter) on %s-%d, lag %d records, %.1f s;"
                            + " stage 1 on every partition%n", group.group(), eventId, p.topic(), p.partition(), p.lag(),
                            p.lagSeconds());
                }
            }
        }
        for (LagReport.Group group : report.groups()) {
            if (group.error() != null) {
                out.printf("%-16s %s: %s%n", group.group(), group.status(), group.error());
            } else {
                out.printf(Locale.ROOT, "%-16s %s: lag %d records, at most %.1f s behind%n", group.group(),
                        group.status(), group.lag(), group.maxLagSeconds() == null ? 0.0 : group.maxLagSeconds());
            }
        }
        out.flush();
    }

    /** The log's outcome, and whose it is when not ours (the guard leaves those to their owner). */
    private static String verdict(LagReport.Hanging h) {
        if (!h.confirmed()) {
            return "unconfirmed";
        }
        return h.owner() == null || h.owner().equals("OURS") ? h.outcome() : h.outcome() + " " + h.owner();
    }
}
