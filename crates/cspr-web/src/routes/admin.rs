//! Administration: accounts and roles (system administrators), agencies and the partnership's
//! settings — closure days, local timescales, the meeting calendar (partnership team).

use crate::ValidForm;
use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cspr_domain::agency::AgencyKind;
use cspr_domain::settings::Settings;
use cspr_store::{AgencyRow, NewAccessEntry, NewUser};
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

use super::form::{Field, FieldKind, FormPage};
use crate::access::{Principal, Role};
use crate::auth::password;
use crate::layout::Chrome;
use crate::reader::Source;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "pages/admin.html")]
struct AdminIndex {
    chrome: Chrome,
    users: bool,
    settings: bool,
}

#[derive(Template)]
#[template(path = "pages/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<(Uuid, String, String, &'static str, bool)>,
}

async fn audit(
    state: &AppState,
    p: &Principal,
    action: &str,
    detail: String,
    source: &Source,
) -> Result<(), WebError> {
    state
        .store()
        .log_access(NewAccessEntry {
            actor: p.user_id.to_string(),
            action: action.to_owned(),
            case_id: None,
            detail,
            source_ip: source.0.clone(),
            at: state.now(),
        })
        .await
        .map_err(WebError::from)
}

/// The administration start page.
pub async fn index(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    let page = AdminIndex {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        users: p.role == Role::SystemAdministrator,
        settings: p.role == Role::PartnershipTeam,
    };
    Ok(Html(page.render()?).into_response())
}

/// Every account of the partnership.
pub async fn users(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    let users = state
        .store()
        .users(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.display_name,
                u.email,
                Role::parse(&u.role).map_or("Unknown", Role::label),
                u.disabled,
            )
        })
        .collect();
    let page = UsersPage {
        chrome: Chrome::signed_in(&state, &p, "/admin"),
        users,
    };
    Ok(Html(page.render()?).into_response())
}

fn role_options() -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Choose a role".to_owned())];
    options.extend(
        Role::ALL
            .iter()
            .map(|r| (r.key().to_owned(), r.label().to_owned())),
    );
    options
}

async fn agency_options(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(String, String)>, WebError> {
    let mut options = vec![(String::new(), "None".to_owned())];
    options.extend(
        state
            .store()
            .agencies(p.partnership_id.as_uuid())
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| (a.id.to_string(), a.name)),
    );
    Ok(options)
}

/// The agency chosen, if it is one of this partnership's agencies.
async fn known_agency(
    state: &AppState,
    p: &Principal,
    chosen: &str,
) -> Result<Option<Uuid>, WebError> {
    let Ok(id) = Uuid::parse_str(chosen) else {
        return Ok(None);
    };
    let agencies = state.store().agencies(p.partnership_id.as_uuid()).await?;
    Ok(agencies
        .iter()
        .any(|a| a.id == id && a.active)
        .then_some(id))
}

/// The new-account form as posted.
#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    password: String,
}

