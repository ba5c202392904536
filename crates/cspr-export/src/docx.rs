//! DOCX through docx-rs, with styles we define ourselves so Word and LibreOffice see real
//! headings: Title, Heading 1 to 3 with outline levels (navigation pane, table of contents) and
//! Word numbering (1, 1.1, 1.1.1, as the PDF numbers them), Normal in Arial 11pt. A title page,
//! a table of contents field and "Page X of Y" footers.
//!
//! The table of contents is a TOC field whose result we write ourselves: one entry per heading,
//! numbered and linked to it, so LibreOffice shows the headings as they are (without page
//! numbers, which only a layout knows); the field is marked dirty, so Word refills it, page
//! numbers included, when it opens the file (it asks first).

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, BreakType, Docx, FieldCharType, Footer, Hyperlink, HyperlinkType,
    IndentLevel, InstrNUMPAGES, InstrPAGE, InstrText, InstrToC, Level, LevelJc, LevelOverride,
    LevelSuffixType, LevelText, LineSpacing, LineSpacingType, NumberFormat, Numbering, NumberingId,
    PageMargin, Paragraph, Run, RunFonts, Shading, SpecialIndentType, Start, Style, StyleType, Tab,
    TabLeaderType, TabValueType, Table, TableCell, TableRow, WidthType,
};

use crate::ExportError;
use crate::model::{Block, Document, Inline, clean};
use crate::pdf::column_widths;
use crate::report::long_date;

/// Body font: Arial, which every Word installation has; LibreOffice substitutes the
/// metric-compatible Liberation Sans.
const FONT: &str = "Arial";
const INK: &str = "1F3A5F";
/// A4 in twentieths of a point, and our margins (25 mm sides and top, 30 mm bottom).
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN: i32 = 1_417;
const MARGIN_BOTTOM: i32 = 1_701;
const TEXT_WIDTH: usize = 9_072;

// docx-rs always writes an abstract numbering 1 and a numbering 1 of its own: ours start at 2.
const BULLET_NUMBERING: usize = 2;
const DECIMAL_ABSTRACT: usize = 3;
const HEADING_NUMBERING: usize = 4;
/// The space each heading level gives its number ("1", "1.1", "1.1.1"), in twips; the heading's
/// text starts after it, and so does a wrapped second line.
const NUMBER_WIDTH: [i32; 3] = [567, 709, 851];
/// Each numbered list gets its own numbering instance from here on, so each starts at 1.
const FIRST_LIST_NUMBERING: usize = 10;

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

/// Line spacing as a multiple of single spacing (240 = single). The rule is written out: without
/// it LibreOffice takes the height as exact, and a line of large text overlaps the next.
fn proportional(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line(line)
        .line_rule(LineSpacingType::Auto)
}

fn heading_style(level: usize, size_half_points: usize, before: u32) -> Style {
    let mut style = Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .ui_priority(9)
        .bold()
        .size(size_half_points)
        .color(INK)
        .fonts(fonts())
        .line_spacing(proportional(240).before(before).after(120))
        // Word counts outline levels from 0.
        .outline_lvl(level - 1);
    style.paragraph_property = style
        .paragraph_property
        .keep_next(true)
        .keep_lines(true)
        .numbering(
            NumberingId::new(HEADING_NUMBERING),
            IndentLevel::new(level - 1),
        );
    style
}

/// A contents entry: its number hangs in the space the heading gives it, one step in per
/// level; the page number Word adds sits at the right margin after dots.
fn toc_style(level: usize) -> Style {
    let step = i32::try_from((level - 1) * 284).unwrap_or(0);
    let number = NUMBER_WIDTH[level - 1];
    let mut style = Style::new(format!("ToC{level}"), StyleType::Paragraph)
        .name(format!("toc {level}"))
        .based_on("Normal")
        .next("Normal")
        .ui_priority(39)
        .line_spacing(
            LineSpacing::new()
                .before(if level == 1 { 120 } else { 0 })
                .after(60),
        );
    style.paragraph_property = style
        .paragraph_property
        .indent(
            Some(step + number),
            Some(SpecialIndentType::Hanging(number)),
            None,
            None,
        )
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(TEXT_WIDTH),
        );
    style
}

