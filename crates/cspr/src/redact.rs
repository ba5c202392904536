//! `cspr redact`: JSON Lines records to findings (the redaction development set's format), or
//! one text or Word (.docx) file to its redacted text. Pure file work: no settings, no database.
//! Nothing is written until every record has been read, so a bad line leaves no output file.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use cspr_redact::{
    CaseKnowledge, DatePolicy, Policy,
    records::{Record, predict},
};

use crate::{cli::RedactArgs, exit::Failure};

pub fn run(args: &RedactArgs) -> Result<(), Failure> {
    let policy = Policy {
        dates: parse_dates(&args.dates)?,
    };
    match (&args.input, &args.output, &args.file) {
        (Some(input), Some(output), None) => records(input, output),
        (None, None, Some(file)) => {
            let case = match &args.case {
                Some(path) => read_case(path)?,
                None => CaseKnowledge::default(),
            };
            one_file(file, &case, policy, args.out.as_deref())
        }
        _ => Err(Failure::config(
            "give either --input RECORDS.jsonl --output FINDINGS.jsonl, or one FILE.txt to redact",
        )),
    }
}

fn parse_dates(value: &str) -> Result<DatePolicy, Failure> {
    match value {
        "keep" => Ok(DatePolicy::Keep),
        "month-and-year" => Ok(DatePolicy::MonthAndYear),
        "remove" => Ok(DatePolicy::Remove),
        other => Err(Failure::config(format!(
            "--dates must be keep, month-and-year or remove, not {other:?}"
        ))),
    }
}

fn read_text(path: &Path) -> Result<String, Failure> {
    fs::read_to_string(path)
        .map_err(|e| Failure::config(format!("cannot read {}: {e}", path.display())))
}

fn read_case(path: &Path) -> Result<CaseKnowledge, Failure> {
    serde_json::from_str(&read_text(path)?).map_err(|e| {
        Failure::config(format!(
            "{} is not case knowledge ({{\"people\": [...], \"pseudonyms\": {{...}}}}): {e}",
            path.display()
        ))
    })
}

/// Every record is read and scanned before the findings file is written.
fn records(input: &Path, output: &Path) -> Result<(), Failure> {
    let data = read_text(input)?;
    let mut out = String::with_capacity(data.len() / 4);
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line).map_err(|e| {
            Failure::config(format!(
                "{} line {}: not a record ({{\"id\", \"text\", \"case\"?}}): {e}",
                input.display(),
                n + 1
            ))
        })?;
        let line = serde_json::to_string(&predict(&record))
            .map_err(|e| Failure::new(crate::exit::Kind::Failed, e))?;
        out.push_str(&line);
        out.push('\n');
    }
    write_whole(output, out.as_bytes())
}

fn one_file(
    file: &Path,
    case: &CaseKnowledge,
    policy: Policy,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let text = match extension.as_deref() {
        Some("txt" | "text" | "md") | None => read_text(file)?,
        Some("docx") => docx::read(file)?,
        Some(other) => {
            return Err(Failure::config(format!(
                "cannot redact .{other} files; save {} as plain text (.txt) or Word (.docx)",
                file.display()
            )));
        }
    };
    let redaction = cspr_redact::redact(&text, case, policy);
    match out {
        Some(path) => write_whole(path, redaction.text.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(redaction.text.as_bytes())
                .map_err(|e| Failure::from_io(e, "cannot write to stdout".into()))?;
        }
    }
    // What could still identify someone goes to stderr, so stdout stays the redacted text.
    for r in &redaction.residual {
        eprintln!("check: {:?} at {}..{}: {}", r.kind, r.start, r.end, r.text);
    }
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames it over `path`: a reader never sees
/// half a file, and a failure leaves no file behind.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let result = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Failure::from_io(e, format!("cannot write {}", path.display()))
    })
}

/// The text of a Word document: `word/document.xml` inside the zip, one line per paragraph
/// (`<w:p>`), the runs' text (`<w:t>`), tabs and line breaks. Formatting, deleted text and
/// field codes are left out; the output is plain text.
mod docx {
    use std::{fs::File, io::Read, path::Path};

    use quick_xml::{Reader, events::Event};

    use crate::exit::Failure;

    /// A document.xml past this size is refused rather than unpacked (a zip bomb).
    const MAX_XML: u64 = 256 * 1024 * 1024;

