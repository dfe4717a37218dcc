package io.couponissuer.message;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written check is exactly the documented rule, [A-Za-z0-9._:-]{1,64}. */
class IdsTest {
    private static final Pattern RULE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String ALPHABET = "aZ09._:-/ \u0000é사\uD83C\uDF9F'\"\\%";

    @Test
    void agreesWithTheRegexOnRandomStrings() {
        Random random = new Random(5);
        for (int i = 0; i < 50_000; i++) {
            int length = random.nextInt(70);
            StringBuilder id = new StringBuilder();
            for (int c = 0; c < length; c++) {
                // mostly allowed characters, so long valid ids are common too
                id.append(random.nextInt(10) < 8 ? ALPHABET.charAt(random.nextInt(8))
                        : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String value = id.toString();
            assertThat(Ids.isValid(value)).as("'%s'", value).isEqualTo(RULE.matcher(value).matches());
        }
    }
}
