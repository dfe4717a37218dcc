package io.couponissuer.kafka;

import io.couponissuer.message.EventDefinition;
import io.couponissuer.testing.KafkaBrokerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's reader of committed definitions on a real broker with three partitions: a read
 * barrier asked for one event covers that event's partition (a definition acknowledged before the
 * barrier was asked is read when it completes), and a definition written off its event's partition,
 * where no barrier for that event would wait for it, is skipped.
 */
class CommittedEventsIT {
    private static final int PARTITIONS = 3;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(PARTITIONS);

    @Test
    void aBarrierForAnEventCoversWhatItsPartitionHadAndADefinitionOffItsPartitionIsSkipped() throws Exception {
        new TopicSetup(KAFKA.settings()).createAll();
        try (CommittedEvents committed = new CommittedEvents(KAFKA.settings(), "committed-events-it").start();
             KafkaProducer<String, EventDefinition> producer =
                     KAFKA.producer(new StringSerializer(), Topics.EVENTS.valueSerde().serializer())) {
            for (int round = 1; round <= 50; round++) {
                String eventId = "event-" + (round % 7);
                producer.send(new ProducerRecord<>(Topics.EVENTS.name(), KeyPartition.of(eventId, PARTITIONS), eventId,
                        new EventDefinition(eventId, round, null, null))).get(10, TimeUnit.SECONDS);
                committed.caughtUp(eventId).get(10, TimeUnit.SECONDS);
                assertThat(committed.get(eventId)).as("round %d", round).map(EventDefinition::cap).contains(round);
            }

            String stray = "stray";
            int offItsPartition = (KeyPartition.of(stray, PARTITIONS) + 1) % PARTITIONS;
            producer.send(new ProducerRecord<>(Topics.EVENTS.name(), offItsPartition, stray,
                    new EventDefinition(stray, 5, null, null))).get(10, TimeUnit.SECONDS);
            // An event that belongs on that partition, written after the stray one: once it is read, so is the stray.
            String after = eventOn(offItsPartition);
            producer.send(new ProducerRecord<>(Topics.EVENTS.name(), offItsPartition, after,
                    new EventDefinition(after, 5, null, null))).get(10, TimeUnit.SECONDS);
            committed.caughtUp(after).get(10, TimeUnit.SECONDS);
            assertThat(committed.get(after)).isPresent();
            assertThat(committed.get(stray)).as("a definition off its event's partition").isEmpty();
        }
    }

    private static String eventOn(int partition) {
        for (int i = 0; ; i++) {
            if (KeyPartition.of("marker-" + i, PARTITIONS) == partition) {
                return "marker-" + i;
            }
        }
    }
}
