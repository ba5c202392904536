//! The pages that act on a case: one form per command of the domain (see [`catalogue`]),
//! drawn and read by one pair of handlers. A form comes back with the GOV.UK error summary and
//! what the user typed; a change someone else made meanwhile is a conflict, never an overwrite.

pub mod catalogue;
pub mod reading;
pub mod spec;

use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::case::{Case, Command};
use cspr_domain::ids::CaseId;
use uuid::Uuid;

use self::catalogue::{Action, Ctx};
use self::spec::{Answers, FieldError, Kind, Q};
use crate::access::{CaseAccess, Principal, Role};
use crate::extract::{OnCase, Signed};
use crate::layout::Chrome;
use crate::reader::{self, Source};
use crate::{AppState, ValidForm, WebError};

/// One choice of a radios or checkboxes question, ready to draw.
struct Choice {
    item_id: String,
    value: String,
    label: String,
    hint: String,
    checked: bool,
    reveal: String,
}

#[derive(Template)]
#[template(path = "actions/field.html")]
struct FieldView<'a> {
    q: &'a Q,
    id: String,
    value: String,
    hint: String,
    error: String,
    day: String,
    month: String,
    year: String,
    family: &'static str,
    input_type: &'static str,
    yes_no: bool,
    choices: Vec<Choice>,
    rows: Vec<String>,
    min_rows: usize,
}

/// Draws one question (and what it reveals) with the user's answers and errors.
fn draw(q: &Q, answers: &Answers, errors: &[FieldError]) -> Result<String, askama::Error> {
    let id = q.id();
    let error = errors
        .iter()
        .find(|e| e.0 == id)
        .map(|e| e.1.clone())
        .unwrap_or_default();
    let value = match q.kind {
        Kind::NewId => {
            let typed = answers.get(&q.path);
            if Uuid::parse_str(typed).is_ok() {
                typed.to_owned()
            } else {
                Uuid::new_v4().to_string()
            }
        }
        _ => answers.get(&q.path).to_owned(),
    };
    let part = |p: &str| answers.get(&format!("{}-{p}", q.path)).to_owned();
    let chosen = answers.all(&q.path);
    let mut family = "radios";
    let mut input_type = "radio";
    let mut choices = Vec::new();
    let mut rows = Vec::new();
    let mut min_rows = 0;
    let mut yes_no = false;
    let make = |opts: &[spec::Opt]| -> Result<Vec<Choice>, askama::Error> {
        opts.iter()
            .enumerate()
            .map(|(i, o)| {
                let reveal = o
                    .reveals
                    .iter()
                    .map(|r| draw(r, answers, errors))
                    .collect::<Result<Vec<_>, _>>()?
                    .join("\n");
                Ok(Choice {
                    item_id: if i == 0 {
                        id.clone()
                    } else {
                        format!("{id}-{}", i + 1)
                    },
                    value: o.value.clone(),
                    label: o.label.clone(),
                    hint: o.hint.clone().unwrap_or_default(),
                    checked: chosen.contains(&o.value.as_str()),
                    reveal,
                })
            })
            .collect()
    };
    match &q.kind {
        Kind::Radios(opts) => choices = make(opts)?,
        Kind::Checkboxes(opts) | Kind::Flags(opts) => {
            family = "checkboxes";
            input_type = "checkbox";
            choices = make(opts)?;
        }
        Kind::YesNo => {
            yes_no = true;
            choices = make(&[spec::Opt::new("yes", "Yes"), spec::Opt::new("no", "No")])?;
        }
        Kind::Repeat { rows: n, min, .. } => {
            min_rows = *min.max(&1);
            for i in 0..*n {
                rows.push(
                    q.row(i)
                        .iter()
                        .map(|r| draw(r, answers, errors))
                        .collect::<Result<Vec<_>, _>>()?
                        .join("\n"),
                );
            }
        }
        _ => {}
    }
    FieldView {
        q,
        id,
        value,
        hint: q.hint.clone().unwrap_or_default(),
        error,
        day: part("day"),
        month: part("month"),
        year: part("year"),
        family,
        input_type,
        yes_no,
        choices,
        rows,
        min_rows,
    }
    .render()
}

#[derive(Template)]
#[template(path = "pages/action.html")]
struct ActionPage {
    chrome: Chrome,
    title: &'static str,
    caption: String,
    back: String,
    action: String,
    notes: Vec<String>,
    /// (href, message)
    errors: Vec<(String, String)>,
    fields: String,
    version: u64,
    button: &'static str,
}

