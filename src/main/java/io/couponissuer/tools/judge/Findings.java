package io.couponissuer.tools.judge;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The broken checks found so far, each counted, with its first few cases. */
final class Findings {
    /** Examples kept per check; the count says how many there were. */
    static final int EXAMPLES = 5;

    final Map<InvariantCheck, Long> counts = new EnumMap<>(InvariantCheck.class);
    final Map<InvariantCheck, List<String>> examples = new EnumMap<>(InvariantCheck.class);

    void add(InvariantCheck check, String example) {
        counts.merge(check, 1L, Long::sum);
        List<String> some = examples.computeIfAbsent(check, c -> new ArrayList<>());
        if (some.size() < EXAMPLES) {
            some.add(example);
        }
    }

    Judgement judgement(long unmatchedDecisions, Map<String, String> perEvent) {
        return new Judgement(counts, examples, unmatchedDecisions, perEvent);
    }
}
