//! Requests to agencies without email attachments: the partnership team asks chosen agencies
//! for an agency summary, scoping form, agency report, chronology or factual-accuracy response
//! (due dates from the case's deadlines, moved only with a reason); agency representatives
//! answer the form (questions as data, `cspr_domain::forms`) with drafts kept apart from the
//! sent response, files checked like evidence, and chronology entries typed or uploaded (CSV or
//! XLSX, every row checked, nothing kept from a file with a bad row); the team reopens a sent
//! response only with a reason. Everyone who can see the case reads the sent responses side by
//! side by question and the integrated chronology (all agencies' entries in date order, filtered
//! by agency and period, key practice episodes marked by the reviewer, exported to CSV and DOCX).
//!
//! Drafts are an agency's own: only its representatives and the partnership team open them
//! (route rule `CaseNeed::AgencyDraft`), and the consolidated pages show sent responses only.

use crate::access::refuse;
use std::collections::BTreeSet;

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Extension, Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::model::{
    Answer, ChronologyEntry, Contribution, ContributionDraft, ContributionKind,
    ContributionRequest, ContributionStatus, FormResponse, ResponseFile,
};
use cspr_domain::case::{Case, Command};
use cspr_domain::chronology::{self, Filter, Merged, TEMPLATE_COLUMNS};
use cspr_domain::forms::{self, FormDefinition, MAX_ANSWER_CHARS};
use cspr_domain::ids::{AgencyId, CaseId, UserId};
use cspr_domain::vocab::NonEmptyText;
use cspr_domain::words::long_date;
use cspr_store::AgencyRow;
use uuid::Uuid;

use super::evidence;
use crate::access::{CaseAccess, Principal, Role};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// A posted form as name/value pairs (checkboxes repeat a name).
pub type Pairs = Vec<(String, String)>;

fn get<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn all<'a>(pairs: &'a Pairs, name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The request form: what to ask for, of which agencies, and a different due date with why.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default)]
    due: String,
    #[serde(default)]
    reason: String,
}

/// The slug of a kind of request (in addresses and keys).
#[must_use]
pub const fn kind_slug(kind: ContributionKind) -> &'static str {
    kind.slug()
}

/// The open request a deadline row stands for, when it is one to this agency: its key is
/// `<kind>:<agency id>` and it is not met yet.
#[must_use]
pub fn open_request_of(d: &cspr_store::DeadlineRow, agency: AgencyId) -> Option<ContributionKind> {
    let (slug, id) = d.key.split_once(':')?;
    (d.met_on.is_none() && Uuid::parse_str(id).ok()? == agency.as_uuid())
        .then(|| kind_from_slug(slug))
        .flatten()
}

/// The kind a path names.
#[must_use]
pub fn kind_from_slug(slug: &str) -> Option<ContributionKind> {
    ContributionKind::from_slug(slug)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn agency_name(agencies: &[AgencyRow], id: AgencyId) -> String {
    agencies
        .iter()
        .find(|a| a.id == id.as_uuid())
        .map_or_else(|| "An agency".to_owned(), |a| a.name.clone())
}

/// Runs a command as the person; a concurrent change is retried (the domain checks again).
/// `Ok(Err(message))` when the case refuses it.
async fn execute(
    state: &AppState,
    p: &Principal,
    case_id: CaseId,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    execute_as(state, p.user_id, case_id, command).await
}

/// [`execute`] for a given user id.
pub(crate) async fn execute_as(
    state: &AppState,
    user: UserId,
    case_id: CaseId,
    command: Command,
) -> Result<Result<(), String>, WebError> {
    match state
        .app()
        .execute(case_id, None, command, state.actor(user))
        .await
    {
        Ok(_) => Ok(Ok(())),
        Err(e) => crate::refused(e).map(Err),
    }
}

fn status_words(r: &ContributionRequest) -> (String, &'static str) {
    match &r.status {
        ContributionStatus::Requested if r.draft.is_some() => (
            format!("Draft saved, due {}", long_date(r.due_on)),
            "govuk-tag--light-blue",
        ),
        ContributionStatus::Requested => (
            format!("Not started, due {}", long_date(r.due_on)),
            "govuk-tag--grey",
        ),
        ContributionStatus::Received { on, .. } => {
            (format!("Sent {}", long_date(*on)), "govuk-tag--green")
        }
        ContributionStatus::Waived { .. } => ("Not needed".to_owned(), "govuk-tag--grey"),
    }
}

// ---------------------------------------------------------------------------------------------
// The requests of a case

/// One request to one agency, as listed.
struct RequestRow {
    agency: String,
    agency_id: Uuid,
    status: String,
    tag: &'static str,
    /// The answer page, for those who may open the agency's draft.
    respond: Option<String>,
    received: bool,
}

/// The requests of one kind.
struct Group {
    slug: &'static str,
    label: String,
    rows: Vec<RequestRow>,
    /// Agencies whose request is still open: (id, name).
    open: Vec<(String, String)>,
    chronology: bool,
}

#[derive(Template)]
#[template(path = "pages/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    manage: bool,
    groups: Vec<Group>,
    errors: Vec<(String, String)>,
    success: String,
    /// (value, label, hint, checked)
    kinds: Vec<(String, String, String, bool)>,
    /// (value, label, hint, checked)
    agencies: Vec<(String, String, String, bool)>,
    due: String,
    reason: String,
    kind_error: String,
    agencies_error: String,
    due_error: String,
    reason_error: String,
}

/// What the new-request form came back with.
#[derive(Default)]
struct RequestInput {
    kind: String,
    agencies: Vec<String>,
    due: String,
    reason: String,
    kind_error: String,
    agencies_error: String,
    due_error: String,
    reason_error: String,
    /// Errors of the other forms on the page: (anchor, message).
    other: Vec<(String, String)>,
}

