//! Publication of the overview report: the anonymisation scan of its latest version (the
//! redaction engine, `cspr-redact`, run here; its findings go into the case as a command), the
//! review screen where the partnership team accepts, rejects or widens each finding, the check
//! of the redacted text for names the case records, the residual-risk report, then publication
//! (with the public copy stored for the public page) and withdrawal.
//!
//! The rules (docs/SECURITY.md, "Publication"):
//! - only the partnership team; anyone else who can see the case is refused, and the refusal is
//!   written to the access log; every page and action reads the case through the access log;
//! - nothing personal goes into a URL or a log line: findings are addressed by their number, the
//!   names left in the text are shown by role ("Mother"), on the page only;
//! - the domain decides: publication before 7 working days after sending, with findings not
//!   reviewed, or with a known name left, is refused with the domain's own words;
//! - the public copy (title, summary, themes, dates, the PDF without document metadata) is
//!   stored before the publication is recorded, and removed again when the case refuses it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::anonymisation::{AnonymisationReview, FindingDecision, ScanFinding};
use cspr_domain::case::model::PublicationDecision;
use cspr_domain::case::{Case, Command, DomainError};
use cspr_domain::report::OverviewReport;
use cspr_domain::words::long_date;
use cspr_redact::CaseKnowledge;
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use cspr_app::policy::may_publish;
use cspr_app::publication::{
    Risk, earliest_publication, knowledge, masked, names_left, redacted_parts, relationship_words,
    residual, scan_key, scan_report, themes, widen,
};

use crate::access::{CaseAccess, Principal};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

// ------------------------------------------------------------------------------------------
// Access and commands
// ------------------------------------------------------------------------------------------

/// The partnership team only; anyone else is refused, and the refusal is written to the log.
async fn team_only(state: &AppState, access: &CaseAccess, source: &Source) -> Result<(), WebError> {
    if may_publish(access.principal()) {
        return Ok(());
    }
    Err(crate::access::refuse(state, access, source, "publication of the report").await)
}

fn actor(state: &AppState, p: &Principal) -> cspr_app::Actor {
    state.actor(p.user_id)
}

/// Runs a command on the case as read (a change meanwhile is a conflict, told in words).
/// `Ok(Err(message))` is a refusal to show on the page.
async fn run(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    command: Command,
) -> Result<Result<(), (Option<&'static str>, String)>, WebError> {
    match state
        .app()
        .execute(
            access.case_id(),
            Some(case.version),
            command,
            actor(state, access.principal()),
        )
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => Ok(Err(refusal(e)?)),
    }
}

/// The process's refusal as (field, message) for the page; anything else is the page's error.
fn refusal(e: cspr_app::AppError) -> Result<(Option<&'static str>, String), WebError> {
    match e {
        cspr_app::AppError::Domain(DomainError::Invalid { field, message }) => {
            Ok((Some(field), message))
        }
        cspr_app::AppError::Conflict { .. } => Ok((
            None,
            "Someone else changed this case while you were looking at it: look at the page again and try once more.".to_owned(),
        )),
        other => crate::refused(other).map(|m| (None, m)),
    }
}

