//! Whole cases in Chromium, as the people who would do each step: the partnership team, the
//! chair, a safeguarding partner and the independent reviewer sign in with their password and
//! authenticator code, find the action on the case page, fill in its form and see the case
//! move on. Every page type is checked with axe-core; screenshots go to target/screenshots/.
//! The steps are the same as case_forms.rs drives over HTTP (flows/).

use crate::browser_support::{SECRET, Site, Web};
use crate::common::assert_contains;
use crate::flows::{Step, Who};
use cspr_domain::case::model::CaseRole;
use cspr_web::access::Role;
use uuid::Uuid;

struct Cast {
    partner: Uuid,
    reviewer: Uuid,
}

fn email(who: Who) -> &'static str {
    match who {
        Who::Team => "jordan.lee@northshire.example",
        Who::Chair => "morgan.hughes@northshire.example",
        Who::Partner => "taylor.brooks@northshire.example",
        Who::Reviewer => "alex.reid@northshire.example",
    }
}

async fn cast(site: &Site) -> Cast {
    site.app.demo_people().await;
    let ids = site
        .people(&[
            (Role::PartnershipTeam, email(Who::Team), "Jordan Lee", None),
            (Role::Chair, email(Who::Chair), "Morgan Hughes", None),
            (
                Role::SafeguardingPartner,
                email(Who::Partner),
                "Taylor Brooks",
                None,
            ),
            (
                Role::IndependentReviewer,
                email(Who::Reviewer),
                "Alex Reid",
                None,
            ),
        ])
        .await;
    let (partner, reviewer) = (ids[2], ids[3]);
    // The cases begin in March 2025; the clock moves on with them.
    site.app
        .set_now(time::macros::datetime!(2025-03-01 09:00 UTC));
    Cast { partner, reviewer }
}

/// Signs in as someone (a minute later, so an authenticator code is never used twice).
async fn sign_in_as(web: &Web, site: &Site, who: Who) {
    web.sign_in(site, email(who), SECRET, "/dashboard").await;
}