async fn requests_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    input: RequestInput,
    success: &str,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-requests", source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let case_id = access.case_id().as_uuid();
    let groups = ContributionKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let rows: Vec<RequestRow> = case
                .requests(kind)
                .map(|r| {
                    let (status, tag) = status_words(r);
                    RequestRow {
                        agency: agency_name(&agencies, r.agency),
                        agency_id: r.agency.as_uuid(),
                        status,
                        tag,
                        respond: cspr_app::policy::may_open_agency_draft(p, r.agency).then(|| {
                            format!(
                                "/cases/{case_id}/agencies/{}/requests/{}",
                                r.agency,
                                kind_slug(kind)
                            )
                        }),
                        received: matches!(r.status, ContributionStatus::Received { .. }),
                    }
                })
                .collect();
            (!rows.is_empty()).then(|| Group {
                slug: kind_slug(kind),
                label: capitalised(kind.label()),
                open: case
                    .requests(kind)
                    .filter(|r| !r.is_settled())
                    .map(|r| (r.agency.to_string(), agency_name(&agencies, r.agency)))
                    .collect(),
                rows,
                chronology: kind == ContributionKind::Chronology,
            })
        })
        .collect();
    let app = state.app();
    let kinds = ContributionKind::ALL
        .into_iter()
        .map(|k| {
            let due = cspr_domain::case::decide::default_contribution_due(
                &case,
                k,
                state.today(),
                app.calendar(),
                app.settings(),
            );
            (
                kind_slug(k).to_owned(),
                capitalised(k.label()),
                format!("Due {} by the case's deadlines", long_date(due)),
                input.kind == kind_slug(k),
            )
        })
        .collect();
    let agency_boxes = agencies
        .iter()
        .filter(|a| a.active)
        .map(|a| {
            (
                a.id.to_string(),
                a.name.clone(),
                String::new(),
                input.agencies.contains(&a.id.to_string()),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for (anchor, message) in [
        ("#kind", &input.kind_error),
        ("#agencies", &input.agencies_error),
        ("#due", &input.due_error),
        ("#reason", &input.reason_error),
    ] {
        if !message.is_empty() {
            errors.push((anchor.to_owned(), message.clone()));
        }
    }
    errors.extend(input.other.iter().cloned());
    let page = RequestsPage {
        chrome: Chrome::signed_in(state, p, "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        manage: p.role == Role::PartnershipTeam,
        groups,
        success: success.to_owned(),
        kinds,
        agencies: agency_boxes,
        due: input.due,
        reason: input.reason,
        kind_error: input.kind_error,
        agencies_error: input.agencies_error,
        due_error: input.due_error,
        reason_error: input.reason_error,
        errors,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The query of the requests page: what was just done, for its banner.
#[derive(Debug, serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The requests of a case, and (for the partnership team) the form to make one.
pub async fn index(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let success = match q.done.as_str() {
        "requested" => {
            "The agencies have been asked. Their representatives can answer from their dashboard."
        }
        "due" => "The due date has been changed.",
        "reopened" => "The response has been reopened. The agency can change it and send it again.",
        _ => "",
    };
    requests_page(&state, &access, &source, RequestInput::default(), success).await
}

fn parse_due(text: &str) -> Result<Option<time::Date>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match chronology::parse_date(t) {
        Ok((d, cspr_domain::case::model::DatePrecision::Day)) => Ok(Some(d)),
        _ => Err("Enter the due date like 2025-10-27".to_owned()),
    }
}

fn check_due(state: &AppState, d: time::Date) -> Result<(), String> {
    cspr_app::requests::check_due(&state.app(), state.today(), d)
}

/// Asks agencies for a contribution; a due date other than the case's needs a reason. The
/// agencies' representatives are given access to the case so they can answer.
pub async fn create(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<RequestForm>,
) -> Result<Response, WebError> {
    let p = access.principal().clone();
    let all_agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let mut input = RequestInput {
        kind: form.kind,
        agencies: form.agencies,
        due: form.due.trim().to_owned(),
        reason: form.reason.trim().to_owned(),
        ..RequestInput::default()
    };
    let kind = kind_from_slug(&input.kind);
    if kind.is_none() {
        input.kind_error = "Choose what to ask for".to_owned();
    }
    let chosen: Vec<AgencyId> = input
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .filter(|id| all_agencies.iter().any(|a| a.id == *id && a.active))
        .map(AgencyId::from_uuid)
        .collect();
    if chosen.is_empty() || chosen.len() != input.agencies.len() {
        input.agencies_error = "Choose the agencies to ask".to_owned();
    }
    let due = match parse_due(&input.due) {
        Ok(Some(d)) => match check_due(&state, d) {
            Ok(()) => Some(d),
            Err(m) => {
                input.due_error = m;
                None
            }
        },
        Ok(None) => None,
        Err(m) => {
            input.due_error = m;
            None
        }
    };
    let reason = if input.due.is_empty() {
        None
    } else {
        match NonEmptyText::parse(&input.reason) {
            Ok(r) => Some(r),
            Err(_) => {
                input.reason_error =
                    "Enter why the due date differs from the case's deadlines".to_owned();
                None
            }
        }
    };
    let Some(kind) = kind else {
        return requests_page(&state, &access, &source, input, "").await;
    };
    if !input.agencies_error.is_empty()
        || !input.due_error.is_empty()
        || !input.reason_error.is_empty()
    {
        return requests_page(&state, &access, &source, input, "").await;
    }
    let request = cspr_app::requests::NewRequest {
        kind,
        agencies: chosen,
        due: due.zip(reason),
    };
    if let Err(e) = cspr_app::requests::request_contributions(
        &state.app(),
        access.case_id(),
        &request,
        state.actor(p.user_id),
    )
    .await
    {
        input.kind_error = crate::refused(e)?;
        return requests_page(&state, &access, &source, input, "").await;
    }
    Ok(Redirect::to(&format!(
        "/cases/{}/requests?done=requested",
        access.case_id()
    ))
    .into_response())
}

/// Moves the due date of open requests of one kind, with the reason.
pub async fn change_due(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<RequestForm>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let anchor = format!("#due-{slug}");
    let mut problems = Vec::new();
    let agencies: Vec<AgencyId> = form
        .agencies
        .iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .map(AgencyId::from_uuid)
        .collect();
    if agencies.is_empty() {
        problems.push("Choose the agencies whose due date changes".to_owned());
    }
    let due = match parse_due(&form.due) {
        Ok(Some(d)) => check_due(&state, d)
            .map(|()| d)
            .map_err(|m| problems.push(m))
            .ok(),
        Ok(None) => {
            problems.push("Enter the new due date like 2025-10-27".to_owned());
            None
        }
        Err(m) => {
            problems.push(m);
            None
        }
    };
    let reason = NonEmptyText::parse(&form.reason)
        .map_err(|_| problems.push("Enter why the due date changes".to_owned()))
        .ok();
    let (Some(due), Some(reason), true) = (due, reason, problems.is_empty()) else {
        let input = RequestInput {
            other: problems.into_iter().map(|m| (anchor.clone(), m)).collect(),
            ..RequestInput::default()
        };
        return requests_page(&state, &access, &source, input, "").await;
    };
    let command = Command::ChangeContributionDue {
        kind,
        agencies,
        due_on: due,
        reason,
    };
    match execute(&state, access.principal(), access.case_id(), command).await? {
        Ok(()) => Ok(
            Redirect::to(&format!("/cases/{}/requests?done=due", access.case_id())).into_response(),
        ),
        Err(message) => {
            let input = RequestInput {
                other: vec![(anchor, message)],
                ..RequestInput::default()
            };
            requests_page(&state, &access, &source, input, "").await
        }
    }
}

/// Reopens a sent response, with the reason (the partnership team only).
pub async fn reopen(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug)): Path<(Uuid, String)>,
    ValidForm(form): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let agency = Uuid::parse_str(get(&form, "agency"))
        .map(AgencyId::from_uuid)
        .map_err(|_| WebError::BadRequest)?;
    let anchor = format!("#reopen-{slug}-{agency}");
    let Ok(reason) = NonEmptyText::parse(get(&form, "reason")) else {
        let input = RequestInput {
            other: vec![(anchor, "Enter why the response is reopened".to_owned())],
            ..RequestInput::default()
        };
        return requests_page(&state, &access, &source, input, "").await;
    };
    let command = Command::ReopenContribution {
        kind,
        agency,
        reason,
    };
    match execute(&state, access.principal(), access.case_id(), command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/requests?done=reopened",
            access.case_id()
        ))
        .into_response()),
        Err(message) => {
            let input = RequestInput {
                other: vec![(anchor, message)],
                ..RequestInput::default()
            };
            requests_page(&state, &access, &source, input, "").await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answering a request

/// A question as drawn.
pub(crate) struct QuestionView {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) label: String,
    pub(crate) hint: String,
    pub(crate) value: String,
    pub(crate) error: String,
}

/// A section as drawn.
pub(crate) struct SectionView {
    pub(crate) heading: String,
    pub(crate) guidance: String,
    pub(crate) questions: Vec<QuestionView>,
}

/// A chronology entry as drawn.
struct EntryView {
    id: String,
    date: String,
    time: String,
    source: String,
    what: String,
    who: String,
    significance: String,
    analysis: String,
}

fn entry_view(e: &ChronologyEntry) -> EntryView {
    EntryView {
        id: e.detail.id.map(|i| i.to_string()).unwrap_or_default(),
        date: chronology::date_words(e),
        time: e.detail.time.map(|t| t.to_string()).unwrap_or_default(),
        source: e.detail.source.clone(),
        what: e.what.as_str().to_owned(),
        who: e.detail.who.clone(),
        significance: e.detail.significance.clone(),
        analysis: e.detail.analysis.clone(),
    }
}

#[derive(Template)]
#[template(path = "pages/request_respond.html")]
struct RespondPage {
    chrome: Chrome,
    reference: String,
    action: String,
    heading: String,
    agency: String,
    due: String,
    sent: String,
    reopened: bool,
    editable: bool,
    intro: String,
    sections: Vec<SectionView>,
    chronology: bool,
    entries: Vec<EntryView>,
    /// The new entry's fields as typed: (name, label, hint, value).
    new_entry: Vec<(String, String, String, String)>,
    entry_error: String,
    files: Vec<(String, String, String)>,
    errors: Vec<(String, String)>,
    file_error: String,
    import_error: String,
    import_errors: Vec<String>,
    success: String,
}

const ENTRY_FIELDS: [(&str, &str, &str); 7] = [
    (
        "entry-date",
        "Date",
        "For example 2024-03-05, 05/03/2024, or an approximate date: March 2024, 2024.",
    ),
    ("entry-time", "Time (optional)", "For example 14:30."),
    (
        "entry-source",
        "Source (optional)",
        "Where the record is: case notes, GP record, call log.",
    ),
    ("entry-what", "What happened", ""),
    (
        "entry-who",
        "Who was involved (optional)",
        "By role, for example \"health visitor\", not by name.",
    ),
    ("entry-significance", "Significance (optional)", ""),
    ("entry-analysis", "Analysis (optional)", ""),
];

/// The answers in a request, for drawing.
pub(crate) fn sections(
    form: &FormDefinition,
    answers: &[Answer],
    missing: &BTreeSet<String>,
) -> Vec<SectionView> {
    form.sections
        .iter()
        .map(|s| SectionView {
            heading: s.heading.clone(),
            guidance: s.guidance.clone(),
            questions: s
                .questions
                .iter()
                .map(|q| QuestionView {
                    name: format!("q-{}", q.id),
                    text: q.text.clone(),
                    label: if q.required {
                        q.text.clone()
                    } else {
                        format!("{} (optional)", q.text)
                    },
                    hint: q.hint.clone(),
                    value: answers
                        .iter()
                        .find(|a| a.question == q.id)
                        .map(|a| a.answer.clone())
                        .unwrap_or_default(),
                    error: if missing.contains(&q.id) {
                        format!("Answer \"{}\"", q.text)
                    } else {
                        String::new()
                    },
                })
                .collect(),
        })
        .collect()
}

/// The answers of a posted form, by the form's questions.
pub(crate) fn posted_answers(form: &FormDefinition, pairs: &Pairs) -> Vec<Answer> {
    form.questions()
        .map(|q| Answer {
            question: q.id.clone(),
            asked: q.text.clone(),
            answer: get(pairs, &format!("q-{}", q.id))
                .replace("\r\n", "\n")
                .trim()
                .chars()
                .take(MAX_ANSWER_CHARS + 1)
                .collect(),
        })
        .collect()
}

/// The contribution a sent response records.
pub(crate) fn contribution_of(
    kind: ContributionKind,
    form: FormResponse,
    chronology: Vec<ChronologyEntry>,
) -> Option<Contribution> {
    let mut text = forms::answers_text(&form.answers);
    if text.is_empty() {
        text = match kind {
            ContributionKind::Chronology => format!(
                "A chronology of {}.",
                cspr_domain::words::plural(
                    i64::try_from(chronology.len()).unwrap_or(i64::MAX),
                    "entry",
                    "entries"
                )
            ),
            _ => return None,
        };
    }
    if text.chars().count() > NonEmptyText::MAX_CHARS {
        text = text.chars().take(NonEmptyText::MAX_CHARS - 1).collect();
        text.push('…');
    }
    Some(Contribution {
        text: NonEmptyText::parse(&text).ok()?,
        chronology,
        form,
    })
}

struct RespondInput {
    answers: Option<Vec<Answer>>,
    missing: BTreeSet<String>,
    errors: Vec<(String, String)>,
    new_entry: Pairs,
    entry_error: String,
    file_error: String,
    import_error: String,
    import_errors: Vec<String>,
    success: String,
    status: StatusCode,
}

impl Default for RespondInput {
    fn default() -> Self {
        Self {
            answers: None,
            missing: BTreeSet::new(),
            errors: Vec::new(),
            new_entry: Vec::new(),
            entry_error: String::new(),
            file_error: String::new(),
            import_error: String::new(),
            import_errors: Vec::new(),
            success: String::new(),
            status: StatusCode::OK,
        }
    }
}

struct Target {
    kind: ContributionKind,
    agency: AgencyId,
}

fn target(access: &CaseAccess, slug: &str) -> Result<Target, WebError> {
    Ok(Target {
        kind: kind_from_slug(slug).ok_or(WebError::NotFound)?,
        agency: access.agency().ok_or(WebError::NotFound)?,
    })
}

fn draft_of(r: &ContributionRequest) -> ContributionDraft {
    match (&r.draft, &r.status) {
        (Some(d), _) => d.clone(),
        (None, ContributionStatus::Received { contribution, .. }) => ContributionDraft {
            form: contribution.form.clone(),
            chronology: contribution.chronology.clone(),
        },
        _ => ContributionDraft::default(),
    }
}

async fn respond_page(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    t: &Target,
    input: RespondInput,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(state, access, "view-request-response", source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let form = forms::form_for(&state.app().settings().forms, t.kind);
    let draft = draft_of(request);
    let answers = input.answers.unwrap_or_else(|| draft.form.answers.clone());
    let case_id = access.case_id().as_uuid();
    let slug = kind_slug(t.kind);
    let sent = match &request.status {
        ContributionStatus::Received { on, .. } => format!("Sent on {}", long_date(*on)),
        ContributionStatus::Waived { reason } => {
            format!("No longer needed: {}", reason.as_str())
        }
        ContributionStatus::Requested => String::new(),
    };
    let editable = !request.is_settled() && cspr_app::policy::may_answer_for_agency(p, t.agency);
    let files = draft
        .form
        .attachments
        .iter()
        .map(|f| {
            (
                format!("/cases/{case_id}/requests/{slug}/files/{}", f.blob),
                f.name.clone(),
                evidence::size_words(f.size),
            )
        })
        .collect();
    let mut errors = input.errors;
    if !input.entry_error.is_empty() {
        errors.push(("#entry-what".to_owned(), input.entry_error.clone()));
    }
    if !input.file_error.is_empty() {
        errors.push(("#file".to_owned(), input.file_error.clone()));
    }
    if !input.import_error.is_empty() {
        errors.push(("#import".to_owned(), input.import_error.clone()));
    }
    let page = RespondPage {
        chrome: Chrome::signed_in(state, p, "/dashboard"),
        reference: access.summary().reference.clone(),
        action: format!("/cases/{case_id}/agencies/{}/requests/{slug}", t.agency),
        heading: capitalised(t.kind.label()),
        agency: agency_name(&agencies, t.agency),
        due: long_date(request.due_on),
        sent,
        reopened: request.reopened > 0 && !request.is_settled(),
        editable,
        intro: form.intro.clone(),
        sections: sections(&form, &answers, &input.missing),
        chronology: t.kind == ContributionKind::Chronology,
        entries: draft.chronology.iter().map(entry_view).collect(),
        new_entry: ENTRY_FIELDS
            .iter()
            .map(|(name, label, hint)| {
                (
                    (*name).to_owned(),
                    (*label).to_owned(),
                    (*hint).to_owned(),
                    get(&input.new_entry, name).to_owned(),
                )
            })
            .collect(),
        entry_error: input.entry_error,
        files,
        errors,
        file_error: input.file_error,
        import_error: input.import_error,
        import_errors: input.import_errors,
        success: input.success,
    };
    Ok((input.status, Html(page.render()?)).into_response())
}

/// The form of a request to one agency: its draft, or the sent response to read.
pub async fn respond(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let success = match q.done.as_str() {
        "saved" => "Your draft is saved. It has not been sent yet.",
        "sent" => "Your response has been sent to the partnership team. Thank you.",
        "file" => "The file is added to your draft.",
        "imported" => "The entries in the file are added to your draft.",
        "entry" => "The entry is added to your draft.",
        _ => "",
    };
    let input = RespondInput {
        success: success.to_owned(),
        ..RespondInput::default()
    };
    respond_page(&state, &access, &source, &t, input).await
}

/// Saves the draft, adds or removes a chronology entry, or sends the response (`intent`).
pub async fn respond_submit(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let form = forms::form_for(&state.app().settings().forms, t.kind);
    let answers = posted_answers(&form, &pairs);
    let mut draft = draft_of(request);
    draft.form.answers.clone_from(&answers);
    let intent = get(&pairs, "intent");
    let back = |done: &str| {
        Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done={done}",
            access.case_id(),
            t.agency
        ))
        .into_response()
    };
    if let Some(long) = answers
        .iter()
        .find(|a| a.answer.chars().count() > MAX_ANSWER_CHARS)
    {
        let input = RespondInput {
            errors: vec![(
                format!("#q-{}", long.question),
                format!("Each answer must be {MAX_ANSWER_CHARS} characters or fewer"),
            )],
            answers: Some(answers.clone()),
            status: StatusCode::BAD_REQUEST,
            ..RespondInput::default()
        };
        return respond_page(&state, &access, &source, &t, input).await;
    }
    let failed = |message: String, answers: Vec<Answer>, new_entry: Pairs| RespondInput {
        errors: vec![(String::new(), message)],
        answers: Some(answers),
        new_entry,
        status: StatusCode::BAD_REQUEST,
        ..RespondInput::default()
    };
    match intent {
        "add-entry" => {
            let cells: Vec<String> = ENTRY_FIELDS
                .iter()
                .map(|(name, _, _)| get(&pairs, name).to_owned())
                .collect();
            match chronology::parse_row(&cells, Uuid::new_v4()) {
                Ok(entry) => draft.chronology.push(entry),
                Err(reasons) => {
                    let input = RespondInput {
                        entry_error: reasons.join(". "),
                        answers: Some(answers),
                        new_entry: pairs.clone(),
                        status: StatusCode::BAD_REQUEST,
                        ..RespondInput::default()
                    };
                    return respond_page(&state, &access, &source, &t, input).await;
                }
            }
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("entry")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, pairs)).await
                }
            }
        }
        remove if remove.starts_with("remove:") => {
            let id =
                Uuid::parse_str(&remove["remove:".len()..]).map_err(|_| WebError::BadRequest)?;
            draft.chronology.retain(|e| e.detail.id != Some(id));
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("saved")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
        "send" => {
            let missing: BTreeSet<String> = form
                .unanswered(&answers)
                .iter()
                .map(|q| q.id.clone())
                .collect();
            let mut errors: Vec<(String, String)> = form
                .questions()
                .filter(|q| missing.contains(&q.id))
                .map(|q| (format!("#q-{}", q.id), format!("Answer \"{}\"", q.text)))
                .collect();
            if t.kind == ContributionKind::Chronology && draft.chronology.is_empty() {
                errors.push((
                    "#entry-date".to_owned(),
                    "Add at least one chronology entry before sending".to_owned(),
                ));
            }
            let contribution =
                contribution_of(t.kind, draft.form.clone(), draft.chronology.clone());
            if contribution.is_none() && errors.is_empty() {
                errors.push((String::new(), "Answer at least one question".to_owned()));
            }
            let (Some(contribution), true) = (contribution, errors.is_empty()) else {
                let input = RespondInput {
                    errors,
                    missing,
                    answers: Some(answers),
                    status: StatusCode::BAD_REQUEST,
                    ..RespondInput::default()
                };
                return respond_page(&state, &access, &source, &t, input).await;
            };
            let command = Command::ReceiveContribution {
                kind: t.kind,
                agency: t.agency,
                received_on: state.today(),
                contribution,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("sent")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
        _ => {
            let command = Command::SaveContributionDraft {
                kind: t.kind,
                agency: t.agency,
                draft,
            };
            match execute(&state, &p, access.case_id(), command).await? {
                Ok(()) => Ok(back("saved")),
                Err(m) => {
                    respond_page(&state, &access, &source, &t, failed(m, answers, Vec::new())).await
                }
            }
        }
    }
}

/// Adds a file (PDF, DOCX, PNG, JPEG; checked like evidence) to the draft.
pub async fn attach(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let fail = |m: String| RespondInput {
        file_error: m,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    let Ok(mut multipart) = multipart else {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail("Select a file".to_owned()),
        )
        .await;
    };
    let upload = match evidence::read_upload(&mut multipart).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return respond_page(
                &state,
                &access,
                &source,
                &t,
                fail("Select a file".to_owned()),
            )
            .await;
        }
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m)).await,
    };
    let (name, media) = match evidence::check(&upload) {
        Ok(x) => x,
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m)).await,
    };
    if request.is_settled() {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail("The response has been sent: files can be added while it is a draft".to_owned()),
        )
        .await;
    }
    let draft = draft_of(request);
    let size = upload.bytes.len() as u64;
    let attach = |blob| {
        let mut draft = draft.clone();
        draft.form.attachments.push(ResponseFile {
            blob,
            name: name.clone(),
            media_type: media.to_owned(),
            size,
        });
        Command::SaveContributionDraft {
            kind: t.kind,
            agency: t.agency,
            draft,
        }
    };
    let file = cspr_app::files::NewFile {
        name: &name,
        media_type: media,
        bytes: &upload.bytes,
    };
    match cspr_app::files::attach(
        &state.app(),
        access.case_id(),
        file,
        attach,
        state.actor(p.user_id),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done=file",
            access.case_id(),
            t.agency
        ))
        .into_response()),
        Err(e) => {
            let m = crate::refused(e)?;
            respond_page(&state, &access, &source, &t, fail(m)).await
        }
    }
}

