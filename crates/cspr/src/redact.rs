//! `cspr redact`: JSON Lines records to findings (the redaction development set's format), or
//! one text file to its redacted text. Pure file work: no settings, no database.
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
        Some(other) => {
            return Err(Failure::config(format!(
                "cannot redact .{other} files yet; save {} as plain text (.txt)",
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
