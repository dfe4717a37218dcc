package io.couponissuer.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** After a fault: every broker back, unfenced, and in the ISR of every partition it holds a replica of. */
public final class WholeCluster {
    private WholeCluster() {
    }

    /**
     * Waits until {@code brokers} brokers are registered and unfenced and every partition of every topic,
     * Kafka's internal ones included, has all its replicas in its ISR, three checks in a row a second
     * apart: a broker just healed answers metadata from its own stale view for a moment, which once said
     * "in sync" while it was still fenced. Returns how long that took.
     */
    public static Duration await(Admin admin, int brokers, Duration timeout) throws Exception {
        long start = System.nanoTime();
        String state = "";
        int inARow = 0;
        while (System.nanoTime() - start < timeout.toNanos()) {
            int live = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
            List<String> shortIsrs = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(topic -> topic.partitions().stream().filter(p -> p.isr().size() < p.replicas().size())
                            .map(p -> topic.name() + "-" + p.partition()))
                    .toList();
            state = live + " of " + brokers + " brokers unfenced; short ISRs: " + shortIsrs;
            inARow = live == brokers && shortIsrs.isEmpty() ? inARow + 1 : 0;
            if (inARow == 3) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the cluster not whole again after " + timeout + ": " + state);
    }
}
