package io.couponissuer.issuer;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property check: random interleavings of definitions and applications (several events, many
 * users, repeats, redefinitions, opening windows) give exactly the outcomes of a plain in-memory
 * model of the rules, and the invariants hold on the topology's own output. Seeded, so a failure
 * names the case that reproduces it.
 */
class IssuerModelCheckTest {
    private static final int CASES = 300;

    @TempDir
    Path stateRoot;

    /** The rules in their plainest form: maps, no Kafka. */
    static final class Model {
        final Map<String, EventDefinition> definitions = new HashMap<>();
        final Map<String, Long> counts = new HashMap<>();
        /** The request that won each user's coupon: the only thing remembered per user. */
        final Map<String, String> firstRequestOfUser = new HashMap<>();
        final List<String> issued = new ArrayList<>();
        final List<String> rejected = new ArrayList<>();

        void accept(IssuerCommand command) {
            if (command instanceof EventDefinition d) {
                definitions.put(d.eventId(), d);
                return;
            }
            ApplyRequest a = (ApplyRequest) command;
            EventDefinition d = definitions.get(a.eventId());
            String user = a.eventId() + "/" + a.userId();
            if (d == null) {
                rejected.add(a.requestId() + " EVENT_UNKNOWN");
            } else if (firstRequestOfUser.containsKey(user)) {
                rejected.add(a.requestId() + " DUPLICATE of " + firstRequestOfUser.get(user));
            } else if (d.opensAt() != null && a.requestedAt().isBefore(d.opensAt())) {
                rejected.add(a.requestId() + " NOT_OPEN");
            } else if (d.closesAt() != null && !a.requestedAt().isBefore(d.closesAt())) {
                rejected.add(a.requestId() + " CLOSED");
            } else if (counts.getOrDefault(a.eventId(), 0L) < d.cap()) {
                long seq = counts.merge(a.eventId(), 1L, Long::sum);
                firstRequestOfUser.put(user, a.requestId());
                issued.add(a.requestId() + " " + a.userId() + " " + seq);
            } else {
                rejected.add(a.requestId() + " SOLD_OUT"); // not recorded: a repeat is decided afresh
            }
        }
    }

    @Test
    void randomInterleavingsMatchTheModel() {
        for (int seed = 1; seed <= CASES; seed++) {
            runCase(seed);
        }
    }

    private void runCase(int seed) {
        Random random = new Random(seed);
        int events = 1 + random.nextInt(4);
        int users = 1 + random.nextInt(40);
        int operations = 20 + random.nextInt(200);
        Model model = new Model();
        Map<String, Integer> caps = new HashMap<>();
        try (IssuerDriver issuer = new IssuerDriver(stateRoot.resolve("case-" + seed))) {
            for (int op = 0; op < operations; op++) {
                String event = "e" + random.nextInt(events);
                IssuerCommand command;
                if (random.nextInt(100) < 12) {
                    command = randomDefinition(random, event, issuer.now());
                    caps.merge(event, ((EventDefinition) command).cap(), Math::max);
                } else {
                    command = new ApplyRequest("r" + op, event, "u" + random.nextInt(users), issuer.now());
                }
                model.accept(command);
                issuer.pipe(event, command);
            }
            List<CouponIssued> issued = issuer.issued();
            List<Rejection> rejected = issuer.rejected();

            assertThat(issued.stream().map(c -> c.requestId() + " " + c.userId() + " " + c.seq()).toList())
                    .as("issued, seed %d", seed).containsExactlyElementsOf(model.issued);
            assertThat(rejected.stream().map(IssuerModelCheckTest::describe).toList())
                    .as("rejected, seed %d", seed).containsExactlyElementsOf(model.rejected);

            // Invariants on the output alone, whatever the model says.
            assertThat(issued.size() + rejected.size()).as("one decision per application, seed %d", seed)
                    .isEqualTo(model.issued.size() + model.rejected.size());
            Map<String, List<CouponIssued>> byEvent = issued.stream()
                    .collect(Collectors.groupingBy(CouponIssued::eventId));
            byEvent.forEach((event, coupons) -> {
                assertThat(coupons.size()).as("issued <= largest cap, seed %d", seed).isLessThanOrEqualTo(caps.get(event));
                Set<String> holders = new HashSet<>();
                for (int i = 0; i < coupons.size(); i++) {
                    assertThat(coupons.get(i).seq()).isEqualTo(i + 1L);
                    assertThat(holders.add(coupons.get(i).userId())).as("one coupon per user, seed %d", seed).isTrue();
                }
            });
        }
    }

    private static EventDefinition randomDefinition(Random random, String event, Instant now) {
        int cap = random.nextInt(12);
        Instant opensAt = null;
        Instant closesAt = null;
        if (random.nextInt(4) == 0) {
            opensAt = now.plusMillis(random.nextInt(40) - 10);
        }
        if (random.nextInt(4) == 0) {
            closesAt = (opensAt == null ? now : opensAt).plusMillis(1 + random.nextInt(80));
        }
        return new EventDefinition(event, cap, opensAt, closesAt);
    }

    private static String describe(Rejection r) {
        return r.requestId() + " " + r.reason()
                + (r.reason() == RejectReason.DUPLICATE ? " of " + r.firstDecision().requestId() : "");
    }
}