// ------------------------------------------------------------------------------------------
// The publication page
// ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "pages/publication.html")]
struct PublicationPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    /// (key, value, change link, change text).
    facts: Vec<(String, String, String, String)>,
    has_report: bool,
    version: String,
    scanned: Option<String>,
    findings: usize,
    reviewed: usize,
    /// The review's blocker, or "" when the report may be published.
    blocker: String,
    check: String,
    /// Who the check found, by role.
    names_left: Vec<String>,
    risks: Vec<Risk>,
    published: Option<(String, String)>,
    public_href: String,
    withdrawn: Option<String>,
    may_withdraw: bool,
    withdraw: WithdrawForm,
    withdraw_errors: HashMap<&'static str, String>,
    /// (person id, who, pseudonym now).
    pseudonyms: Vec<(String, String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawForm {
    #[serde(default, rename = "removed_on-day")]
    day: String,
    #[serde(default, rename = "removed_on-month")]
    month: String,
    #[serde(default, rename = "removed_on-year")]
    year: String,
    #[serde(default)]
    reason: String,
}

fn decision_words(case: &Case) -> String {
    match &case.publication_decision {
        None => "Not decided yet".to_owned(),
        Some((d, on)) => {
            let what = match d {
                PublicationDecision::Publish => "Publish the report".to_owned(),
                PublicationDecision::DoNotPublish { reason } => {
                    format!("Do not publish: {}", reason.as_str())
                }
                PublicationDecision::PublishImprovementsOnly { reason } => {
                    format!(
                        "Publish information about the improvements only: {}",
                        reason.as_str()
                    )
                }
            };
            let why = case
                .publication_reasons
                .as_ref()
                .map(|r| format!(" Reasons: {}", r.as_str()))
                .unwrap_or_default();
            format!("{what} (decided {}).{why}", long_date(*on))
        }
    }
}

#[expect(clippy::too_many_lines, reason = "one view model, field by field")]
async fn publication_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    withdraw: WithdrawForm,
    withdraw_errors: HashMap<&'static str, String>,
) -> Result<Response, WebError> {
    let case_id = access.case_id().as_uuid();
    let actions = |slug: &str| format!("/cases/{case_id}/actions/{slug}");
    let mut facts = vec![
        (
            "Decision about publication".to_owned(),
            decision_words(case),
            actions("decide-publication"),
            "Record the decision".to_owned(),
        ),
        (
            "Sent to the National Panel and the Secretary of State".to_owned(),
            case.report_sent_on
                .map_or_else(|| "Not yet".to_owned(), long_date),
            if case.report_sent_on.is_none() {
                actions("send-report")
            } else {
                String::new()
            },
            "Record the date sent".to_owned(),
        ),
    ];
    if let Some(day) = earliest_publication(&state.app(), case) {
        facts.push((
            "Earliest publication".to_owned(),
            format!(
                "{} ({} working days after it was sent)",
                long_date(day),
                state.app().settings().publication_notice_working_days
            ),
            String::new(),
            String::new(),
        ));
    }
    let draft = case.latest_draft();
    let review = case.anonymisation.as_ref();
    let (check, names, risks) = match (review, draft) {
        (Some(review), Some(draft)) if review.version == draft.version => {
            let parts = redacted_parts(&draft.report, review);
            let check = match &review.check {
                None => "Not checked yet".to_owned(),
                Some(c) if c.after_reviews != review.reviews => {
                    "A decision changed since the last check: check again".to_owned()
                }
                Some(c) if c.remaining.is_empty() => format!(
                    "Checked on {}: the redacted text names no one the case records",
                    long_date(c.checked_on)
                ),
                Some(c) => format!(
                    "Checked on {}: the redacted text still names someone the case records",
                    long_date(c.checked_on)
                ),
            };
            let mut names: Vec<String> = review
                .check
                .as_ref()
                .map(|c| {
                    c.remaining
                        .iter()
                        .map(|r| format!("{} (in {})", r.who, r.part.label()))
                        .collect()
                })
                .unwrap_or_default();
            names.dedup();
            (check, names, residual(&parts, review, &draft.report))
        }
        _ => (String::new(), Vec::new(), Vec::new()),
    };
    let published_row = state.store().published_report_for_case(case_id).await?;
    let view = PublicationPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        banner,
        errors,
        facts,
        has_report: draft.is_some(),
        version: draft.map(|d| d.version.to_string()).unwrap_or_default(),
        scanned: review.map(|r| {
            format!(
                "Version {} scanned on {}",
                r.version,
                long_date(r.scanned_on)
            )
        }),
        findings: review.map_or(0, |r| r.findings.len()),
        reviewed: review.map_or(0, |r| r.findings.len() - r.unreviewed()),
        blocker: match (review, draft) {
            (Some(r), Some(d)) => r.blocker(d.version).unwrap_or_default(),
            (None, Some(_)) => "Scan the report for personal data first.".to_owned(),
            _ => "There is no report yet.".to_owned(),
        },
        check,
        names_left: names,
        risks,
        published: case.published_on.map(|p| {
            (
                long_date(p),
                case.online_until.map(long_date).unwrap_or_default(),
            )
        }),
        public_href: published_row
            .as_ref()
            .filter(|r| r.withdrawn_on.is_none())
            .map(|r| format!("/published-reviews/{}/report.pdf", r.id))
            .unwrap_or_default(),
        withdrawn: case.unpublished_on.map(|d| {
            format!(
                "Taken down on {}{}",
                long_date(d),
                case.unpublished_because
                    .as_ref()
                    .map(|r| format!(": {}", r.as_str()))
                    .unwrap_or_default()
            )
        }),
        may_withdraw: case.published_on.is_some() && case.unpublished_on.is_none(),
        withdraw,
        withdraw_errors,
        pseudonyms: if case.published_on.is_none() {
            pseudonym_choices(case)
        } else {
            Vec::new()
        },
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn banner_for(done: &str) -> Option<String> {
    Some(
        match done {
            "scanned" => "The report was scanned: review each finding",
            "reviewed" => "Every finding is reviewed: check the redacted text",
            "pseudonym" => "The pseudonym is saved: scan the report again to use it",
            "checked" => "The redacted text was checked again",
            "published" => "The report is published",
            "withdrawn" => "The report was taken down from the public page",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The publication page of a case.
pub async fn show(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "view-publication", &source).await?;
    publication_page(
        &state,
        &access,
        &case,
        banner_for(&done.done),
        Vec::new(),
        WithdrawForm::default(),
        HashMap::new(),
    )
    .await
}

/// Scans the latest version of the report.
pub async fn scan(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "scan-report", &source).await?;
    let (version, findings) = match case.latest_draft() {
        Some(d) => (d.version, scan_report(&d.report, &knowledge(&case))),
        None => (0, Vec::new()),
    };
    let command = Command::ScanReport { version, findings };
    match run(&state, &access, &case, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/publication/review?done=scanned",
            access.case_id()
        ))
        .into_response()),
        Err((_, message)) => {
            publication_page(
                &state,
                &access,
                &case,
                None,
                vec![("#scan".to_owned(), message)],
                WithdrawForm::default(),
                HashMap::new(),
            )
            .await
        }
    }
}

