//! The rich text of report sections: only what reports need (sub-headings, paragraphs, lists,
//! tables, emphasis). Whatever arrives (typed plain text, the editor's HTML, a paste from Word)
//! goes through ammonia's allow-list first, then is read into the document model and written
//! back as one canonical HTML form with no attributes at all. Word's list paragraphs
//! (`class="MsoListParagraph"`, `style="mso-list:..."`, with their typed bullet or number)
//! become real lists, so a pasted document keeps its structure.
//!
//! Heading levels inside a section: `h1` and `h2` are level 2, `h3` and deeper level 3 (level
//! 1 is the section's own heading).

use std::collections::{HashMap, HashSet};

use crate::model::{Block, Inline, text_blocks};

/// Tags kept by the first pass (everything else is dropped, its text kept).
const TAGS: [&str; 20] = [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li", "table", "thead", "tbody",
    "tr", "th", "td", "em", "strong", "b",
];

fn cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    let mut tags: HashSet<&str> = TAGS.into_iter().collect();
    tags.insert("i");
    tags.insert("div");
    b.tags(tags);
    // Word's list paragraphs are recognised by their class and style: kept on `p` for the
    // second pass only, which writes no attribute at all.
    let mut attrs = HashMap::new();
    attrs.insert("p", ["class", "style"].into_iter().collect::<HashSet<_>>());
    b.tag_attributes(attrs);
    b.generic_attributes(HashSet::new());
    b.clean_content_tags(
        [
            "script", "style", "xml", "title", "template", "noscript", "iframe", "object",
        ]
        .into_iter()
        .collect(),
    );
    b.strip_comments(true);
    b.link_rel(None);
    b
}

/// Whether a stored text is rich text rather than plain text: what [`sanitise`] keeps always
/// starts with a block tag. Plain text (older drafts, the draft form) never counts as markup,
/// whatever it holds: "<label>" in it stays text.
#[must_use]
pub fn is_html(text: &str) -> bool {
    let t = text.trim_start();
    ["<p>", "<h2>", "<h3>", "<ul>", "<ol>", "<table>"]
        .iter()
        .any(|tag| t.starts_with(tag))
}

/// Sanitises what a person typed or pasted into the canonical rich text kept in events.
/// Text without tags is read as plain text (blank lines split paragraphs, "- " lines are
/// bullets, "1. " lines numbered).
#[must_use]
pub fn sanitise(input: &str) -> String {
    let blocks = if looks_like_html(input) {
        read_html(input)
    } else {
        text_blocks(input)
    };
    to_html(&blocks, 2)
}

/// The blocks of a stored section's text: rich text as [`sanitise`] keeps it (read through the
/// allow-list again), anything else as plain text.
#[must_use]
pub fn blocks(text: &str) -> Vec<Block> {
    if is_html(text) {
        read_html(text)
    } else {
        text_blocks(text)
    }
}

fn read_html(text: &str) -> Vec<Block> {
    let clean = cleaner().clean(text).to_string();
    Reader::default().read(&clean)
}

/// Whether the text holds a tag ("<" followed by a letter, "/" or "!"); "5 < 6" does not.
fn looks_like_html(text: &str) -> bool {
    text.match_indices('<').any(|(i, _)| {
        text[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    })
}

/// The plain text of a section (for comparing versions): one block a line, list items with a
/// bullet, table cells separated by " | ".
#[must_use]
pub fn plain_text(text: &str) -> String {
    let mut out = String::new();
    for b in blocks(text) {
        match b {
            Block::Heading { text, .. } => out.push_str(&text),
            Block::Paragraph(i) => out.push_str(&inline_text(&i)),
            Block::BulletList(items) => {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| format!("\u{2022} {}", inline_text(i)))
                    .collect();
                out.push_str(&lines.join("\n"));
            }
            Block::NumberedList(items) => {
                let lines: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(n, i)| format!("{}. {}", n + 1, inline_text(i)))
                    .collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Table { header, rows } => {
                let mut lines = vec![header.join(" | ")];
                lines.extend(rows.iter().map(|r| r.join(" | ")));
                out.push_str(&lines.join("\n"));
            }
        }
        out.push_str("\n\n");
    }
    out.trim_end().to_owned()
}