    pub fn read(path: &Path) -> Result<String, Failure> {
        let shown = path.display();
        let file =
            File::open(path).map_err(|e| Failure::from_io(e, format!("cannot read {shown}")))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| {
            Failure::config(format!(
                "{shown} is not a Word document (.docx is a zip file): {e}"
            ))
        })?;
        let entry = archive.by_name("word/document.xml").map_err(|e| {
            Failure::config(format!(
                "{shown} is not a Word document: no word/document.xml inside ({e})"
            ))
        })?;
        let mut xml = String::new();
        entry
            .take(MAX_XML + 1)
            .read_to_string(&mut xml)
            .map_err(|e| {
                Failure::config(format!("{shown}: word/document.xml cannot be read: {e}"))
            })?;
        if xml.len() as u64 > MAX_XML {
            return Err(Failure::config(format!(
                "{shown}: word/document.xml is over {} MiB unpacked",
                MAX_XML / 1024 / 1024
            )));
        }
        text_of(&xml).map_err(|e| {
            Failure::config(format!(
                "{shown}: word/document.xml is not well-formed XML: {e}"
            ))
        })
    }

    /// The paragraphs' text of WordprocessingML, each paragraph ended by a newline.
    pub fn text_of(xml: &str) -> Result<String, String> {
        let mut reader = Reader::from_str(xml);
        let mut out = String::with_capacity(xml.len() / 4);
        // Open elements; text counts only inside <w:t> within a run, not in properties
        // (<w:pPr> holds tab stops named <w:tab> too) or deleted text.
        let mut depth = 0usize;
        let mut runs = 0usize;
        let mut properties = 0usize;
        let mut in_text = false;
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| format!("at byte {at}: {e}"))?;
            match event {
                Event::Start(e) => {
                    depth += 1;
                    match e.name().as_ref() {
                        "w:r" => runs += 1,
                        "w:t" if runs > 0 && properties == 0 => in_text = true,
                        name if name.ends_with("Pr") => properties += 1,
                        _ => {}
                    }
                }
                Event::End(e) => {
                    depth = depth.checked_sub(1).ok_or("an end tag with no start")?;
                    match e.name().as_ref() {
                        "w:p" => out.push('\n'),
                        "w:r" => runs = runs.saturating_sub(1),
                        "w:t" => in_text = false,
                        name if name.ends_with("Pr") => {
                            properties = properties.saturating_sub(1);
                        }
                        _ => {}
                    }
                }
                Event::Empty(e) if runs > 0 && properties == 0 => match e.name().as_ref() {
                    "w:tab" => out.push('\t'),
                    "w:br" | "w:cr" => out.push('\n'),
                    _ => {}
                },
                Event::Empty(e) if e.name().as_ref() == "w:p" => out.push('\n'),
                Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
                Event::CData(t) if in_text => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if in_text => {
                    let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c,
                        None => match &*r {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => return Err(format!("unknown entity &{other};")),
                        },
                    };
                    out.push(c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if depth != 0 {
            return Err(format!("{depth} element(s) not closed at the end"));
        }
        if xml.trim().is_empty() || !xml.contains("<w:document") && !xml.contains(":document") {
            return Err("no <w:document> element".into());
        }
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        use super::text_of;

        #[test]
        fn paragraphs_runs_tabs_and_breaks() {
            let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Gemma</w:t></w:r><w:r><w:t xml:space="preserve"> White &amp; Co</w:t><w:tab/><w:t>1</w:t><w:br/><w:t>2&#x41;</w:t></w:r></w:p>
<w:p/><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>end</w:t></w:r></w:p></w:body></w:document>"#;
            assert_eq!(
                text_of(xml).expect("well-formed"),
                "Gemma White & Co\t1\n2A\n\nend\n"
            );
        }

        #[test]
        fn malformed_xml_is_refused() {
            assert!(text_of("<w:document><w:p><w:r><w:t>x</w:r></w:p></w:document>").is_err());
            assert!(text_of("<w:document><w:p>").is_err());
            assert!(text_of("").is_err());
            assert!(text_of("<w:document>&nbsp;</w:document>").is_ok());
            assert!(text_of("<w:document><w:r><w:t>&nbsp;</w:t></w:r></w:document>").is_err());
        }
    }
}