/// Our styles (the chronology shares them).
pub(crate) fn styles(docx: Docx) -> Docx {
    docx.default_fonts(fonts())
        .default_size(22)
        .add_style(
            Style::new("Normal", StyleType::Paragraph)
                .name("Normal")
                .q_format(true)
                .fonts(fonts())
                .size(22)
                .line_spacing(proportional(276).after(160)),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .ui_priority(10)
                .bold()
                .size(52)
                .color(INK)
                // 1.2 lines: the glyphs of one line (ascent and descent, 1.3 em in Liberation
                // Sans) stay clear of the next line's.
                .line_spacing(proportional(288).before(0).after(240)),
        )
        .add_style(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .ui_priority(11)
                .size(30)
                .color("383F43"),
        )
        .add_style(heading_style(1, 32, 480))
        .add_style(heading_style(2, 26, 360))
        .add_style(heading_style(3, 23, 240))
        .add_style(
            Style::new("TOCHeading", StyleType::Paragraph)
                .name("TOC Heading")
                .based_on("Normal")
                .next("Normal")
                .ui_priority(39)
                .bold()
                .size(32)
                .color(INK)
                .line_spacing(LineSpacing::new().after(240)),
        )
        .add_style(toc_style(1))
        .add_style(toc_style(2))
        .add_style(toc_style(3))
        .add_style(
            Style::new("ListParagraph", StyleType::Paragraph)
                .name("List Paragraph")
                .based_on("Normal")
                .q_format(true)
                .line_spacing(LineSpacing::new().after(80)),
        )
        .add_style(
            Style::new("Footer", StyleType::Paragraph)
                .name("footer")
                .based_on("Normal")
                .size(18)
                .color("46464A")
                .line_spacing(LineSpacing::new().after(0)),
        )
        .add_style(
            Style::new("TableText", StyleType::Paragraph)
                .name("Table Text")
                .based_on("Normal")
                .line_spacing(proportional(240).before(40).after(40)),
        )
}

fn numberings(docx: Docx) -> Docx {
    // 1, 1.1, 1.1.1: each level linked to its heading style, as Word links them.
    let mut heading = (0..3).fold(AbstractNumbering::new(HEADING_NUMBERING), |a, i| {
        let text = (1..=i + 1)
            .map(|n| format!("%{n}"))
            .collect::<Vec<_>>()
            .join(".");
        a.add_level(
            Level::new(
                i,
                Start::new(1),
                NumberFormat::new("decimal"),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .paragraph_style(format!("Heading{}", i + 1))
            .suffix(LevelSuffixType::Tab)
            .indent(
                Some(NUMBER_WIDTH[i]),
                Some(SpecialIndentType::Hanging(NUMBER_WIDTH[i])),
                None,
                None,
            ),
        )
    });
    // Without it Word may take the list for a one-level one.
    heading.multi_level_type = Some("multilevel".to_owned());
    // A list's three nesting levels, each indented a further quarter inch.
    let list = |id: usize, format: &str, text: fn(usize) -> String| {
        (0..3).fold(AbstractNumbering::new(id), |a, i| {
            let left = i32::try_from(360 + i * 360).unwrap_or(360);
            a.add_level(
                Level::new(
                    i,
                    Start::new(1),
                    NumberFormat::new(format),
                    LevelText::new(text(i)),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(left),
                    Some(SpecialIndentType::Hanging(360)),
                    None,
                    None,
                ),
            )
        })
    };
    let bullets = list(BULLET_NUMBERING, "bullet", |_| "\u{2022}".to_owned());
    let decimal = list(DECIMAL_ABSTRACT, "decimal", |i| format!("%{}.", i + 1));
    docx.add_abstract_numbering(heading)
        .add_abstract_numbering(bullets)
        .add_abstract_numbering(decimal)
        .add_numbering(Numbering::new(HEADING_NUMBERING, HEADING_NUMBERING))
        .add_numbering(Numbering::new(BULLET_NUMBERING, BULLET_NUMBERING))
}

fn runs(mut p: Paragraph, parts: &[Inline]) -> Paragraph {
    for part in parts {
        p = p.add_run(match part {
            Inline::Text(t) => Run::new().add_text(t),
            Inline::Emphasis(t) => Run::new().add_text(t).italic(),
            Inline::Strong(t) => Run::new().add_text(t).bold(),
        });
    }
    p
}

/// "title — Page X of Y" (the chronology shares it).
pub(crate) fn footer(title: &str) -> Footer {
    let field = |instr: InstrText| {
        Run::new()
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(instr)
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false)
    };
    Footer::new().add_paragraph(
        Paragraph::new()
            .style("Footer")
            .add_run(Run::new().add_text(title))
            .add_run(Run::new().add_tab())
            .add_run(Run::new().add_text("Page "))
            .add_run(field(InstrText::PAGE(InstrPAGE::new())))
            .add_run(Run::new().add_text(" of "))
            .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES::new())))
            .add_tab(
                docx_rs::Tab::new()
                    .val(docx_rs::TabValueType::Right)
                    .pos(TEXT_WIDTH),
            ),
    )
}