/// Whether the action belongs to the case's stage and has something to act on.
#[must_use]
pub fn available(action: &Action, ctx: &Ctx) -> bool {
    if action.opens_case || !cspr_app::policy::may_run(ctx.role, action.command) {
        return false;
    }
    let stage = ctx.case.stage;
    let in_stage = action.command.permitted_stages().contains(&stage);
    // The notification is allowed in every open stage (a care leaver's death may be triaged
    // first), so it is offered only while the case still awaits it.
    let in_stage = in_stage
        && (action.command != cspr_domain::case::CommandKind::NotifyNationalPanel
            || ctx.case.awaits_notification())
        // The Panel's reply is recorded while the case awaits it: after the rapid review was
        // sent or sent again (also on a closed case, which a disagreement reopens).
        && (action.command != cspr_domain::case::CommandKind::RecordPanelResponse
            || ctx.case.awaits_panel_answer())
        // After its first sending, the rapid review is sent again only when the Panel asked
        // for more information.
        && (action.command != cspr_domain::case::CommandKind::SubmitRapidReview
            || ctx.case.rapid_review_submitted_on.is_none()
            || ctx.case.awaits_resubmission())
        // Only a case opened by referral, not yet notifiable, can prove notifiable.
        && (action.command != cspr_domain::case::CommandKind::FindReferralNotifiable
            || (ctx.case.opened_by_referral && !ctx.case.is_notified_route()))
        // A legal hold is placed on a case without one, and lifted from a case with one.
        && (action.command != cspr_domain::case::CommandKind::PlaceLegalHold
            || ctx.case.legal_hold.is_none())
        && (action.command != cspr_domain::case::CommandKind::LiftLegalHold
            || ctx.case.legal_hold.is_some());
    // A required choice with nothing to choose from cannot be answered.
    in_stage
        && (action.questions)(ctx).iter().all(|q| match &q.kind {
            Kind::Radios(opts) => q.optional || !opts.is_empty(),
            _ => true,
        })
}

async fn context<'a>(
    state: &AppState,
    principal: &Principal,
    case: &'a Case,
) -> Result<Ctx<'a>, WebError> {
    let agencies = state
        .store()
        .agencies(principal.partnership_id.as_uuid())
        .await?;
    context_with(state, principal, case, &agencies).await
}

/// [`context`] with the partnership's agencies already read (the case page has them).
async fn context_with<'a>(
    state: &AppState,
    principal: &Principal,
    case: &'a Case,
    agencies: &[cspr_store::AgencyRow],
) -> Result<Ctx<'a>, WebError> {
    // Someone who acts for one agency is offered that agency alone.
    let acting_for = cspr_app::policy::acting_for(principal);
    let agencies = agencies
        .iter()
        .filter(|a| acting_for.is_none_or(|own| own.as_uuid() == a.id))
        .map(|a| (a.id, a.name.clone()))
        .collect();
    // Only a form that opens a case needs the next reference (it reads every case summary).
    let new_reference = if case.version == 0 {
        cspr_app::cases::next_reference(
            state.store(),
            principal.partnership_id.as_uuid(),
            state.today().year(),
        )
        .await?
    } else {
        String::new()
    };
    Ok(Ctx {
        case,
        agencies,
        partnership_id: principal.partnership_id.as_uuid(),
        themes: state.app().settings().themes.clone(),
        new_reference,
        role: principal.role,
        agency: principal.agency_id.map(|a| a.as_uuid()),
        missed: cspr_domain::deadlines::missed(
            case,
            state.app().calendar(),
            state.app().settings(),
            state.today(),
        )
        .into_iter()
        .map(|(which, d)| (which, cspr_domain::words::long_date(d.due)))
        .collect(),
    })
}

struct Rendering<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    action: &'a Action,
    ctx: &'a Ctx<'a>,
    post_to: String,
    back: String,
    caption: String,
}

