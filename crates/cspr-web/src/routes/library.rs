//! Searching published reviews (issue 17): the public `/published-reviews` over the
//! partnership's own published reports, and `/library` for signed-in staff over the national
//! records imported and the partnership's own. One search form in the MOJ filter pattern
//! (query, themes, review type, age group, years), highlighted snippets and GOV.UK pagination,
//! all in the query string so it works without JavaScript. The search is `cspr_app::library`.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Query;
use cspr_app::library::{self, AgeGroup, Hit, Results, ReviewType};
use cspr_domain::words::long_date;
use serde::Deserialize;

use crate::extract::Signed;
use crate::layout::Chrome;
use crate::{AppState, WebError};

/// Results on one page.
pub const PAGE_SIZE: usize = 20;

/// Most theme choices offered (the chosen ones are always offered too).
const THEME_CHOICES: usize = 25;

/// The search as the query string gives it (repeated keys for the choices).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchForm {
    q: String,
    theme: Vec<String>,
    #[serde(rename = "type")]
    review_type: Vec<String>,
    age: Vec<String>,
    from: String,
    to: String,
    page: Option<usize>,
}

/// One result as shown.
struct Shown {
    title: String,
    href: String,
    meta: String,
    themes: String,
    snippet_html: String,
}

#[derive(Template)]
#[template(path = "pages/library.html")]
struct SearchPage {
    chrome: Chrome,
    public: bool,
    path: &'static str,
    q: String,
    from: String,
    to: String,
    /// (value, label with count, hint, checked)
    themes: Vec<(String, String, &'static str, bool)>,
    types: Vec<(String, String, &'static str, bool)>,
    ages: Vec<(String, String, &'static str, bool)>,
    /// The choices in force, to remove one by one: (label, href without it).
    chosen: Vec<(String, String)>,
    /// The search without any choice.
    clear: String,
    total: usize,
    first: usize,
    last: usize,
    results: Vec<Shown>,
    pages: crate::paging::Pages,
    errors: Vec<(String, String)>,
}

impl SearchPage {
    fn error(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|e| e.0.trim_start_matches('#') == field)
            .map_or_else(String::new, |e| e.1.clone())
    }
}

/// The snippet as HTML: the text escaped, the matched words in `<mark>`.
fn snippet_html(s: &cspr_app::library::Hit) -> String {
    let text = &s.snippet.text;
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for r in &s.snippet.highlights {
        let (Some(before), Some(word)) = (text.get(at..r.start), text.get(r.start..r.end)) else {
            continue;
        };
        out.push_str(&cspr_export::escape_html(before));
        out.push_str("<mark>");
        out.push_str(&cspr_export::escape_html(word));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&cspr_export::escape_html(
        text.get(at..).unwrap_or_default(),
    ));
    out
}

fn year(field: &str, text: &str, errors: &mut Vec<(String, String)>) -> Option<i32> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(y) if t.len() == 4 && (1900..=2200).contains(&y) => Some(y),
        _ => {
            let which = if field == "from" { "from" } else { "to" };
            errors.push((
                format!("#{field}"),
                format!("Enter the year {which} as 4 numbers, like 2021"),
            ));
            None
        }
    }
}

/// The query string of a search, optionally without one choice and at a page.
fn href(path: &str, form: &SearchForm, skip: Option<(&str, &str)>, page: Option<usize>) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let keep = |k: &str, v: &str| skip != Some((k, v));
    if !form.q.trim().is_empty() {
        pairs.push(("q", form.q.trim()));
    }
    for t in &form.theme {
        if keep("theme", t) {
            pairs.push(("theme", t));
        }
    }
    for t in &form.review_type {
        if keep("type", t) {
            pairs.push(("type", t));
        }
    }
    for a in &form.age {
        if keep("age", a) {
            pairs.push(("age", a));
        }
    }
    if !form.from.trim().is_empty() && keep("from", &form.from) {
        pairs.push(("from", form.from.trim()));
    }
    if !form.to.trim().is_empty() && keep("to", &form.to) {
        pairs.push(("to", form.to.trim()));
    }
    let page_text = page.map(|p| p.to_string());
    if let Some(p) = &page_text {
        pairs.push(("page", p));
    }
    let query: String = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn urlencode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Where a result leads: for staff, the review's page in the library (which links out); for
