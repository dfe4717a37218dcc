package io.couponissuer.issuer;

import io.couponissuer.query.IssuerQueries;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Right after a start or during a rebalance Kafka Streams hands out a store whose reads then fail
 * ("the stream thread is PARTITIONS_ASSIGNED, not RUNNING"): every question to the stores answers
 * "unavailable, try again" (the gateway's 503 with Retry-After), never an unexpected error (a 500).
 */
class StoresNotQueryableTest {
    private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);
    private final NotRunningStreams streams = new NotRunningStreams();
    private final RoutedIssuerQueries queries = new RoutedIssuerQueries(streams, SELF, new DecisionFeed(), host -> {
        throw new AssertionError("this instance owns every key here");
    });

    @AfterEach
    void close() {
        streams.close();
    }

    @Test
    void everyReadOfAStoreThatIsNotRunningIsUnavailable() {
        for (Executable question : Set.<Executable>of(() -> queries.standingDecision("e", "u"), () -> queries.event("e"),
                queries::events, () -> queries.localOnly().event("e"))) {
            assertThatThrownBy(question::execute).isInstanceOf(IssuerQueries.UnavailableException.class)
                    .hasMessageContaining("not queryable now").hasMessageContaining("PARTITIONS_ASSIGNED");
        }
    }

    /** Owns every key and hands out stores, as Kafka Streams does before its threads run, whose reads fail. */
    private static final class NotRunningStreams extends KafkaStreams {
        NotRunningStreams() {
            super(topology(), properties());
        }

        private static org.apache.kafka.streams.Topology topology() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("stores-not-queryable-test");
            return builder.build();
        }

        private static Properties properties() {
            Properties properties = new Properties();
            properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "stores-not-queryable-test");
            properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            return properties;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return new KeyQueryMetadata(SELF, Set.of(), 0);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            return (T) new ReadOnlyKeyValueStore<String, Object>() {
                private InvalidStateStoreException notRunning() {
                    return new InvalidStateStoreException("Cannot get state store " + parameters.storeName()
                            + " because the stream thread is PARTITIONS_ASSIGNED, not RUNNING");
                }

                @Override
                public Object get(String key) {
                    throw notRunning();
                }

                @Override
                public KeyValueIterator<String, Object> range(String from, String to) {
                    throw notRunning();
                }

                @Override
                public KeyValueIterator<String, Object> all() {
                    throw notRunning();
                }

                @Override
                public long approximateNumEntries() {
                    throw notRunning();
                }
            };
        }
    }
}
