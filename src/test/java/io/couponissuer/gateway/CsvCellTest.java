package io.couponissuer.gateway;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A winners CSV cell is shown as text by a spreadsheet, never evaluated (OWASP CSV injection), and stays valid CSV. */
class CsvCellTest {
    @Test
    void aCellAFormulaCouldStartWithGetsALeadingQuote() {
        assertThat(CsvCell.of("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(CsvCell.of("=1+2")).isEqualTo("'=1+2");
        assertThat(CsvCell.of("+1")).isEqualTo("'+1");
        assertThat(CsvCell.of("-u-42")).isEqualTo("'-u-42");
        assertThat(CsvCell.of("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvCell.of("\tcmd")).isEqualTo("'\tcmd");
        assertThat(CsvCell.of("\rcmd")).as("a CR needs quotes too").isEqualTo("\"'\rcmd\"");
    }

    @Test
    void otherCellsAreLeftAsTheyAreAndQuotedOnlyWhereCsvNeedsIt() {
        assertThat(CsvCell.of("u-42")).isEqualTo("u-42");
        assertThat(CsvCell.of("spring-sale:1.a_b")).isEqualTo("spring-sale:1.a_b");
        assertThat(CsvCell.of(17L)).isEqualTo("17");
        assertThat(CsvCell.of(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(CsvCell.of("")).isEmpty();
        assertThat(CsvCell.of("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvCell.of("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvCell.of("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvCell.of("a=b")).as("only the first character counts").isEqualTo("a=b");
    }
}
