//! CSV fields for the exports people open in a spreadsheet (tracker, figures, chronology,
//! `cspr stats`): one rule for all of them, so no export can be opened as a formula.

/// One CSV field. A value a spreadsheet would take for a formula (it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets an apostrophe in front; the field is quoted when it
/// holds a comma, a quote or a line break, with quotes doubled (RFC 4180).
#[must_use]
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// One CSV record of the given fields, ended with CRLF.
#[must_use]
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    let mut line = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(field("Actions"), "Actions");
        assert_eq!(field(""), "");
        assert_eq!(field("2025-09-30"), "2025-09-30");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("@x, y"), "\"'@x, y\"");
        assert_eq!(field("\tx"), "'\tx");
    }

    #[test]
    fn a_record_joins_fields_and_ends_the_line() {
        assert_eq!(record(&["a", "b,c", "=1"]), "a,\"b,c\",'=1\r\n");
    }
}
