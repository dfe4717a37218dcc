package io.couponissuer.kafka;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the system's topics ({@link Topics#all}) with the partitions, replication and min ISR of
 * the settings. Safe to run on every start: existing topics are left as they are.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Settings settings;
    private final Duration timeout;

    public TopicSetup(Settings settings) {
        this(settings, DEFAULT_TIMEOUT);
    }

    public TopicSetup(Settings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    /**
     * Creates the missing topics and waits until every topic has a leader for each partition.
     *
     * @return the names of the topics created by this call (empty when all existed)
     * @throws IllegalStateException when Kafka does not answer in time or refuses a topic
     */
    public List<String> createAll() {
        List<NewTopic> wanted = Topics.all(settings.getInt(Setting.COUPON_TOPIC_PARTITIONS),
                (short) settings.getInt(Setting.COUPON_REPLICATION_FACTOR),
                settings.getInt(Setting.COUPON_MIN_INSYNC_REPLICAS));
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = Admin.create(ClientConfigs.admin(settings));
        try {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(wanted).values();
            List<String> created = new ArrayList<>();
            List<NewTopic> existing = new ArrayList<>();
            List<String> notOurs = new ArrayList<>();
            for (NewTopic topic : wanted) {
                try {
                    await(results.get(topic.name()), deadline);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicAuthorizationException
                            || e.getCause() instanceof ClusterAuthorizationException) {
                        // On a secured cluster the roles may not create topics: kafka-setup made them.
                        notOurs.add(topic.name());
                    } else if (!(e.getCause() instanceof TopicExistsException)) {
                        throw failure("cannot create topic " + topic.name(), e.getCause());
                    }
                    existing.add(topic);
                }
            }
            if (!notOurs.contains(Topics.APPLY_REQUESTS.name())
                    && existing.stream().anyMatch(topic -> topic.name().equals(Topics.APPLY_REQUESTS.name()))) {
                appendTimeOnApplyRequests(admin, deadline);
            }
            List<NewTopic> visible = wanted;
            if (!notOurs.isEmpty()) {
                Set<String> hidden = requireExisting(admin, notOurs, deadline);
                visible = wanted.stream().filter(topic -> !hidden.contains(topic.name())).toList();
                existing.removeIf(topic -> hidden.contains(topic.name()));
            }
            Map<String, TopicDescription> descriptions = awaitLeaders(admin, visible, deadline);
            for (NewTopic topic : existing) {
                int actual = descriptions.get(topic.name()).partitions().size();
                if (actual != topic.numPartitions()) {
                    // Repartitioning would move events between partitions and break their order: leave it to a person.
                    log.warn("Topic {} exists with {} partitions, but COUPON_TOPIC_PARTITIONS is {}; keeping {}",
                            topic.name(), actual, topic.numPartitions(), actual);
                }
            }
            log.info("Topics on {}: created {}, already there {}{}", bootstrapServers(), created,
                    existing.stream().map(NewTopic::name).toList(), notOurs.isEmpty() ? "" : " (made by kafka-setup)");
            return created;
        } finally {
            // Zero: calls still pending after a timeout are abandoned, not waited for.
            admin.close(Duration.ZERO);
        }
    }

    /**
     * Topics this principal may not create must be there already. One it may not even describe is
     * another role's business (the writer sees only its own): returned, and left alone.
     */
    private Set<String> requireExisting(Admin admin, List<String> names, long deadline) {
        Set<String> hidden = new HashSet<>();
        List<String> missing = new ArrayList<>();
        Throwable cause = null;
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : admin.describeTopics(names).topicNameValues().entrySet()) {
            try {
                await(topic.getValue(), deadline);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    hidden.add(topic.getKey());
                } else {
                    missing.add(topic.getKey());
                    cause = e.getCause();
                }
            }
        }
        if (!missing.isEmpty()) {
            throw failure("topics " + missing + " are not there and this principal may not create them (no CREATE right; "
                    + "run kafka-setup first: docs/security.md#kafkas-own-security)", cause);
        }
        return hidden;
    }

    /**
     * A topic made before its timestamps had to be the broker's gets them now: an unsigned application
     * is taken as made when appended, so a producer must not choose that time.
     */
    private void appendTimeOnApplyRequests(Admin admin, long deadline) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.APPLY_REQUESTS.name());
        try {
            await(admin.incrementalAlterConfigs(Map.of(topic, Topics.APPLY_REQUESTS_CONFIG.entrySet().stream()
                .map(entry -> new AlterConfigOp(new ConfigEntry(entry.getKey(), entry.getValue()), AlterConfigOp.OpType.SET))
                .toList())).all(), deadline);
        } catch (ExecutionException e) {
            throw failure("cannot set " + topic.name() + "'s configs " + Topics.APPLY_REQUESTS_CONFIG, e.getCause());
        }
    }

    /** Metadata propagates after creation: wait until producers can write to every partition. */
    private Map<String, TopicDescription> awaitLeaders(Admin admin, List<NewTopic> topics, long deadline) {
        List<String> names = topics.stream().map(NewTopic::name).toList();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames(), deadline);
                boolean allLed = descriptions.values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (allLed) {
                    return descriptions;
                }
            } catch (ExecutionException e) {
                last = e.getCause(); // typically UnknownTopicOrPartition while metadata catches up
            }
            sleep(100);
        }
        throw failure("topics " + names + " had no leader within " + timeout.toSeconds() + " s", last);
    }

    private <T> T await(KafkaFuture<T> future, long deadline) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw failure("no answer within " + timeout.toSeconds() + " s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted", e);
        }
    }

    private IllegalStateException failure(String what, Throwable cause) {
        return new IllegalStateException("Topic setup on Kafka at " + bootstrapServers() + " failed: " + what + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    private String bootstrapServers() {
        return settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during topic setup", e);
        }
    }
}