/// Scans the redacted text again for names the case records, and records what it found.
pub async fn check(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "check-anonymisation", &source).await?;
    let remaining = match (&case.anonymisation, case.latest_draft()) {
        (Some(review), Some(draft)) => {
            names_left(&redacted_parts(&draft.report, review), &knowledge(&case))
        }
        _ => Vec::new(),
    };
    let found = remaining.len();
    match run(
        &state,
        &access,
        &case,
        Command::CheckAnonymisation { remaining },
    )
    .await?
    {
        Ok(()) => {
            // How many, never whose: the log holds no personal data.
            tracing::info!(case = %access.case_id(), names_left = found, "anonymisation checked");
            Ok(Redirect::to(&format!(
                "/cases/{}/publication?done=checked",
                access.case_id()
            ))
            .into_response())
        }
        Err((_, message)) => {
            publication_page(
                &state,
                &access,
                &case,
                None,
                vec![("#check".to_owned(), message)],
                WithdrawForm::default(),
                HashMap::new(),
            )
            .await
        }
    }
}

/// The people whose pseudonym the family may choose: (person id, who, pseudonym now).
fn pseudonym_choices(case: &Case) -> Vec<(String, String, String)> {
    let known = knowledge(case);
    let now = |name: &str| {
        known
            .pseudonyms
            .get(name.trim())
            .cloned()
            .unwrap_or_default()
    };
    let mut out: Vec<(String, String, String)> = case
        .children
        .iter()
        .map(|c| {
            (
                c.person_id.as_uuid().to_string(),
                format!("{}, the child", c.name.as_str()),
                now(c.name.as_str()),
            )
        })
        .collect();
    if let Some(r) = &case.referral {
        out.extend(r.carers.iter().map(|c| {
            (
                c.person_id.as_uuid().to_string(),
                format!(
                    "{}, {}",
                    c.name.as_str(),
                    relationship_words(&c.relationship).to_lowercase()
                ),
                now(c.name.as_str()),
            )
        }));
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct PseudonymForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    pseudonym: String,
}

/// Records a pseudonym the family chose; the report must be scanned again afterwards.
pub async fn choose_pseudonym(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<PseudonymForm>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "choose-pseudonym", &source).await?;
    let fail = |href: &str, message: String| {
        publication_page(
            &state,
            &access,
            &case,
            None,
            vec![(href.to_owned(), message)],
            WithdrawForm::default(),
            HashMap::new(),
        )
    };
    let Ok(person) = Uuid::parse_str(form.person.trim()) else {
        return fail("#person", "Choose whose pseudonym it is".to_owned()).await;
    };
    let command = Command::ChoosePseudonym {
        person: cspr_domain::ids::PersonId::from_uuid(person),
        pseudonym: form.pseudonym.clone(),
    };
    match run(&state, &access, &case, command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/publication?done=pseudonym",
            access.case_id()
        ))
        .into_response()),
        Err((field, message)) => {
            let href = if field == Some("person") {
                "#person"
            } else {
                "#pseudonym"
            };
            fail(href, message).await
        }
    }
}

