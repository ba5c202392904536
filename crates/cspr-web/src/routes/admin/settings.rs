//! The partnership's settings: closure days, local timescales and the meeting calendar.

use crate::ValidForm;
use crate::extract::Signed;
use axum::response::Response;
use cspr_domain::settings::Settings;
use serde::Deserialize;

use super::audit;
use crate::access::Principal;
use crate::layout::Chrome;
use crate::routes::form::{Field, FieldKind, FormPage};
use crate::{AppState, WebError};

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
            Field::new("case_years", "Years a case's records are kept after it closes", FieldKind::Text, form.case_years.clone())
                .hint("From 1 to 99 (default 7). Then its personal data is erased, unless a legal hold keeps it. Erasure cannot be undone."),
            Field::new("access_log_years", "Years the access log is kept", FieldKind::Text, form.access_log_years.clone())
                .hint("From 1 to 99 (default 7). Older entries are erased; the log still verifies."),
            Field::new("withdrawn_report_years", "Years the record of a withdrawn report is kept after withdrawal", FieldKind::Text, form.withdrawn_report_years.clone())
                .hint("From 1 to 99 (default 1). Reports online are kept while they are online."),
            Field::new("link_days", "Days a practitioner link's record is kept after it is used or expires", FieldKind::Text, form.link_days.clone())
                .hint("From 1 to 3650 (default 90). It holds the practitioner's email address."),
            Field::new("passkeys", "How the partnership team, chairs and administrators sign in", FieldKind::Select(vec![
                ("any".to_owned(), "Password and code, or a passkey".to_owned()),
                ("required".to_owned(), "A passkey only".to_owned()),
            ]), form.passkeys.clone())
                .hint("A passkey cannot be used by a site that imitates this one. With \"A passkey only\", someone without one adds one at their next sign-in."),
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
#[serde(default)]
pub struct SettingsForm {
    summary_day: String,
    contribution_days: String,
    closure_days: String,
    meetings: String,
    themes: String,
    remind_days: String,
    escalate_days: String,
    request_remind_days: String,
    request_escalate_days: String,
    case_years: String,
    access_log_years: String,
    withdrawn_report_years: String,
    link_days: String,
    passkeys: String,
}

/// The settings.
pub async fn settings_form(Signed(state, p, _): Signed) -> Result<Response, WebError> {
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
        case_years: app
            .settings()
            .retention
            .case_years_after_closure
            .to_string(),
        access_log_years: app.settings().retention.access_log_years.to_string(),
        withdrawn_report_years: app.settings().retention.withdrawn_report_years.to_string(),
        link_days: app.settings().retention.practitioner_link_days.to_string(),
        passkeys: if app.settings().require_passkeys {
            "required"
        } else {
            "any"
        }
        .to_owned(),
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

/// A number of working days typed in a box: a whole number from `low` to `high`, or `default`
/// when the box is left empty (where there is one).
fn working_days(text: &str, default: Option<u32>, range: (u32, u32)) -> Result<u32, String> {
    whole(text, default, range, "working days")
}

/// A whole number of `unit` typed in a box, from `low` to `high`, or `default` when empty.
fn whole<T>(text: &str, default: Option<T>, (low, high): (T, T), unit: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let text = text.trim();
    let n = if text.is_empty() {
        default
    } else {
        text.parse::<T>().ok()
    };
    n.filter(|d| (low..=high).contains(d))
        .ok_or_else(|| format!("Enter a whole number of {unit} from {low} to {high}"))
}

/// The retention schedule as typed (empty boxes: the defaults); each box's own error.
fn retention(
    form: &SettingsForm,
    errors: &mut Vec<(&'static str, String)>,
) -> Option<cspr_domain::retention::Retention> {
    use cspr_domain::retention::{LINK_DAYS, Retention, YEARS};
    let d = Retention::default();
    let mut years = |field: &'static str, text: &str, default: u8| {
        whole(text, Some(default), YEARS, "years")
            .map_err(|m| errors.push((field, m)))
            .ok()
    };
    let case = years("case_years", &form.case_years, d.case_years_after_closure);
    let log = years(
        "access_log_years",
        &form.access_log_years,
        d.access_log_years,
    );
    let withdrawn = years(
        "withdrawn_report_years",
        &form.withdrawn_report_years,
        d.withdrawn_report_years,
    );
    let links = whole(
        &form.link_days,
        Some(d.practitioner_link_days),
        LINK_DAYS,
        "days",
    )
    .map_err(|m| errors.push(("link_days", m)))
    .ok();
    Some(Retention {
        case_years_after_closure: case?,
        access_log_years: log?,
        withdrawn_report_years: withdrawn?,
        practitioner_link_days: links?,
    })
}

/// Saves the settings; deadlines of every case are recomputed.
pub async fn settings_submit(
    Signed(state, p, source): Signed,
    ValidForm(form): ValidForm<SettingsForm>,
) -> Result<Response, WebError> {
    let mut errors = Vec::new();
    let mut days = |field: &'static str, text: &str, default: Option<u32>, range: (u32, u32)| {
        working_days(text, default, range)
            .map_err(|m| errors.push((field, m)))
            .ok()
    };
    let summary_day = days("summary_day", &form.summary_day, None, (1, 15));
    let contribution_days = days("contribution_days", &form.contribution_days, None, (1, 60));
    // Reminders left empty: the defaults (5 and 5); requests to agencies: 3 and 3.
    let remind_days = days("remind_days", &form.remind_days, Some(5), (0, 30));
    let escalate_days = days("escalate_days", &form.escalate_days, Some(5), (1, 30));
    let request_remind_days = days(
        "request_remind_days",
        &form.request_remind_days,
        Some(3),
        (0, 30),
    );
    let request_escalate_days = days(
        "request_escalate_days",
        &form.request_escalate_days,
        Some(3),
        (1, 30),
    );
    let closure = parse_dates(&form.closure_days)
        .map_err(|m| errors.push(("closure_days", m)))
        .ok();
    let meetings = parse_dates(&form.meetings)
        .map_err(|m| errors.push(("meetings", m)))
        .ok();
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
    let require_passkeys = match form.passkeys.as_str() {
        "required" if state.passkeys().is_none() => {
            errors.push(("passkeys", "Passkeys are not available on this service: its web address (public_url) must be set to its domain first".to_owned()));
            None
        }
        "required" => Some(true),
        "any" => Some(false),
        // Not sent (a form from before the setting existed): as it is.
        "" => Some(state.app().settings().require_passkeys),
        _ => {
            errors.push((
                "passkeys",
                "Choose how the partnership team, chairs and administrators sign in".to_owned(),
            ));
            None
        }
    };
    let retention = retention(&form, &mut errors);
    let (
        Some(summary_day),
        Some(contribution_days),
        Some(closure),
        Some(meetings),
        Some(retention),
        Some(require_passkeys),
        true,
    ) = (
        summary_day,
        contribution_days,
        closure,
        meetings,
        retention,
        require_passkeys,
        errors.is_empty(),
    )
    else {
        return settings_page(&state, &p, &form, errors, None);
    };
    let app = state.app();
    let settings = Settings {
        agency_summary_due_working_day: summary_day,
        contribution_working_days: contribution_days,
        subgroup_meetings: meetings,
        themes,
        retention,
        require_passkeys,
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
    cspr_app::settings::save(state.services(), &stored, state.actor_for(&p))
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