async fn new_user_page(
    state: &AppState,
    p: &Principal,
    form: &NewUserForm,
    errors: Vec<(&'static str, String)>,
) -> Result<Response, WebError> {
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Add a user",
        intro: vec!["The person signs in with this email address and password, then sets up an authenticator app.".to_owned()],
        action: "/admin/users/new".to_owned(),
        fields: vec![
            Field::new("name", "Full name", FieldKind::Text, form.name.clone()),
            Field::new("email", "Email address", FieldKind::Email, form.email.clone()),
            Field::new("role", "Role", FieldKind::Select(role_options()), form.role.clone()),
            Field::new("agency", "Agency", FieldKind::Select(agency_options(state, p).await?), form.agency.clone())
                .hint("Needed for an agency representative"),
            Field::new("password", "First password", FieldKind::Password, "").hint("At least 15 characters. Give it to the person in a separate message."),
        ],
        errors,
        submit: "Add user",
        success: None,
        back: Some("/admin/users"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// The new-account form.
pub async fn new_user_form(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    new_user_page(&state, &p, &NewUserForm::default(), Vec::new()).await
}

/// Creates an account.
pub async fn new_user_submit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<NewUserForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(("name", "Enter the person's full name".to_owned()));
    }
    let email = cspr_domain::vocab::EmailAddress::parse(&form.email);
    if let Err(e) = &email {
        errors.push(("email", e.to_string()));
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role", "Choose a role".to_owned()));
    }
    let agency = known_agency(&state, &p, &form.agency).await?;
    if role == Some(Role::AgencyRepresentative) && agency.is_none() {
        errors.push((
            "agency",
            "Choose the agency this representative acts for".to_owned(),
        ));
    }
    let pw = SecretString::from(form.password.clone());
    if let Err(problem) = password::check_new_password(&pw, &[form.email.as_str(), name]) {
        errors.push(("password", problem.to_string()));
    }
    let (Ok(email), Some(role), true) = (email, role, errors.is_empty()) else {
        return new_user_page(&state, &p, &form, errors).await;
    };
    let hash = password::hash_password(&pw).map_err(|e| WebError::Internal(e.to_string()))?;
    let id = Uuid::new_v4();
    let created = state
        .store()
        .create_user(
            NewUser {
                id,
                partnership_id: p.partnership_id.as_uuid(),
                email: email.as_str().to_owned(),
                display_name: name.to_owned(),
                role: role.key().to_owned(),
                agency_id: agency,
                password_hash: Some(hash),
            },
            state.now(),
        )
        .await;
    match created {
        Ok(()) => {}
        Err(cspr_store::StoreError::Duplicate(message)) => {
            return new_user_page(&state, &p, &form, vec![("email", message)]).await;
        }
        Err(e) => return Err(e.into()),
    }
    audit(
        &state,
        &p,
        "user-created",
        format!("user {id} as {}", role.key()),
        &source,
    )
    .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// The account form as posted.
#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    status: String,
}

async fn user_page(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    errors: Vec<(&'static str, String)>,
    success: Option<String>,
) -> Result<Response, WebError> {
    let Some(user) = state
        .store()
        .user_by_id(id)
        .await?
        .filter(|u| u.partnership_id == p.partnership_id.as_uuid())
    else {
        return Err(WebError::NotFound);
    };
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Change a user",
        intro: vec![format!("{} ({})", user.display_name, user.email)],
        action: format!("/admin/users/{id}"),
        fields: vec![
            Field::new(
                "role",
                "Role",
                FieldKind::Select(role_options()),
                user.role.clone(),
            ),
            Field::new(
                "agency",
                "Agency",
                FieldKind::Select(agency_options(state, p).await?),
                user.agency_id.map(|a| a.to_string()).unwrap_or_default(),
            ),
            Field::new(
                "status",
                "Account",
                FieldKind::Select(vec![
                    ("active".to_owned(), "Active".to_owned()),
                    ("disabled".to_owned(), "Disabled: cannot sign in".to_owned()),
                ]),
                if user.disabled { "disabled" } else { "active" },
            )
            .hint("Disabling an account signs the person out everywhere at once."),
        ],
        errors,
        submit: "Save changes",
        success,
        back: Some("/admin/users"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// The account form.
pub async fn user_form(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    user_page(&state, &p, id, Vec::new(), None).await
}

/// Changes an account's role, agency or status; takes effect on the person's next request.
pub async fn user_submit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    Path(id): Path<Uuid>,
    ValidForm(form): ValidForm<UserForm>,
) -> Result<Response, WebError> {
    let Some(user) = state
        .store()
        .user_by_id(id)
        .await?
        .filter(|u| u.partnership_id == p.partnership_id.as_uuid())
    else {
        return Err(WebError::NotFound);
    };
    let Some(role) = Role::parse(&form.role) else {
        return user_page(
            &state,
            &p,
            id,
            vec![("role", "Choose a role".to_owned())],
            None,
        )
        .await;
    };
    let agency = known_agency(&state, &p, &form.agency).await?;
    if role == Role::AgencyRepresentative && agency.is_none() {
        return user_page(
            &state,
            &p,
            id,
            vec![(
                "agency",
                "Choose the agency this representative acts for".to_owned(),
            )],
            None,
        )
        .await;
    }
    let disable = match form.status.as_str() {
        "active" => false,
        "disabled" => true,
        _ => {
            return user_page(
                &state,
                &p,
                id,
                vec![("status", "Choose whether the account is active".to_owned())],
                None,
            )
            .await;
        }
    };
    if id == p.user_id.as_uuid() && (disable || role != p.role) {
        return user_page(
            &state,
            &p,
            id,
            vec![(
                "status",
                "You cannot disable your own account or change your own role".to_owned(),
            )],
            None,
        )
        .await;
    }
    // Disabling first: if the second write fails, the account is at least shut (and its
    // sessions ended, in the same transaction as the flag).
    if disable && !user.disabled {
        state.store().set_user_disabled(id, true).await?;
    }
    state.store().set_user_role(id, role.key(), agency).await?;
    if !disable && user.disabled {
        state.store().set_user_disabled(id, false).await?;
    }
    audit(
        &state,
        &p,
        "user-changed",
        format!("user {id}: role {}, disabled {disable}", role.key()),
        &source,
    )
    .await?;
    user_page(
        &state,
        &p,
        id,
        Vec::new(),
        Some("The changes are saved".to_owned()),
    )
    .await
}

#[derive(Template)]
#[template(path = "pages/agencies.html")]
struct AgenciesPage {
    chrome: Chrome,
    agencies: Vec<(String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<(&'static str, String)>,
    name: String,
}

fn kind_key(k: AgencyKind) -> &'static str {
    match k {
        AgencyKind::Police => "police",
        AgencyKind::HealthProvider => "health-provider",
        AgencyKind::IntegratedCareBoard => "integrated-care-board",
        AgencyKind::ChildrensSocialCare => "childrens-social-care",
        AgencyKind::Education => "education",
        AgencyKind::Probation => "probation",
        AgencyKind::Other => "other",
    }
}

async fn agencies_page(
    state: &AppState,
    p: &Principal,
    errors: Vec<(&'static str, String)>,
    name: String,
) -> Result<Response, WebError> {
    let agencies = state
        .store()
        .agencies(p.partnership_id.as_uuid())
        .await?
        .into_iter()
        .map(|a| {
            let kind = AgencyKind::ALL
                .into_iter()
                .find(|k| kind_key(*k) == a.kind)
                .map_or("Other agency", AgencyKind::label);
            (a.name, kind)
        })
        .collect();
    let page = AgenciesPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        agencies,
        kinds: AgencyKind::ALL
            .iter()
            .map(|k| (kind_key(*k), k.label()))
            .collect(),
        errors,
        name,
    };
    Ok(Html(page.render()?).into_response())
}

/// The agencies.
pub async fn agencies(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    agencies_page(&state, &p, Vec::new(), String::new()).await
}

/// The agency form as posted.
#[derive(Deserialize)]
pub struct AgencyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

/// Adds an agency.
pub async fn agency_submit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<AgencyForm>,
) -> Result<Response, WebError> {
    let name = form.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.len() > 200 {
        errors.push((
            "name",
            "Enter the agency's name (200 characters or fewer)".to_owned(),
        ));
    }
    let kind = AgencyKind::ALL
        .into_iter()
        .find(|k| kind_key(*k) == form.kind);
    if kind.is_none() {
        errors.push(("kind", "Choose the type of agency".to_owned()));
    }
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        return agencies_page(&state, &p, errors, name).await;
    };
    let id = Uuid::new_v4();
    state
        .store()
        .upsert_agency(AgencyRow {
            id,
            partnership_id: p.partnership_id.as_uuid(),
            kind: kind_key(kind).to_owned(),
            name,
            active: true,
        })
        .await?;
    audit(&state, &p, "agency-added", format!("agency {id}"), &source).await?;
    Ok(Redirect::to("/admin/agencies").into_response())
}

fn dates_text(dates: &[time::Date]) -> String {
    dates
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn settings_page(
    state: &AppState,
    p: &Principal,
    form: &SettingsForm,
    errors: Vec<(&'static str, String)>,
    success: Option<String>,
) -> Result<Response, WebError> {
    FormPage {
        chrome: Chrome::signed_in(state, p, "/admin"),
        heading: "Partnership settings",
        intro: vec!["Statutory timescales are fixed by law; these are the partnership's own.".to_owned()],
        action: "/admin/settings".to_owned(),
        fields: vec![
            Field::new("summary_day", "Working day of the rapid review on which agency summaries are due", FieldKind::Text, form.summary_day.clone())
                .hint("A number from 1 to 15. Counted from the notification to the National Panel."),
            Field::new("contribution_days", "Working days agencies have for other contributions", FieldKind::Text, form.contribution_days.clone())
                .hint("Scoping forms, agency reports, chronologies and factual-accuracy responses. From 1 to 60."),
            Field::new("closure_days", "Days the partnership is closed", FieldKind::Textarea, form.closure_days.clone())
                .hint("One date a line, like 2026-12-29. Bank holidays are already counted."),
            Field::new("meetings", "Review subgroup meetings", FieldKind::Textarea, form.meetings.clone())
                .hint("One date a line, like 2027-01-14. Referrals for scoping go to the next meeting."),
            Field::new("remind_days", "Working days before an action is due to remind its agency", FieldKind::Text, form.remind_days.clone())
                .hint("From 0 (no early reminder) to 30. Agencies are also reminded on the day and when an action is overdue."),
            Field::new("escalate_days", "Working days an action is overdue before the agency's subgroup member is told", FieldKind::Text, form.escalate_days.clone())
                .hint("From 1 to 30."),
            Field::new("request_remind_days", "Working days before a request to an agency is due to remind the agency", FieldKind::Text, form.request_remind_days.clone())
                .hint("From 0 (no early reminder) to 30. Agencies are emailed when asked, on the day and when a request is overdue."),
            Field::new("request_escalate_days", "Working days a request is overdue before the agency's subgroup member is told", FieldKind::Text, form.request_escalate_days.clone())
                .hint("From 1 to 30."),
            Field::new("themes", "Learning themes", FieldKind::Textarea, form.themes.clone())
                .hint("One theme a line. Cases, recommendations and actions are tagged with these; removing one here leaves it on the cases that have it."),
        ],
        errors,
        submit: "Save settings",
        success,
        back: Some("/admin"),
        links: Vec::new(),
        buttons: Vec::new(),
    }
    .render_page()
}

/// The settings form as posted (and as shown).
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    summary_day: String,
    #[serde(default)]
    contribution_days: String,
    #[serde(default)]
    closure_days: String,
    #[serde(default)]
    meetings: String,
    #[serde(default)]
    themes: String,
    #[serde(default)]
    remind_days: String,
    #[serde(default)]
    escalate_days: String,
    #[serde(default)]
    request_remind_days: String,
    #[serde(default)]
    request_escalate_days: String,
}

/// The settings.
pub async fn settings_form(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Result<Response, WebError> {
    let app = state.app();
    let form = SettingsForm {
        summary_day: app.settings().agency_summary_due_working_day.to_string(),
        contribution_days: app.settings().contribution_working_days.to_string(),
        closure_days: dates_text(&app.calendar().closure_days().collect::<Vec<_>>()),
        meetings: dates_text(&app.settings().subgroup_meetings),
        themes: app.settings().themes.join("\n"),
        remind_days: String::new(),
        escalate_days: String::new(),
        request_remind_days: String::new(),
        request_escalate_days: String::new(),
    };
    let rules = crate::jobs::ReminderRules::from_settings(
        state
            .store()
            .partnership_settings(p.partnership_id.as_uuid())
            .await?
            .as_ref(),
    );
    let form = SettingsForm {
        remind_days: rules.before_due_working_days.to_string(),
        escalate_days: rules.escalate_after_working_days.to_string(),
        request_remind_days: rules.request_before_due_working_days.to_string(),
        request_escalate_days: rules.request_escalate_after_working_days.to_string(),
        ..form
    };
    settings_page(&state, &p, &form, Vec::new(), None)
}

fn parse_dates(text: &str) -> Result<Vec<time::Date>, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let d = time::Date::parse(line, format)
            .map_err(|_| format!("Line {} is not a date like 2026-12-29", i + 1))?;
        out.push(d);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Saves the settings; deadlines of every case are recomputed.
pub async fn settings_submit(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Extension(source): Extension<Source>,
    ValidForm(form): ValidForm<SettingsForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let summary_day = form
        .summary_day
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=15).contains(d));
    if summary_day.is_none() {
        errors.push((
            "summary_day",
            "Enter a whole number of working days from 1 to 15".to_owned(),
        ));
    }
    let contribution_days = form
        .contribution_days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=60).contains(d));
    if contribution_days.is_none() {
        errors.push((
            "contribution_days",
            "Enter a whole number of working days from 1 to 60".to_owned(),
        ));
    }
    let closure = parse_dates(&form.closure_days)
        .map_err(|m| errors.push(("closure_days", m)))
        .ok();
    let meetings = parse_dates(&form.meetings)
        .map_err(|m| errors.push(("meetings", m)))
        .ok();
    // Left empty: the defaults (5 and 5).
    let days = |text: &str| {
        let text = text.trim();
        if text.is_empty() {
            Some(5)
        } else {
            text.parse::<u32>().ok()
        }
    };
    let remind_days = days(&form.remind_days).filter(|d| *d <= 30);
    if remind_days.is_none() {
        errors.push((
            "remind_days",
            "Enter a whole number of working days from 0 to 30".to_owned(),
        ));
    }
    let escalate_days = days(&form.escalate_days).filter(|d| (1..=30).contains(d));
    if escalate_days.is_none() {
        errors.push((
            "escalate_days",
            "Enter a whole number of working days from 1 to 30".to_owned(),
        ));
    }
    // Requests to agencies: left empty, the defaults (3 and 3).
    let request_days = |text: &str| {
        let text = text.trim();
        if text.is_empty() {
            Some(3)
        } else {
            text.parse::<u32>().ok()
        }
    };
    let request_remind_days = request_days(&form.request_remind_days).filter(|d| *d <= 30);
    if request_remind_days.is_none() {
        errors.push((
            "request_remind_days",
            "Enter a whole number of working days from 0 to 30".to_owned(),
        ));
    }
    let request_escalate_days =
        request_days(&form.request_escalate_days).filter(|d| (1..=30).contains(d));
    if request_escalate_days.is_none() {
        errors.push((
            "request_escalate_days",
            "Enter a whole number of working days from 1 to 30".to_owned(),
        ));
    }
    let mut themes: Vec<String> = form
        .themes
        .lines()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    themes.sort_by_key(|t| t.to_lowercase());
    themes.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if let Some(long) = themes.iter().find(|t| t.chars().count() > 100) {
        errors.push((
            "themes",
            format!(
                "A theme must be 100 characters or fewer: {}…",
                long.chars().take(30).collect::<String>()
            ),
        ));
    } else if themes.is_empty() {
        errors.push(("themes", "Enter at least one learning theme".to_owned()));
    }
    let (Some(summary_day), Some(contribution_days), Some(closure), Some(meetings), true) = (
        summary_day,
        contribution_days,
        closure,
        meetings,
        errors.is_empty(),
    ) else {
        return settings_page(&state, &p, &form, errors, None);
    };
    let app = state.app();
    let settings = Settings {
        agency_summary_due_working_day: summary_day,
        contribution_working_days: contribution_days,
        subgroup_meetings: meetings,
        themes,
        ..app.settings().clone()
    };
    let stored = cspr_app::settings::StoredSettings {
        settings: settings.clone(),
        closure_days: closure.clone(),
        reminders: cspr_app::settings::ReminderRules {
            before_due_working_days: remind_days.unwrap_or(5),
            escalate_after_working_days: escalate_days.unwrap_or(5),
            request_before_due_working_days: request_remind_days.unwrap_or(3),
            request_escalate_after_working_days: request_escalate_days.unwrap_or(3),
            ..cspr_app::settings::ReminderRules::default()
        },
    };
    cspr_app::settings::save(state.services(), &stored, state.actor(p.user_id))
        .await
        .map_err(crate::WebError::from)?;
    audit(
        &state,
        &p,
        "settings-changed",
        "partnership settings".to_owned(),
        &source,
    )
    .await?;
    settings_page(
        &state,
        &p,
        &form,
        Vec::new(),
        Some("The settings are saved and every deadline has been recalculated".to_owned()),
    )
}
