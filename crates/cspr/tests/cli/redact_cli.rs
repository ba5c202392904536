//! `cspr redact` through the real binary: records to findings in the development set's format,
//! a text or Word file to its redacted text, and one clear line for bad input with no file left
//! behind.

use std::{fs, io::Write, path::Path};

use crate::common::{Sandbox, one_error_line};

const RECORDS: &str = r#"{"id": "r1", "text": "Gemma White (DOB 26/04/1984) rang PC Noble from 07700 900701.", "case": {"people": [{"role": "mother", "name": "Gemma White", "dob": "1984-04-26"}], "pseudonyms": {"Gemma White": "Mother"}}}
{"id": "r2", "text": "Seen at 168 Oak Close, Rochdale OL11 1AA."}
"#;

/// The labels of an output line's spans, in order.
fn labels(line: &serde_json::Value) -> Vec<&str> {
    line["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| s["label"].as_str().expect("label"))
        .collect()
}

#[test]
fn records_give_findings_as_code_point_spans_with_labels() {
    let sandbox = Sandbox::new();
    fs::write(sandbox.path().join("in.jsonl"), RECORDS).expect("write");
    sandbox.ok(&["redact", "--input", "in.jsonl", "--output", "out.jsonl"]);
    let out = fs::read_to_string(sandbox.path().join("out.jsonl")).expect("output");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "r1");
    assert_eq!(
        labels(&lines[0]),
        ["PERSON", "DATE_OF_BIRTH", "PERSON", "PHONE"]
    );
    assert_eq!(lines[0]["spans"][0]["start"], 0);
    assert_eq!(lines[0]["spans"][0]["end"], 11);
    assert_eq!(labels(&lines[1]), ["ADDRESS", "POSTCODE"]);
}

/// A sandbox with case.json: Tony Bailey, the child, known as Child W.
fn with_case() -> Sandbox {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox.path().join("case.json"),
        r#"{"people": [{"role": "child", "name": "Tony Bailey"}], "pseudonyms": {"Tony Bailey": "Child W"}}"#,
    )
    .expect("write");
    sandbox
}

#[test]
fn a_text_file_is_redacted_to_stdout_or_a_file() {
    let sandbox = with_case();
    fs::write(
        sandbox.path().join("note.txt"),
        "On 3rd April 2019 Tony was seen by Dr Ogunleye at 12 Peel Road.\n",
    )
    .expect("write");
    let out = sandbox.ok(&["redact", "note.txt", "--case", "case.json"]);
    assert_eq!(
        out,
        "On April 2019 Child W was seen by a doctor at [address].\n"
    );
    sandbox.ok(&[
        "redact", "note.txt", "--dates", "remove", "--out", "red.txt",
    ]);
    let red = fs::read_to_string(sandbox.path().join("red.txt")).expect("output");
    assert!(red.starts_with("On [date] "), "{red}");
}

#[test]
fn a_malformed_line_is_named_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    fs::write(
        sandbox.path().join("in.jsonl"),
        format!("{RECORDS}{{\"id\": \"r3\", \"text\": \n"),
    )
    .expect("write");
    let output = sandbox.run(&["redact", "--input", "in.jsonl", "--output", "out.jsonl"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("line 3"), "{line}");
    assert!(!sandbox.path().join("out.jsonl").exists());
    let leftovers: Vec<_> = fs::read_dir(sandbox.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn unreadable_input_and_bad_options_get_one_line() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["redact", "--input", "missing.jsonl", "--output", "o.jsonl"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("missing.jsonl"), "{line}");
    let output = sandbox.run(&["redact", "missing.txt"]);
    one_error_line(&output, 2);
    fs::write(sandbox.path().join("a.txt"), "x").expect("write");
    let output = sandbox.run(&["redact", "a.txt", "--dates", "sometimes"]);
    let line = one_error_line(&output, 2);
    assert!(line.contains("--dates"), "{line}");
    let output = sandbox.run(&["redact", "--input", "a.txt"]);
    one_error_line(&output, 2);
}

/// A minimal Word document: the content types, the package relationship and the given
/// word/document.xml, deflated as Word writes them.
fn write_docx(path: &Path, document_xml: &str) {
    let file = fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document_xml),
    ];
    for (name, content) in parts {
        zip.start_file(name, options).expect("start entry");
        zip.write_all(content.as_bytes()).expect("write entry");
    }
    zip.finish().expect("finish zip");
}

const DOCUMENT_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t xml:space="preserve">On 3rd April 2019 </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Tony</w:t></w:r><w:r><w:t xml:space="preserve"> was seen by Dr Ogunleye.</w:t></w:r></w:p>
<w:p><w:r><w:t>Address:</w:t><w:tab/><w:t>12 Peel Road</w:t><w:br/><w:t>Tony &amp; his sister were at home.</w:t></w:r></w:p>
</w:body></w:document>"#;

#[test]
fn a_word_document_is_redacted_to_its_text() {
    let sandbox = with_case();
    write_docx(&sandbox.path().join("review.docx"), DOCUMENT_XML);
    let out = sandbox.ok(&["redact", "review.docx", "--case", "case.json"]);
    assert_eq!(
        out,
        "On April 2019 Child W was seen by a doctor.\nAddress:\t[address]\nChild W & his sister were at home.\n"
    );
    assert!(!out.contains("Tony") && !out.contains("Ogunleye") && !out.contains("Peel"));
    sandbox.ok(&[
        "redact",
        "review.docx",
        "--case",
        "case.json",
        "--out",
        "red.txt",
    ]);
    let red = fs::read_to_string(sandbox.path().join("red.txt")).expect("output");
    assert_eq!(red, out);
}

#[test]
fn a_corrupt_word_document_gets_one_line_and_no_output() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path();
    fs::write(dir.join("not-a-zip.docx"), "Tony Bailey, plain text").expect("write");
    let mut zip =
        zip::ZipWriter::new(fs::File::create(dir.join("no-document.docx")).expect("create"));
    zip.start_file("word/styles.xml", zip::write::SimpleFileOptions::default())
        .expect("start");
    zip.write_all(b"<w:styles/>").expect("write");
    zip.finish().expect("finish");
    write_docx(
        &dir.join("malformed.docx"),
        "<w:document><w:body><w:p><w:r><w:t>Tony Bailey</w:r></w:p></w:body></w:document>",
    );
    let cases = [
        ("not-a-zip.docx", "not a Word document"),
        ("no-document.docx", "word/document.xml"),
        ("malformed.docx", "not well-formed"),
    ];
    for (name, expected) in cases {
        let output = sandbox.run(&["redact", name, "--out", "red.txt"]);
        let line = one_error_line(&output, 2);
        assert!(line.contains(name) && line.contains(expected), "{line}");
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(
            !sandbox.path().join("red.txt").exists(),
            "{name}: no output file"
        );
    }
}