fn inline_text(inlines: &[Inline]) -> String {
    inlines.iter().map(Inline::text).collect()
}

/// Writes blocks as canonical HTML; `top` is the HTML level of a level-2 heading (sub-headings
/// of a section: 2 in stored text, 3 on a page whose sections are `h2`).
#[must_use]
pub fn to_html(blocks: &[Block], top: u8) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            // A block with no text is not written, and spaces at a block's ends are not
            // either: read again, they would be gone, and the canonical form would change
            // (found by the fuzz target `rich_text`).
            Block::Heading { level, text } => {
                let h = (top + level.saturating_sub(2)).clamp(1, 6);
                let text = esc(text);
                if !text.trim().is_empty() {
                    out.push_str(&format!("<h{h}>{}</h{h}>", text.trim()));
                }
            }
            Block::Paragraph(inlines) => {
                let text = inline_html(inlines);
                if !text.is_empty() {
                    out.push_str(&format!("<p>{text}</p>"));
                }
            }
            Block::BulletList(items) | Block::NumberedList(items) => {
                let tag = if matches!(b, Block::BulletList(_)) {
                    "ul"
                } else {
                    "ol"
                };
                let items: Vec<String> = items
                    .iter()
                    .map(|i| inline_html(i))
                    .filter(|i| !i.is_empty())
                    .collect();
                if items.is_empty() {
                    continue;
                }
                out.push_str(&format!("<{tag}>"));
                for i in items {
                    out.push_str(&format!("<li>{i}</li>"));
                }
                out.push_str(&format!("</{tag}>"));
            }
            Block::Table { header, rows } => {
                out.push_str("<table><thead><tr>");
                for h in header {
                    out.push_str(&format!("<th>{}</th>", esc(h).trim()));
                }
                out.push_str("</tr></thead><tbody>");
                for r in rows {
                    out.push_str("<tr>");
                    for c in r {
                        out.push_str(&format!("<td>{}</td>", esc(c).trim()));
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</tbody></table>");
            }
        }
    }
    out
}

/// A block's runs as the canonical form writes them: without spaces at the block's ends or two
/// together across runs, without runs left empty, and runs of one kind side by side as one
/// (found by the fuzz target `rich_text`: reading the written form again gives exactly these
/// runs). Empty when the block has no text.
fn inline_html(inlines: &[Inline]) -> String {
    let mut runs: Vec<(&Inline, String)> = Vec::new();
    for i in inlines {
        let mut text = collapse(&crate::model::clean(i.text()));
        let after_space = runs.last().is_none_or(|(_, t)| t.ends_with(' '));
        if after_space {
            text = text.trim_start().to_owned();
        }
        match runs.last_mut() {
            _ if text.is_empty() => {}
            // Runs of one kind side by side are one run, as reading them again gives.
            Some((last, t)) if std::mem::discriminant(*last) == std::mem::discriminant(i) => {
                t.push_str(&text);
            }
            _ => runs.push((i, text)),
        }
    }
    while let Some((_, last)) = runs.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
        if !last.is_empty() {
            break;
        }
        runs.pop();
    }
    runs.into_iter()
        .map(|(i, text)| match i {
            Inline::Text(_) => esc(&text),
            Inline::Emphasis(_) => format!("<em>{}</em>", esc(&text)),
            Inline::Strong(_) => format!("<strong>{}</strong>", esc(&text)),
        })
        .collect()
}

/// Text as the canonical form writes it: without control characters, each run of spaces one
/// space (as reading it again gives), escaped.
fn esc(t: &str) -> String {
    crate::html::escape(&collapse(&crate::model::clean(t)))
}

/// A tag of the sanitiser's output.
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    attrs: String,
}

