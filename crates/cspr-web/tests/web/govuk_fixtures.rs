//! The askama macros in templates/macros/ must write the HTML that GOV.UK Frontend publishes for
//! each component. govuk-frontend ships that HTML, with the options that produce it, in
//! `dist/govuk/components/<name>/fixtures.json`; every fixture whose options the macros cover
//! is rendered through them and compared after normalising whitespace, attribute order and
//! class order. The fixtures come from web/node_modules (build.rs installs it): without them
//! the tests fail, never skip.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use askama::Template;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Fixtures

struct Fixture {
    name: String,
    options: Value,
    html: String,
}

fn fixtures(component: &str) -> Vec<Fixture> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../web/node_modules/govuk-frontend/dist/govuk/components")
        .join(component)
        .join("fixtures.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {} ({e}): build cspr-web first (`cargo build -p cspr-web`), \
             which installs web/node_modules with npm ci",
            path.display()
        )
    });
    let json: Value = serde_json::from_str(&text).expect("fixtures.json is JSON");
    json["fixtures"]
        .as_array()
        .expect("fixtures.json has a fixtures list")
        .iter()
        .map(|f| Fixture {
            name: f["name"]
                .as_str()
                .expect("a fixture has a name")
                .to_string(),
            options: f["options"].clone(),
            html: f["html"].as_str().expect("a fixture has html").to_string(),
        })
        .collect()
}

/// Every leaf of `options` as a path like `fieldset.legend.text` or `items[].hint.text`.
fn option_paths(value: &Value, prefix: &str, paths: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                option_paths(child, &path, paths);
            }
        }
        Value::Array(items) => {
            for item in items {
                option_paths(item, &format!("{prefix}[]"), paths);
            }
            if items.is_empty() {
                paths.insert(format!("{prefix}[]"));
            }
        }
        _ => {
            paths.insert(prefix.to_string());
        }
    }
}

/// Whether every option the fixture sets is one the macro has (and so the test can pass it on).
fn covered(options: &Value, supported: &[&str]) -> bool {
    let mut paths = BTreeSet::new();
    option_paths(options, "", &mut paths);
    paths
        .iter()
        .all(|p| p.is_empty() || supported.contains(&p.as_str()))
}

/// A text option: strings as they are, numbers and booleans written out, absent as "".
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A text option, or `default` when it is absent or empty.
fn text_or(value: &Value, default: &str) -> String {
    let text = text(value);
    if text.is_empty() {
        default.to_owned()
    } else {
        text
    }
}

/// A boolean option, false when absent.
fn flag(value: &Value) -> bool {
    value.as_bool().unwrap_or(false)
}

/// [`check_component`] for a macro that can express every fixture whose options are all among
/// `supported`: `page` makes its template from such a fixture's options.
fn check_covered<T: Template>(
    component: &str,
    required: &[&str],
    supported: &[&str],
    page: impl Fn(&Value) -> T,
) {
    check_component(component, required, |o| {
        covered(o, supported).then(|| page(o).render().expect("renders"))
    });
}

/// Runs `render` over each fixture of `component` that it accepts (it returns `None` for one
/// it cannot express), compares, and checks that the `required` variants were among them.
fn check_component(component: &str, required: &[&str], render: impl Fn(&Value) -> Option<String>) {
    let mut checked = Vec::new();
    let mut failures = String::new();
    for fixture in fixtures(component) {
        let Some(rendered) = render(&fixture.options) else {
            continue;
        };
        let expected = normalise(&fixture.html);
        let actual = normalise(&rendered);
        if expected != actual {
            let _ = writeln!(
                failures,
                "\n=== {component} / {}\n{}\n--- rendered:\n{rendered}",
                fixture.name,
                first_difference(&expected, &actual)
            );
        }
        checked.push(fixture.name);
    }
    for name in required {
        assert!(
            checked.iter().any(|c| c == name),
            "{component}: the fixture \"{name}\" was not checked (is it still in fixtures.json?)"
        );
    }
    assert!(failures.is_empty(), "{failures}");
    println!(
        "{component}: {} fixtures match: {}",
        checked.len(),
        checked.join("; ")
    );
}