// ------------------------------------------------------------------------------------------
// The review screen
// ------------------------------------------------------------------------------------------

/// One finding as the review screen shows it.
struct FindingView {
    n: usize,
    part: String,
    before: String,
    found: String,
    after: String,
    what: String,
    why: &'static str,
    confidence: u8,
    replacement: String,
    status: &'static str,
    status_class: &'static str,
    decision: &'static str,
    error: String,
    before_words: String,
    after_words: String,
}

#[derive(Template)]
#[template(path = "pages/publication_review.html")]
struct ReviewPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    scanned: bool,
    version: String,
    key: String,
    total: usize,
    open: usize,
    findings: Vec<FindingView>,
}

fn label_words(label: &str, known: bool) -> String {
    let what = match label {
        "PERSON" if known => "A person the case records",
        "PERSON" => "A person",
        "DATE_OF_BIRTH" => "A date of birth",
        "DATE" => "A date",
        "ADDRESS" => "An address",
        "POSTCODE" => "A postcode",
        "LOCATION" => "A place",
        "ORG" => "A school, surgery, hospital or other organisation",
        "PHONE" => "A phone number",
        "EMAIL" => "An email address",
        "NHS_NUMBER" => "An NHS number",
        "NI_NUMBER" => "A National Insurance number",
        _ => "Personal data",
    };
    what.to_owned()
}

fn reason_words(reason: &str) -> &'static str {
    match reason {
        "case_knowledge" => "A name, date of birth or address the case records",
        "near_spelling" => "A spelling close to a name the case records",
        "initials" => "Initials of a name",
        "title" => "It follows a title or rank (Mr, Dr, PC)",
        "name_list" => "It is in the list of first names and surnames",
        "unlisted" => "A capitalised word that is not an English word",
        "nickname" => "A nickname in quotation marks",
        "context" => "Who said or wrote something",
        "repeated" => "The same name is found elsewhere in the report",
        "pattern" => "Its pattern (a date, phone number, postcode or street address)",
        "checksum" => "Its pattern and check digit",
        "gazetteer" => "A town or district in the list of places",
        "short_form" => "The short form of an organisation named elsewhere",
        _ => "The redaction engine",
    }
}

/// Words of context shown either side of a finding.
const CONTEXT_CHARS: usize = 80;

