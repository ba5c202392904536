//! What the case page says about the case beyond its stage: warnings that need someone to act
//! (a referral that looks notifiable, a statutory deadline missed with no reason recorded) and
//! the facts that change how the case runs (the Panel's answer, a national review, a
//! cross-border arrangement, extensions, reasons for lateness, reopenings, publication during a
//! parallel process).

use cspr_domain::calendar::Calendar;
use cspr_domain::case::Case;
use cspr_domain::case::model::{CrossBorder, Lead, PanelAnswer};
use cspr_domain::settings::Settings;
use cspr_domain::words::long_date;
use time::Date;

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// Warnings for the top of the case page.
#[must_use]
pub fn warnings(case: &Case, calendar: &Calendar, settings: &Settings, today: Date) -> Vec<String> {
    let mut out: Vec<String> = cspr_domain::case::unnotified_referral_warning(case)
        .into_iter()
        .collect();
    for (which, d) in cspr_domain::deadlines::missed_without_reason(case, calendar, settings, today)
    {
        out.push(format!(
            "{} was due on {} and was late. Record why: the reason is shown in the yearly figures.",
            capital(which.label()),
            long_date(d.due)
        ));
    }
    out
}

/// (what, the fact) rows for "About this case".
#[must_use]
pub fn notes(case: &Case) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let (Some(answer), Some((_, comments, on))) = (case.panel_answer(), &case.panel_response) {
        let what = match answer {
            PanelAnswer::Agrees => "Agrees with the decision",
            PanelAnswer::Disagrees => "Disagrees with the decision",
            PanelAnswer::MoreInformation => "Asked for more information",
            PanelAnswer::NationalReview => {
                "Took the case as a national review: the partnership contributes, and the local review's six-month aim does not apply"
            }
        };
        let said = comments
            .as_ref()
            .map(|c| format!(" {}", c.as_str()))
            .unwrap_or_default();
        out.push((
            "The National Panel's answer".to_owned(),
            format!("{what} ({}).{said}", long_date(*on)),
        ));
    }
    if !case.rapid_review_resubmitted.is_empty() {
        let days: Vec<String> = case
            .rapid_review_resubmitted
            .iter()
            .map(|d| long_date(*d))
            .collect();
        out.push(("Rapid review sent again".to_owned(), days.join(", ")));
    }
    match &case.cross_border {
        Some(CrossBorder::ChildFromAnotherArea {
            other_partnership,
            lead,
        }) => out.push((
            "Cross-border".to_owned(),
            match lead {
                Lead::Us => format!(
                    "The child is from {}'s area; this partnership leads and it collaborates.",
                    other_partnership.as_str()
                ),
                Lead::Them => format!(
                    "The child is from {}'s area, which leads: this partnership collaborates, and the notification and rapid review deadlines are the lead partnership's.",
                    other_partnership.as_str()
                ),
            },
        )),
        Some(CrossBorder::HarmedOutsideEngland { country }) => out.push((
            "Cross-border".to_owned(),
            format!(
                "A child normally living here was harmed outside England ({}); the incident is still notifiable.",
                country.as_str()
            ),
        )),
        None => {}
    }
    for e in &case.local_review_extensions {
        out.push((
            "Local review extended".to_owned(),
            format!(
                "To {}, decided {}, because of {}: {}",
                long_date(e.new_due_on),
                long_date(e.decided_on),
                e.reason.label(),
                e.explanation.as_str()
            ),
        ));
    }
    for (which, reason) in &case.lateness_reasons {
        out.push((
            format!("Why {} was late", which.label()),
            reason.as_str().to_owned(),
        ));
    }
    for (on, reason) in &case.reopenings {
        out.push((
            "Reopened".to_owned(),
            format!(
                "{}{}",
                long_date(*on),
                reason
                    .as_ref()
                    .map(|r| format!(": {}", r.as_str()))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(why) = &case.published_despite {
        out.push((
            "Published during a parallel process".to_owned(),
            why.as_str().to_owned(),
        ));
    }
    out
}