fn first_difference(expected: &[String], actual: &[String]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let from = at.saturating_sub(3);
    format!(
        "first difference at token {at}:\n  expected: {:?}\n  rendered: {:?}",
        &expected[from..(at + 3).min(expected.len())],
        &actual[from..(at + 3).min(actual.len())]
    )
}

// ---------------------------------------------------------------------------------------------
// Normalising HTML: a token per tag or text run; attributes sorted, class lists sorted,
// entities decoded, whitespace collapsed. Whitespace at the edge of a text run counts only
// next to an inline element (as in "Error:</span> Enter ..."), where it shows.

#[derive(Debug)]
enum Token {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
}

const INLINE: &[&str] = &[
    "a", "abbr", "b", "code", "em", "i", "small", "span", "strong",
];

fn normalise(html: &str) -> Vec<String> {
    let tokens = tokenize(html);
    let is_inline = |token: Option<&Token>| match token {
        Some(Token::Start(name, _) | Token::End(name)) => INLINE.contains(&name.as_str()),
        _ => false,
    };
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Start(name, attributes) => {
                let mut attributes: Vec<(String, String)> = attributes
                    .iter()
                    .map(|(k, v)| {
                        let v = decode(v);
                        let v = if k == "class" {
                            let mut classes: Vec<&str> = v.split_whitespace().collect();
                            classes.sort_unstable();
                            classes.join(" ")
                        } else {
                            v
                        };
                        (k.clone(), v)
                    })
                    .collect();
                attributes.sort();
                let mut tag = format!("<{name}");
                for (k, v) in attributes {
                    let _ = write!(tag, " {k}=\"{v}\"");
                }
                tag.push('>');
                out.push(tag);
            }
            Token::End(name) => out.push(format!("</{name}>")),
            Token::Text(raw) => {
                let collapsed = decode(raw).split_whitespace().collect::<Vec<_>>().join(" ");
                if collapsed.is_empty() {
                    continue;
                }
                let decoded = decode(raw);
                let lead = decoded.starts_with(char::is_whitespace)
                    && is_inline(i.checked_sub(1).and_then(|p| tokens.get(p)));
                let trail = decoded.ends_with(char::is_whitespace) && is_inline(tokens.get(i + 1));
                out.push(format!(
                    "{}{collapsed}{}",
                    if lead { " " } else { "" },
                    if trail { " " } else { "" }
                ));
            }
        }
    }
    out
}

fn tokenize(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
        } else if let Some(end_tag) = rest.strip_prefix("</") {
            let close = end_tag.find('>').unwrap_or(end_tag.len());
            tokens.push(Token::End(end_tag[..close].trim().to_ascii_lowercase()));
            rest = end_tag.get(close + 1..).unwrap_or("");
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            rest = start_tag(&rest[1..], &mut tokens);
        } else {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |at| at + first);
            tokens.push(Token::Text(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    tokens
}

/// Reads a start tag after its `<`; returns what follows it.
fn start_tag<'a>(mut rest: &'a str, tokens: &mut Vec<Token>) -> &'a str {
    let name_end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    let name = rest[..name_end].to_ascii_lowercase();
    rest = &rest[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            tokens.push(Token::Start(name.clone(), attributes));
            tokens.push(Token::End(name));
            return after;
        }
        if let Some(after) = rest.strip_prefix('>') {
            tokens.push(Token::Start(name, attributes));
            return after;
        }
        if rest.is_empty() {
            tokens.push(Token::Start(name, attributes));
            return rest;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(quote).unwrap_or(body.len());
                value = body[..end].to_string();
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(after.len());
                value = after[..end].to_string();
                rest = &after[end..];
            }
        }
        attributes.push((key, value));
    }
}

/// Decodes the character references that templates write (named basics, a no-break space and
/// numeric ones).
fn decode(text: &str) -> String {
    let nbsp = |entity: &str| {
        quick_xml::escape::resolve_predefined_entity(entity)
            .or_else(|| (entity == "nbsp").then_some("\u{a0}"))
    };
    quick_xml::escape::unescape_with(text, nbsp)
        .unwrap_or_else(|e| panic!("{e}: {text}"))
        .into_owned()
}

