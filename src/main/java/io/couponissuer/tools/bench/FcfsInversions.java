package io.couponissuer.tools.bench;

import io.couponissuer.message.RejectReason;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Counts first-come-first-served inversions of a run: pairs (a, b) of applications to the same event
 * by two different users, where the broker accepted a before b, yet a was rejected SOLD_OUT and b was
 * issued a coupon. With one partition per event the issuer decides in offset order, so there are none
 * at delta 0; once an event is spread over partitions, first come first served holds only
 * approximately across them, and the counts at 10 and 100 ms say by how much.
 *
 * <p>What is counted, and why:
 * <ul>
 * <li>"a before b by delta d" is {@link #before}: within one known partition at d = 0 the offset order
 *     (the broker's own order, exact); otherwise the acceptance windows of {@link AcceptTime}, strictly:
 *     {@code notAfter(a) + d < notBefore(b)}.
 * <li>Only accepted applications whose decision the bench read. Only SOLD_OUT rejections can be
 *     wronged: DUPLICATE, NOT_OPEN, CLOSED and EVENT_UNKNOWN are not about the coupons left.
 * <li>A pair of one user's own requests is not an inversion: FCFS is a promise between users, and a
 *     user who won with another request lost nothing to anyone.
 * </ul>
 *
 * <p>Runs have 300,000+ requests, nearly all SOLD_OUT, and few issued: per event the issued times (and
 * per partition their offsets) are sorted once, and each SOLD_OUT counts its later winners by binary
 * search, O(n log issued).
 */
public final class FcfsInversions {
    /** The deltas the report gives, in milliseconds. */
    static final List<Long> DELTAS_MS = List.of(0L, 10L, 100L);

    private static final long NANOS_PER_MS = 1_000_000L;

    private FcfsInversions() {
    }

    /**
     * An accepted application that was issued or rejected SOLD_OUT, with the window in which the
     * broker accepted it (System.nanoTime()) and, where known, its place on the apply topic.
     */
    record Contender(String eventId, String userId, boolean issued, long notBeforeNanos, long notAfterNanos,
                     SentRequest.LogPosition position) {
    }

    /**
     * A run's inversions, for the report.
     *
     * @param order             how "accepted earlier" was decided
     * @param soldOutConsidered SOLD_OUT rejections of accepted applications (the a side of the pairs)
     * @param issuedConsidered  coupons issued to accepted applications (the b side)
     * @param atDeltaMs         delta in ms -> pairs with a accepted more than delta before b
     */
    public record RunInversions(String order, long soldOutConsidered, long issuedConsidered, Map<Long, Long> atDeltaMs) {
    }

    static RunInversions of(List<SentRequest> sent, List<ObservedDecision> decisions, AcceptTime acceptTime) {
        List<Contender> contenders = contenders(sent, decisions, acceptTime);
        Map<Long, Long> atDeltaMs = new LinkedHashMap<>();
        DELTAS_MS.forEach(d -> atDeltaMs.put(d, count(contenders, d)));
        long issued = contenders.stream().filter(Contender::issued).count();
        return new RunInversions(acceptTime.description(), contenders.size() - issued, issued, atDeltaMs);
    }

    /**
     * Accepted requests joined to their decision, keeping the issued and the SOLD_OUT. A request decided
     * twice (a broken run, which the verdict reports) counts with the decision seen first.
     */
    static List<Contender> contenders(List<SentRequest> sent, List<ObservedDecision> decisions, AcceptTime acceptTime) {
        Map<String, ObservedDecision> decisionOf = new HashMap<>();
        decisions.forEach(d -> decisionOf.merge(d.requestId(), d,
                (x, y) -> x.visibleNanos() <= y.visibleNanos() ? x : y));
        List<Contender> contenders = new ArrayList<>();
        for (SentRequest request : sent) {
            ObservedDecision decision = request.accepted() ? decisionOf.get(request.requestId()) : null;
            if (decision == null
                    || !decision.issued() && !RejectReason.SOLD_OUT.name().equals(decision.reason())) {
                continue;
            }
            contenders.add(new Contender(request.eventId(), request.userId(), decision.issued(),
                    acceptTime.notBefore(request), acceptTime.notAfter(request), request.position()));
        }
        return contenders;
    }

    /** Whether a was accepted before b by more than {@code deltaNanos}: the rule every count follows. */
    static boolean before(Contender a, Contender b, long deltaNanos) {
        if (deltaNanos == 0 && a.position() != null && b.position() != null
                && a.position().partition() == b.position().partition()) {
            return a.position().offset() < b.position().offset();
        }
        return a.notAfterNanos() + deltaNanos < b.notBeforeNanos();
    }

    /** Pairs (SOLD_OUT a, issued b) of one event and two users with a {@link #before} b by deltaMs. */
    static long count(List<Contender> contenders, long deltaMs) {
        long deltaNanos = deltaMs * NANOS_PER_MS;
        long inversions = 0;
        for (List<Contender> event : contenders.stream()
                .collect(Collectors.groupingBy(Contender::eventId)).values()) {
            inversions += countInEvent(event, deltaNanos);
        }
        return inversions;
    }

    private static long countInEvent(List<Contender> event, long deltaNanos) {
        List<Contender> issued = event.stream().filter(Contender::issued).toList();
        if (issued.isEmpty()) {
            return 0;
        }
        long[] issuedFrom = sorted(issued.stream().mapToLong(Contender::notBeforeNanos).toArray());
        Map<Integer, List<Contender>> issuedByPartition = issued.stream().filter(b -> b.position() != null)
                .collect(Collectors.groupingBy(b -> b.position().partition()));
        Map<Integer, long[]> fromInPartition = new HashMap<>();
        Map<Integer, long[]> offsetsInPartition = new HashMap<>();
        issuedByPartition.forEach((partition, list) -> {
            fromInPartition.put(partition, sorted(list.stream().mapToLong(Contender::notBeforeNanos).toArray()));
            offsetsInPartition.put(partition, sorted(list.stream().mapToLong(b -> b.position().offset()).toArray()));
        });
        Map<String, List<Contender>> issuedByUser = issued.stream().collect(Collectors.groupingBy(Contender::userId));
        long inversions = 0;
        for (Contender a : event) {
            if (a.issued()) {
                continue;
            }
            long later;
            if (deltaNanos == 0 && a.position() != null) {
                // In a's own partition the offset decides, not the time: take those out, count them by offset.
                int partition = a.position().partition();
                later = laterThan(issuedFrom, a.notAfterNanos())
                        - laterThan(fromInPartition.get(partition), a.notAfterNanos())
                        + laterThan(offsetsInPartition.get(partition), a.position().offset());
            } else {
                later = laterThan(issuedFrom, a.notAfterNanos() + deltaNanos);
            }
            for (Contender own : issuedByUser.getOrDefault(a.userId(), List.of())) {
                if (before(a, own, deltaNanos)) {
                    later--; // the user's own win is no inversion
                }
            }
            inversions += later;
        }
        return inversions;
    }

    private static long[] sorted(long[] values) {
        Arrays.sort(values);
        return values;
    }

    /** How many of the sorted values are greater than x (none when there are no values). */
    private static int laterThan(long[] sorted, long x) {
        if (sorted == null) {
            return 0;
        }
        int low = 0;
        int high = sorted.length; // first index with a value > x lies in [low, high]
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] > x) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return sorted.length - low;
    }
}