/// Reads an uploaded chronology (CSV or XLSX) and adds its entries to the draft; a file with any
/// bad row adds nothing, and every bad row is reported with its line and reason.
pub async fn import(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, _, slug)): Path<(Uuid, Uuid, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let t = target(&access, &slug)?;
    let p = access.principal().clone();
    if !cspr_app::policy::may_answer_for_agency(&p, t.agency) {
        return Err(refuse(
            &state,
            &access,
            &source,
            "answer a request for another agency",
        )
        .await);
    }
    if t.kind != ContributionKind::Chronology {
        return Err(WebError::NotFound);
    }
    let (case, _) = reader::load_case(&state, &access, "answer-request", &source).await?;
    let request = case
        .contributions
        .get(&(t.kind, t.agency))
        .ok_or(WebError::NotFound)?;
    let fail = |m: String, rows: Vec<String>| RespondInput {
        import_error: m,
        import_errors: rows,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..RespondInput::default()
    };
    let upload = match multipart {
        Ok(mut m) => evidence::read_upload(&mut m).await,
        Err(_) => Ok(None),
    };
    let upload = match upload {
        Ok(Some(u)) => u,
        Ok(None) => {
            return respond_page(
                &state,
                &access,
                &source,
                &t,
                fail("Select a CSV or XLSX file".to_owned(), Vec::new()),
            )
            .await;
        }
        Err(m) => return respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await,
    };
    if request.is_settled() {
        return respond_page(
            &state,
            &access,
            &source,
            &t,
            fail(
                "The chronology has been sent: entries can be added while it is a draft".to_owned(),
                Vec::new(),
            ),
        )
        .await;
    }
    let entries = match import::read_chronology(&upload.name, &upload.bytes, upload.too_large) {
        Ok(entries) => entries,
        Err(import::ImportError::File(m)) => {
            return respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await;
        }
        Err(import::ImportError::Rows(rows)) => {
            let n = rows.len();
            let lines = rows
                .into_iter()
                .map(|(line, reasons)| format!("Line {line}: {}", reasons.join(". ")))
                .collect();
            let message = format!(
                "Nothing was added: {} of the file cannot be read. Correct {} and upload the file again",
                cspr_domain::words::plural(i64::try_from(n).unwrap_or(i64::MAX), "row", "rows"),
                if n == 1 { "it" } else { "them" }
            );
            return respond_page(&state, &access, &source, &t, fail(message, lines)).await;
        }
    };
    let mut draft = draft_of(request);
    draft.chronology.extend(entries);
    let command = Command::SaveContributionDraft {
        kind: t.kind,
        agency: t.agency,
        draft,
    };
    match execute(&state, &p, access.case_id(), command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/agencies/{}/requests/{slug}?done=imported",
            access.case_id(),
            t.agency
        ))
        .into_response()),
        Err(m) => respond_page(&state, &access, &source, &t, fail(m, Vec::new())).await,
    }
}