fn table(header: &[String], rows: &[Vec<String>]) -> Table {
    let weights = column_widths(header, rows);
    let total: f64 = weights.iter().sum();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "widths in twips, well within range"
    )]
    let grid: Vec<usize> = weights
        .iter()
        .map(|w| (w / total * TEXT_WIDTH as f64).round() as usize)
        .collect();
    let cell = |text: &str, width: usize, head: bool| {
        let run = if head {
            Run::new().add_text(text).bold()
        } else {
            Run::new().add_text(text)
        };
        let c = TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().style("TableText").add_run(run));
        if head {
            c.shading(Shading::new().fill("F3F2F1"))
        } else {
            c
        }
    };
    let mut out = vec![
        TableRow::new(
            header
                .iter()
                .zip(&grid)
                .map(|(h, w)| cell(h, *w, true))
                .collect(),
        )
        .cant_split(),
    ];
    for row in rows {
        out.push(
            TableRow::new(
                row.iter()
                    .zip(&grid)
                    .map(|(c, w)| cell(c, *w, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(out)
        .set_grid(grid)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// XML-escapes text for the core properties we write ourselves.
fn xml_escape(text: &str) -> String {
    clean(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// docProps/core.xml with title, creator and language (docx-rs cannot set them).
fn core_properties(doc: &Document) -> Vec<u8> {
    let date = doc.date.map_or_else(
        || "1970-01-01T00:00:00Z".to_owned(),
        |d| format!("{d}T00:00:00Z"),
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{title}</dc:title>{subject}<dc:creator>{author}</dc:creator>\
         <cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>{lang}</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified>\
         <cp:revision>1</cp:revision></cp:coreProperties>",
        title = xml_escape(&doc.title),
        subject = doc
            .subtitle
            .as_deref()
            .map(|s| format!("<dc:subject>{}</dc:subject>", xml_escape(s)))
            .unwrap_or_default(),
        author = xml_escape(&doc.author),
        lang = xml_escape(&doc.language_tag()),
        date = date,
    )
    .into_bytes()
}

/// Rewrites a package part docx-rs wrote (always UTF-8 XML).
fn patch(part: &mut Vec<u8>, f: impl FnOnce(String) -> String) {
    *part = match String::from_utf8(std::mem::take(part)) {
        Ok(xml) => f(xml).into_bytes(),
        Err(e) => e.into_bytes(),
    };
}

/// A heading as the contents list it.
struct Heading {
    /// 1 to 3.
    level: usize,
    /// "1", "1.1", "1.1.1": what Word's numbering shows before the heading.
    number: String,
    text: String,
    /// Its bookmark's id, counted from 1.
    id: usize,
}

impl Heading {
    /// Word names the bookmarks of its contents entries `_Toc…`; the underscore hides them from
    /// the bookmark list.
    fn bookmark(&self) -> String {
        format!("_Toc{:08}", self.id)
    }
}

/// The headings of the body, numbered as the heading numbering counts them (levels never skip
/// in normalised blocks).
fn headings(blocks: &[Block]) -> Vec<Heading> {
    let mut counters = [0usize; 3];
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } => Some((usize::from(*level).clamp(1, 3), text)),
            _ => None,
        })
        .enumerate()
        .map(|(i, (level, text))| {
            counters[level - 1] += 1;
            counters[level..].fill(0);
            Heading {
                level,
                number: counters[..level]
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
                text: text.clone(),
                id: i + 1,
            }
        })
        .collect()
}

/// The contents: a TOC field over heading levels 1 to 3 whose result is one paragraph per
/// heading (its number, a tab, its text, linked to its bookmark). Each field character has a
/// run of its own, as Word writes them, and the field ends in the last entry. Marked dirty, so
/// Word rebuilds it with page numbers when it opens the file.
fn contents(headings: &[Heading]) -> Vec<Paragraph> {
    let field = |kind| Run::new().add_field_char(kind, false);
    let begin = [
        Run::new().add_field_char(FieldCharType::Begin, true),
        Run::new().add_instr_text(InstrText::TOC(
            InstrToC::new()
                .heading_styles_range(1, 3)
                .hyperlink()
                .hide_tab_and_page_numbers_in_webview()
                .use_applied_paragraph_line_level(),
        )),
        field(FieldCharType::Separate),
    ];
    if headings.is_empty() {
        let p = begin
            .into_iter()
            .fold(Paragraph::new().style("ToC1"), Paragraph::add_run);
        return vec![p.add_run(field(FieldCharType::End))];
    }
    let last = headings.len() - 1;
    headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut p = Paragraph::new().style(&format!("ToC{}", h.level));
            if i == 0 {
                p = begin.clone().into_iter().fold(p, Paragraph::add_run);
            }
            p = p.add_hyperlink(
                Hyperlink::new(h.bookmark(), HyperlinkType::Anchor)
                    .add_run(Run::new().add_text(&h.number))
                    .add_run(Run::new().add_tab())
                    .add_run(Run::new().add_text(&h.text)),
            );
            if i == last {
                p = p.add_run(field(FieldCharType::End));
            }
            p
        })
        .collect()
}

/// The document as a DOCX file.
///
/// # Errors
/// `ExportError::Docx` when the package cannot be written.
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, ExportError> {
    let title = clean(&doc.title);
    let mut docx = numberings(styles(Docx::new()))
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .bottom(MARGIN_BOTTOM)
                .header(708)
                .footer(708),
        )
        .footer(footer(&title))
        .first_footer(Footer::new())
        .title_pg();

    // Title page.
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .add_run(
                    Run::new()
                        .add_text(clean(&doc.author))
                        .bold()
                        .size(24)
                        .color("46464A"),
                )
                .line_spacing(LineSpacing::new().before(3600).after(240)),
        )
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text(&title)),
        );
    if let Some(subtitle) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
        docx = docx.add_paragraph(
            Paragraph::new()
                .style("Subtitle")
                .add_run(Run::new().add_text(clean(subtitle))),
        );
    }
    if let Some(date) = doc.date {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(long_date(date)).size(24))
                .line_spacing(LineSpacing::new().before(1200)),
        );
    }
    docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));

    // Contents.
    let blocks = doc.normalised_blocks();
    let headings = headings(&blocks);
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("TOCHeading")
            .add_run(Run::new().add_text("Contents")),
    );
    for entry in contents(&headings) {
        docx = docx.add_paragraph(entry);
    }
    docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));

    let mut next_list = FIRST_LIST_NUMBERING;
    let mut next_heading = headings.iter();
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                let p = Paragraph::new().style(&format!("Heading{level}"));
                let run = Run::new().add_text(text);
                // The contents entry links to the heading through its bookmark.
                docx = docx.add_paragraph(match next_heading.next() {
                    Some(h) => p
                        .add_bookmark_start(h.id, h.bookmark())
                        .add_run(run)
                        .add_bookmark_end(h.id),
                    None => p.add_run(run),
                });
            }
            Block::Paragraph(parts) => docx = docx.add_paragraph(runs(Paragraph::new(), &parts)),
            Block::BulletList(items) => {
                for item in items {
                    docx = docx.add_paragraph(
                        runs(Paragraph::new().style("ListParagraph"), &item)
                            .numbering(NumberingId::new(BULLET_NUMBERING), IndentLevel::new(0)),
                    );
                }
            }
            Block::NumberedList(items) => {
                let id = next_list;
                next_list += 1;
                docx = docx.add_numbering(
                    Numbering::new(id, DECIMAL_ABSTRACT)
                        .add_override(LevelOverride::new(0).start(1)),
                );
                for item in items {
                    docx = docx.add_paragraph(
                        runs(Paragraph::new().style("ListParagraph"), &item)
                            .numbering(NumberingId::new(id), IndentLevel::new(0)),
                    );
                }
            }
            Block::Table { header, rows } => {
                docx = docx
                    .add_table(table(&header, &rows))
                    .add_paragraph(Paragraph::new());
            }
        }
    }

    // The headings are numbered through their styles alone, which docx-rs does not see: it
    // links the numbering part only for numbered paragraphs.
    docx.document_rels.has_numberings = true;
    let mut xml = docx.build();
    xml.doc_props.core = core_properties(doc);
    // The language of the text, for spelling and for screen readers.
    let lang = format!(
        "<w:lang w:val=\"{0}\" w:eastAsia=\"{0}\" w:bidi=\"{0}\" />",
        xml_escape(&doc.language_tag())
    );
    patch(&mut xml.styles, |styles| {
        // Last in the run properties, where the schema's sequence has it.
        styles.replacen(
            "</w:rPr></w:rPrDefault>",
            &format!("{lang}</w:rPr></w:rPrDefault>"),
            1,
        )
    });
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
