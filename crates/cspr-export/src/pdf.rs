//! Tagged PDF (PDF/UA-1) through typst used as a library. The layout is one fixed template
//! (template.typ); the document reaches it as JSON data that the template reads, so no user text
//! is ever parsed as Typst markup.

use std::path::Path;
use std::sync::LazyLock;

use serde_json::{Value, json};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use crate::ExportError;
use crate::model::{Block, Document, Inline};
use crate::report::long_date;

const TEMPLATE: &str = include_str!("template.typ");

/// Folders searched for the sans-serif faces the template prefers (Debian's fonts-liberation2,
/// then fonts-dejavu-core). Typst's own embedded fonts are the fallback, so a machine without
/// them still produces a PDF, in Libertinus Serif.
const FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
];

/// Fonts, loaded once per process: parsing them costs more than laying out a short report.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let mut fonts: Vec<Font> = Vec::new();
    for dir in FONT_DIRS {
        fonts.extend(fonts_in(Path::new(dir)));
    }
    for data in typst_assets::fonts() {
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn fonts_in(dir: &Path) -> Vec<Font> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Regular, bold, italic of the sans families only: condensed, mono and serif
            // faces are never asked for.
            (name.starts_with("LiberationSans-") || name.starts_with("DejaVuSans"))
                && !name.contains("Mono")
                && !name.contains("Condensed")
                && p.extension().is_some_and(|e| e == "ttf")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok())
        .flat_map(|data| Font::iter(Bytes::new(data)).collect::<Vec<_>>())
        .collect()
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> Result<FileId, ExportError> {
    let vpath = VirtualPath::new(path).map_err(|e| ExportError::Pdf(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The smallest world typst needs: the template, the document as JSON, and the fonts.
struct ExportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for ExportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Output depends on the document alone.
        None
    }
}

/// The template's font families, in order (the `text(font: ..)` list in template.typ).
const FAMILIES: [&str; 3] = ["liberation sans", "dejavu sans", "libertinus serif"];

/// Which fonts a character must be covered by to stay in the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    /// Any of the template's families.
    Any,
    /// The first of the template's families that is installed: a character then never
    /// needs a fallback font, so a base letter and its combining marks always shape together.
    Primary,
}

/// Text as the PDF can show it: a character the fonts do not cover becomes U+FFFD, the
/// replacement character. Typst would draw nothing for it, and PDF/UA-1 rightly refuses a
/// document with text that cannot be displayed; reports are in English, so this touches only
/// stray symbols (emoji, rare scripts), and the DOCX and HTML keep them.
fn shown(text: &str, coverage: Coverage) -> String {
    let text = crate::model::clean(text);
    if text.is_ascii() {
        return text;
    }
    let in_family = |f: &&Font, family: &str| f.info().family.eq_ignore_ascii_case(family);
    let primary = FAMILIES
        .iter()
        .find(|fam| FONTS.fonts.iter().any(|f| in_family(&f, fam)))
        .copied()
        .unwrap_or(FAMILIES[2]);
    let covers = |c: char| {
        FONTS
            .fonts
            .iter()
            .filter(|f| match coverage {
                Coverage::Any => FAMILIES.iter().any(|fam| in_family(f, fam)),
                Coverage::Primary => in_family(f, primary),
            })
            .any(|f| f.info().coverage.contains(u32::from(c)))
    };
    let replacement = if covers('\u{FFFD}') { '\u{FFFD}' } else { '?' };
    text.chars()
        .map(|c| {
            if c.is_ascii() || covers(c) {
                c
            } else {
                replacement
            }
        })
        .collect()
}

