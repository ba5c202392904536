//! The document model every export reads: only what reports need (headings, paragraphs, lists,
//! tables, emphasis). Text is always plain data here; each export escapes it for its format.

use time::Date;

/// A document ready to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title (document metadata and the title page).
    pub title: String,
    /// A line under the title, such as the case reference.
    pub subtitle: Option<String>,
    /// BCP 47 language tag of the text, "en-GB" for our reports.
    pub language: String,
    /// Who issues the document: the safeguarding children partnership.
    pub author: String,
    /// The date the document carries.
    pub date: Option<Date>,
    /// The body.
    pub blocks: Vec<Block>,
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading; level 1 is a report section. Levels deeper than 3 are shown as 3.
    Heading {
        /// 1 to 3.
        level: u8,
        /// The heading text.
        text: String,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted list, one item per entry.
    BulletList(Vec<Vec<Inline>>),
    /// A numbered list, one item per entry; numbering starts at 1.
    NumberedList(Vec<Vec<Inline>>),
    /// A table with one header row. Short rows are padded with empty cells.
    Table {
        /// Column headings.
        header: Vec<String>,
        /// Body rows.
        rows: Vec<Vec<String>>,
    },
}

/// A run of text inside a paragraph or list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasised (italic) text.
    Emphasis(String),
    /// Strong (bold) text.
    Strong(String),
}

impl Inline {
    /// The text of the run, whatever its emphasis.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Self::Text(t) | Self::Emphasis(t) | Self::Strong(t) => t,
        }
    }
}

impl Document {
    /// The document's words as plain text, one block a paragraph (headings, list items and
    /// table rows each on a line of their own): what a full-text index reads.
    #[must_use]
    pub fn plain_text(&self) -> String {
        let inline = |runs: &[Inline]| runs.iter().map(Inline::text).collect::<String>();
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading { text, .. } => out.push_str(text),
                Block::Paragraph(runs) => out.push_str(&inline(runs)),
                Block::BulletList(items) | Block::NumberedList(items) => {
                    let lines: Vec<String> = items.iter().map(|i| inline(i)).collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::Table { header, rows } => {
                    out.push_str(&header.join(" | "));
                    for row in rows {
                        out.push('\n');
                        out.push_str(&row.join(" | "));
                    }
                }
            }
            out.push_str("\n\n");
        }
        out.trim_end().to_owned()
    }

    /// A document in British English with no body yet.
    #[must_use]
    pub fn new(title: impl Into<String>, author: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            subtitle: None,
            language: "en-GB".to_owned(),
            author: author.into(),
            date: None,
            blocks: Vec::new(),
        }
    }

    /// The primary language subtag ("en" for "en-GB"), lower case; "en" when unusable.
    #[must_use]
    pub fn language_code(&self) -> String {
        let primary = self.language.split(['-', '_']).next().unwrap_or("");
        if (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()) {
            primary.to_ascii_lowercase()
        } else {
            "en".to_owned()
        }
    }

    /// The region subtag ("GB" for "en-GB"), upper case, when there is a valid one.
    #[must_use]
    pub fn region_code(&self) -> Option<String> {
        let region = self.language.split(['-', '_']).nth(1)?;
        (region.len() == 2 && region.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| region.to_ascii_uppercase())
    }

    /// The language tag as the exports write it ("en-GB").
    #[must_use]
    pub fn language_tag(&self) -> String {
        match self.region_code() {
            Some(region) => format!("{}-{region}", self.language_code()),
            None => self.language_code(),
        }
    }

    /// The body as the exports lay it out: heading levels between 1 and 3 that never skip a
    /// level (a screen reader's outline must not jump from 1 to 3), control characters removed,
    /// table rows padded to a common width, empty lists and tables dropped.
    #[must_use]
    pub fn normalised_blocks(&self) -> Vec<Block> {
        let mut out = Vec::with_capacity(self.blocks.len());
        let mut previous_level = 0u8;
        for block in &self.blocks {
            match block {
                Block::Heading { level, text } => {
                    let level = (*level).clamp(1, 3).min(previous_level + 1);
                    previous_level = level;
                    // An empty heading would be an unnamed stop in a screen reader's outline
                    // (and PDF/UA forbids it).
                    let text = clean(text);
                    let text = if text.trim().is_empty() {
                        "Untitled section".to_owned()
                    } else {
                        text
                    };
                    out.push(Block::Heading { level, text });
                }
                Block::Paragraph(inlines) => out.push(Block::Paragraph(clean_inlines(inlines))),
                Block::BulletList(items) if !items.is_empty() => {
                    out.push(Block::BulletList(
                        items.iter().map(|i| clean_inlines(i)).collect(),
                    ));
                }
                Block::NumberedList(items) if !items.is_empty() => {
                    out.push(Block::NumberedList(
                        items.iter().map(|i| clean_inlines(i)).collect(),
                    ));
                }
                Block::Table { header, rows } => {
                    let columns = rows
                        .iter()
                        .map(Vec::len)
                        .chain([header.len()])
                        .max()
                        .unwrap_or(0);
                    if columns == 0 {
                        continue;
                    }
                    let pad = |cells: &[String]| -> Vec<String> {
                        let mut cells: Vec<String> = cells.iter().map(|c| clean(c)).collect();
                        cells.resize(columns, String::new());
                        cells
                    };
                    out.push(Block::Table {
                        header: pad(header),
                        rows: rows.iter().map(|r| pad(r)).collect(),
                    });
                }
                Block::BulletList(_) | Block::NumberedList(_) => {}
            }
        }
        out
    }
}

