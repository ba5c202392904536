//! CSV for the exports people open in a spreadsheet (the action tracker, figures, the
//! integrated chronology, `cspr stats`): written by the `csv` crate (RFC 4180 quoting, CRLF),
//! with one rule for every field, so no export can be opened as a formula.

/// A field as it is written: a value a spreadsheet would take for a formula (it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets an apostrophe in front.
#[must_use]
pub fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A CSV file being written, record by record.
#[derive(Debug)]
pub struct Csv(csv::Writer<Vec<u8>>);

impl Default for Csv {
    fn default() -> Self {
        Self::new()
    }
}

impl Csv {
    /// An empty file.
    #[must_use]
    pub fn new() -> Self {
        Self(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .flexible(true)
                .from_writer(Vec::new()),
        )
    }

    /// Adds one record, each field defused.
    #[must_use]
    pub fn record<S: AsRef<str>>(mut self, fields: &[S]) -> Self {
        self.push(fields);
        self
    }

    /// Adds one record, each field defused.
    pub fn push<S: AsRef<str>>(&mut self, fields: &[S]) {
        // Writing to memory cannot fail.
        let _ = self
            .0
            .write_record(fields.iter().map(|f| defuse(f.as_ref()).into_owned()));
    }

    /// The file's bytes (UTF-8).
    #[must_use]
    pub fn finish(self) -> Vec<u8> {
        self.0.into_inner().unwrap_or_default()
    }

    /// The file as text.
    #[must_use]
    pub fn into_string(self) -> String {
        String::from_utf8(self.finish()).unwrap_or_default()
    }
}

/// One record, ended with CRLF (for a file written a line at a time).
#[must_use]
pub fn record<S: AsRef<str>>(fields: &[S]) -> String {
    Csv::new().record(fields).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        record(&[text]).trim_end_matches("\r\n").to_owned()
    }

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(field("Actions"), "Actions");
        assert_eq!(field("2025-09-30"), "2025-09-30");
        assert_eq!(record(&["a", "b"]), "a,b\r\n");
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
    fn a_file_is_its_records_in_order() {
        let mut csv = Csv::new();
        csv.push(&["Figure", "Value"]);
        csv.push(&["Notifications", "3"]);
        assert_eq!(csv.into_string(), "Figure,Value\r\nNotifications,3\r\n");
    }
}
