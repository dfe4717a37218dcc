package io.couponissuer.testing;

import io.couponissuer.json.Json;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RejectionBatchSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.tools.judge.CouponRow;
import io.couponissuer.tools.judge.InvariantCheck;
import io.couponissuer.tools.judge.InvariantJudge;
import io.couponissuer.tools.judge.InvariantJudge.Application;
import io.couponissuer.tools.judge.InvariantJudge.LedgerDecision;
import io.couponissuer.tools.judge.Judgement;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what a downstream reader sees of the events of one test (coupon.apply-requests,
 * coupon.issued, coupon.rejected and coupon.failed read_committed, and the {@code coupon} table),
 * waits until every application is decided and every issued coupon stored, and has
 * {@link InvariantJudge} judge it against docs/architecture.md#invariants (1-4, 6 and 8): a broken invariant is an
 * AssertionError with the judge's message.
 *
 * <p>"Applicants" are the distinct users on the apply topic, not the 202s: a 503 after a send timeout
 * may still have reached the broker, and then it is a real application that must be decided.
 */
public final class CouponInvariants {
    private static final InvariantCheck[] STORING = {InvariantCheck.ROW_MISSING, InvariantCheck.ROW_NOT_ISSUED,
            InvariantCheck.ROW_DIFFERS, InvariantCheck.ROW_TWICE};

    private final CommittedTopics topics;
    private final TestDatabase database;
    private final Map<String, Integer> caps;
    /** What the last {@link #check} judged, for the status endpoint's check after it. */
    private InvariantJudge judged;
    private List<InvariantJudge.ClientAnswer> answersTold;

    /** The facts found, for the test's printout. */
    public record Report(Map<String, String> perEvent, int applications, int decisions, int rows, int failedCoupons,
                         Duration decidedWithin, Duration storedWithin) {
        @Override
        public String toString() {
            return "applications " + applications + ", decisions " + decisions + ", coupon rows " + rows
                    + ", coupons on coupon.failed " + failedCoupons + "; all decided " + decidedWithin.toMillis()
                    + " ms and all stored " + storedWithin.toMillis() + " ms after the check began; per event " + perEvent;
        }
    }

    public CouponInvariants(String bootstrapServers, TestDatabase database, Map<String, Integer> caps) {
        this(new CommittedTopics(bootstrapServers), database, caps);
    }

    public CouponInvariants(CommittedTopics topics, TestDatabase database, Map<String, Integer> caps) {
        this.topics = topics;
        this.database = database;
        this.caps = Map.copyOf(caps);
    }

    /** {@link #check(Collection, boolean, Collection, Duration)} for what a burst was told. */
    public Report check(Burst burst, Duration timeout) throws SQLException, InterruptedException {
        return check(burst.accepted().values().stream()
                        .map(a -> new Application(a.requestId(), a.eventId(), a.userId())).toList(), false,
                burst.answered().values().stream().map(a -> new InvariantJudge.ClientAnswer(a.requestId(), a.userId(),
                        a.status(), a.couponId(), a.reason())).toList(), timeout);
    }

    /**
     * Waits (up to {@code timeout}) until every application of the events is decided and every issued
     * coupon is stored, then judges; throws an AssertionError naming every broken invariant.
     *
     * @param accepted          the applications clients were told were accepted
     * @param everySendAccepted no client of these events got another answer (503, error)
     * @param answers           the decisions clients were told ({@code ?waitMs} 200s)
     */
    public Report check(Collection<Application> accepted, boolean everySendAccepted,
                        Collection<InvariantJudge.ClientAnswer> answers, Duration timeout)
            throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Application> applications;
        List<LedgerDecision> decisions;
        InvariantJudge judge;
        do {
            applications = applications();
            decisions = decisions();
            judge = new InvariantJudge(caps, accepted, everySendAccepted, decisions).received(applications)
                    .told(answers, List.of(), List.of());
        } while (judge.judge().count(InvariantCheck.UNDECIDED) > 0 && pause(deadline));
        Duration decidedWithin = Duration.ofNanos(System.nanoTime() - start);