/// Reading uploaded chronologies.
pub mod import {
    use super::{ChronologyEntry, TEMPLATE_COLUMNS, Uuid, chronology};
    use std::io::Cursor;

    /// Most rows one file may hold.
    pub const MAX_ROWS: usize = 10_000;

    /// Why a file was not imported.
    #[derive(Debug, PartialEq, Eq)]
    pub enum ImportError {
        /// The file as a whole: its type, size or form.
        File(String),
        /// Bad rows: (line number in the file, reasons).
        Rows(Vec<(usize, Vec<String>)>),
    }

    /// The entries of a CSV or XLSX file in the template's columns (a first row of headings is
    /// skipped), or every reason it cannot be imported.
    ///
    /// # Errors
    /// [`ImportError`].
    pub fn read_chronology(
        name: &str,
        bytes: &[u8],
        too_large: bool,
    ) -> Result<Vec<ChronologyEntry>, ImportError> {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if too_large {
            return Err(ImportError::File(
                "The selected file must be smaller than 10 MB".to_owned(),
            ));
        }
        if bytes.is_empty() {
            return Err(ImportError::File("The selected file is empty".to_owned()));
        }
        let rows = match ext.as_str() {
            "csv" => csv_rows(bytes)?,
            "xlsx" => xlsx_rows(bytes)?,
            _ => {
                return Err(ImportError::File(
                    "The selected file must be a CSV or an Excel workbook (.xlsx)".to_owned(),
                ));
            }
        };
        let mut entries = Vec::new();
        let mut bad = Vec::new();
        let mut data_rows = 0;
        for (line, cells) in rows {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if line == 1
                && cells
                    .first()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case(TEMPLATE_COLUMNS[0]))
            {
                continue;
            }
            data_rows += 1;
            if data_rows > MAX_ROWS {
                return Err(ImportError::File(format!(
                    "A file can have at most {MAX_ROWS} entries: split it in two"
                )));
            }
            match chronology::parse_row(&cells, Uuid::new_v4()) {
                Ok(e) => entries.push(e),
                Err(reasons) => bad.push((line, reasons)),
            }
        }
        if !bad.is_empty() {
            return Err(ImportError::Rows(bad));
        }
        if entries.is_empty() {
            return Err(ImportError::File(
                "The file has no entries under the template's headings".to_owned(),
            ));
        }
        Ok(entries)
    }

    fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .map_err(|_| {
                ImportError::File(
                    "The CSV file must be saved as UTF-8 text (in Excel: CSV UTF-8)".to_owned(),
                )
            })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| line_at(text, p.byte()));
                    out.push((line, r.iter().map(str::to_owned).collect()));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                    return Err(ImportError::Rows(vec![(
                        line,
                        vec!["The line cannot be read as CSV (check its quotes)".to_owned()],
                    )]));
                }
            }
        }
        Ok(out)
    }

    /// The line (from 1) where a record that the reader places at `byte` starts: the reader
    /// puts a record where the previous one ended, before its line ending (and any blank lines).
    fn line_at(text: &str, byte: u64) -> usize {
        let bytes = text.as_bytes();
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
    }

    fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
        use calamine::{Data, Reader, Xlsx};
        let unreadable = || {
            ImportError::File(
                "The file is not an Excel workbook: its contents do not match its name ending .xlsx"
                    .to_owned(),
            )
        };
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
        let range = book
            .worksheet_range_at(0)
            .ok_or_else(|| ImportError::File("The workbook has no sheet".to_owned()))?
            .map_err(|_| unreadable())?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut out = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let cells = row
                .iter()
                .enumerate()
                .map(|(col, cell)| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f)
                        if col == 0 && f.fract() == 0.0 && (1900.0..2200.0).contains(f) =>
                    {
                        format!("{f:.0}")
                    }
                    Data::DateTime(d) => excel_serial(d.as_f64(), col == 1),
                    other => other.to_string(),
                })
                .collect();
            out.push((first_row + i + 1, cells));
        }
        Ok(out)
    }

    /// An Excel serial date (days since 30 December 1899, the fraction the time of day) as the
    /// template writes it: a date, or a time for the time column.
    fn excel_serial(serial: f64, time_column: bool) -> String {
        let epoch = time::macros::date!(1899 - 12 - 30);
        if time_column {
            let minutes = ((serial.fract() * 1440.0).round() as i64).rem_euclid(1440);
            return format!("{:02}:{:02}", minutes / 60, minutes % 60);
        }
        let days = serial.floor() as i64;
        epoch
            .checked_add(time::Duration::days(days))
            .map_or_else(|| serial.to_string(), |d| d.to_string())
    }
}

