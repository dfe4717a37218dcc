package io.couponissuer.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Leaves a real broker with the end state of the crash in docs/operations.md#hanging-transactions: a partition holding
 * an open transaction that its coordinator no longer tracks.
 *
 * <p>A real transactional producer writes to partition {@code tracked}; its producer id and epoch
 * are then used for a transactional batch written straight onto partition {@code hanging} with a
 * bare Produce request (version 11, before transaction version 2), which the coordinator never
 * hears of. When the real producer commits or aborts, the markers go to {@code tracked} only: the
 * transaction is complete for the coordinator and open on {@code hanging} forever. That is the
 * shape of the lost marker captured twice (KAFKA-20734), with the outcome chosen. The broker must
 * run with {@code transaction.partition.verification.enable=false}, or it checks with the
 * coordinator and refuses the bare batch.
 */
public final class HangingTransactionMaker {
    /** The broker override the bare batch needs. */
    public static final Map<String, String> BROKER_OVERRIDES = Map.of("transaction.partition.verification.enable", "false");

    /** What was left behind. */
    public record Made(TopicPartition hanging, long producerId, short producerEpoch, long startOffset) {
    }

    private HangingTransactionMaker() {
    }

    /** A transactional id shaped like the issuer's Kafka Streams producers': {@code <application.id>-<uuid>-<thread>}. */
    public static String streamsTransactionalId(String applicationId) {
        return applicationId + "-" + UUID.randomUUID() + "-1";
    }

    /**
     * Writes the hanging batch, then commits (or aborts) the producer's transaction everywhere else.
     *
     * @param transactionalId whose transaction it is: {@link #streamsTransactionalId} for the issuer's own
     */
    public static Made make(String bootstrapServers, Admin admin, String transactionalId, TopicPartition tracked,
                            TopicPartition hanging, boolean commit) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(tracked.topic(), tracked.partition(), "k", "tracked")).get();
            ProducerState state = admin.describeProducers(List.of(tracked)).partitionResult(tracked).get()
                    .activeProducers().stream().filter(p -> p.currentTransactionStartOffset().isPresent())
                    .reduce((a, b) -> b).orElseThrow();
            long startOffset = produceBare(bootstrapServers, transactionalId, hanging, state.producerId(),
                    (short) state.producerEpoch());
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
            return new Made(hanging, state.producerId(), (short) state.producerEpoch(), startOffset);
        }
    }

    /** One transactional record onto the partition's leader (the single test broker); returns its offset. */
    private static long produceBare(String bootstrapServers, String transactionalId, TopicPartition partition,
                                    long producerId, short epoch) throws Exception {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0,
                new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "hanging".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(partition.topic()).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition.partition()).setRecords(records))));
        ProduceRequestData data = new ProduceRequestData().setTransactionalId(transactionalId).setAcks((short) -1)
                .setTimeoutMs(10_000).setTopicData(topics);
        short version = ProduceRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;
        ProduceRequest request = new ProduceRequest.Builder(version, version, data).build(version);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "it-hanging-maker", 1);
        ByteBuffer bytes = request.serializeWithHeader(header);
        String[] hostPort = bootstrapServers.split(",")[0].split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(bytes.remaining());
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
            ProduceResponseData.PartitionProduceResponse result = response.data().responses().iterator().next()
                    .partitionResponses().get(0);
            Errors error = Errors.forCode(result.errorCode());
            if (error != Errors.NONE) {
                throw new IllegalStateException("the broker refused the bare transactional batch: " + error + " "
                        + result.errorMessage());
            }
            return result.baseOffset();
        }
    }
}