/// The text with its character references decoded (the sanitiser writes only well-formed ones;
/// anything else is left as it is), a no-break space as a plain one.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let nbsp = |entity: &str| {
        quick_xml::escape::resolve_predefined_entity(entity)
            .or_else(|| (entity == "nbsp").then_some("\u{a0}"))
    };
    quick_xml::escape::unescape_with(text, nbsp)
        .map_or_else(|_| text.to_owned(), |t| t.replace('\u{a0}', " "))
}

/// Where the reader is.
#[derive(Debug, Default)]
enum Open {
    #[default]
    None,
    Paragraph,
    Heading(u8),
    /// A list: ordered or not, its items, whether an item is open.
    List(bool, Vec<Vec<Inline>>),
    /// A table: rows of cells, with whether each row is a header row.
    Table(Vec<(bool, Vec<String>)>),
}

/// Reads the sanitiser's output (well-formed, lower-case tags, quoted attributes) into blocks.
#[derive(Debug, Default)]
struct Reader {
    out: Vec<Block>,
    open: Open,
    inlines: Vec<Inline>,
    em: u32,
    strong: u32,
    /// A Word list paragraph is open: (ordered, whether its marker is still to read).
    word_item: Option<(bool, bool)>,
    /// The cell being read, inside a table.
    cell: Option<(bool, String)>,
    /// Word's list, gathered across paragraphs.
    word_list: Option<(bool, Vec<Vec<Inline>>)>,
    /// List depth (nested lists are flattened into the outer one).
    list_depth: u32,
}