/// The template for uploaded chronologies, as CSV.
pub async fn template() -> Response {
    let csv = cspr_export::csv::Csv::new()
        .record(&TEMPLATE_COLUMNS)
        .record(&[
            "2024-03-05",
            "14:30",
            "Case notes",
            "Home visit by the health visitor; the baby was seen.",
            "Health visitor",
            "First sight of the new partner",
            "",
        ])
        .finish();
    crate::download::file(csv, "text/csv; charset=utf-8", "chronology-template.csv")
}

// ---------------------------------------------------------------------------------------------
// Sent responses side by side

struct ConsolidatedColumn {
    agency: String,
    sent: String,
    files: Vec<(String, String)>,
    practitioner: bool,
}

struct ConsolidatedRow {
    question: String,
    answers: Vec<String>,
}

#[derive(Template)]
#[template(path = "pages/request_consolidated.html")]
struct ConsolidatedPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    heading: String,
    columns: Vec<ConsolidatedColumn>,
    rows: Vec<ConsolidatedRow>,
    waiting: Vec<(String, String)>,
    chronology: bool,
}

/// Every sent response to one kind of request, side by side by question. Drafts never show.
pub async fn consolidated(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug)): Path<(Uuid, String)>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let (case, _) =
        reader::load_case(&state, &access, "view-consolidated-responses", &source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let case_id = access.case_id().as_uuid();
    let sent: Vec<(&ContributionRequest, time::Date, &Contribution)> = case
        .requests(kind)
        .filter_map(|r| match &r.status {
            ContributionStatus::Received { on, contribution } => Some((r, *on, contribution)),
            _ => None,
        })
        .collect();
    let form = forms::form_for(&state.app().settings().forms, kind);
    // The questions: the form's, then any asked by an older version of it.
    let mut questions: Vec<(String, String)> = form
        .questions()
        .map(|q| (q.id.clone(), q.text.clone()))
        .collect();
    for (_, _, c) in &sent {
        for a in &c.form.answers {
            if !questions.iter().any(|(id, _)| *id == a.question) {
                questions.push((a.question.clone(), a.asked.clone()));
            }
        }
    }
    let rows = questions
        .iter()
        .map(|(id, text)| ConsolidatedRow {
            question: text.clone(),
            answers: sent
                .iter()
                .map(|(_, _, c)| {
                    c.form
                        .answers
                        .iter()
                        .find(|a| a.question == *id)
                        .map(|a| a.answer.clone())
                        .filter(|a| !a.trim().is_empty())
                        .unwrap_or_else(|| "Not answered".to_owned())
                })
                .collect(),
        })
        .filter(|r| r.answers.iter().any(|a| a != "Not answered"))
        .collect::<Vec<_>>();
    let rows = if rows.is_empty() && !sent.is_empty() {
        vec![ConsolidatedRow {
            question: "Response".to_owned(),
            answers: sent
                .iter()
                .map(|(_, _, c)| c.text.as_str().to_owned())
                .collect(),
        }]
    } else {
        rows
    };
    let page = ConsolidatedPage {
        chrome: Chrome::signed_in(&state, p, "/cases"),
        case_id,
        reference: access.summary().reference.clone(),
        heading: format!("{} responses", capitalised(kind.label())),
        columns: sent
            .iter()
            .map(|(r, on, c)| ConsolidatedColumn {
                agency: agency_name(&agencies, r.agency),
                sent: format!("Sent {}", long_date(*on)),
                files: c
                    .form
                    .attachments
                    .iter()
                    .map(|f| {
                        (
                            format!("/cases/{case_id}/requests/{slug}/files/{}", f.blob),
                            f.name.clone(),
                        )
                    })
                    .collect(),
                practitioner: c.form.by == cspr_domain::case::model::Responder::Practitioner,
            })
            .collect(),
        rows,
        waiting: case
            .requests(kind)
            .filter(|r| !r.is_settled())
            .map(|r| {
                (
                    agency_name(&agencies, r.agency),
                    format!("Due {}", long_date(r.due_on)),
                )
            })
            .collect(),
        chronology: kind == ContributionKind::Chronology,
    };
    Ok(Html(page.render()?).into_response())
}

