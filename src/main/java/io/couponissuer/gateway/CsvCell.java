package io.couponissuer.gateway;

/**
 * One CSV cell that a spreadsheet shows as text, never evaluates (OWASP, CSV injection): a value
 * that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return would be
 * read as a formula, so it gets a leading {@code '}; then it is quoted as RFC 4180 requires (a
 * comma, a double quote, CR or LF inside; double quotes doubled). The winners list carries ids that
 * may start with {@code -} and, once identities come from tokens, other characters too.
 */
final class CsvCell {
    private CsvCell() {
    }

    static String of(Object value) {
        String text = String.valueOf(value);
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