impl Reader {
    fn read(mut self, html: &str) -> Vec<Block> {
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(i) = rest.find('<') {
                if i > 0 {
                    self.text(&decode_entities(&rest[..i]));
                }
                rest = &rest[i..];
                let Some(end) = tag_end(rest) else {
                    self.text(&decode_entities(rest));
                    break;
                };
                let raw = &rest[1..end];
                rest = &rest[end + 1..];
                if let Some(tag) = parse_tag(raw) {
                    self.tag(&tag);
                }
            } else {
                self.text(&decode_entities(rest));
                break;
            }
        }
        self.close_block();
        self.close_word_list();
        self.out
    }

    fn push_inline(&mut self, text: &str) {
        let run = if self.strong > 0 {
            Inline::Strong(text.to_owned())
        } else if self.em > 0 {
            Inline::Emphasis(text.to_owned())
        } else {
            Inline::Text(text.to_owned())
        };
        match (self.inlines.last_mut(), &run) {
            (Some(Inline::Text(a)), Inline::Text(b))
            | (Some(Inline::Emphasis(a)), Inline::Emphasis(b))
            | (Some(Inline::Strong(a)), Inline::Strong(b)) => a.push_str(b),
            _ => self.inlines.push(run),
        }
    }

    fn text(&mut self, text: &str) {
        let text = collapse(text);
        if let Some((_, cell)) = &mut self.cell {
            cell.push_str(&text);
            return;
        }
        if text.trim().is_empty() && matches!(self.open, Open::None | Open::Table(_)) {
            return;
        }
        // Spaces before a list's first item are layout; spaces between the runs of an item are
        // text (found by the fuzz target `rich_text`: they were dropped in the first item).
        if let Open::List(_, items) = &self.open
            && items.is_empty()
            && self.inlines.is_empty()
            && text.trim().is_empty()
        {
            return;
        }
        if matches!(self.open, Open::None) {
            self.close_word_list();
            self.open = Open::Paragraph;
        }
        if let Some((_, true)) = self.word_item {
            // The typed bullet or number Word puts before each item.
            let t = text.trim_start();
            if t.is_empty() {
                return;
            }
            let stripped = strip_marker(t);
            self.word_item = Some((marker_is_ordered(t), false));
            if stripped.trim().is_empty() {
                return;
            }
            self.push_inline(stripped.trim_start());
            return;
        }
        let text = if self.inlines.is_empty() {
            text.trim_start().to_owned()
        } else {
            text
        };
        if !text.is_empty() {
            self.push_inline(&text);
        }
    }

    fn take_inlines(&mut self) -> Vec<Inline> {
        let mut v = std::mem::take(&mut self.inlines);
        if let Some(last) = v.last_mut() {
            let t = match last {
                Inline::Text(t) | Inline::Emphasis(t) | Inline::Strong(t) => t,
            };
            let trimmed = t.trim_end().to_owned();
            *t = trimmed;
        }
        v.retain(|i| !i.text().is_empty());
        v
    }

    /// Ends the open paragraph or heading (lists and tables end with their tags).
    fn close_block(&mut self) {
        match std::mem::take(&mut self.open) {
            Open::Paragraph => {
                let inlines = self.take_inlines();
                if let Some((ordered, _)) = self.word_item.take() {
                    if self.word_list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                        self.close_word_list();
                    }
                    let list = self.word_list.get_or_insert((ordered, Vec::new()));
                    if !inlines.is_empty() {
                        list.1.push(inlines);
                    }
                } else if !inlines.is_empty() {
                    self.out.push(Block::Paragraph(inlines));
                }
            }
            Open::Heading(level) => {
                let text: String = self.take_inlines().iter().map(Inline::text).collect();
                if !text.trim().is_empty() {
                    self.out.push(Block::Heading {
                        level,
                        text: text.trim().to_owned(),
                    });
                }
            }
            Open::List(ordered, mut items) => {
                let pending = self.take_inlines();
                if !pending.is_empty() {
                    items.push(pending);
                }
                if !items.is_empty() {
                    self.out.push(if ordered {
                        Block::NumberedList(items)
                    } else {
                        Block::BulletList(items)
                    });
                }
            }
            Open::Table(rows) => self.finish_table(rows),
            Open::None => {}
        }
    }

    fn close_word_list(&mut self) {
        if let Some((ordered, items)) = self.word_list.take()
            && !items.is_empty()
        {
            self.out.push(if ordered {
                Block::NumberedList(items)
            } else {
                Block::BulletList(items)
            });
        }
    }

    fn finish_table(&mut self, rows: Vec<(bool, Vec<String>)>) {
        let mut rows = rows.into_iter().filter(|(_, r)| !r.is_empty());
        let Some((_, header)) = rows.next() else {
            return;
        };
        self.out.push(Block::Table {
            header,
            rows: rows.map(|(_, r)| r).collect(),
        });
    }

    #[expect(clippy::too_many_lines, reason = "one arm per tag")]
    fn tag(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        match (name, tag.closing) {
            ("em" | "i", false) => self.em += 1,
            ("em" | "i", true) => self.em = self.em.saturating_sub(1),
            ("strong" | "b", false) => self.strong += 1,
            ("strong" | "b", true) => self.strong = self.strong.saturating_sub(1),
            ("br", _) => self.text(" "),
            ("p" | "div", false) => {
                if self.cell.is_some() {
                    self.text(" ");
                    return;
                }
                match &self.open {
                    Open::List(..) => {
                        self.text(" ");
                        return;
                    }
                    Open::Table(_) => return,
                    _ => {}
                }
                self.close_block();
                let word = name == "p" && is_word_list_item(&tag.attrs);
                if word {
                    self.word_item = Some((false, true));
                } else {
                    self.close_word_list();
                }
                self.open = Open::Paragraph;
            }
            ("p" | "div", true) => {
                if matches!(self.open, Open::Paragraph) {
                    self.close_block();
                }
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                if self.cell.is_some() || matches!(self.open, Open::List(..) | Open::Table(_)) {
                    return;
                }
                self.close_block();
                self.close_word_list();
                let level = if matches!(name, "h1" | "h2") { 2 } else { 3 };
                self.open = Open::Heading(level);
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => {
                if matches!(self.open, Open::Heading(_)) {
                    self.close_block();
                }
            }
            ("ul" | "ol", false) => {
                if self.cell.is_some() {
                    return;
                }
                if matches!(self.open, Open::List(..)) {
                    self.list_depth += 1;
                    // A nested list: the item so far becomes an item of its own.
                    let pending = self.take_inlines();
                    if let Open::List(_, items) = &mut self.open
                        && !pending.is_empty()
                    {
                        items.push(pending);
                    }
                    return;
                }
                self.close_block();
                self.close_word_list();
                self.list_depth = 0;
                self.open = Open::List(name == "ol", Vec::new());
            }
            ("ul" | "ol", true) => {
                if self.cell.is_some() {
                    return;
                }
                if self.list_depth > 0 {
                    self.list_depth -= 1;
                    return;
                }
                if matches!(self.open, Open::List(..)) {
                    self.close_block();
                }
            }
            ("li", false) | ("li", true) => {
                if self.cell.is_some() {
                    self.text(" ");
                    return;
                }
                if !matches!(self.open, Open::List(..)) {
                    // An item outside a list: a bullet of its own.
                    self.close_block();
                    self.close_word_list();
                    self.open = Open::List(false, Vec::new());
                }
                let pending = self.take_inlines();
                if let Open::List(_, items) = &mut self.open
                    && !pending.is_empty()
                {
                    items.push(pending);
                }
            }
            ("table", false) => {
                if matches!(self.open, Open::Table(_)) {
                    return;
                }
                self.close_block();
                self.close_word_list();
                self.open = Open::Table(Vec::new());
            }
            ("table", true) => {
                if matches!(self.open, Open::Table(_)) {
                    self.close_block();
                }
            }
            ("tr", false) => {
                if let Open::Table(rows) = &mut self.open {
                    rows.push((false, Vec::new()));
                }
            }
            ("th" | "td", false) => {
                if matches!(self.open, Open::Table(_)) {
                    self.cell = Some((name == "th", String::new()));
                }
            }
            ("th" | "td", true) => {
                if let Some((head, text)) = self.cell.take()
                    && let Open::Table(rows) = &mut self.open
                {
                    if rows.is_empty() {
                        rows.push((false, Vec::new()));
                    }
                    if let Some(row) = rows.last_mut() {
                        row.0 |= head;
                        row.1.push(collapse(&text).trim().to_owned());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a paragraph's attributes are those of a Word list paragraph.
fn is_word_list_item(attrs: &str) -> bool {
    attrs.contains("MsoListParagraph") || attrs.contains("mso-list")
}

/// The text without a leading typed bullet ("·", "o", "§", "-", "•") or number ("1.", "a)",
/// "iv.").
fn strip_marker(t: &str) -> &str {
    let mut chars = t.char_indices();
    if let Some((_, c)) = chars.next() {
        if matches!(
            c,
            '\u{b7}' | '\u{2022}' | '\u{25aa}' | '\u{a7}' | '-' | '\u{f0b7}' | 'o'
        ) && t[c.len_utf8()..].starts_with([' ', '\u{a0}'])
        {
            return &t[c.len_utf8()..];
        }
        if matches!(c, '\u{b7}' | '\u{2022}' | '\u{f0b7}' | '\u{a7}') {
            return &t[c.len_utf8()..];
        }
    }
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric())).unwrap_or(0);
    if end > 0 && end <= 4 && t[end..].starts_with(['.', ')']) {
        let after = &t[end + 1..];
        if after.is_empty() || after.starts_with([' ', '\u{a0}']) {
            return after;
        }
    }
    t
}

/// Whether the typed marker is a number or letter (an ordered list).
fn marker_is_ordered(t: &str) -> bool {
    let t = t.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric())).unwrap_or(0);
    end > 0 && end <= 4 && t[end..].starts_with(['.', ')'])
}

/// Runs of whitespace become one space (HTML's reading of text).
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The index of the `>` ending the tag that starts `s` (quotes respected).
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_tag(raw: &str) -> Option<Tag> {
    let raw = raw.trim();
    let (closing, body) = match raw.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, raw),
    };
    let body = body.trim_end_matches('/');
    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let name = body[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(Tag {
        name,
        closing,
        attrs: body[name_end..].to_owned(),
    })
}