/// A file of a response: of any sent response to whoever can see the case; of a draft only to
/// those who may open that agency's draft. Logged before it is served.
pub async fn download(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Path((_, slug, blob)): Path<(Uuid, String, String)>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let blob = Uuid::parse_str(&blob).map_err(|_| WebError::NotFound)?;
    let (case, _) = reader::load_case(&state, &access, "download-response-file", &source).await?;
    let p = access.principal();
    let found = case.requests(kind).find_map(|r| {
        let sent = match &r.status {
            ContributionStatus::Received { contribution, .. } => contribution
                .form
                .attachments
                .iter()
                .find(|f| f.blob == blob),
            _ => None,
        };
        let drafted = r
            .draft
            .as_ref()
            .and_then(|d| d.form.attachments.iter().find(|f| f.blob == blob))
            .filter(|_| cspr_app::policy::may_open_agency_draft(p, r.agency));
        sent.or(drafted).cloned()
    });
    let Some(file) = found else {
        return Err(WebError::NotFound);
    };
    let stored = state.store().get_blob(blob).await.map_err(|e| match e {
        cspr_store::StoreError::Shredded => WebError::NotFound,
        other => WebError::from(other),
    })?;
    if stored.case_id != access.case_id().as_uuid() {
        return Err(WebError::NotFound);
    }
    Ok(crate::download::file(
        stored.bytes,
        &file.media_type,
        &file.name,
    ))
}

