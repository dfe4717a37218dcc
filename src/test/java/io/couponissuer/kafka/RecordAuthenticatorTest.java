package io.couponissuer.kafka;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordAuthenticatorTest {
    static final String OLD = "old=" + "o".repeat(40);
    static final String NEW = "new=" + "n".repeat(40);
    static final byte[] VALUE = "{\"eventId\":\"e\",\"cap\":5}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignedRecordChecksAndAnyChangeDoesNot() {
        RecordAuthenticator keys = RecordAuthenticator.parse(OLD);
        RecordHeaders headers = new RecordHeaders();
        keys.sign(headers, "EventDefinition", VALUE);

        assertThat(keys.check(headers, "EventDefinition", VALUE)).isEqualTo(RecordAuthenticator.Authenticity.VALID);
        assertThat(keys.check(headers, "Claim", VALUE)).as("another type").isEqualTo(RecordAuthenticator.Authenticity.INVALID);
        byte[] raised = "{\"eventId\":\"e\",\"cap\":6}".getBytes(StandardCharsets.UTF_8);
        assertThat(keys.check(headers, "EventDefinition", raised)).isEqualTo(RecordAuthenticator.Authenticity.INVALID);
        assertThat(keys.check(new RecordHeaders(), "EventDefinition", VALUE)).isEqualTo(RecordAuthenticator.Authenticity.MISSING);
        assertThat(RecordAuthenticator.parse(NEW).check(headers, "EventDefinition", VALUE))
                .as("a key this side does not hold").isEqualTo(RecordAuthenticator.Authenticity.INVALID);
    }

    @Test
    void forgedHeadersAreInvalid() {
        RecordAuthenticator keys = RecordAuthenticator.parse(OLD);
        for (String forged : new String[] {"", "old", "old:", "old:!!!", "old:AAAA", "other:AAAA", ":AAAA"}) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(RecordAuthenticator.HEADER, forged.getBytes(StandardCharsets.US_ASCII));
            assertThat(keys.check(headers, "EventDefinition", VALUE)).as(forged).isEqualTo(RecordAuthenticator.Authenticity.INVALID);
        }
    }

    @Test
    void keysRotateWithoutDowntime() {
        RecordHeaders byOld = new RecordHeaders();
        RecordAuthenticator.parse(OLD).sign(byOld, "Claim", VALUE);
        RecordAuthenticator rolling = RecordAuthenticator.parse(NEW + "," + OLD);
        RecordHeaders byNew = new RecordHeaders();
        rolling.sign(byNew, "Claim", VALUE);

        assertThat(rolling.check(byOld, "Claim", VALUE)).isEqualTo(RecordAuthenticator.Authenticity.VALID);
        assertThat(RecordAuthenticator.parse(OLD + "," + NEW).check(byNew, "Claim", VALUE))
                .as("a side that still signs with the old key takes the new one's records")
                .isEqualTo(RecordAuthenticator.Authenticity.VALID);
        assertThat(RecordAuthenticator.parse(NEW).check(byOld, "Claim", VALUE)).as("the old key dropped")
                .isEqualTo(RecordAuthenticator.Authenticity.INVALID);
        assertThat(new String(byNew.lastHeader(RecordAuthenticator.HEADER).value(), StandardCharsets.US_ASCII)).startsWith("new:");
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RecordAuthenticator.parse("k=short")).hasMessageContaining("at least 32");
        assertThatThrownBy(() -> RecordAuthenticator.parse("=" + "x".repeat(40))).hasMessageContaining("id=secret");
        assertThatThrownBy(() -> RecordAuthenticator.parse("a b=" + "x".repeat(40))).hasMessageContaining("must match");
        assertThatThrownBy(() -> RecordAuthenticator.parse(OLD + "," + OLD)).hasMessageContaining("twice");
        assertThat(RecordAuthenticator.parse(RecordAuthenticator.randomSetting())).isNotNull();
    }
}