fn finding_view(
    report: &OverviewReport,
    review: &AnonymisationReview,
    i: usize,
    f: &ScanFinding,
    errors: &HashMap<usize, String>,
    typed: Option<&DecisionForm>,
) -> FindingView {
    let text: Vec<char> = masked(f.part.text(report).unwrap_or_default())
        .chars()
        .collect();
    let decided = u32::try_from(i).ok().and_then(|k| review.decisions.get(&k));
    let (s, e) = match decided {
        Some(FindingDecision::Widen { start, end }) => (*start as usize, *end as usize),
        _ => (f.start as usize, f.end as usize),
    };
    let (s, e) = (s.min(text.len()), e.min(text.len()));
    // Whole words of context: the cut moves to the nearest space inside the window.
    let mut from = s.saturating_sub(CONTEXT_CHARS);
    while from > 0 && from < s && !text[from - 1].is_whitespace() {
        from += 1;
    }
    let mut to = (e + CONTEXT_CHARS).min(text.len());
    while to < text.len() && to > e && !text[to].is_whitespace() {
        to -= 1;
    }
    let tidy = |c: &[char]| {
        let t: String = c.iter().collect();
        let squeezed = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let lead = if t.starts_with(char::is_whitespace) && !squeezed.is_empty() {
            " "
        } else {
            ""
        };
        let trail = if t.ends_with(char::is_whitespace) && !squeezed.is_empty() {
            " "
        } else {
            ""
        };
        format!("{lead}{squeezed}{trail}")
    };
    let (status, status_class, decision) = match decided {
        None => ("Not reviewed", "govuk-tag--grey", ""),
        Some(FindingDecision::Accept) => ("Accepted", "govuk-tag--green", "accept"),
        Some(FindingDecision::Reject) => ("Rejected", "govuk-tag--yellow", "reject"),
        Some(FindingDecision::Widen { .. }) => ("Widened", "govuk-tag--blue", "widen"),
    };
    FindingView {
        n: i + 1,
        part: f.part.label(),
        before: format!(
            "{}{}",
            if from > 0 { "\u{2026}" } else { "" },
            tidy(&text[from..s])
        ),
        found: tidy(&text[s..e]).trim().to_owned(),
        after: format!(
            "{}{}",
            tidy(&text[e..to]),
            if to < text.len() { "\u{2026}" } else { "" }
        ),
        what: label_words(&f.label, f.known_person),
        why: reason_words(&f.reason),
        confidence: f.confidence,
        replacement: f.replacement.clone(),
        status,
        status_class,
        decision: typed.map_or(decision, |t| match t.decision.as_str() {
            "accept" => "accept",
            "reject" => "reject",
            "widen" => "widen",
            _ => "",
        }),
        error: errors.get(&i).cloned().unwrap_or_default(),
        before_words: typed.map(|t| t.before.clone()).unwrap_or_default(),
        after_words: typed.map(|t| t.after.clone()).unwrap_or_default(),
    }
}

async fn review_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    banner: Option<String>,
    error: Option<(usize, String)>,
    typed: Option<&DecisionForm>,
) -> Result<Response, WebError> {
    let case_id = access.case_id().as_uuid();
    let mut errors = Vec::new();
    let mut inline = HashMap::new();
    match &error {
        Some((usize::MAX, message)) => errors.push(("#accept-rest".to_owned(), message.clone())),
        Some((i, message)) => {
            errors.push((format!("#decision-{}", i + 1), message.clone()));
            inline.insert(*i, message.clone());
        }
        None => {}
    }
    let current = match (&case.anonymisation, case.latest_draft()) {
        (Some(r), Some(d)) if r.version == d.version => Some((r, d)),
        _ => None,
    };
    let findings = current.map_or_else(Vec::new, |(review, draft)| {
        review
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let typed = error.as_ref().filter(|(k, _)| *k == i).and(typed);
                finding_view(&draft.report, review, i, f, &inline, typed)
            })
            .collect()
    });
    let view = ReviewPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        banner,
        errors,
        scanned: current.is_some(),
        version: current
            .map(|(r, _)| r.version.to_string())
            .unwrap_or_default(),
        key: current.map(|(r, _)| scan_key(r)).unwrap_or_default(),
        total: current.map_or(0, |(r, _)| r.findings.len()),
        open: current.map_or(0, |(r, _)| r.unreviewed()),
        findings,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

/// The review screen: every finding in its context, with its decision.
pub async fn review(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) =
        reader::load_case(&state, &access, "view-anonymisation-review", &source).await?;
    review_page(&state, &access, &case, banner_for(&done.done), None, None).await
}

/// A decision on one finding.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    scan: String,
}

