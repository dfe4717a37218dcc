package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.message.CouponIssued;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Poison records land on coupon.failed with the error named, and the records behind them are decided. */
class PoisonRecordTest {
    @TempDir
    Path stateDir;
    IssuerDriver issuer;

    @BeforeEach
    void start() {
        issuer = new IssuerDriver(stateDir);
        issuer.define("e", 100);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    static Stream<Arguments> poison() {
        byte[] huge = new byte[1024 * 1024];
        Arrays.fill(huge, (byte) 'x');
        return Stream.of(
                Arguments.of("not JSON", "hello coupon", null, "malformed JSON"),
                Arguments.of("truncated JSON", "{\"requestId\":\"r1\",\"eventId\":\"e\"", null, "malformed JSON"),
                Arguments.of("empty", "", null, "empty value"),
                Arguments.of("JSON null", "null", null, "null"),
                Arguments.of("JSON array", "[1,2]", null, "JSON object"),
                Arguments.of("missing userId",
                        "{\"requestId\":\"r1\",\"eventId\":\"e\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}", null,
                        "userId: is required"),
                Arguments.of("userId a number",
                        "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":42,\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                        null, "userId: must be a string"),
                Arguments.of("userId with a slash",
                        "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"a/b\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                        null, "userId: must match"),
                Arguments.of("requestedAt not an instant",
                        "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"yesterday\"}", null,
                        "requestedAt"),
                Arguments.of("key is not the eventId",
                        "{\"requestId\":\"r1\",\"eventId\":\"other\",\"userId\":\"u\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                        null, "key: must equal eventId"),
                Arguments.of("definition with a negative cap", "{\"eventId\":\"e\",\"cap\":-1}",
                        IssuerCommandSerde.TYPE_DEFINITION, "cap: must be between 0"),
                Arguments.of("definition with cap as a string", "{\"eventId\":\"e\",\"cap\":\"100\"}",
                        IssuerCommandSerde.TYPE_DEFINITION, "cap: must be an integer"),
                Arguments.of("definition closing before it opens",
                        "{\"eventId\":\"e\",\"opensAt\":\"2026-11-25T10:00:00Z\",\"closesAt\":\"2026-11-25T09:00:00Z\"}",
                        IssuerCommandSerde.TYPE_DEFINITION, "closesAt: must be after opensAt"),
                Arguments.of("unknown type header", "{}", "Refund", "unknown coupon.type header"),
                Arguments.of("1 MB value", new String(huge, StandardCharsets.US_ASCII), null, "malformed JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poison")
    void poisonGoesToTheFailedTopicAndProcessingGoesOn(String name, String value, String type, String error) {
        RecordHeaders headers = new RecordHeaders();
        if (type != null) {
            headers.add(IssuerCommandSerde.TYPE_HEADER, type.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (IssuerCommandSerde.TYPE_DEFINITION.equals(type)) {
            // As a gateway would have sent it: what fails is the definition, not its authenticator.
            IssuerDriver.RECORDS.sign(headers, type, bytes);
        }
        issuer.pipeRaw("e".getBytes(StandardCharsets.UTF_8), bytes, headers);
        issuer.apply("e", "u-after");

        List<TestRecord<byte[], byte[]>> failed = issuer.failed();
        assertThat(failed).hasSize(1);
        TestRecord<byte[], byte[]> record = failed.get(0);
        assertThat(record.value()).isEqualTo(bytes);
        assertThat(FailedRecords.header(record.headers(), FailedRecords.MESSAGE)).contains(error);
        assertThat(FailedRecords.header(record.headers(), FailedRecords.STAGE)).isEqualTo(FailedRecords.STAGE_ISSUER);
        assertThat(FailedRecords.header(record.headers(), FailedRecords.TOPIC)).isEqualTo("coupon.apply-requests");
        assertThat(FailedRecords.header(record.headers(), FailedRecords.OFFSET)).isEqualTo("1");
        assertThat(FailedRecords.header(record.headers(), FailedRecords.EXCEPTION)).isNotBlank();

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u-after");
        assertThat(issuer.issuedCounts().get("e")).isEqualTo(1L);
    }
}
