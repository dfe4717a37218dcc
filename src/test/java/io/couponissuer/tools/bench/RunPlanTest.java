package io.couponissuer.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunPlanTest {
    @Test
    void spreadsRequestsOverEventsAndRepeatsUsersOnlyAfterEveryUserApplied() {
        RunPlan plan = new RunPlan("bench-1", List.of("bench-1-e0", "bench-1-e1"), 100, 3, 12, 2, false);
        List<RunPlan.PlannedApplication> applications = IntStream.range(0, 12).mapToObj(plan::application).toList();
        assertThat(applications).filteredOn(a -> a.eventId().equals("bench-1-e0")).extracting(RunPlan.PlannedApplication::userId)
                .containsExactly("u-0", "u-1", "u-2", "u-0", "u-1", "u-2");
        assertThat(applications).filteredOn(a -> a.eventId().equals("bench-1-e1")).hasSize(6);
    }

    @Test
    void refusesMoreRequestsThanUsersTimesRepeatsAllow() {
        assertThatThrownBy(() -> new RunPlan("bench-1", List.of("bench-1-e0"), 100, 3, 4, 1, false))
                .hasMessageContaining("--users");
    }

    @Test
    void knowsItsOwnEventsOnly() {
        RunPlan plan = RunPlan.create(2, 100, 10, 10, 1);
        assertThat(plan.isOwnEvent(plan.eventIds().get(1))).isTrue();
        assertThat(plan.isOwnEvent("demo")).isFalse();
        assertThat(plan.isOwnEvent(RunPlan.create(1, 100, 1, 1, 1).eventIds().get(0))).isFalse();
    }
}