/// Records the decision on one finding, then back to the review screen at the next one.
pub async fn decide_finding(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, finding)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<DecisionForm>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "review-finding", &source).await?;
    let n: usize = finding.parse().map_err(|_| WebError::NotFound)?;
    let (Some(review), Some(draft)) = (&case.anonymisation, case.latest_draft()) else {
        return Err(WebError::NotFound);
    };
    let Some(i) = n.checked_sub(1).filter(|i| *i < review.findings.len()) else {
        return Err(WebError::NotFound);
    };
    let f = &review.findings[i];
    let fail = |message: &str| {
        review_page(
            &state,
            &access,
            &case,
            None,
            Some((i, message.to_owned())),
            Some(&form),
        )
    };
    if review.version != draft.version || form.scan != scan_key(review) {
        return fail("The report was scanned again since this page was opened: look at this finding again and choose once more").await;
    }
    let words = |s: &str| -> Option<usize> {
        match s.trim() {
            "" => Some(0),
            t => t.parse::<usize>().ok().filter(|n| *n <= 5),
        }
    };
    let decision = match form.decision.as_str() {
        "accept" => FindingDecision::Accept,
        "reject" => FindingDecision::Reject,
        "widen" => {
            let (Some(before), Some(after)) = (words(&form.before), words(&form.after)) else {
                return fail("Choose up to 5 words before and after the finding").await;
            };
            if before == 0 && after == 0 {
                return fail(
                    "Choose how many words before or after the finding to replace as well",
                )
                .await;
            }
            let text = f.part.text(&draft.report).unwrap_or_default();
            let (start, end) = widen(text, f.start, f.end, before, after);
            if (start, end) == (f.start, f.end) {
                return fail(
                    "There are no more words on that side of the finding: choose the other side",
                )
                .await;
            }
            FindingDecision::Widen { start, end }
        }
        _ => return fail("Choose whether to accept, reject or widen the finding").await,
    };
    let finding = u32::try_from(i).map_err(|_| WebError::NotFound)?;
    match run(
        &state,
        &access,
        &case,
        Command::ReviewFinding { finding, decision },
    )
    .await?
    {
        Ok(()) => {
            let next = (n + 1).min(review.findings.len());
            Ok(Redirect::to(&format!(
                "/cases/{}/publication/review#finding-{next}",
                access.case_id()
            ))
            .into_response())
        }
        Err((_, message)) => fail(&message).await,
    }
}

/// The scan a bulk decision was made on.
#[derive(Debug, Default, Deserialize)]
pub struct ScanForm {
    #[serde(default)]
    scan: String,
}

/// Accepts every finding not reviewed yet: the cautious choice (the text is replaced), for a
/// team that has read them on the review screen. Findings already decided keep their decision.
pub async fn accept_rest(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<ScanForm>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "review-finding", &source).await?;
    let current = match (&case.anonymisation, case.latest_draft()) {
        (Some(r), Some(d)) if r.version == d.version => Some(r),
        _ => None,
    };
    let Some(review) = current else {
        return publication_page(
            &state,
            &access,
            &case,
            None,
            vec![(
                "#scan".to_owned(),
                "Scan the report for personal data first".to_owned(),
            )],
            WithdrawForm::default(),
            HashMap::new(),
        )
        .await;
    };
    if review.unreviewed() > 0 && form.scan != scan_key(review) {
        return review_error(
            &state,
            &access,
            &case,
            "The report was scanned again since this page was opened: look at the findings again",
        )
        .await;
    }
    match cspr_app::publication::accept_rest(
        &state.app(),
        access.case_id(),
        case.version,
        actor(&state, access.principal()),
    )
    .await
    {
        Ok(_) => {}
        Err(cspr_app::AppError::Conflict { .. }) => {
            return review_error(&state, &access, &case, "Someone else changed this case while you were looking at it: look at the findings again").await;
        }
        Err(e) => {
            let message = crate::refused(e)?;
            return review_error(&state, &access, &case, &message).await;
        }
    }
    Ok(Redirect::to(&format!(
        "/cases/{}/publication?done=reviewed",
        access.case_id()
    ))
    .into_response())
}

/// The review screen with one error for the whole page.
async fn review_error(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    message: &str,
) -> Result<Response, WebError> {
    review_page(
        state,
        access,
        case,
        None,
        Some((usize::MAX, message.to_owned())),
        None,
    )
    .await
}

// ------------------------------------------------------------------------------------------
// Publishing and taking down
// ------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default, rename = "published_on-day")]
    day: String,
    #[serde(default, rename = "published_on-month")]
    month: String,
    #[serde(default, rename = "published_on-year")]
    year: String,
    #[serde(default, rename = "online_until-day")]
    until_day: String,
    #[serde(default, rename = "online_until-month")]
    until_month: String,
    #[serde(default, rename = "online_until-year")]
    until_year: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "pages/publication_publish.html")]