impl Rendering<'_> {
    fn page(
        &self,
        answers: &Answers,
        errors: &[FieldError],
        summary: &[String],
    ) -> Result<Response, WebError> {
        let questions = (self.action.questions)(self.ctx);
        let fields = questions
            .iter()
            .map(|q| draw(q, answers, errors))
            .collect::<Result<Vec<_>, _>>()?
            .join("\n");
        let first = questions
            .iter()
            .find(|q| !matches!(q.kind, Kind::NewId | Kind::Fixed(_)));
        let mut listed: Vec<(String, String)> = summary
            .iter()
            .map(|m| {
                (
                    first.map_or_else(String::new, |q| format!("#{}", q.id())),
                    m.clone(),
                )
            })
            .collect();
        listed.extend(errors.iter().map(|(id, m)| (format!("#{id}"), m.clone())));
        let page = ActionPage {
            chrome: Chrome::signed_in(self.state, self.principal, "/cases"),
            title: self.action.title,
            caption: self.caption.clone(),
            back: self.back.clone(),
            action: self.post_to.clone(),
            notes: (self.action.notes)(self.ctx),
            errors: listed,
            fields,
            version: self.ctx.case.version,
            button: self.action.button,
        };
        let status = if errors.is_empty() && summary.is_empty() {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok((status, Html(page.render()?)).into_response())
    }
}

fn find_action(slug: &str, opens_case: bool) -> Result<Action, WebError> {
    catalogue::all()
        .into_iter()
        .find(|a| a.slug == slug && a.opens_case == opens_case)
        .ok_or(WebError::NotFound)
}

/// The action a form's address names, if the person may take it (a refusal is logged);
/// `Err` with the page that takes it instead (publishing has a page of its own).
async fn allowed(
    state: &AppState,
    access: &CaseAccess,
    source: &Source,
    slug: &str,
) -> Result<Result<Action, Response>, WebError> {
    let action = find_action(slug, false)?;
    let p = access.principal();
    if !cspr_app::policy::may_run(p.role, action.command) {
        return Err(crate::access::refuse_person(
            state,
            p,
            Some(access.case_id().as_uuid()),
            &format!("action {slug}"),
            source,
        )
        .await);
    }
    if matches!(slug, "publish" | "unpublish") {
        let page = format!("/cases/{}/publication", access.case_id());
        return Ok(Err(Redirect::to(&page).into_response()));
    }
    Ok(Ok(action))
}

/// The form of an action on a case.
pub async fn form(
    OnCase(state, access, source): OnCase,
    Path((_, slug)): Path<(Uuid, String)>,
) -> Result<Response, WebError> {
    let action = match allowed(&state, &access, &source, &slug).await? {
        Ok(action) => action,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let p = access.principal();
    let (case, _) = reader::load_case(&state, &access, "view-action-form", &source).await?;
    let ctx = context(&state, p, &case).await?;
    let r = rendering(&state, &access, &action, &ctx, &slug);
    let answers = Answers((action.prefill)(&ctx));
    r.page(&answers, &[], &[])
}

fn rendering<'a>(
    state: &'a AppState,
    access: &'a CaseAccess,
    action: &'a Action,
    ctx: &'a Ctx<'a>,
    slug: &str,
) -> Rendering<'a> {
    let case_id = access.case_id();
    Rendering {
        state,
        principal: access.principal(),
        action,
        ctx,
        post_to: format!("/cases/{case_id}/actions/{slug}"),
        back: format!("/cases/{case_id}"),
        caption: format!("Case {}", access.summary().reference),
    }
}

/// What the form sent, as (name, value) pairs.
pub type Sent = Vec<(String, String)>;

