//! `cspr library` through the real binary (issue 17): a file with bad lines imports nothing and
//! lists each bad line; a good file imports, again without duplicates; search prints the JSON
//! the issue gives, with exact facet counts; similar lists reviews like one; the index is
//! rebuilt from the database when its directory is deleted; bad options are one-line errors.

use serde_json::Value;

use crate::common::{Sandbox, one_error_line};

fn line(id: &str, title: &str, year: u32, kind: &str, themes: &[&str], summary: &str) -> String {
    serde_json::json!({
        "id": id,
        "title": title,
        "partnership": "Westshire Safeguarding Children Partnership",
        "published_on": format!("{year}-05-01"),
        "review_type": kind,
        "themes": themes,
        "age_group": "under_1",
        "agencies": ["Health", "Police"],
        "summary": summary,
        "url": format!("https://reviews.example.org/{id}"),
    })
    .to_string()
}

fn good_file() -> String {
    [
        line(
            "w-1",
            "Child A: bruising in a baby",
            2010,
            "local_cspr",
            &["bruising", "non-accidental injury"],
            "Bruising on a non-mobile baby was explained away.",
        ),
        line(
            "w-2",
            "Child B: bruising missed at the emergency department",
            2011,
            "local_cspr",
            &["bruising"],
            "Bruising was seen at A&E and not referred.",
        ),
        line(
            "w-3",
            "Child C: neglect over years",
            2011,
            "serious_case_review",
            &["neglect"],
            "Neglect was seen by many agencies but never added up.",
        ),
        line(
            "w-4",
            "Child D: neglect and housing",
            2012,
            "thematic",
            &["neglect", "housing"],
            "Neglect in poor housing; nobody held the whole picture.",
        ),
    ]
    .join("\n")
}

/// A sandbox with a database (the demo's partnership). The demo's generated reviews are in the
/// library too, all published from 2014: the reviews here are dated 2010 to 2012, and the
/// searches keep to those years.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.ok(&["migrate"]);
    sandbox.ok(&["demo"]);
    sandbox
}

fn search(sandbox: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["library", "search"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&sandbox.ok(&all)).expect("json")
}

#[test]
fn a_file_with_bad_lines_imports_nothing_and_names_each_line() {
    let sandbox = sandbox();
    let file = sandbox.path().join("bad.jsonl");
    let mut text = good_file();
    text.push_str("\nnot json\n");
    text.push_str(&line("w-1", "Again", 2021, "local_cspr", &[], "Twice."));
    text.push('\n');
    text.push_str(&line(
        "w-9",
        "Child Z",
        2021,
        "an_inquiry",
        &[],
        "Unknown kind.",
    ));
    std::fs::write(&file, text).expect("write");
    let output = sandbox.run(&["library", "import", file.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for n in ["line 5:", "line 6:", "line 7:"] {
        assert!(stderr.contains(n), "{n} in {stderr}");
    }
    assert!(
        stderr.contains("3 bad lines: nothing was imported"),
        "{stderr}"
    );
    assert_eq!(
        search(&sandbox, &["bruising", "--from", "2010", "--to", "2013"])["total"],
        0
    );
}

#[test]
fn reviews_import_once_search_with_facets_and_find_similar() {
    let sandbox = sandbox();
    let file = sandbox.path().join("reviews.jsonl");
    std::fs::write(&file, good_file()).expect("write");
    let path = file.to_str().expect("path");
    let output = sandbox.run(&["library", "import", path]);
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("imported 4 reviews: 4 new, 0 replaced"),
        "{stderr}"
    );
    // Again: replaced, not added.
    let output = sandbox.run(&["library", "import", path]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("imported 4 reviews: 0 new, 4 replaced"),
        "{stderr}"
    );

    // A synonym (A&E is the emergency department), the JSON the issue gives.
    let found = search(&sandbox, &["bruising", "--from", "2010", "--to", "2013"]);
    assert_eq!(found["total"], 2);
    let ids: Vec<&str> = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"w-1") && ids.contains(&"w-2"), "{ids:?}");
    let hit = &found["hits"][0];
    for field in ["id", "title", "published_on", "score", "snippet"] {
        assert!(!hit[field].is_null(), "{field} in {hit}");
    }
    assert_eq!(found["facets"]["theme"]["bruising"], 2);
    assert_eq!(found["facets"]["theme"]["non-accidental injury"], 1);
    // The year facet counts every year (it ignores its own filter): these two are ours alone.
    assert_eq!(found["facets"]["year"]["2010"], 1);
    assert_eq!(found["facets"]["year"]["2011"], 1);
    assert_eq!(found["facets"]["review_type"]["local_cspr"], 2);

    let neglect = search(
        &sandbox,
        &[
            "neglect",
            "--theme",
            "neglect",
            "--review-type",
            "thematic",
            "--to",
            "2013",
        ],
    );
    assert_eq!(neglect["total"], 1);
    assert_eq!(neglect["hits"][0]["id"], "w-4");

    let similar: Value = serde_json::from_str(&sandbox.ok(&[
        "library", "similar", "w-1", "--limit", "5", "--format", "json",
    ]))
    .expect("json");
    let ids: Vec<&str> = similar
        .as_array()
        .expect("list")
        .iter()
        .map(|h| h["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(!ids.contains(&"w-1"), "not itself: {similar}");
    // The most like a review of bruising in a baby are about bruising in babies (here, the
    // demo's generated ones, whose texts are richer than these one-line summaries).
    let first = similar[0]["title"].as_str().expect("title").to_lowercase();
    assert!(first.contains("bruis"), "{similar}");

    // The index is derived: deleted, it is built again from the database.
    std::fs::remove_dir_all(sandbox.data_dir().join("index")).expect("remove index");
    assert_eq!(
        search(&sandbox, &["bruising", "--from", "2010", "--to", "2013"])["total"],
        2
    );
    assert!(sandbox.data_dir().join("index").join("library").is_dir());
}

#[test]
fn bad_options_are_one_line_errors() {
    let sandbox = sandbox();
    let line = one_error_line(
        &sandbox.run(&["library", "search", "x", "--format", "xml"]),
        2,
    );
    assert!(line.contains("--format"), "{line}");
    let line = one_error_line(&sandbox.run(&["library", "search", "x", "--limit", "0"]), 2);
    assert!(line.contains("--limit"), "{line}");
    let line = one_error_line(
        &sandbox.run(&["library", "search", "x", "--from", "2024", "--to", "2020"]),
        2,
    );
    assert!(line.contains("before --from"), "{line}");
    let line = one_error_line(
        &sandbox.run(&["library", "search", "x", "--review-type", "inquiry"]),
        2,
    );
    assert!(line.contains("--review-type"), "{line}");
    let line = one_error_line(&sandbox.run(&["library", "similar", "no-such"]), 2);
    assert!(line.contains("no review 'no-such'"), "{line}");
    let missing = sandbox.path().join("missing.jsonl");
    let output = sandbox.run(&["library", "import", missing.to_str().expect("path")]);
    assert_ne!(output.status.code(), Some(0));
}
