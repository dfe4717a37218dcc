package io.couponissuer.issuer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed topology/describe.txt is the reviewed shape of the issuer: node names, stores and
 * topics. A change to the code's topology fails here until the file is regenerated on purpose:
 * {@code mvn -B test -Dtest=TopologyDescriptionTest -Dtopology.update=true}.
 */
class TopologyDescriptionTest {
    private static final Path COMMITTED = Path.of("topology", "describe.txt");

    @Test
    void codeMatchesTheCommittedDescription() throws IOException {
        String actual = CouponTopology.build().describe().toString();
        if (Boolean.getBoolean("topology.update")) {
            Files.writeString(COMMITTED, actual);
        }
        assertThat(Files.readString(COMMITTED))
                .as("topology/describe.txt differs from CouponTopology: review the change, then regenerate it "
                        + "with: mvn -B test -Dtest=TopologyDescriptionTest -Dtopology.update=true")
                .isEqualTo(actual);
    }

    @Test
    void changelogTopicNamesStayStable() {
        String description = CouponTopology.build().describe().toString();
        assertThat(description).contains("stores: [", IssuerStores.EVENT_DEFINITIONS, IssuerStores.ISSUED_COUNTS,
                IssuerStores.DECISIONS);
    }

    /** The hanging-transaction guard watches the changelogs by these names (Topics.issuerChangelogs). */
    @Test
    void theWatchedChangelogsAreTheTopologysStores() {
        java.util.Set<String> stores = new java.util.TreeSet<>();
        CouponTopology.build().describe().subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof org.apache.kafka.streams.TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        assertThat(stores).containsExactlyInAnyOrderElementsOf(io.couponissuer.kafka.Topics.ISSUER_STORES);
    }
}