#[test]
fn the_normaliser_ignores_layout_but_not_content() {
    let a = normalise("<p class=\"b a\" id=x>\n  <span>Error:</span> Text &amp; more\n</p>");
    let b = normalise("<p id='x' class='a  b'><span>Error:</span> Text &#38; more</p>");
    assert_eq!(a, b);
    let missing_space = normalise("<p id='x' class='a b'><span>Error:</span>Text &#38; more</p>");
    assert_ne!(a, missing_space);
    let other_text = normalise("<p id='x' class='a b'><span>Error:</span> Text</p>");
    assert_ne!(a, other_text);
    assert_eq!(
        normalise("<input checked>"),
        normalise("<input checked=\"\">")
    );
}

// ---------------------------------------------------------------------------------------------
// Form components (templates/macros/forms.html)

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% call forms::error_summary(errors, title = title, description = description) %}{% endcall %}"#,
    ext = "html"
)]
struct ErrorSummary {
    errors: Vec<(String, String)>,
    title: String,
    description: String,
}

#[test]
fn error_summary_matches_govuk_frontend() {
    let supported = [
        "titleText",
        "descriptionText",
        "errorList[].text",
        "errorList[].href",
    ];
    check_component("error-summary", &["default", "with everything"], |o| {
        let errors: Vec<(String, String)> = o["errorList"]
            .as_array()?
            .iter()
            .map(|e| (text(&e["href"]), text(&e["text"])))
            .collect();
        if !covered(o, &supported) || errors.is_empty() {
            return None;
        }
        let page = ErrorSummary {
            errors,
            title: text(&o["titleText"]),
            description: text(&o["descriptionText"]),
        };
        Some(page.render().expect("renders"))
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% call forms::input(name, label, value = value, id = id, hint = hint, error = error, input_type = input_type, classes = classes, autocomplete = autocomplete, inputmode = inputmode, spellcheck = spellcheck, label_classes = label_classes, is_page_heading = is_page_heading) %}{% endcall %}"#,
    ext = "html"
)]
struct Input {
    name: String,
    label: String,
    value: String,
    id: String,
    hint: String,
    error: String,
    input_type: String,
    classes: String,
    autocomplete: String,
    inputmode: String,
    spellcheck: String,
    label_classes: String,
    is_page_heading: bool,
}