/// Text without control characters (tabs and line breaks become spaces): no format we write
/// can carry them, and XML 1.0 forbids most of them outright.
#[must_use]
pub fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            // Unpaired surrogates cannot occur in a Rust string; non-characters can, and XML
            // forbids these two.
            '\u{FFFE}' | '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

fn clean_inlines(inlines: &[Inline]) -> Vec<Inline> {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => Inline::Text(clean(t)),
            Inline::Emphasis(t) => Inline::Emphasis(clean(t)),
            Inline::Strong(t) => Inline::Strong(clean(t)),
        })
        .filter(|i| !i.text().is_empty())
        .collect()
}

/// Splits a section's plain text into blocks: a blank line ends a paragraph, lines starting
/// "- " (or "* ") form a bulleted list, lines starting "1. " (any number) a numbered list.
/// Lines of one paragraph are joined with a space. Everything else is literal text: no
/// markup of any kind is interpreted. Control characters are dropped ([`clean`]) and each
/// run of spaces is one space.
#[must_use]
pub fn text_blocks(text: &str) -> Vec<Block> {
    enum Open {
        None,
        Paragraph(Vec<String>),
        Bullets(Vec<String>),
        Numbers(Vec<String>),
    }
    fn close(open: Open, out: &mut Vec<Block>) {
        let items = |v: Vec<String>| v.into_iter().map(|t| vec![Inline::Text(t)]).collect();
        match open {
            Open::None => {}
            Open::Paragraph(lines) => {
                out.push(Block::Paragraph(vec![Inline::Text(lines.join(" "))]))
            }
            Open::Bullets(v) => out.push(Block::BulletList(items(v))),
            Open::Numbers(v) => out.push(Block::NumberedList(items(v))),
        }
    }

    let mut out = Vec::new();
    let mut open = Open::None;
    for raw in text.lines() {
        // Without control characters first (a line of nothing else is a blank line), and with
        // each run of spaces one space, as HTML and PDF show it.
        let cleaned = clean(raw).split_whitespace().collect::<Vec<_>>().join(" ");
        let line = cleaned.as_str();
        if line.is_empty() {
            close(std::mem::replace(&mut open, Open::None), &mut out);
            continue;
        }
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            let item = item.trim().to_owned();
            match &mut open {
                Open::Bullets(v) => v.push(item),
                _ => close(
                    std::mem::replace(&mut open, Open::Bullets(vec![item])),
                    &mut out,
                ),
            }
        } else if let Some(item) = numbered_item(line) {
            match &mut open {
                Open::Numbers(v) => v.push(item),
                _ => close(
                    std::mem::replace(&mut open, Open::Numbers(vec![item])),
                    &mut out,
                ),
            }
        } else {
            match &mut open {
                Open::Paragraph(lines) => lines.push(line.to_owned()),
                // A line after a list item without a marker continues that item.
                Open::Bullets(v) | Open::Numbers(v) if raw.starts_with([' ', '\t']) => {
                    if let Some(last) = v.last_mut() {
                        last.push(' ');
                        last.push_str(line);
                    }
                }
                _ => {
                    close(
                        std::mem::replace(&mut open, Open::Paragraph(vec![line.to_owned()])),
                        &mut out,
                    );
                }
            }
        }
    }
    close(open, &mut out);
    out
}