// ---------------------------------------------------------------------------------------------
// The integrated chronology

/// One row of the integrated chronology.
#[derive(Debug)]
pub struct ChronologyRow {
    id: String,
    date: String,
    time: String,
    agency: String,
    source: String,
    what: String,
    who: String,
    significance: String,
    analysis: String,
    key: bool,
}

#[derive(Template)]
#[template(path = "pages/chronology.html")]
struct ChronologyPage {
    chrome: Chrome,
    case_id: Uuid,
    reference: String,
    rows: Vec<ChronologyRow>,
    total: usize,
    agencies: Vec<(String, String, String, bool)>,
    from: String,
    to: String,
    key_only: bool,
    filtered: bool,
    query: String,
    can_mark: bool,
    errors: Vec<(String, String)>,
}

/// The chronology's filter as asked, with any errors.
fn read_filter(pairs: &Pairs) -> (Filter, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let agencies = all(pairs, "agency")
        .into_iter()
        .filter_map(|a| Uuid::parse_str(a).ok())
        .map(AgencyId::from_uuid)
        .collect();
    let mut day = |name: &str, label: &str| {
        let t = get(pairs, name).trim();
        if t.is_empty() {
            return None;
        }
        match chronology::parse_date(t) {
            Ok((d, _)) => Some(d),
            Err(_) => {
                errors.push((
                    format!("#{name}"),
                    format!("Enter the {label} date like 2024-03-05"),
                ));
                None
            }
        }
    };
    let from = day("from", "from");
    let to = day("to", "to");
    (
        Filter {
            agencies,
            from,
            to,
            key_only: get(pairs, "key") == "yes",
        },
        errors,
    )
}

/// The merged, filtered rows (the benchmark and the exports use this too).
#[must_use]
pub fn chronology_rows(
    case: &Case,
    agencies: &[AgencyRow],
    filter: &Filter,
) -> (Vec<ChronologyRow>, usize) {
    let merged = chronology::merge(case);
    let total = merged.len();
    let rows = merged
        .iter()
        .filter(|m| filter.admits(m))
        .map(|m: &Merged<'_>| {
            let v = entry_view(m.entry);
            ChronologyRow {
                id: v.id,
                date: v.date,
                time: v.time,
                agency: agency_name(agencies, m.agency),
                source: v.source,
                what: v.what,
                who: v.who,
                significance: v.significance,
                analysis: v.analysis,
                key: m.key,
            }
        })
        .collect();
    (rows, total)
}

/// Renders the integrated chronology page (public for the benchmark).
#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, passed apart so the benchmark renders without a request"
)]
///
/// # Errors
/// A template failure.
pub fn render_chronology(
    chrome: Chrome,
    case_id: Uuid,
    reference: &str,
    case: &Case,
    agencies: &[AgencyRow],
    pairs: &Pairs,
    query: &str,
    can_mark: bool,
) -> Result<(bool, String), askama::Error> {
    let (filter, errors) = read_filter(pairs);
    let (rows, total) = chronology_rows(case, agencies, &filter);
    let in_case: BTreeSet<AgencyId> = case
        .requests(ContributionKind::Chronology)
        .map(|r| r.agency)
        .collect();
    let page = ChronologyPage {
        chrome,
        case_id,
        reference: reference.to_owned(),
        rows,
        total,
        agencies: in_case
            .iter()
            .map(|a| {
                (
                    a.to_string(),
                    agency_name(agencies, *a),
                    String::new(),
                    filter.agencies.contains(a),
                )
            })
            .collect(),
        from: get(pairs, "from").trim().to_owned(),
        to: get(pairs, "to").trim().to_owned(),
        key_only: filter.key_only,
        filtered: filter != Filter::default(),
        query: query.to_owned(),
        can_mark,
        errors,
    };
    Ok((page.errors.is_empty(), page.render()?))
}

/// The integrated chronology, filtered by agency and period.
pub async fn chronology_page(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    RawQuery(raw): RawQuery,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "view-integrated-chronology", &source).await?;
    let p = access.principal();
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    let (ok, html) = render_chronology(
        Chrome::signed_in(&state, p, "/cases"),
        access.case_id().as_uuid(),
        &access.summary().reference,
        &case,
        &agencies,
        &pairs,
        raw.as_deref().unwrap_or_default(),
        cspr_app::policy::may_mark_key_episodes(p),
    )?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, Html(html)).into_response())
}

/// Marks or unmarks a key practice episode (the team, the chair and the independent reviewer).
pub async fn mark(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let p = access.principal().clone();
    if !cspr_app::policy::may_mark_key_episodes(&p) {
        return Err(refuse(&state, &access, &source, "mark key practice episodes").await);
    }
    let entry = Uuid::parse_str(get(&pairs, "entry")).map_err(|_| WebError::BadRequest)?;
    let key = get(&pairs, "key") == "yes";
    let command = Command::MarkKeyPracticeEpisode { entry, key };
    let back = get(&pairs, "back");
    // Only a query string of the chronology page itself is taken back.
    let back = if back
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"=&-_%.+".contains(&b))
    {
        back
    } else {
        ""
    };
    match execute(&state, &p, access.case_id(), command).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/cases/{}/chronology?{back}#entry-{entry}",
            access.case_id()
        ))
        .into_response()),
        Err(m) => {
            tracing::info!(case = %access.case_id(), reason = %m, "a key practice episode mark was refused");
            Err(WebError::BadRequest)
        }
    }
}

/// The filtered chronology as CSV (cells that would read as formulas are defused).
pub async fn chronology_csv(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let (case, _) =
        reader::load_case(&state, &access, "export-integrated-chronology-csv", &source).await?;
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let (filter, _) = read_filter(&pairs);
    let (rows, _) = chronology_rows(&case, &agencies, &filter);
    let mut out = cspr_export::csv::Csv::new().record(&[
        "Date",
        "Time",
        "Agency",
        "Source",
        "What happened",
        "Who was involved (by role)",
        "Significance",
        "Analysis",
        "Key practice episode",
    ]);
    for r in rows {
        out.push(&[
            r.date.as_str(),
            &r.time,
            &r.agency,
            &r.source,
            &r.what,
            &r.who,
            &r.significance,
            &r.analysis,
            if r.key { "Yes" } else { "" },
        ]);
    }
    let out = out.finish();
    Ok(crate::download::file(
        out,
        "text/csv; charset=utf-8",
        &format!(
            "integrated-chronology-{}.csv",
            safe_reference(&access.summary().reference)
        ),
    ))
}