/// Answers a form the way a person would: types text, clicks radios and checkboxes (through
/// the page's own script, which also opens their conditional questions), chooses options.
/// Form answers as [`answer`] takes them.
fn owned(answers: &[(&str, &str)]) -> Vec<(String, String)> {
    answers
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

async fn answer(web: &Web, answers: &[(String, String)]) {
    for (name, value) in answers {
        let sel = format!("[name=\"{name}\"]");
        let kind = web
            .js(&format!(
                "const e = document.querySelector('{}'); return e ? (e.tagName + ':' + (e.type || '')) : 'missing';",
                sel.replace('\'', "\\'")
            ))
            .await;
        let kind = kind.as_str().unwrap_or_default().to_owned();
        match kind.as_str() {
            "INPUT:radio" | "INPUT:checkbox" => {
                let clicked = web
                    .js(&format!(
                        "const e = document.querySelector('[name=\"{name}\"][value=\"{value}\"]'); if (!e) return false; e.click(); return true;"
                    ))
                    .await;
                assert_eq!(
                    clicked.as_bool(),
                    Some(true),
                    "no choice {value} for {name}"
                );
            }
            "INPUT:hidden" | "SELECT:select-one" => {
                let v = value.replace('\\', "\\\\").replace('\'', "\\'");
                web.js(&format!(
                    "document.querySelector('[name=\"{name}\"]').value = '{v}'; return true;"
                ))
                .await;
            }
            "missing" => panic!("the form has no question {name}"),
            _ => web.fill(&sel, value).await,
        }
    }
}

/// Runs the steps in the browser; returns the case id. `check` names the steps after which
/// the case page is checked with axe and photographed.
async fn run(web: &mut Web, site: &Site, steps: &[Step], tag: &str, start: Option<Uuid>) -> Uuid {
    let mut case: Option<Uuid> = start;
    let mut signed_in: Option<(Who, time::Date)> = None;
    let mut seen_forms = 0;
    for (i, s) in steps.iter().enumerate() {
        if let Some(day) = s.day() {
            site.app.move_on_to(day);
        }
        let today = site.app.now().date();
        if signed_in != Some((s.who, today)) {
            sign_in_as(web, site, s.who).await;
            signed_in = Some((s.who, site.app.now().date()));
        }
        if let Some(slug) = s.form.strip_prefix("new:") {
            web.goto("/dashboard").await;
            web.click(&format!("main a[href='/cases/new/{slug}']"))
                .await;
        } else if s.form == "members" {
            let id = case.unwrap_or_else(|| panic!("no case yet"));
            web.goto(&format!("/cases/{id}/members")).await;
            answer(web, &s.answers).await;
            web.click("main form[action$='/members'] button[type=submit]")
                .await;
            continue;
        } else if let Some(rest) = s.form.strip_prefix("publication/") {
            // Publication has its own pages (routes/publication/), reached from the case page.
            let id = case.unwrap_or_else(|| panic!("no case yet"));
            web.goto(&format!("/cases/{id}/publication")).await;
            match rest {
                "accept-rest" => {
                    web.click("main a[href$='/publication/review']").await;
                }
                "publish" => web.click("#publish-link").await,
                _ => {}
            }
        } else {
            // The action is offered on the case page to the person whose part it is.
            let id = case.unwrap_or_else(|| panic!("no case yet"));
            web.goto(&format!("/cases/{id}")).await;
            web.click(&format!(
                "#case-actions a[href='/cases/{id}/actions/{}']",
                s.form
            ))
            .await;
        }
        if seen_forms < 3 || s.form == "decide-on-local-review" || s.form == "submit-report-draft" {
            web.axe(&format!("{tag} form {}", s.form)).await;
            web.screenshot(&format!("{tag}-form-{}", s.form.trim_start_matches("new:")))
                .await;
            seen_forms += 1;
        }
        answer(web, &s.answers).await;
        match s.form.strip_prefix("publication/") {
            Some(rest) => {
                web.click(&format!(
                    "main form[action$='/publication/{rest}'] button.govuk-button"
                ))
                .await;
            }
            None => {
                web.click("main form[method=post] button.govuk-button")
                    .await;
            }
        }
        let path = web.path().await;
        if !path.starts_with("/cases/") || path.contains("/actions/") || path.contains("/new/") {
            let errors = web.text("main").await;
            panic!("step {i} {} was refused: {errors}", s.form);
        }
        if s.form.starts_with("new:") {
            let id = path
                .trim_start_matches("/cases/")
                .split(['?', '/'])
                .next()
                .unwrap_or_default();
            case = Some(Uuid::parse_str(id).unwrap_or_else(|e| panic!("case id {id}: {e}")));
        }
        let banner = web.text(".govuk-notification-banner--success").await;
        assert!(!banner.is_empty(), "step {i} {}: no banner", s.form);
        if !s.expect.is_empty() {
            let main = web.text("main").await;
            assert!(
                main.contains(s.expect),
                "step {i} {}: the case page does not show {:?}",
                s.form,
                s.expect
            );
        }
        if matches!(
            s.form,
            "triage-referral" | "decide-on-local-review" | "publish" | "close-case"
        ) {
            web.axe(&format!("{tag} case after {}", s.form)).await;
            web.screenshot(&format!("{tag}-case-after-{}", s.form))
                .await;
        }
    }
    case.unwrap_or_else(|| panic!("no case was opened"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notified_incident_goes_through_a_local_review_to_closure() {
    let site = Site::start().await;
    let cast = cast(&site).await;
    let mut web = Web::open(&site.server.base).await;
    let steps = crate::flows::local_review(&cast.partner.to_string(), &cast.reviewer.to_string());
    let case = run(&mut web, &site, &steps, "local-review", None).await;

    // The closed case: every stage done, its story told, its decisions printable.
    web.goto(&format!("/cases/{case}")).await;
    assert_eq!(web.h1().await, "Case CSPR-2025-001");
    let progress = web.text("#progress").await;
    assert!(progress.contains("Rapid review") && progress.contains("Action plan"));
    // The timeline shows its latest entries first; the earliest are on its later pages,
    // reached by its "Next" link.
    let mut timeline = web.text("#timeline").await;
    for _ in 0..20 {
        let next = web
            .find_all("nav[aria-label='Pages of the timeline'] a[rel='next']")
            .await;
        let Some(next) = next.into_iter().next() else {
            break;
        };
        next.click().await.expect("the timeline's next page");
        timeline.push_str(&web.text("#timeline").await);
    }
    for phrase in [
        "became aware of a serious incident",
        "hold a local review",
        "Harper Visitor",
    ] {
        assert!(
            timeline.contains(phrase),
            "timeline lacks {phrase:?}: {timeline}"
        );
    }
    web.goto(&format!("/cases/{case}/print?view=decisions"))
        .await;
    assert_eq!(web.h1().await, "Chronology of decisions");
    web.axe("print view of decisions").await;
    web.screenshot("print-decisions").await;
    web.goto(&format!("/cases/{case}/print")).await;
    assert_eq!(web.h1().await, "Case summary");
    web.axe("print view of the case").await;
    web.screenshot("print-summary").await;

    // A form sent with mistakes: the error summary, the typed answers kept.
    web.goto("/cases/new/record-serious-incident").await;
    web.fill("[name='incident.place']", "Kept as typed").await;
    web.click("main form[method=post] button.govuk-button")
        .await;
    assert!(web.title().await.starts_with("Error: "));
    let summary = web.text(".govuk-error-summary").await;
    assert_contains(&summary, "Enter date of the incident");
    let kept = web
        .js("return document.querySelector('[name=\"incident.place\"]').value;")
        .await;
    assert_eq!(kept.as_str(), Some("Kept as typed"));
    web.axe("form with errors").await;
    web.screenshot("form-with-errors").await;

    web.goto("/dashboard").await;
    web.axe("dashboard after a case").await;
    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_is_scoped_at_the_meeting_and_ends_in_no_further_action() {
    let site = Site::start().await;
    cast(&site).await;
    let mut web = Web::open(&site.server.base).await;
    let steps = crate::flows::scoping_no_further_action();
    let upto = steps
        .iter()
        .position(|s| s.form == "hold-scoping-meeting")
        .unwrap_or_else(|| panic!("no scoping meeting step"));
    let case = run(&mut web, &site, &steps[..upto], "scoping", None).await;

    // The subgroup meets: the case is on the agenda, and the outcome is recorded there.
    site.app
        .set_now(time::macros::datetime!(2025-09-11 10:00 UTC));
    sign_in_as(&web, &site, Who::Chair).await;
    web.click(".govuk-service-navigation a[href='/meetings']")
        .await;
    assert_eq!(web.h1().await, "Review subgroup meetings");
    web.axe("meetings").await;
    web.screenshot("meetings").await;
    web.click("#upcoming a[href='/meetings/2025-09-11']").await;
    assert_contains(&web.h1().await, "11 September 2025");
    let agenda = web.text("#agenda").await;
    assert_contains(&agenda, "Scoping and a decision on a local review");
    web.axe("meeting agenda").await;
    web.screenshot("meeting-agenda").await;
    let form = format!("main form[action='/meetings/2025-09-11/cases/{case}']");
    web.fill(
        &format!("{form} [name=notes]"),
        "Learning is known and in hand.",
    )
    .await;
    web.js(&format!(
        "document.querySelector(\"{form} [name=outcome][value=no-further-action]\").click(); return true;"
    ))
    .await;
    web.fill(
        &format!("{form} [name=reasons]"),
        "A briefing will share it.",
    )
    .await;
    web.click(&format!("{form} button")).await;
    let banner = web.text(".govuk-notification-banner--success").await;
    assert_contains(&banner, "Outcome recorded");
    assert_contains(
        &web.text("main").await,
        "No case is waiting for this meeting.",
    );

    // The team closes the case.
    let close = &steps[steps.len() - 1];
    run(
        &mut web,
        &site,
        std::slice::from_ref(close),
        "scoping-close",
        Some(case),
    )
    .await;
    web.goto(&format!("/cases/{case}")).await;
    let progress = web.text("#progress").await;
    assert_contains(&progress, "Not needed");
    web.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_is_progressed_evidenced_and_signed_off() {
    use cspr_domain::case::Command;
    let site = Site::start().await;
    cast(&site).await;
    // A local review up to its first agreed action (Northshire Community Health's).
    let case = site
        .app
        .example("CSPR-2025-001")
        .through(|c| matches!(c, Command::AgreeAction { .. }))
        .await;
    // The health agency's safeguarding lead, a member of the case for their agency.
    let lead = site
        .app
        .user(Role::AgencyRepresentative)
        .email("casey.morgan@northshire.example")
        .secret(SECRET)
        .create()
        .await;
    site.app
        .grant(
            case,
            lead,
            CaseRole::AgencyRepresentative,
            Some(cspr_domain::examples::HEALTH),
        )
        .await;
    let id = case.as_uuid();
    let mut web = Web::open(&site.server.base).await;

    // The lead records progress from their task on the dashboard.
    site.app.set_day(time::macros::date!(2025 - 08 - 15));
    web.sign_in(
        &site,
        "casey.morgan@northshire.example",
        SECRET,
        "/dashboard",
    )
    .await;
    let tasks = web.text("#tasks").await;
    assert_contains(&tasks, "Update the safe sleep guidance");
    web.click("#tasks a[href$='/actions/record-action-progress']")
        .await;
    web.axe("progress form").await;
    answer(
        &web,
        &owned(&[
            ("note", "Guidance drafted and shared with the team."),
            ("on-day", "15"),
            ("on-month", "8"),
            ("on-year", "2025"),
        ]),
    )
    .await;
    web.js("document.querySelector('[name=\"action_id\"]').click(); return true;")
        .await;
    web.click("main form[method=post] button.govuk-button")
        .await;
    assert_contains(
        &web.text(".govuk-notification-banner--success").await,
        "Progress recorded",
    );

    // Then attaches the new guidance as a file of evidence.
    web.click("#action-plan a[href^='/cases/']").await;
    assert!(
        web.path()
            .await
            .starts_with(&format!("/cases/{id}/evidence/"))
    );
    web.axe("evidence upload").await;
    web.screenshot("evidence-upload").await;
    let _dir = web
        .choose_file(
            "#file",
            "safe-sleep-guidance.pdf",
            b"%PDF-1.4\n% cspr test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
        )
        .await;
    web.click("main form[method=post] button.govuk-button")
        .await;
    assert!(web.path().await.starts_with(&format!("/cases/{id}?")));
    let plan = web.text("#action-plan").await;
    assert_contains(&plan, "safe-sleep-guidance.pdf");

    // The chair signs the action off with its evidence of impact.
    site.app.set_day(time::macros::date!(2025 - 09 - 15));
    sign_in_as(&web, &site, Who::Chair).await;
    web.goto(&format!("/cases/{id}")).await;
    web.click(&format!(
        "#case-actions a[href='/cases/{id}/actions/complete-action']"
    ))
    .await;
    web.js("document.querySelector('[name=\"action_id\"]').click(); return true;")
        .await;
    answer(
        &web,
        &owned(&[
            (
                "evidence_of_impact",
                "Audit: safe sleep advice recorded at 96% of new birth visits.",
            ),
            ("completed_on-day", "15"),
            ("completed_on-month", "9"),
            ("completed_on-year", "2025"),
        ]),
    )
    .await;
    web.click("main form[method=post] button.govuk-button")
        .await;
    let plan = web.text("#action-plan").await;
    assert_contains(&plan, "Impact evidenced");
    web.axe("case with its action plan").await;
    web.screenshot("action-plan").await;

    // The tracker and the yearly figures reflect it.
    web.click(".govuk-service-navigation a[href='/actions']")
        .await;
    let tracker = web.text("#actions").await;
    assert_contains(&tracker, "Update the safe sleep guidance");
    assert_contains(&tracker, "Impact evidenced");
    web.axe("action tracker").await;
    web.screenshot("action-tracker").await;
    web.goto("/figures?from=2025-04-01&to=2026-03-31").await;
    assert_eq!(web.h1().await, "Yearly figures");
    let figures = web.text("main").await;
    assert_contains(&figures, "1 April 2025");
    web.axe("yearly figures").await;
    web.screenshot("yearly-figures").await;
    web.goto("/themes").await;
    assert_eq!(web.h1().await, "Recurrent learning themes");
    assert_contains(&web.text("#themes").await, "information sharing");
    web.axe("recurrent themes").await;
    web.screenshot("recurrent-themes").await;
    web.finish().await;
}
