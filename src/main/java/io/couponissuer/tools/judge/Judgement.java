package io.couponissuer.tools.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the {@link InvariantJudge} found.
 *
 * @param counts             check -> how many times it broke (only broken checks)
 * @param examples           check -> the first few cases, by name
 * @param unmatchedDecisions decisions for requests no client was told were accepted (a 503 whose
 *                           record reached the broker anyway): allowed unless every send was accepted
 * @param perEvent           event -> cap, applicants, issued, duplicates
 */
public record Judgement(Map<InvariantCheck, Long> counts, Map<InvariantCheck, List<String>> examples,
                        long unmatchedDecisions, Map<String, String> perEvent) {
    public boolean holds() {
        return counts.isEmpty();
    }

    /** The numbers of the broken invariants. */
    public Set<Integer> broken() {
        return counts.keySet().stream().map(c -> c.invariant).collect(Collectors.toCollection(TreeSet::new));
    }

    public long count(InvariantCheck... checks) {
        long sum = 0;
        for (InvariantCheck check : checks) {
            sum += counts.getOrDefault(check, 0L);
        }
        return sum;
    }

    /** One line per broken check: "invariant 1: ... (2 times), e.g. [...]". */
    public List<String> problems() {
        List<String> lines = new ArrayList<>();
        counts.forEach((check, n) -> lines.add("invariant " + check.invariant + ": " + check.meaning + " (" + n
                + (n == 1 ? " time" : " times") + "), e.g. " + examples.get(check)));
        return lines;
    }

    public String message() {
        return holds() ? "all invariants hold" : "broken invariants " + broken() + ":\n" + String.join("\n", problems());
    }
}