struct PublishPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    errors: Vec<(String, String)>,
    error: HashMap<&'static str, String>,
    form: PublishForm,
    themes: String,
    earliest: String,
    blocker: String,
}

impl PublishPage {
    fn err(&self, field: &str) -> String {
        self.error.get(field).cloned().unwrap_or_default()
    }
}

/// The themes a published report lists: the case's tags and its recommendations' themes.
fn default_title(case: &Case) -> String {
    let known = knowledge(case);
    let child = case
        .children
        .first()
        .and_then(|c| known.pseudonyms.get(c.name.as_str().trim()))
        .cloned()
        .unwrap_or_else(|| "Child A".to_owned());
    format!("Child Safeguarding Practice Review: {child}")
}

async fn publish_page(
    state: &AppState,
    access: &CaseAccess,
    case: &Case,
    form: PublishForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    let blocker = match (&case.anonymisation, case.latest_draft()) {
        (Some(r), Some(d)) => r.blocker(d.version).unwrap_or_default(),
        _ => "Scan the report for personal data and review what the scan finds first.".to_owned(),
    };
    let view = PublishPage {
        chrome: Chrome::signed_in(state, access.principal(), "/cases"),
        case_id: access.case_id().as_uuid(),
        reference: access.summary().reference.clone(),
        errors: errors
            .iter()
            .map(|(f, m)| (format!("#{f}"), m.clone()))
            .collect(),
        error: errors
            .into_iter()
            .map(|(f, m)| (f.split('-').next().unwrap_or(f), m))
            .map(|(f, m)| {
                let key: &'static str = match f {
                    "title" => "title",
                    "summary" => "summary",
                    "online_until" => "online_until",
                    "confirm" => "confirm",
                    _ => "published_on",
                };
                (key, m)
            })
            .collect(),
        form,
        themes: themes(case).join(", "),
        earliest: earliest_publication(&state.app(), case)
            .map(long_date)
            .unwrap_or_default(),
        blocker,
    };
    let status = if view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(view.render()?)).into_response())
}

/// The publish form.
pub async fn publish_form(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "view-publish-form", &source).await?;
    let today = state.today();
    let form = PublishForm {
        title: default_title(&case),
        day: today.day().to_string(),
        month: u8::from(today.month()).to_string(),
        year: today.year().to_string(),
        ..PublishForm::default()
    };
    publish_page(&state, &access, &case, form, Vec::new()).await
}

/// A date from its three boxes; `Ok(None)` when all three are empty.
fn date_of(day: &str, month: &str, year: &str) -> Result<Option<Date>, ()> {
    crate::date_input::parse(day, month, year).map_err(|_| ())
}

