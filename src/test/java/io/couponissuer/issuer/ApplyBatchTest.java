package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Several applications of one event in one record are decided as if each had come alone, in list order. */
class ApplyBatchTest {
    @TempDir
    Path stateDir;
    IssuerDriver issuer;

    @BeforeEach
    void start() {
        issuer = new IssuerDriver(stateDir);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private ApplyBatch batch(String eventId, String... users) {
        return new ApplyBatch(eventId, IntStream.range(0, users.length)
                .mapToObj(i -> new ApplyRequest(eventId + "-b" + i + "-" + users[i], eventId, users[i], issuer.now())).toList());
    }

    @Test
    void aBatchIsDecidedInListOrderLikeTheSameApplicationsOneByOne() {
        issuer.define("sale", 3);
        issuer.apply("sale", "u0");
        issuer.pipe("sale", batch("sale", "u1", "u0", "u2", "u3", "u4"));

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u0", "u1", "u2");
        List<List<Rejection>> records = issuer.rejectedRecords();
        assertThat(records).as("a batch's rejections leave in one record")
                .hasSize(1);
        List<Rejection> rejected = records.get(0);
        assertThat(rejected).extracting(Rejection::userId, Rejection::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u0", RejectReason.DUPLICATE),
                org.assertj.core.groups.Tuple.tuple("u3", RejectReason.SOLD_OUT),
                org.assertj.core.groups.Tuple.tuple("u4", RejectReason.SOLD_OUT));
        assertThat(rejected.get(1).requestId()).as("each answer names its own request").isEqualTo("sale-b3-u3");
    }

    @Test
    void aBatchWithoutRejectionsWritesNoRejectionRecordAndASingleApplicationStillGetsOneOfItsOwn() {
        issuer.define("sale", 2);
        issuer.pipe("sale", batch("sale", "u1", "u2"));
        assertThat(issuer.issued()).hasSize(2);
        assertThat(issuer.rejectedRecords()).isEmpty();

        issuer.apply("sale", "u3");
        assertThat(issuer.rejectedRecords()).as("one application, one record, as before")
                .singleElement().satisfies(one -> assertThat(one).extracting(Rejection::userId).containsExactly("u3"));
    }

    @Test
    void aBatchOfASpreadEventIsSentOnToEachUsersGate() {
        issuer.define(new EventDefinition("hot", 1, null, null, true));
        issuer.pipe("hot", batch("hot", "u1", "u2"));

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u1");
        assertThat(issuer.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.SOLD_OUT);
        assertThat(issuer.spreadClaimants().get("hot/u1")).as("it passed the user's gate").isNotNull();
    }

    @Test
    void aBatchWithAnotherEventsApplicationOrNoneIsRefusedWhole() {
        issuer.define("sale", 3);
        byte[] mixed = ("{\"eventId\":\"sale\",\"applications\":[{\"requestId\":\"r1\",\"eventId\":\"sale\",\"userId\":\"u1\","
                + "\"requestedAt\":\"2026-11-30T10:00:00Z\"},{\"requestId\":\"r2\",\"eventId\":\"other\",\"userId\":\"u2\","
                + "\"requestedAt\":\"2026-11-30T10:00:00Z\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] empty = "{\"eventId\":\"sale\",\"applications\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte[] value : List.of(mixed, empty)) {
            org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(io.couponissuer.kafka.IssuerCommandSerde.TYPE_HEADER, "ApplyBatch".getBytes());
            issuer.pipeRaw("sale".getBytes(), value, headers);
        }

        assertThat(issuer.failed()).hasSize(2).allSatisfy(failed -> assertThat(
                new String(failed.headers().lastHeader(FailedRecords.MESSAGE).value())).contains("applications"));
        assertThat(issuer.issued()).as("nothing of a refused batch is decided").isEmpty();
        assertThat(issuer.rejected()).isEmpty();
    }
}