fn safe_reference(reference: &str) -> String {
    reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The filtered chronology as a Word document: a heading and one table.
pub async fn chronology_docx(
    State(state): State<AppState>,
    Extension(access): Extension<CaseAccess>,
    Extension(source): Extension<Source>,
    Query(pairs): Query<Pairs>,
) -> Result<Response, WebError> {
    let (case, _) = reader::load_case(
        &state,
        &access,
        "export-integrated-chronology-docx",
        &source,
    )
    .await?;
    let agencies = state
        .store()
        .agencies(access.principal().partnership_id.as_uuid())
        .await?;
    let (filter, _) = read_filter(&pairs);
    let (rows, _) = chronology_rows(&case, &agencies, &filter);
    let bytes = docx(&access.summary().reference, &rows)
        .map_err(|e| WebError::Internal(format!("the chronology's DOCX failed: {e}")))?;
    Ok(crate::download::file(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!(
            "integrated-chronology-{}.docx",
            safe_reference(&access.summary().reference)
        ),
    ))
}

fn docx(reference: &str, rows: &[ChronologyRow]) -> Result<Vec<u8>, cspr_export::ExportError> {
    let entries: Vec<cspr_export::chronology::Entry<'_>> = rows
        .iter()
        .map(|r| cspr_export::chronology::Entry {
            date: &r.date,
            time: &r.time,
            agency: &r.agency,
            what: &r.what,
            who: &r.who,
            source: &r.source,
            significance: &r.significance,
            analysis: &r.analysis,
            key: r.key,
        })
        .collect();
    cspr_export::chronology::to_docx(reference, &entries)
}

// ---------------------------------------------------------------------------------------------
// The partnership's forms

#[derive(Template)]
#[template(path = "pages/forms_admin.html")]
struct FormsPage {
    chrome: Chrome,
    forms: Vec<(String, String, usize)>,
    success: String,
}

/// The forms agencies fill in.
pub async fn forms_index(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let app = state.app();
    let page = FormsPage {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        forms: ContributionKind::ALL
            .into_iter()
            .map(|k| {
                let f = forms::form_for(&app.settings().forms, k);
                (
                    kind_slug(k).to_owned(),
                    capitalised(k.label()),
                    f.questions().count(),
                )
            })
            .collect(),
        success: if q.done == "saved" {
            "The form is saved. New answers use it; responses already sent keep their questions."
                .to_owned()
        } else {
            String::new()
        },
    };
    Ok(Html(page.render()?).into_response())
}

fn form_edit_page(
    state: &AppState,
    p: &Principal,
    kind: ContributionKind,
    text: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    use super::form::{Field, FieldKind, FormPage};
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Edit a form",
        intro: vec![
            format!("The {} form, as text.", kind.label()),
            "Start each line with ! for the introduction, # for a section heading, > for guidance on the section, - for a question that must be answered or ~ for one that may be left blank. After a question, | starts its hint. Keep the [id] of a question when you change its words.".to_owned(),
        ],
        action: format!("/admin/forms/{}", kind_slug(kind)),
        fields: vec![
            Field::new("form", "The form", FieldKind::Textarea, text)
                .hint("Questions are in our own words: describe people by their role, not by name."),
        ],
        errors: error.map(|e| vec![("form", e)]).unwrap_or_default(),
        submit: "Save the form",
        success: None,
        back: Some("/admin/forms"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// One form as editable text.
pub async fn form_edit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let text = forms::form_for(&state.app().settings().forms, kind).to_text();
    form_edit_page(&state, &p, kind, text, None)
}

/// Saves a form: kept with the partnership's stored settings.
pub async fn form_save(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Path(slug): Path<String>,
    ValidForm(pairs): ValidForm<Pairs>,
) -> Result<Response, WebError> {
    let kind = kind_from_slug(&slug).ok_or(WebError::NotFound)?;
    let text = get(&pairs, "form").replace("\r\n", "\n");
    let form = match forms::parse_form(kind, &text) {
        Ok(f) => f,
        Err((line, why)) => {
            let mut page =
                form_edit_page(&state, &p, kind, text, Some(format!("Line {line}: {why}")))?;
            *page.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(page);
        }
    };
    let app = state.app();
    let mut settings = app.settings().clone();
    settings.forms.retain(|f| f.kind != kind);
    settings.forms.push(form);
    settings.forms.sort_by_key(|f| f.kind);
    let stored = state
        .store()
        .partnership_settings(p.partnership_id.as_uuid())
        .await?;
    let mut value = stored.unwrap_or_else(|| {
        serde_json::json!({
            "settings": serde_json::Value::Null,
            "closure_days": app.calendar().closure_days().collect::<Vec<_>>(),
        })
    });
    value["settings"] =
        serde_json::to_value(&settings).map_err(|e| WebError::Internal(e.to_string()))?;
    state
        .store()
        .save_partnership_settings(p.partnership_id.as_uuid(), &value, state.now())
        .await?;
    state.replace_app(cspr_app::App::new(
        state.store().clone(),
        app.calendar().clone(),
        settings,
    ));
    state
        .store()
        .log_access(cspr_store::NewAccessEntry {
            actor: p.user_id.to_string(),
            action: "form-changed".to_owned(),
            case_id: None,
            detail: format!("form {slug}"),
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await?;
    Ok(Redirect::to("/admin/forms?done=saved").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_slugs() {
        for k in ContributionKind::ALL {
            assert_eq!(kind_from_slug(kind_slug(k)), Some(k));
        }
        assert_eq!(kind_from_slug("nope"), None);
    }

    #[test]
    fn a_csv_with_a_bad_row_imports_nothing_and_names_the_line() {
        let csv = "Date,Time,Source,What happened,Who,Significance,Analysis\r\n\
                   2024-03-05,09:00,Notes,Visit.,Health visitor,,\r\n\
                   someday,,Notes,Visit.,,,\r\n\
                   2024-03-07,,Notes,,,,\r\n";
        let err = import::read_chronology("c.csv", csv.as_bytes(), false).expect_err("an error");
        let import::ImportError::Rows(rows) = err else {
            panic!("rows expected");
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 3);
        assert!(rows[0].1[0].contains("\"someday\" is not a date"));
        assert_eq!(rows[1], (4, vec!["Enter what happened".to_owned()]));
        let ok = import::read_chronology(
            "c.CSV",
            b"2024-03-05,,Notes,Visit.\n2024,,,Moved house.\n",
            false,
        )
        .expect("reads");
        assert_eq!(ok.len(), 2);
        assert!(matches!(
            import::read_chronology("c.txt", b"x", false),
            Err(import::ImportError::File(_))
        ));
        assert!(matches!(
            import::read_chronology("c.xlsx", b"PK not a workbook", false),
            Err(import::ImportError::File(_))
        ));
    }
}