/// "12. text" → "text".
fn numbered_item(line: &str) -> Option<String> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    line[digits..]
        .strip_prefix(". ")
        .map(|rest| rest.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.to_owned())]
    }

    /// Found by the fuzz target `rich_text`: a line of control characters only (here NULs) was
    /// kept as a line of its paragraph, so the paragraph began with a space once they were
    /// dropped, and sanitising the result again changed it. Control characters go first; such
    /// a line is a blank line.
    #[test]
    fn a_line_of_control_characters_is_a_blank_line() {
        assert_eq!(
            text_blocks("First.\n\u{0}\u{0}\u{7}\nSecond \u{0}part."),
            vec![
                Block::Paragraph(text("First.")),
                Block::Paragraph(text("Second part.")),
            ]
        );
        let once = crate::richtext::sanitise("a\n\n\u{0}\u{0}\nso on");
        assert_eq!(crate::richtext::sanitise(&once), once);
    }

    /// Found by the fuzz target `rich_text`: "-h  bullet" kept its two spaces as plain text but
    /// lost one when the stored rich text was read again (HTML shows a run of spaces as one),
    /// so a section saved twice changed. Runs of spaces and tabs are one space, as every
    /// format shows them.
    #[test]
    fn runs_of_spaces_are_one_space() {
        assert_eq!(
            text_blocks("two  spaces,\ta tab\n-  item"),
            vec![
                Block::Paragraph(text("two spaces, a tab")),
                Block::BulletList(vec![text("item")]),
            ]
        );
        let once = crate::richtext::sanitise("First.\n\n-h  bullet\n- a & so on");
        assert_eq!(crate::richtext::sanitise(&once), once);
    }

    #[test]
    fn splits_paragraphs_bullets_and_numbers() {
        let blocks = text_blocks(
            "First line\nsame paragraph.\n\nSecond.\n- one\n- two\n  continued\n\n1. a\n2. b\nAfter.",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(text("First line same paragraph.")),
                Block::Paragraph(text("Second.")),
                Block::BulletList(vec![text("one"), text("two continued")]),
                Block::NumberedList(vec![text("a"), text("b")]),
                Block::Paragraph(text("After.")),
            ]
        );
    }

    #[test]
    fn markup_is_literal_text() {
        let blocks = text_blocks("*bold* #set page(width: 1pt) $x$ <label> @ref");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(text(
                "*bold* #set page(width: 1pt) $x$ <label> @ref"
            ))]
        );
    }

    #[test]
    fn heading_levels_never_skip() {
        let mut doc = Document::new("T", "A");
        doc.blocks = vec![
            Block::Heading {
                level: 3,
                text: "a".into(),
            },
            Block::Heading {
                level: 0,
                text: "b".into(),
            },
            Block::Heading {
                level: 9,
                text: "c".into(),
            },
        ];
        let levels: Vec<u8> = doc
            .normalised_blocks()
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, .. } => Some(*level),
                _ => None,
            })
            .collect();
        assert_eq!(levels, vec![1, 1, 2]);
    }

    #[test]
    fn language_parts() {
        let mut doc = Document::new("T", "A");
        assert_eq!(
            (doc.language_code(), doc.region_code()),
            ("en".into(), Some("GB".into()))
        );
        doc.language = "<script>".into();
        assert_eq!(doc.language_tag(), "en");
    }
}