/// Reads the answers into a command, or the errors to show.
fn assemble(action: &Action, ctx: &Ctx, answers: &Answers) -> Result<Command, Vec<FieldError>> {
    let questions = (action.questions)(ctx);
    let mut value = serde_json::json!({ "command": action.command.name() });
    let mut errors = Vec::new();
    reading::read(&questions, answers, &mut value, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    (action.tidy)(&mut value);
    reading::to_command(value, &questions).map_err(|e| vec![e])
}

/// An outcome the person must see on the form.
/// What the form says when the case changed since it was drawn.
const CONFLICT: &str = "Someone else changed this case while you were filling in this form. Nothing was saved: check the case page for their change, then try again.";

/// Takes an action on a case.
pub async fn submit(
    OnCase(state, access, source): OnCase,
    Path((_, slug)): Path<(Uuid, String)>,
    ValidForm(sent): ValidForm<Sent>,
) -> Result<Response, WebError> {
    let action = match allowed(&state, &access, &source, &slug).await? {
        Ok(action) => action,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let p = access.principal();
    let (case, _) = reader::load_case(&state, &access, "act-on-case", &source).await?;
    let ctx = context(&state, p, &case).await?;
    let r = rendering(&state, &access, &action, &ctx, &slug);
    let answers = Answers(sent);
    let command = match assemble(&action, &ctx, &answers) {
        Ok(c) => c,
        Err(errors) => return r.page(&answers, &errors, &[]),
    };
    if !cspr_app::policy::may_give(p, &case, &command) {
        let what = format!("{slug} for another agency");
        return Err(crate::access::refuse_person(
            &state,
            p,
            Some(access.case_id().as_uuid()),
            &format!("action {what}"),
            &source,
        )
        .await);
    }
    // The version the person saw: a change since then is a conflict, not an overwrite.
    let version = answers.get("version").parse::<u64>().ok();
    match crate::act::run(&state, &access, version, command, Some(CONFLICT)).await? {
        Ok(()) => {
            Ok(Redirect::to(&format!("/cases/{}?done={slug}", access.case_id())).into_response())
        }
        Err(message) => r.page(&answers, &[], &[message]),
    }
}

/// The form that opens a new case.
pub async fn new_form(
    Signed(state, p, _): Signed,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let action = find_action(&slug, true)?;
    let case = Case::default();
    let ctx = context(&state, &p, &case).await?;
    new_rendering(&state, &p, &action, &ctx, &slug).page(&Answers::default(), &[], &[])
}

fn new_rendering<'a>(
    state: &'a AppState,
    p: &'a Principal,
    action: &'a Action,
    ctx: &'a Ctx<'a>,
    slug: &str,
) -> Rendering<'a> {
    Rendering {
        state,
        principal: p,
        action,
        ctx,
        post_to: format!("/cases/new/{slug}"),
        back: "/cases".to_owned(),
        caption: format!("New case {}", ctx.new_reference),
    }
}

/// Opens a new case.
pub async fn new_submit(
    Signed(state, p, _): Signed,
    Path(slug): Path<String>,
    ValidForm(sent): ValidForm<Sent>,
) -> Result<Response, WebError> {
    let action = find_action(&slug, true)?;
    let case = Case::default();
    let ctx = context(&state, &p, &case).await?;
    let r = new_rendering(&state, &p, &action, &ctx, &slug);
    let answers = Answers(sent);
    let command = match assemble(&action, &ctx, &answers) {
        Ok(c) => c,
        Err(errors) => return r.page(&answers, &errors, &[]),
    };
    let case_id = CaseId::from_uuid(Uuid::now_v7());
    let actor = state.actor_for(&p);
    match state.app().execute(case_id, Some(0), command, actor).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{case_id}?done={slug}")).into_response()),
        Err(e) => r.page(&answers, &[], &[crate::refused_or(e, CONFLICT)?]),
    }
}

/// The actions a person can take on a case now: (href, title), given the partnership's
/// agencies.
pub async fn offered(
    state: &AppState,
    principal: &Principal,
    case: &Case,
    case_id: CaseId,
    agencies: &[cspr_store::AgencyRow],
) -> Result<Vec<(String, &'static str)>, WebError> {
    if principal.role == Role::SystemAdministrator {
        return Ok(Vec::new());
    }
    let ctx = context_with(state, principal, case, agencies).await?;
    Ok(catalogue::all()
        .into_iter()
        .filter(|a| available(a, &ctx))
        .map(|a| match a.slug {
            // Publishing and taking down have their own pages: they keep the public copy.
            "publish" | "unpublish" => (format!("/cases/{case_id}/publication"), a.title),
            _ => (format!("/cases/{case_id}/actions/{}", a.slug), a.title),
        })
        .collect())
}

/// The banner text for a finished action.
#[must_use]
pub fn done_text(slug: &str) -> Option<&'static str> {
    if slug == "evidence" {
        return Some("Evidence added to the action");
    }
    catalogue::all()
        .into_iter()
        .find(|a| a.slug == slug)
        .map(|a| a.done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_question_draws_its_label_hint_and_value() {
        let q = Q::new("a.b", "The label", Kind::Text).hint("The hint");
        let html = draw(&q, &Answers(vec![("a.b".into(), "typed".into())]), &[]).expect("draw");
        assert!(html.contains("The label"), "{html}");
        assert!(html.contains("The hint"), "{html}");
        assert!(html.contains(r#"value="typed""#), "{html}");
        assert!(html.contains(r#"id="a-b""#), "{html}");
    }
}