#[test]
fn input_matches_govuk_frontend() {
    let supported = [
        "name",
        "id",
        "label.text",
        "label.classes",
        "label.isPageHeading",
        "hint.text",
        "errorMessage.text",
        "type",
        "value",
        "classes",
        "autocomplete",
        "inputmode",
        "spellcheck",
    ];
    let required = [
        "default",
        "with hint text",
        "with error message",
        "with error and hint",
    ];
    check_covered("input", &required, &supported, |o| Input {
        name: text(&o["name"]),
        label: text(&o["label"]["text"]),
        value: text(&o["value"]),
        id: text(&o["id"]),
        hint: text(&o["hint"]["text"]),
        error: text(&o["errorMessage"]["text"]),
        input_type: text_or(&o["type"], "text"),
        classes: text(&o["classes"]),
        autocomplete: text(&o["autocomplete"]),
        inputmode: text(&o["inputmode"]),
        spellcheck: text(&o["spellcheck"]),
        label_classes: text(&o["label"]["classes"]),
        is_page_heading: flag(&o["label"]["isPageHeading"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% call forms::textarea(name, label, value = value, id = id, hint = hint, error = error, rows = rows, classes = classes, autocomplete = autocomplete, spellcheck = spellcheck, label_classes = label_classes, is_page_heading = is_page_heading) %}{% endcall %}"#,
    ext = "html"
)]
struct Textarea {
    name: String,
    label: String,
    value: String,
    id: String,
    hint: String,
    error: String,
    rows: u64,
    classes: String,
    autocomplete: String,
    spellcheck: String,
    label_classes: String,
    is_page_heading: bool,
}

#[test]
fn textarea_matches_govuk_frontend() {
    let supported = [
        "name",
        "id",
        "label.text",
        "label.classes",
        "label.isPageHeading",
        "hint.text",
        "errorMessage.text",
        "value",
        "rows",
        "classes",
        "autocomplete",
        "spellcheck",
    ];
    let required = [
        "default",
        "with error message",
        "with hint and error message",
    ];
    check_covered("textarea", &required, &supported, |o| Textarea {
        name: text(&o["name"]),
        label: text(&o["label"]["text"]),
        value: text(&o["value"]),
        id: text(&o["id"]),
        hint: text(&o["hint"]["text"]),
        error: text(&o["errorMessage"]["text"]),
        rows: o["rows"].as_u64().unwrap_or(5),
        classes: text(&o["classes"]),
        autocomplete: text(&o["autocomplete"]),
        spellcheck: text(&o["spellcheck"]),
        label_classes: text(&o["label"]["classes"]),
        is_page_heading: flag(&o["label"]["isPageHeading"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% if checkboxes %}{% call forms::checkboxes(name, legend, items, id = id, hint = hint, error = error, classes = classes, legend_classes = legend_classes, is_page_heading = is_page_heading) %}{% endcall %}{% else %}{% call forms::radios(name, legend, items, id = id, hint = hint, error = error, classes = classes, legend_classes = legend_classes, is_page_heading = is_page_heading) %}{% endcall %}{% endif %}"#,
    ext = "html"
)]
struct Choices {
    checkboxes: bool,
    name: String,
    legend: String,
    items: Vec<(String, String, String, bool)>,
    id: String,
    hint: String,
    error: String,
    classes: String,
    legend_classes: String,
    is_page_heading: bool,
}

/// Radios and checkboxes from fixture options. A checked item is one marked so, or else one
/// whose value is the preselected `value` (radios) or among `values` (checkboxes).
fn choices(o: &Value, checkboxes: bool) -> Option<String> {
    let supported = [
        "name",
        "idPrefix",
        "fieldset.legend.text",
        "fieldset.legend.classes",
        "fieldset.legend.isPageHeading",
        "hint.text",
        "errorMessage.text",
        "classes",
        "items[].value",
        "items[].text",
        "items[].hint.text",
        "items[].checked",
        "value",
        "values[]",
    ];
    // The macros always draw the fieldset: fixtures without one are another shape.
    if !covered(o, &supported) || o["fieldset"]["legend"]["text"].is_null() {
        return None;
    }
    let preselected: Vec<String> = match &o["values"] {
        Value::Array(values) => values.iter().map(text).collect(),
        _ => vec![text(&o["value"])],
    };
    let items = o["items"]
        .as_array()?
        .iter()
        .map(|item| {
            let value = text(&item["value"]);
            let checked = item["checked"]
                .as_bool()
                .unwrap_or_else(|| !value.is_empty() && preselected.contains(&value));
            Some((
                value,
                text(&item["text"]),
                text(&item["hint"]["text"]),
                checked,
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    let page = Choices {
        checkboxes,
        name: text(&o["name"]),
        legend: text(&o["fieldset"]["legend"]["text"]),
        items,
        id: text(&o["idPrefix"]),
        hint: text(&o["hint"]["text"]),
        error: text(&o["errorMessage"]["text"]),
        classes: text(&o["classes"]),
        legend_classes: text(&o["fieldset"]["legend"]["classes"]),
        is_page_heading: flag(&o["fieldset"]["legend"]["isPageHeading"]),
    };
    Some(page.render().expect("renders"))
}

#[test]
fn radios_match_govuk_frontend() {
    check_component(
        "radios",
        &[
            "default",
            "with hint",
            "with fieldset and error message",
            "with hint and error message",
        ],
        |o| choices(o, false),
    );
}

#[test]
fn checkboxes_match_govuk_frontend() {
    check_component(
        "checkboxes",
        &[
            "default",
            "with hint",
            "with error message",
            "with error message and hint",
        ],
        |o| choices(o, true),
    );
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% call forms::date_input(id, legend, day = day, month = month, year = year, hint = hint, error = error, name_prefix = name_prefix, day_error = day_error, month_error = month_error, year_error = year_error, legend_classes = legend_classes, is_page_heading = is_page_heading) %}{% endcall %}"#,
    ext = "html"
)]
struct DateInput {
    id: String,
    legend: String,
    day: String,
    month: String,
    year: String,
    hint: String,
    error: String,
    name_prefix: String,
    day_error: bool,
    month_error: bool,
    year_error: bool,
    legend_classes: String,
    is_page_heading: bool,
}

#[test]
fn date_input_matches_govuk_frontend() {
    let supported = [
        "id",
        "namePrefix",
        "fieldset.legend.text",
        "fieldset.legend.classes",
        "fieldset.legend.isPageHeading",
        "hint.text",
        "errorMessage.text",
        "items[].name",
        "items[].classes",
        "items[].value",
    ];
    check_component(
        "date-input",
        &[
            "default",
            "with errors only",
            "with errors and hint",
            "with error on day input",
        ],
        |o| {
            if !covered(o, &supported) || o["fieldset"]["legend"]["text"].is_null() {
                return None;
            }
            // The macro's boxes: day, month and year, 2, 2 and 4 wide. A fixture's items must be
            // those, marked in error or not.
            let mut parts = [
                ("day", "2", String::new(), false),
                ("month", "2", String::new(), false),
                ("year", "4", String::new(), false),
            ];
            if let Some(items) = o["items"].as_array() {
                if items.len() != 3 {
                    return None;
                }
                for (item, part) in items.iter().zip(parts.iter_mut()) {
                    let mut classes: Vec<&str> = item["classes"]
                        .as_str()
                        .unwrap_or("")
                        .split_whitespace()
                        .collect();
                    part.3 = classes.contains(&"govuk-input--error");
                    classes.retain(|c| *c != "govuk-input--error");
                    let width = format!("govuk-input--width-{}", part.1);
                    if text(&item["name"]) != part.0 || classes != [width.as_str()] {
                        return None;
                    }
                    part.2 = text(&item["value"]);
                }
            }
            let error = text(&o["errorMessage"]["text"]);
            // The macro marks every box when the error names none; fixtures that set an error
            // but mark no box are not how the macro is meant to be used.
            if !error.is_empty() && !parts.iter().any(|p| p.3) {
                return None;
            }
            let page = DateInput {
                id: text(&o["id"]),
                legend: text(&o["fieldset"]["legend"]["text"]),
                day: parts[0].2.clone(),
                month: parts[1].2.clone(),
                year: parts[2].2.clone(),
                hint: text(&o["hint"]["text"]),
                error,
                name_prefix: text(&o["namePrefix"]),
                day_error: parts[0].3,
                month_error: parts[1].3,
                year_error: parts[2].3,
                legend_classes: text(&o["fieldset"]["legend"]["classes"]),
                is_page_heading: flag(&o["fieldset"]["legend"]["isPageHeading"]),
            };
            Some(page.render().expect("renders"))
        },
    );
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/forms.html" as forms %}{% call forms::button(text, classes = classes, href = href, name = name, value = value, button_type = button_type, id = id, is_start = is_start, disabled = disabled, prevent_double_click = prevent_double_click) %}{% endcall %}"#,
    ext = "html"
)]
struct Button {
    text: String,
    classes: String,
    href: String,
    name: String,
    value: String,
    button_type: String,
    id: String,
    is_start: bool,
    disabled: bool,
    prevent_double_click: bool,
}

#[test]
fn button_matches_govuk_frontend() {
    let supported = [
        "text",
        "classes",
        "href",
        "name",
        "value",
        "type",
        "id",
        "isStartButton",
        "disabled",
        "preventDoubleClick",
        "element",
    ];
    check_component(
        "button",
        &[
            "default",
            "secondary",
            "warning",
            "start",
            "link",
            "disabled",
        ],
        |o| {
            let href = text(&o["href"]);
            let element = text(&o["element"]);
            let element_fits = match element.as_str() {
                "" => true,
                "button" => href.is_empty(),
                "a" => !href.is_empty(),
                _ => false,
            };
            // GOV.UK writes data-prevent-double-click="false" when told false; the macro leaves
            // the attribute out, which means the same.
            if !covered(o, &supported) || !element_fits || o["preventDoubleClick"] == false {
                return None;
            }
            let page = Button {
                text: text(&o["text"]),
                classes: text(&o["classes"]),
                href,
                name: text(&o["name"]),
                value: text(&o["value"]),
                button_type: text_or(&o["type"], "submit"),
                id: text(&o["id"]),
                is_start: flag(&o["isStartButton"]),
                disabled: flag(&o["disabled"]),
                prevent_double_click: flag(&o["preventDoubleClick"]),
            };
            Some(page.render().expect("renders"))
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Content components (templates/macros/content.html)

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::tag(text, classes = classes) %}{% endcall %}"#,
    ext = "html"
)]
struct Tag {
    text: String,
    classes: String,
}

#[test]
fn tag_matches_govuk_frontend() {
    let required = ["default", "grey", "green", "red", "yellow"];
    check_covered("tag", &required, &["text", "classes"], |o| Tag {
        text: text(&o["text"]),
        classes: text(&o["classes"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::warning_text(text, icon_fallback = icon_fallback, classes = classes) %}{% endcall %}"#,
    ext = "html"
)]
struct WarningText {
    text: String,
    icon_fallback: String,
    classes: String,
}

#[test]
fn warning_text_matches_govuk_frontend() {
    let supported = ["text", "iconFallbackText", "classes"];
    check_covered("warning-text", &["default"], &supported, |o| WarningText {
        text: text(&o["text"]),
        icon_fallback: text_or(&o["iconFallbackText"], "Warning"),
        classes: text(&o["classes"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::inset_text(text, id = id, classes = classes) %}{% endcall %}"#,
    ext = "html"
)]
struct InsetText {
    text: String,
    id: String,
    classes: String,
}

#[test]
fn inset_text_matches_govuk_frontend() {
    let supported = ["text", "id", "classes"];
    check_covered("inset-text", &["default"], &supported, |o| InsetText {
        text: text(&o["text"]),
        id: text(&o["id"]),
        classes: text(&o["classes"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::back_link(href = href, text = text, classes = classes) %}{% endcall %}"#,
    ext = "html"
)]
struct BackLink {
    href: String,
    text: String,
    classes: String,
}

#[test]
fn back_link_matches_govuk_frontend() {
    let required = ["default", "with custom text and link"];
    let supported = ["href", "text", "classes"];
    check_covered("back-link", &required, &supported, |o| BackLink {
        href: text_or(&o["href"], "#"),
        text: text_or(&o["text"], "Back"),
        classes: text(&o["classes"]),
    });
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::notification_banner(text, success = success, title = title, title_id = title_id) %}{% endcall %}"#,
    ext = "html"
)]
struct NotificationBanner {
    text: String,
    success: bool,
    title: String,
    title_id: String,
}

#[test]
fn notification_banner_matches_govuk_frontend() {
    check_component(
        "notification-banner",
        &["default", "with type as success"],
        |o| {
            let kind = text(&o["type"]);
            if !covered(o, &["text", "type", "titleText", "titleId"])
                || !(kind.is_empty() || kind == "success")
            {
                return None;
            }
            let title_id = text(&o["titleId"]);
            let page = NotificationBanner {
                text: text(&o["text"]),
                success: kind == "success",
                title: text(&o["titleText"]),
                title_id: if title_id.is_empty() {
                    "govuk-notification-banner-title".into()
                } else {
                    title_id
                },
            };
            Some(page.render().expect("renders"))
        },
    );
}

/// The "default" fixture's summary list: two rows of text through `summary_list`, and a row
/// whose value is the address markup, written in the call's body through `summary_row`.
#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content -%}
{% call content::summary_list(rows) -%}
{% call content::summary_row("Contact information") -%}
<p class="govuk-body">
  email@email.com
</p>
<p class="govuk-body">
  Address line 1<br>
  Address line 2<br>
  Address line 3<br>
  Address line 4<br>
  Address line 5
</p>
{%- endcall %}
{%- endcall %}"#,
    ext = "html"
)]
struct SummaryList {
    rows: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

/// Rows with "Change" links, and one without in the same list.
#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content -%}
{% call content::summary_list(rows, with_actions = true) %}{% endcall %}"#,
    ext = "html"
)]
struct SummaryListWithActions {
    rows: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

#[test]
fn summary_list_matches_govuk_frontend() {
    check_component("summary-list", &["default"], |o| {
        // Only "default" has this shape; others are checked below by hand.
        if o["rows"].as_array().is_none_or(|rows| rows.len() != 3)
            || !covered(
                o,
                &["rows[].key.text", "rows[].value.text", "rows[].value.html"],
            )
            || o["rows"][2]["key"]["text"] != "Contact information"
            || o["rows"][0]["value"]["text"] != "Firstname Lastname"
        {
            return None;
        }
        let page = SummaryList {
            rows: vec![
                ("Name", "Firstname Lastname", "", ""),
                ("Date of birth", "13/08/1980", "", ""),
            ],
        };
        Some(page.render().expect("renders"))
    });
}

#[test]
fn summary_list_actions_follow_govuk_frontend() {
    let page = SummaryListWithActions {
        rows: vec![
            ("Name", "Firstname Lastname", "#name", "name"),
            ("Reference", "CSPR-0001", "", ""),
        ],
    };
    let expected = r##"<dl class="govuk-summary-list">
  <div class="govuk-summary-list__row">
    <dt class="govuk-summary-list__key">Name</dt>
    <dd class="govuk-summary-list__value">Firstname Lastname</dd>
    <dd class="govuk-summary-list__actions">
      <a class="govuk-link" href="#name">Change<span class="govuk-visually-hidden"> name</span></a>
    </dd>
  </div>
  <div class="govuk-summary-list__row govuk-summary-list__row--no-actions">
    <dt class="govuk-summary-list__key">Reference</dt>
    <dd class="govuk-summary-list__value">CSPR-0001</dd>
  </div>
</dl>"##;
    assert_eq!(
        normalise(&page.render().expect("renders")),
        normalise(expected)
    );
}

#[derive(Template)]
#[template(
    source = r#"{% import "macros/content.html" as content %}{% call content::table(head, rows, caption = caption, caption_classes = caption_classes, first_cell_is_header = first_cell_is_header) %}{% endcall %}"#,
    ext = "html"
)]
struct Table {
    head: Vec<(String, bool)>,
    rows: Vec<Vec<(String, bool)>>,
    caption: String,
    caption_classes: String,
    first_cell_is_header: bool,
}

#[test]
fn table_matches_govuk_frontend() {
    let supported = [
        "caption",
        "captionClasses",
        "firstCellIsHeader",
        "head[].text",
        "head[].format",
        "rows[][].text",
        "rows[][].format",
    ];
    let cell = |c: &Value| (text(&c["text"]), c["format"] == "numeric");
    check_component("table", &["with head and caption"], |o| {
        // The macro always writes a head.
        if !covered(o, &supported) || o["head"].as_array().is_none_or(Vec::is_empty) {
            return None;
        }
        let page = Table {
            head: o["head"].as_array()?.iter().map(cell).collect(),
            rows: o["rows"]
                .as_array()?
                .iter()
                .map(|row| Some(row.as_array()?.iter().map(cell).collect()))
                .collect::<Option<_>>()?,
            caption: text(&o["caption"]),
            caption_classes: text(&o["captionClasses"]),
            first_cell_is_header: flag(&o["firstCellIsHeader"]),
        };
        Some(page.render().expect("renders"))
    });
}

// ---------------------------------------------------------------------------------------------
// The page frame (templates/layout.html) and the error page

#[derive(Template)]
#[template(
    source = r#"{% extends "layout.html" %}{% import "macros/content.html" as content %}{% block title %}Cases{% endblock %}{% block before_content %}{% call content::back_link("/dashboard") %}{% endcall %}{% endblock %}{% block content %}<h1 class="govuk-heading-l">Cases</h1>{% endblock %}"#,
    ext = "html"
)]
struct Page {
    chrome: cspr_web::layout::Chrome,
}

fn chrome(signed_in: bool) -> cspr_web::layout::Chrome {
    use cspr_web::layout::{Chrome, ChromeUser, NavItem};
    Chrome {
        partnership_name: "Anyshire Safeguarding Children Partnership".into(),
        user: signed_in.then(|| ChromeUser {
            display_name: "Sam <Example>".into(),
            role_label: "Partnership team",
        }),
        nav: if signed_in {
            vec![
                NavItem {
                    text: "Dashboard",
                    href: "/dashboard",
                    current: false,
                },
                NavItem {
                    text: "Cases",
                    href: "/cases",
                    current: true,
                },
            ]
        } else {
            Vec::new()
        },
        css_href: cspr_web::assets::css_href(),
        js_src: cspr_web::assets::js_src(),
    }
}

#[test]
fn the_layout_is_the_govuk_page_template_without_crown_or_inline_script() {
    let html = Page {
        chrome: chrome(true),
    }
    .render()
    .expect("renders");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<title>Cases – Anyshire Safeguarding Children Partnership</title>"));
    assert!(html.contains(r#"<html lang="en" class="govuk-template">"#));
    assert!(html.contains(r#"<body class="govuk-template__body">"#));
    assert!(html.contains(r##"<a href="#main-content" class="govuk-skip-link""##));
    assert!(html.contains(
        r#"<main class="govuk-main-wrapper govuk-main-wrapper--auto-spacing" id="main-content">"#
    ));
    assert!(html.contains(r#"<a href="/dashboard" class="govuk-back-link">Back</a>"#));
    // The partnership's name as text, no crown, no GOV.UK wordmark, no Crown copyright.
    assert!(html.contains(
        r#"<span class="cspr-header__name">Anyshire Safeguarding Children Partnership</span>"#
    ));
    for forbidden in [
        "<svg",
        "GOV.UK",
        "crown",
        "Crown",
        "crest",
        "Open Government Licence",
    ] {
        assert!(!html.contains(forbidden), "the page has {forbidden}");
    }
    // Scripts only as files, from /assets/, as modules.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(&format!(
        r#"<script type="module" src="{}"></script>"#,
        cspr_web::assets::js_src()
    )));
    assert!(html.contains(&format!(
        r#"<link rel="stylesheet" href="{}">"#,
        cspr_web::assets::css_href()
    )));
    // Service navigation: the current section marked, the user's name escaped, sign-out a POST.
    let nav = normalise(&html);
    assert!(
        nav.contains(
            &r#"<a aria-current="true" class="govuk-service-navigation__link" href="/cases">"#
                .to_string()
        )
    );
    assert!(
        nav.contains(
            &r#"<a class="govuk-service-navigation__link" href="/dashboard">"#.to_string()
        )
    );
    assert!(html.contains("Sam &#60;Example&#62;") || html.contains("Sam &lt;Example&gt;"));
    assert!(html.contains(r#"<form method="post" action="/sign-out" class="cspr-inline-form">"#));
    assert!(
        !html.contains(r#"href="/sign-out""#),
        "signing out must not be a link"
    );
    // The footer's links.
    assert!(html.contains(r#"href="/accessibility">Accessibility statement</a>"#));
    assert!(html.contains(r#"href="/privacy">Privacy notice</a>"#));
}

#[test]
fn signed_out_pages_have_no_service_navigation() {
    let html = Page {
        chrome: chrome(false),
    }
    .render()
    .expect("renders");
    assert!(!html.contains("govuk-service-navigation"));
    assert!(!html.contains("Sign out"));
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: cspr_web::layout::Chrome,
    status: u16,
    title: &'static str,
    message: &'static str,
}

#[test]
fn the_error_page_says_what_went_wrong_and_nothing_more() {
    let html = ErrorPage {
        chrome: chrome(false),
        status: 404,
        title: "Page not found",
        message: "If you typed the web address, check it is correct.",
    }
    .render()
    .expect("renders");
    assert!(
        html.contains("<title>Page not found – Anyshire Safeguarding Children Partnership</title>")
    );
    assert!(html.contains(r#"<h1 class="govuk-heading-l">Page not found</h1>"#));
    assert!(html.contains("check you copied the entire address"));

    let html = ErrorPage {
        chrome: chrome(false),
        status: 500,
        title: "Sorry, there is a problem with the service",
        message: "Try again later.",
    }
    .render()
    .expect("renders");
    assert!(html.contains(
        r#"<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>"#
    ));
}