/// Which known people a text names, by pseudonym.
fn names_in(text: &str, known: &CaseKnowledge) -> Vec<String> {
    let mut out: Vec<String> = cspr_redact::find(text, known)
        .into_iter()
        .filter_map(|f| f.person.and_then(|p| known.people.get(p)))
        .filter_map(|p| known.pseudonyms.get(&p.name).cloned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Publishes the report: checks the form and asks the case first, makes the public PDF from
/// the redacted report, stores the public copy, records the publication (and removes the copy
/// again when the case refuses it).
#[expect(clippy::too_many_lines, reason = "the steps of publication, in order")]
pub async fn publish(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<PublishForm>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "publish-report", &source).await?;
    let known = knowledge(&case);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let title = form.title.trim().to_owned();
    let summary = form.summary.trim().to_owned();
    if title.is_empty() {
        errors.push((
            "title",
            "Enter the title of the published report".to_owned(),
        ));
    } else if title.chars().count() > 200 {
        errors.push((
            "title",
            "The title must be 200 characters or fewer".to_owned(),
        ));
    } else if let Some(who) = names_in(&title, &known).first() {
        errors.push((
            "title",
            format!("The title names someone the case records ({who}): use their pseudonym"),
        ));
    }
    if summary.is_empty() {
        errors.push((
            "summary",
            "Enter a summary for the list of published reports".to_owned(),
        ));
    } else if summary.chars().count() > 2000 {
        errors.push((
            "summary",
            "The summary must be 2,000 characters or fewer".to_owned(),
        ));
    } else if let Some(who) = names_in(&summary, &known).first() {
        errors.push((
            "summary",
            format!("The summary names someone the case records ({who}): use their pseudonym"),
        ));
    }
    let published_on = match date_of(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push((
                "published_on-day",
                "Enter the date of publication".to_owned(),
            ));
            None
        }
        Err(()) => {
            errors.push((
                "published_on-day",
                "The date of publication must be a real date".to_owned(),
            ));
            None
        }
    };
    let online_until = match date_of(&form.until_day, &form.until_month, &form.until_year) {
        Ok(d) => d,
        Err(()) => {
            errors.push((
                "online_until-day",
                "The date it stays online until must be a real date".to_owned(),
            ));
            None
        }
    };
    let confirmed = form.confirm == "anonymisation_reviewed";
    if !confirmed {
        errors.push((
            "confirm",
            "Confirm that the text passed the anonymisation review".to_owned(),
        ));
    }
    let Some(published_on) = published_on else {
        return publish_page(&state, &access, &case, form, errors).await;
    };
    if !errors.is_empty() {
        return publish_page(&state, &access, &case, form, errors).await;
    }
    let publication = cspr_app::publication::Publication {
        title,
        summary,
        published_on,
        online_until,
        anonymisation_reviewed: confirmed,
    };
    match cspr_app::publication::publish(
        state.services(),
        access.case_id(),
        case.version,
        &publication,
        actor(&state, access.principal()),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{}/publication?done=published",
            access.case_id()
        ))
        .into_response()),
        Err(cspr_app::AppError::Store(cspr_store::StoreError::Duplicate(_))) => {
            publish_page(
                &state,
                &access,
                &case,
                form,
                vec![(
                    "published_on-day",
                    "This case's report is already on the public page".to_owned(),
                )],
            )
            .await
        }
        Err(e) => {
            let (field, message) = refusal(e)?;
            let field = if field == Some("online_until") {
                "online_until-day"
            } else {
                "published_on-day"
            };
            publish_page(&state, &access, &case, form, vec![(field, message)]).await
        }
    }
}

/// Takes the published report down: recorded on the case with its reason, then off the public
/// page.
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<WithdrawForm>,
) -> Result<Response, WebError> {
    team_only(&state, &access, &source).await?;
    let (case, _) = reader::load_case(&state, &access, "withdraw-report", &source).await?;
    let mut errors: HashMap<&'static str, String> = HashMap::new();
    let removed_on = match date_of(&form.day, &form.month, &form.year) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.insert(
                "removed_on",
                "Enter the date the report is taken down".to_owned(),
            );
            None
        }
        Err(()) => {
            errors.insert(
                "removed_on",
                "The date it is taken down must be a real date".to_owned(),
            );
            None
        }
    };
    let reason = cspr_domain::vocab::NonEmptyText::parse(form.reason.trim()).ok();
    if reason.is_none() {
        errors.insert("reason", "Say why the report is taken down".to_owned());
    }
    let again = |errors: HashMap<&'static str, String>, form: WithdrawForm| {
        let summary = errors
            .iter()
            .map(|(f, m)| {
                (
                    if *f == "reason" {
                        "#reason".to_owned()
                    } else {
                        "#removed_on-day".to_owned()
                    },
                    m.clone(),
                )
            })
            .collect();
        publication_page(&state, &access, &case, None, summary, form, errors)
    };
    let (Some(removed_on), Some(reason)) = (removed_on, reason) else {
        return again(errors, form).await;
    };
    match cspr_app::publication::withdraw(
        &state.app(),
        access.case_id(),
        case.version,
        removed_on,
        reason,
        actor(&state, access.principal()),
    )
    .await
    .map_or_else(|e| refusal(e).map(Err), |_| Ok(Ok(())))?
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/publication?done=withdrawn",
            access.case_id()
        ))
        .into_response()),
        Err((field, message)) => {
            let key = if field == Some("reason") {
                "reason"
            } else {
                "removed_on"
            };
            again(HashMap::from([(key, message)]), form).await
        }
    }
}
