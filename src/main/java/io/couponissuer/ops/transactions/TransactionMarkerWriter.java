package io.couponissuer.ops.transactions;

import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.NetworkClientUtils;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.LogContext;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes one transaction marker onto one partition: the WriteTxnMarkers request a transaction
 * coordinator sends, and {@code Admin#abortTransaction} sends for an ABORT. The Admin API offers
 * only the abort; a COMMIT marker that the coordinator decided and then lost (KAFKA-20734,
 * docs/operations.md#hanging-transactions) can only be delivered this way. The request goes to the partition's leader over a
 * client connection built from the admin client's settings (security protocol included), and
 * needs the same permission as {@code kafka-transactions abort} (ClusterAction).
 */
final class TransactionMarkerWriter {
    private final Map<String, Object> adminConfig;
    private final Duration timeout;

    TransactionMarkerWriter(Map<String, Object> adminConfig, Duration timeout) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.timeout = timeout;
    }

    /**
     * Writes the marker for {@code producerId} at {@code producerEpoch}, as a legacy (transaction
     * version 0/1) marker: the partition accepts it at the epoch the open transaction's records
     * carry, as it does the Admin API's abort. The marker is that producer's alone: it ends that
     * producer id's open transaction on the partition and no other producer's (another group's
     * transactional offsets on a shared {@code __consumer_offsets} partition stay pending). Throws
     * with the broker's error if it refuses.
     */
    void write(Node leader, TopicPartition partition, long producerId, short producerEpoch, int coordinatorEpoch,
               TransactionResult result) {
        AdminClientConfig config = new AdminClientConfig(adminConfig);
        Time time = Time.SYSTEM;
        LogContext logContext = new LogContext("[transaction-marker-writer] ");
        try (Metrics metrics = new Metrics(time);
             NetworkClient client = ClientUtils.createNetworkClient(config, List.of(), "coupon-transaction-marker", metrics,
                     "coupon-transaction-marker", logContext, new ApiVersions(), time, 1, (int) timeout.toMillis(), null,
                     new ManualMetadataUpdater(List.of(leader)), new org.apache.kafka.clients.DefaultHostResolver(),
                     null, null)) {
            if (!NetworkClientUtils.awaitReady(client, leader, time, timeout.toMillis())) {
                throw new IllegalStateException("could not connect to " + leader + " within " + timeout);
            }
            WriteTxnMarkersRequest.Builder request = new WriteTxnMarkersRequest.Builder(List.of(
                    new WriteTxnMarkersRequest.TxnMarkerEntry(producerId, producerEpoch, coordinatorEpoch, result,
                            List.of(partition), (short) 0)));
            ClientRequest clientRequest = client.newClientRequest(leader.idString(), request, time.milliseconds(), true);
            ClientResponse response = NetworkClientUtils.sendAndReceive(client, clientRequest, time);
            if (response.versionMismatch() != null) {
                throw new IllegalStateException("the broker does not take WriteTxnMarkers: " + response.versionMismatch());
            }
            Errors error = ((WriteTxnMarkersResponse) response.responseBody()).errorsByProducerId()
                    .getOrDefault(producerId, Map.of()).getOrDefault(partition, Errors.UNKNOWN_SERVER_ERROR);
            if (error != Errors.NONE) {
                throw error.exception("the broker refused the " + result + " marker for producer " + producerId
                        + " epoch " + producerEpoch + " on " + partition + ": " + error);
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing the " + result + " marker on " + partition + " failed: " + e, e);
        }
    }
}
