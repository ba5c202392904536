//! A standalone, accessible HTML document: language and title set, one `h1` for the title and
//! the body's headings one level below it, lists, and tables whose header cells have a scope.
//! Markup here is fixed; every piece of document text passes through [`escape`] on its way in
//! (the writer has no other way to add text), which is the same guarantee an auto-escaping
//! template gives.

use std::fmt::Write as _;

use crate::model::{Block, Document, Inline, clean};
use crate::report::long_date;

const STYLE: &str = "body{font-family:Arial,'Liberation Sans',Helvetica,sans-serif;\
font-size:1.0625rem;line-height:1.5;color:#0b0c0c;max-width:46em;margin:2em auto;padding:0 1em}\
h1,h2,h3,h4{color:#1f3a5f;line-height:1.25}\
table{border-collapse:collapse;width:100%;margin:1em 0}\
th,td{border:1px solid #999;padding:.35em .5em;text-align:left;vertical-align:top}\
th{background:#f3f2f1}\
.subtitle{font-size:1.25rem;color:#383f43}\
nav ol{padding-left:1.2em}";

/// Escapes text for HTML element content and double-quoted attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn inlines(out: &mut String, parts: &[Inline]) {
    for p in parts {
        match p {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Emphasis(t) => {
                let _ = write!(out, "<em>{}</em>", escape(t));
            }
            Inline::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape(t));
            }
        }
    }
}

fn list(out: &mut String, tag: &str, items: &[Vec<Inline>]) {
    let _ = writeln!(out, "<{tag}>");
    for item in items {
        out.push_str("<li>");
        inlines(out, item);
        out.push_str("</li>\n");
    }
    let _ = writeln!(out, "</{tag}>");
}

/// The document as a standalone HTML page.
#[must_use]
pub fn to_html(doc: &Document) -> String {
    let blocks = doc.normalised_blocks();
    let mut out = String::with_capacity(4096);
    let title = escape(&doc.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"author\" content=\"{author}\">\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<header>\n<p>{author}</p>\n<h1>{title}</h1>\n",
        lang = escape(&doc.language_tag()),
        author = escape(&doc.author),
    );
    if let Some(subtitle) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(subtitle));
    }
    if let Some(date) = doc.date {
        let _ = writeln!(
            out,
            "<p><time datetime=\"{date}\">{}</time></p>",
            long_date(date)
        );
    }
    out.push_str("</header>\n");

    // Contents: the level-1 headings, linked.
    let sections: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 1, text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    if !sections.is_empty() {
        out.push_str(
            "<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n",
        );
        for (i, s) in sections.iter().enumerate() {
            let _ = writeln!(
                out,
                "<li><a href=\"#section-{}\">{}</a></li>",
                i + 1,
                escape(s)
            );
        }
        out.push_str("</ol>\n</nav>\n");
    }

    out.push_str("<main>\n");
    let mut section = 0;
    for block in &blocks {
        match block {
            Block::Heading { level, text } => {
                // h1 is the title, so body headings start at h2.
                let h = level + 1;
                if *level == 1 {
                    section += 1;
                    let _ = writeln!(
                        out,
                        "<h{h} id=\"section-{section}\">{}</h{h}>",
                        escape(text)
                    );
                } else {
                    let _ = writeln!(out, "<h{h}>{}</h{h}>", escape(text));
                }
            }
            Block::Paragraph(parts) => {
                out.push_str("<p>");
                inlines(&mut out, parts);
                out.push_str("</p>\n");
            }
            Block::BulletList(items) => list(&mut out, "ul", items),
            Block::NumberedList(items) => list(&mut out, "ol", items),
            Block::Table { header, rows } => {
                out.push_str("<table>\n<thead>\n<tr>");
                for h in header {
                    let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
                }
                out.push_str("</tr>\n</thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", escape(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
