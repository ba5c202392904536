//! The document engine: a small document model (headings, paragraphs, lists, tables, emphasis),
//! builders from the domain's reports, and exports to tagged PDF (typst), DOCX (docx-rs) and
//! HTML. The heavy typesetting crates live here alone so the rest of the workspace rebuilds
//! without them, behind the default feature `typeset`: without it (the fuzz targets, `fuzz/`)
//! the crate is the readers of uploads and imports, the document model and HTML.

pub mod briefing;
#[cfg(feature = "typeset")]
pub mod chronology;
pub mod csv;
pub mod documents;
#[cfg(feature = "typeset")]
mod docx;
mod html;
pub mod import;
pub mod model;
#[cfg(feature = "typeset")]
mod pdf;
pub mod report;
pub mod richtext;
pub mod subject_access;
pub mod upload;

#[cfg(feature = "typeset")]
pub use docx::to_docx;
pub use html::{escape as escape_html, to_html};
pub use model::{Block, Document, Inline, text_blocks};
#[cfg(feature = "typeset")]
pub use pdf::{to_pdf, to_public_pdf};
pub use report::{TitlePage, overview_report};

/// Why an export failed. Both carry a description for the log, never the document's text.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Typst could not lay the document out or write the PDF.
    #[error("PDF export failed: {0}")]
    Pdf(String),
    /// The DOCX package could not be written.
    #[error("DOCX export failed: {0}")]
    Docx(String),
}
