//! The review screen: each finding in its context, accepted, rejected or widened.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use cspr_domain::anonymisation::{AnonymisationReview, FindingDecision, ScanFinding};
use cspr_domain::case::Case;
use cspr_domain::report::OverviewReport;
use serde::Deserialize;
use uuid::Uuid;

use cspr_app::publication::{self, Choice, ReviewError, masked, scan_key};

use super::page::{Done, WithdrawForm, banner_for, publication_page};
use super::{refusal, team_case};
use crate::access::CaseAccess;
use crate::extract::OnCase;
use crate::layout::Chrome;

use crate::{AppState, ValidForm, WebError};

/// One finding as the review screen shows it.
struct FindingView {
    n: usize,
    part: String,
    before: String,
    found: String,
    after: String,
    what: String,
    why: String,
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

/// Why the engine found it, in words, with the engine's doubt when it has one ("known name;
/// also a month").
fn reason_words(reason: &str) -> String {
    match reason.split_once('|') {
        Some((base, note)) => format!("{}. In doubt: {note}", base_reason_words(base)),
        None => base_reason_words(reason).to_owned(),
    }
}

fn base_reason_words(reason: &str) -> &'static str {
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
    crate::layout::render_checked(&view, &view.errors)
}

/// The review screen: every finding in its context, with its decision.
pub async fn review(
    OnCase(state, access, source): OnCase,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "view-anonymisation-review").await?;
    review_page(&state, &access, &case, banner_for(&done.done), None, None).await
}

/// A decision on one finding.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    before: String,
    after: String,
    scan: String,
}

/// Records the decision on one finding, then back to the review screen at the next one.
pub async fn decide_finding(
    OnCase(state, access, source): OnCase,
    Path((_, finding)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<DecisionForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "review-finding").await?;
    let n: usize = finding.parse().map_err(|_| WebError::NotFound)?;
    let findings = case.anonymisation.as_ref().map_or(0, |r| r.findings.len());
    let Some(i) = n.checked_sub(1).filter(|i| *i < findings) else {
        return Err(WebError::NotFound);
    };
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
    let words = |s: &str| -> Option<usize> {
        match s.trim() {
            "" => Some(0),
            t => t.parse::<usize>().ok(),
        }
    };
    let choice = match form.decision.as_str() {
        "accept" => Choice::Accept,
        "reject" => Choice::Reject,
        "widen" => match (words(&form.before), words(&form.after)) {
            (Some(before), Some(after)) => Choice::Widen { before, after },
            _ => return fail(TOO_WIDE).await,
        },
        _ => return fail("Choose whether to accept, reject or widen the finding").await,
    };
    let actor = state.actor_for(access.principal());
    let recorded = publication::review_finding(
        &state.app(),
        access.case_id(),
        &case,
        i,
        &form.scan,
        choice,
        actor,
    )
    .await;
    let message = match recorded {
        Ok(()) => {
            let next = (n + 1).min(findings);
            return Ok(crate::access::to_case(&access, &format!("publication/review#finding-{next}")));
        }
        Err(ReviewError::NoFinding) => return Err(WebError::NotFound),
        Err(ReviewError::Rescanned) => "The report was scanned again since this page was opened: look at this finding again and choose once more".to_owned(),
        Err(ReviewError::TooWide) => TOO_WIDE.to_owned(),
        Err(ReviewError::NotWidened) => {
            "Choose how many words before or after the finding to replace as well".to_owned()
        }
        Err(ReviewError::NoMoreWords) => {
            "There are no more words on that side of the finding: choose the other side".to_owned()
        }
        Err(ReviewError::App(e)) => refusal(e)?.1,
    };
    fail(&message).await
}

const TOO_WIDE: &str = "Choose up to 5 words before and after the finding";

/// The scan a bulk decision was made on.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScanForm {
    scan: String,
}

/// Accepts every finding not reviewed yet: the cautious choice (the text is replaced), for a
/// team that has read them on the review screen. Findings already decided keep their decision.
pub async fn accept_rest(
    OnCase(state, access, source): OnCase,
    ValidForm(form): ValidForm<ScanForm>,
) -> Result<Response, WebError> {
    let case = team_case(&state, &access, &source, "review-finding").await?;
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
        state.actor_for(access.principal()),
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
    Ok(crate::access::to_case(&access, "publication?done=reviewed"))
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