/// the public, the partnership's own review page.
fn result_href(hit: &Hit, public: bool) -> String {
    if public {
        hit.url.clone()
    } else {
        format!("/library/{}", urlencode(&hit.id).replace('+', "%20"))
    }
}

fn shown(hit: &Hit, public: bool) -> Shown {
    let mut meta = format!(
        "{} · {} · published {}",
        hit.review_type.label(),
        hit.partnership,
        long_date(hit.published_on)
    );
    if public {
        meta = format!("Published {}", long_date(hit.published_on));
    }
    Shown {
        title: hit.title.clone(),
        href: result_href(hit, public),
        meta,
        themes: hit.themes.join(", "),
        snippet_html: snippet_html(hit),
    }
}

async fn render(
    state: &AppState,
    chrome: Chrome,
    public: bool,
    form: SearchForm,
) -> Result<Response, WebError> {
    let path = if public {
        "/published-reviews"
    } else {
        "/library"
    };
    let mut errors = Vec::new();
    let from_year = year("from", &form.from, &mut errors);
    let to_year = year("to", &form.to, &mut errors);
    if let (Some(f), Some(t)) = (from_year, to_year)
        && f > t
    {
        errors.push((
            "#to".to_owned(),
            "The year to must be the same as or after the year from".to_owned(),
        ));
    }
    let review_types: Vec<ReviewType> = form
        .review_type
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect();
    let age_groups: Vec<AgeGroup> = form.age.iter().filter_map(|a| a.parse().ok()).collect();
    let page = form.page.unwrap_or(1).clamp(1, 10_000);
    let query = library::Query {
        text: form.q.clone(),
        themes: form.theme.clone(),
        review_types,
        age_groups,
        from_year: if errors.is_empty() { from_year } else { None },
        to_year: if errors.is_empty() { to_year } else { None },
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let results: Results = library::search(state, &query, public).await?;
    let chosen_themes: BTreeSet<&str> = form.theme.iter().map(String::as_str).collect();
    let mut theme_counts: Vec<(&String, &u64)> = results.facets.theme.iter().collect();
    theme_counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut themes: Vec<(String, String, &'static str, bool)> = theme_counts
        .iter()
        .filter(|(t, _)| !chosen_themes.contains(t.as_str()))
        .take(THEME_CHOICES)
        .map(|(t, n)| ((*t).clone(), format!("{t} ({n})"), "", false))
        .collect();
    for t in &form.theme {
        let n = results.facets.theme.get(t).copied().unwrap_or(0);
        themes.insert(0, (t.clone(), format!("{t} ({n})"), "", true));
    }
    let types = ReviewType::ALL
        .iter()
        .filter(|t| {
            !public || **t == ReviewType::LocalCspr || results.facets.review_type.contains_key(*t)
        })
        .map(|t| {
            let n = results.facets.review_type.get(t).copied().unwrap_or(0);
            (
                t.as_str().to_owned(),
                format!("{} ({n})", t.label()),
                "",
                form.review_type.iter().any(|v| v == t.as_str()),
            )
        })
        .collect();
    let ages = AgeGroup::ALL
        .iter()
        .map(|a| {
            let n = results.facets.age_group.get(a).copied().unwrap_or(0);
            (
                a.as_str().to_owned(),
                format!("{} ({n})", a.label()),
                "",
                form.age.iter().any(|v| v == a.as_str()),
            )
        })
        .collect();
    let mut chosen = Vec::new();
    for t in &form.theme {
        chosen.push((
            format!("Theme: {t}"),
            href(path, &form, Some(("theme", t)), None),
        ));
    }
    for t in &form.review_type {
        if let Ok(rt) = t.parse::<ReviewType>() {
            chosen.push((
                rt.label().to_owned(),
                href(path, &form, Some(("type", t)), None),
            ));
        }
    }
    for a in &form.age {
        if let Ok(ag) = a.parse::<AgeGroup>() {
            chosen.push((
                format!("Age: {}", ag.label()),
                href(path, &form, Some(("age", a)), None),
            ));
        }
    }
    if let Some(y) = from_year {
        chosen.push((
            format!("From {y}"),
            href(path, &form, Some(("from", &form.from)), None),
        ));
    }
    if let Some(y) = to_year {
        chosen.push((
            format!("To {y}"),
            href(path, &form, Some(("to", &form.to)), None),
        ));
    }
    let first = if results.hits.is_empty() {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    let last = (page - 1) * PAGE_SIZE + results.hits.len();
    let view = SearchPage {
        chrome,
        public,
        path,
        q: form.q.clone(),
        from: form.from.clone(),
        to: form.to.clone(),
        themes,
        types,
        ages,
        chosen,
        clear: href(
            path,
            &SearchForm {
                q: form.q.clone(),
                ..SearchForm::default()
            },
            None,
            None,
        ),
        total: results.total,
        first,
        last,
        results: results.hits.iter().map(|h| shown(h, public)).collect(),
        pages: crate::paging::pages(results.total, PAGE_SIZE, page, |n| {
            href(path, &form, None, Some(n))
        }),
        errors,
    };
    let status = if view.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

/// The public search of the partnership's published reviews.
pub async fn public(
    State(state): State<AppState>,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let chrome = Chrome::signed_out(&state);
    render(&state, chrome, true, form).await
}

/// The staff library: national records imported and the partnership's own.
pub async fn staff(
    Signed(state, p, _): Signed,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let chrome = Chrome::signed_in(&state, &p, "/library");
    render(&state, chrome, false, form).await
}

#[derive(Template)]
#[template(path = "pages/library_record.html")]
struct RecordPage {
    chrome: Chrome,
    title: String,
    facts: Vec<(&'static str, String)>,
    summary: String,
    /// The first paragraphs of the full text, when the library holds it.
    text: Vec<String>,
    /// Where the review is published, outside the library.
    read_at: String,
    /// (title, href, source)
    similar: Vec<(String, String, String)>,
}

/// Paragraphs of a full text shown on a review's page.
const TEXT_PARAGRAPHS: usize = 6;

/// One review of the library: what it is, its summary, the start of its text, where to read
/// it, and the reviews most like it.
pub async fn record(
    Signed(state, p, _): Signed,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let Some(r) = library::record(&state, &id).await? else {
        return Err(WebError::NotFound);
    };
    let similar = library::similar(&state, &r.id, 5)
        .await?
        .iter()
        .map(|h| {
            (
                h.title.clone(),
                result_href(h, false),
                format!("{}, {}", h.partnership, h.published_on.year()),
            )
        })
        .collect();
    let mut facts = vec![
        ("Published by", r.partnership.clone()),
        ("Published", long_date(r.published_on)),
        ("Type of review", r.review_type.label().to_owned()),
        ("Age of the child", r.age_group.label().to_owned()),
    ];
    if !r.themes.is_empty() {
        facts.push(("Themes", r.themes.join(", ")));
    }
    if !r.agencies.is_empty() {
        facts.push(("Agencies involved", r.agencies.join(", ")));
    }
    let text = r
        .text
        .as_deref()
        .map(|t| {
            t.split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .take(TEXT_PARAGRAPHS)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let read_at = if r.url.starts_with("/library/") {
        String::new()
    } else {
        r.url.clone()
    };
    let page = RecordPage {
        chrome: Chrome::signed_in(&state, &p, "/library"),
        title: r.title,
        facts,
        summary: r.summary,
        text,
        read_at,
        similar,
    };
    Ok(Html(page.render()?).into_response())
}