/// The document as the data the template reads.
fn document_json(doc: &Document, coverage: Coverage) -> Value {
    let shown = |t: &str| shown(t, coverage);
    let inlines = |parts: &[Inline]| -> Value {
        parts
            .iter()
            .map(|p| {
                let kind = match p {
                    Inline::Text(_) => "text",
                    Inline::Emphasis(_) => "emphasis",
                    Inline::Strong(_) => "strong",
                };
                json!({ "kind": kind, "text": shown(p.text()) })
            })
            .collect()
    };
    let normalised = doc.normalised_blocks();
    let blocks: Vec<Value> = normalised
        .iter()
        .enumerate()
        .map(|(i, b)| match b {
            Block::Heading { level, text } => {
                json!({ "kind": "heading", "level": level, "text": shown(text) })
            }
            Block::Paragraph(parts) => json!({
                "kind": "paragraph",
                "parts": inlines(parts),
                // "The key circumstances were:" stays on the page of the list it introduces.
                "lead": parts.last().is_some_and(|p| p.text().trim_end().ends_with(':'))
                    && matches!(
                        normalised.get(i + 1),
                        Some(Block::BulletList(_) | Block::NumberedList(_) | Block::Table { .. })
                    ),
            }),
            Block::BulletList(items) => json!({
                "kind": "bullets",
                "items": items.iter().map(|i| inlines(i)).collect::<Vec<_>>(),
            }),
            Block::NumberedList(items) => json!({
                "kind": "numbers",
                "items": items.iter().map(|i| inlines(i)).collect::<Vec<_>>(),
            }),
            Block::Table { header, rows } => json!({
                "kind": "table",
                "widths": column_widths(header, rows),
                "header": header.iter().map(|h| shown(h)).collect::<Vec<_>>(),
                "rows": rows
                    .iter()
                    .map(|r| r.iter().map(|c| shown(c)).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
            }),
        })
        .collect();
    let title = non_empty(shown(&doc.title), "Untitled document");
    let date = doc
        .date
        .map(|d| json!({ "year": d.year(), "month": u8::from(d.month()), "day": d.day() }));
    json!({
        "title": title,
        "subtitle": doc.subtitle.as_deref().map(&shown).filter(|s| !s.trim().is_empty()),
        "author": shown(&doc.author),
        "lang": doc.language_code(),
        "region": doc.region_code().map(|r| r.to_ascii_lowercase()),
        "date": date,
        "date_text": doc.date.map(long_date),
        "blocks": blocks,
    })
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_owned()
    } else {
        s
    }
}

/// Relative column widths from the longest text in each column, so a number column stays
/// narrow and a text column gets the room; every column gets at least a share.
#[expect(clippy::cast_precision_loss, reason = "character counts are small")]
pub(crate) fn column_widths(header: &[String], rows: &[Vec<String>]) -> Vec<f64> {
    (0..header.len())
        .map(|c| {
            let longest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .chain(header.get(c))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0);
            (longest.clamp(4, 60) as f64).sqrt()
        })
        .collect()
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The document as a tagged PDF/UA-1 file with title, language and embedded fonts.
///
/// # Errors
/// `ExportError::Pdf` when typst cannot lay the document out or the PDF/UA checks fail.
pub fn to_pdf(doc: &Document) -> Result<Vec<u8>, ExportError> {
    match pdf_with(doc, Coverage::Any) {
        // A letter and a combining mark that only different fonts cover cannot be shaped
        // together; keep to one font then.
        Err(ExportError::Pdf(e)) if e.contains("could not be displayed") => {
            pdf_with(doc, Coverage::Primary)
        }
        other => other,
    }
}

/// The document as [`to_pdf`] makes it, without the document metadata a published file must
/// not carry (ASVS 5.x, 14.2.8): no author, no creator tool, no creation or modification date,
/// in the information dictionary or the XMP packet. Title and language stay: PDF/UA needs them.
///
/// # Errors
/// As [`to_pdf`].
pub fn to_public_pdf(doc: &Document) -> Result<Vec<u8>, ExportError> {
    match pdf_with_metadata(doc, Coverage::Any, false) {
        Err(ExportError::Pdf(e)) if e.contains("could not be displayed") => {
            pdf_with_metadata(doc, Coverage::Primary, false)
        }
        other => other,
    }
}

fn pdf_with(doc: &Document, coverage: Coverage) -> Result<Vec<u8>, ExportError> {
    pdf_with_metadata(doc, coverage, true)
}

fn pdf_with_metadata(
    doc: &Document,
    coverage: Coverage,
    metadata: bool,
) -> Result<Vec<u8>, ExportError> {
    let mut json = document_json(doc, coverage);
    json["metadata"] = serde_json::Value::Bool(metadata);
    let data =
        serde_json::to_vec(&json).map_err(|e| ExportError::Pdf(format!("document data: {e}")))?;
    let world = ExportWorld {
        main: Source::new(file_id("/main.typ")?, TEMPLATE.to_owned()),
        data_id: file_id("/document.json")?,
        data: Bytes::new(data),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Typst memoises across compilations; drop what five compilations did not reuse so a
    // long-running server does not grow.
    typst::comemo::evict(5);
    let paged = compiled.map_err(|e| ExportError::Pdf(diagnostics(&e)))?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1])
        .map_err(|e| ExportError::Pdf(e.message().to_string()))?;
    let options = PdfOptions {
        standards,
        tagged: true,
        creator: typst::foundations::Smart::Custom(metadata.then(|| "cspr".to_owned())),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|e| ExportError::Pdf(diagnostics(&e)))
}