        Set<String> failedCoupons = failedWriterCoupons();
        List<CouponRow> rows;
        Judgement judgement;
        do {
            rows = rows();
            judgement = judge.table(rows, failedCoupons).judge();
        } while (judgement.count(STORING) > 0 && pause(deadline));
        Duration storedWithin = Duration.ofNanos(System.nanoTime() - start);
        judged = judge;
        answersTold = List.copyOf(answers);
        if (!judgement.holds()) {
            throw new AssertionError("after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms: "
                    + judgement.message());
        }
        return new Report(judgement.perEvent(), applications.size(), decisions.size(), rows.size(),
                failedCoupons.size(), decidedWithin, storedWithin);
    }

    /** Sleeps a moment; false once the deadline has passed. */
    private static boolean pause(long deadline) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            return false;
        }
        Thread.sleep(250);
        return true;
    }

    /**
     * Invariant 8 for the status endpoint: everything it showed is what the ledger holds for that user
     * (the user's coupon, or SOLD_OUT for a user without one of an event that sold out). Call after
     * {@link #check}.
     */
    public void checkStatusShownAgreesWithTheLedger(List<StatusProbe.Shown> shown) {
        checkShownAgreesWithTheLedger(shown.stream().map(s -> new InvariantJudge.StatusShown(s.eventId(), s.userId(),
                s.status(), s.couponId(), s.reason())).toList(), List.of());
    }

    /**
     * The judgement of the ledger {@link #check} read against answers and statuses other than those
     * the run produced: how a test shows that a wrong answer (a zombie's, a planted one) fails the run.
     */
    public Judgement judgeAgainstTheLedger(Collection<InvariantJudge.ClientAnswer> answers,
                                          Collection<InvariantJudge.StatusShown> shown) {
        if (judged == null) {
            throw new IllegalStateException("check first");
        }
        return judged.told(answers, shown, List.of()).judge();
    }

    /** The answers {@link #check} judged. */
    public List<InvariantJudge.ClientAnswer> answersTold() {
        return answersTold;
    }

    /**
     * Invariant 8 for the status and event endpoints, on the ledger {@link #check} read (call it first:
     * it found every application decided), with everything check judged.
     */
    public void checkShownAgreesWithTheLedger(Collection<InvariantJudge.StatusShown> shown,
                                              Collection<InvariantJudge.EventShown> events) {
        if (judged == null) {
            throw new IllegalStateException("check first");
        }
        Judgement judgement = judged.told(answersTold, shown, events).judge();
        if (!judgement.holds()) {
            throw new AssertionError("of " + shown.size() + " standing decisions and " + events.size()
                    + " event counts shown: " + judgement.message());
        }
    }

    /**
     * Every application of the events on the apply topic, once each: keyed by eventId, or by
     * eventId/userId for a spread event; one that the event's partition sent on to its user's partition
     * (keyed by eventId first) is there twice under one requestId. The other records on the topic
     * (definitions, a spread event's claims and notices) carry a coupon.type header.
     */
    private List<Application> applications() {
        Map<String, Application> applications = new java.util.LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : topics.readAll(Topics.APPLY_REQUESTS.name(), Duration.ofSeconds(30))) {
            String key = record.key() == null ? "" : record.key();
            String keyEvent = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
            String type = IssuerCommandSerde.typeOf(record.headers());
            boolean batch = type.equals(IssuerCommandSerde.TYPE_APPLY_BATCH);
            if (!batch && !type.equals(IssuerCommandSerde.TYPE_APPLY) || !caps.containsKey(keyEvent)) {
                continue; // not an application of these events (definitions, claims, notices, others' records)
            }
            if (batch) {
                for (JsonNode value : json(record.value()).path("applications")) {
                    applications.putIfAbsent(value.get("requestId").asText(), new Application(
                            value.get("requestId").asText(), value.get("eventId").asText(), value.get("userId").asText()));
                }
                continue;
            }
            JsonNode value = json(record.value());
            if (value.hasNonNull("requestId") && caps.containsKey(value.path("eventId").asText())) {
                applications.putIfAbsent(value.get("requestId").asText(), new Application(value.get("requestId").asText(),
                        value.get("eventId").asText(), value.get("userId").asText()));
            }
        }
        return List.copyOf(applications.values());
    }

    private List<LedgerDecision> decisions() {
        List<LedgerDecision> decisions = new ArrayList<>();
        for (String topic : List.of(Topics.ISSUED.name(), Topics.REJECTED.name())) {
            for (ConsumerRecord<String, byte[]> record : topics.readAll(topic, Duration.ofSeconds(30))) {
                if (!caps.containsKey(record.key())) {
                    continue;
                }
                JsonNode value = json(record.value());
                boolean atEdge = record.headers().lastHeader(Topics.DECIDED_BY_HEADER) != null;
                // A record of coupon.rejected holds one rejection, or an ApplyBatch's rejections.
                List<JsonNode> answers = new ArrayList<>();
                if (RejectionBatchSerde.isBatch(record.headers())) {
                    value.path("rejections").forEach(answers::add);
                } else {
                    answers.add(value);
                }
                for (JsonNode v : answers) {
                    String requestId = v.get("requestId").asText();
                    String eventId = v.get("eventId").asText();
                    String userId = v.get("userId").asText();
                    JsonNode first = v.path("firstDecision");
                    decisions.add(topic.equals(Topics.ISSUED.name())
                            ? LedgerDecision.issued(requestId, eventId, userId, v.get("couponId").asText(), v.get("seq").asLong())
                            : LedgerDecision.rejected(requestId, eventId, userId, v.get("reason").asText(),
                            first.path("status").asText(null), first.path("requestId").asText(null), atEdge));
                }
            }
        }
        return decisions;
    }

    /** Coupons the writer gave up on: on coupon.failed for `replay`, not lost. */
    private Set<String> failedWriterCoupons() {
        Set<String> coupons = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : topics.readAll(Topics.FAILED.name(), Duration.ofSeconds(30))) {
            if (caps.containsKey(record.key())
                    && FailedRecords.STAGE_WRITER.equals(FailedRecords.header(record.headers(), FailedRecords.STAGE))) {
                coupons.add(json(record.value()).path("couponId").asText());
            }
        }
        return coupons;
    }

    /** The rows of this test's events. */
    private List<CouponRow> rows() throws SQLException {
        List<CouponRow> rows = new ArrayList<>();
        String events = caps.keySet().stream().map(e -> "'" + e + "'").collect(Collectors.joining(","));
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            // Before the writer's first start the table may not exist yet: no rows then.
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('public.coupon') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return rows;
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT coupon_id, event_id, user_id, seq, request_id FROM coupon "
                    + "WHERE event_id IN (" + events + ")")) {
                while (rs.next()) {
                    rows.add(new CouponRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5)));
                }
            }
        }
        return rows;
    }

    /** Rows of this test's events right now (to show a database outage really held the writer back). */
    public int rowCount() throws SQLException {
        return rows().size();
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
