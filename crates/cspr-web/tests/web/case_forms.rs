//! The forms of every stage, over HTTP: two whole cases as their people would run them, then
//! what a form does with bad input, a stale page, a person not allowed to act, and the case
//! page, print views and dashboard filters that show the result.

use crate::common::{
    TestApp, account, assert_contains, between, body, error_summary, location, signed_in,
};
use crate::flows::{Step, Who};
use axum::body::Body;
use axum::http::{Response, StatusCode};
use cspr_web::access::Role;
use uuid::Uuid;

struct People {
    team: Uuid,
    chair: Uuid,
    partner: Uuid,
    reviewer: Uuid,
    partner_id: Uuid,
    reviewer_id: Uuid,
}

async fn setup() -> (TestApp, People) {
    let t = TestApp::with_demo_people().await;
    let team = account(&t, Role::PartnershipTeam, "t@example.org").await;
    let chair = account(&t, Role::Chair, "c@example.org").await;
    let partner = account(&t, Role::SafeguardingPartner, "p@example.org").await;
    let reviewer = account(&t, Role::IndependentReviewer, "r@example.org").await;
    let people = People {
        team,
        chair,
        partner,
        reviewer,
        partner_id: partner,
        reviewer_id: reviewer,
    };
    // The cases start in March 2025; the clock moves on with them.
    t.set_now(time::macros::datetime!(2025-03-01 09:00 UTC));
    (t, people)
}

fn form(answers: &[(String, String)]) -> String {
    serde_urlencoded::to_string(answers).expect("encode")
}

/// A page as a person sees it.
async fn page_as(t: &TestApp, user: Uuid, path: &str) -> String {
    let cookie = t.session(user).await;
    body(t.get(path, Some(&cookie)).await).await
}

/// The sentences of the case page's timeline.
fn timeline(html: &str) -> String {
    html.split("moj-timeline__title\">")
        .skip(1)
        .filter_map(|s| s.split("</h3>").next())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Runs the steps; returns the case id.
async fn run(t: &TestApp, people: &People, steps: &[Step]) -> Uuid {
    let mut case: Option<Uuid> = None;
    let mut missing = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        if let Some(day) = s.day() {
            t.move_on_to(day);
        }
        // A fresh session each step: days pass between steps.
        let user = match s.who {
            Who::Team => people.team,
            Who::Chair => people.chair,
            Who::Partner => people.partner,
            Who::Reviewer => people.reviewer,
        };
        let cookie = &t.session(user).await;
        let team = &t.session(people.team).await;
        let path = if let Some(slug) = s.form.strip_prefix("new:") {
            format!("/cases/new/{slug}")
        } else if s.form == "members" {
            format!("/cases/{}/members", case.expect("case"))
        } else if s.form.starts_with("publication/") {
            format!("/cases/{}/{}", case.expect("case"), s.form)
        } else {
            format!("/cases/{}/actions/{}", case.expect("case"), s.form)
        };
        let mut answers = s.answers.clone();
        if let Some(rest) = s.form.strip_prefix("publication/") {
            // The page that holds the form draws first; its hidden scan key goes with it.
            let holder = match rest {
                "accept-rest" => "publication/review",
                "publish" => "publication/publish",
                _ => "publication",
            };
            let page = t
                .get(
                    &format!("/cases/{}/{holder}", case.expect("case")),
                    Some(cookie),
                )
                .await;
            assert_eq!(page.status(), StatusCode::OK, "step {i} {} page", s.form);
            let html = body(page).await;
            if let Some(at) = html.find("name=\"scan\" value=\"") {
                let key: String = html[at + 19..].chars().take_while(|c| *c != '"').collect();
                answers.push(("scan".to_owned(), key));
            }
        } else {
            // The form draws before it is sent.
            let page = t.get(&path, Some(cookie)).await;
            if s.form != "members" {
                assert_eq!(page.status(), StatusCode::OK, "step {i} {} form", s.form);
            }
        }
        let response = t.post(&path, Some(cookie), &form(&answers)).await;
        let status = response.status();
        let to = location(&response);
        if !status.is_redirection() {
            let html = body(response).await;
            panic!(
                "step {i} {} refused ({status}): {}",
                s.form,
                error_summary(&html)
            );
        }
        let to = to.expect("location");
        if s.form.starts_with("new:") {
            let id = to
                .trim_start_matches("/cases/")
                .split('?')
                .next()
                .expect("id");
            case = Some(Uuid::parse_str(id).expect("case id"));
        }
        if !s.expect.is_empty() {
            let page = body(t.get(&to, Some(team)).await).await;
            assert!(
                page.contains("govuk-notification-banner--success"),
                "step {i} {}: no success banner",
                s.form
            );
            if !page.contains(s.expect) {
                let tl = timeline(&page);
                missing.push(format!(
                    "step {i} {}: the case page does not show {:?}; latest: {}",
                    s.form,
                    s.expect,
                    tl.split(" | ").next().unwrap_or_default()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    case.expect("a case was opened")
}

#[tokio::test]
async fn a_local_review_from_notification_to_closure() {
    let (t, people) = setup().await;
    let case = run(&t, &people, &local_review(&people)).await;
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(
        page.contains("<span class=\"govuk-caption-l\">Closed</span>"),
        "stage shown"
    );
    // A closed case's remaining actions: taking the published report down, reopening it, and
    // keeping it from erasure with a legal hold.
    let offered = between(&page, r#"id="case-actions""#, "</ul>");
    assert_eq!(offered.matches("<li>").count(), 3, "{offered}");
    assert!(offered.contains("Take the published report down"));
    assert!(offered.contains("Reopen the case"));
    assert!(offered.contains("Place a legal hold"));
    // Every stage of a local review was passed through.
    assert_eq!(
        page.matches("Not needed").count(),
        1,
        "only scoping was skipped"
    );
    let decisions = page_as(
        &t,
        people.team,
        &format!("/cases/{case}/print?view=decisions"),
    )
    .await;
    assert!(decisions.contains("Chronology of decisions"));
    assert!(decisions.contains("hold a local review"));
    assert!(!decisions.contains("Harper Visitor"), "decisions only");
    let summary = page_as(&t, people.team, &format!("/cases/{case}/print")).await;
    assert!(summary.contains("Ada Example"));
    assert!(summary.contains("Harper Visitor"));
}

#[tokio::test]
async fn a_referral_that_is_scoped_and_needs_no_further_action() {
    let (t, people) = setup().await;
    let case = run(&t, &people, &crate::flows::scoping_no_further_action()).await;
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(page.contains("<span class=\"govuk-caption-l\">Closed</span>"));
    // Rapid review and the local review's stages were not needed.
    assert!(page.matches("Not needed").count() >= 5, "{page}");
}

/// Issue 15, defect 5: a case opened by referral with serious harm and abuse suspected gave no
/// warning that the incident must be notified to the National Panel. The case page says so
/// (with the 5 working days) until the team records that the referral is notifiable, which
/// the page then offers; after that the warning goes and the notification is awaited.
#[tokio::test]
async fn a_referral_that_looks_notifiable_warns_until_it_is_recorded_so() {
    let (t, people) = setup().await;
    let mut opening = crate::flows::scoping_no_further_action()[0].clone();
    for (name, value) in &mut opening.answers {
        if name == "opening.incident.abuse_or_neglect" {
            *value = "suspected".to_owned();
        }
    }
    let case = run(&t, &people, &[opening]).await;
    let path = format!("/cases/{case}");
    let page = page_as(&t, people.team, &path).await;
    assert_contains(&page, "This looks like a serious incident");
    assert_contains(&page, "within 5 working days");
    assert_contains(&page, "/actions/find-referral-notifiable");

    let recorded = post_as(
        &t,
        people.team,
        &format!("{path}/actions/find-referral-notifiable"),
        "version=1&became_aware_on-day=1&became_aware_on-month=8&became_aware_on-year=2025",
    )
    .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let page = page_as(&t, people.team, &path).await;
    assert!(
        !page.contains("This looks like a serious incident"),
        "{page}"
    );
}

async fn rapid_review_case(t: &TestApp, people: &People) -> Uuid {
    run_before(
        t,
        people,
        &local_review(people),
        "hold-rapid-review-meeting",
    )
    .await
}

/// The local review's steps, with these people's partner and reviewer.
fn local_review(people: &People) -> Vec<Step> {
    crate::flows::local_review(
        &people.partner_id.to_string(),
        &people.reviewer_id.to_string(),
    )
}

/// Runs `steps` up to (not including) the first step of the form `form`; returns the case id.
async fn run_before(t: &TestApp, people: &People, steps: &[Step], form: &str) -> Uuid {
    let upto = steps
        .iter()
        .position(|s| s.form == form)
        .unwrap_or_else(|| panic!("no step {form}"));
    run(t, people, &steps[..upto]).await
}

/// A case of the scoping flow, waiting for its scoping meeting.
async fn scoping_case(t: &TestApp, people: &People) -> Uuid {
    let steps = crate::flows::scoping_no_further_action();
    run_before(t, people, &steps, "hold-scoping-meeting").await
}

/// Posts the form of a case's action (`/cases/{case}/actions/{action}`) as a person, in a
/// new session; the response.
async fn post_action(
    t: &TestApp,
    user: Uuid,
    case: Uuid,
    action: &str,
    form: &str,
) -> Response<Body> {
    post_as(t, user, &format!("/cases/{case}/actions/{action}"), form).await
}

/// Posts a form as a person, in a new session; the response.
async fn post_as(t: &TestApp, user: Uuid, path: &str, form: &str) -> Response<Body> {
    let cookie = t.session(user).await;
    t.post(path, Some(&cookie), form).await
}

#[tokio::test]
async fn errors_are_listed_and_what_was_typed_comes_back() {
    let (t, people) = setup().await;
    let case = rapid_review_case(&t, &people).await;
    let path = format!("/cases/{case}/actions/hold-rapid-review-meeting");
    let sent = form(&[
        ("notes".to_owned(), "Typed <notes> & kept".to_owned()),
        ("held_on-day".to_owned(), "31".to_owned()),
        ("held_on-month".to_owned(), "2".to_owned()),
        ("held_on-year".to_owned(), "2025".to_owned()),
    ]);
    let response = post_as(&t, people.chair, &path, &sent).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(response).await;
    assert!(html.contains("<title>Error: "));
    assert!(
        html.contains(r##"<a href="#held_on">Date of the meeting must be a real date</a>"##),
        "{}",
        error_summary(&html)
    );
    assert!(
        html.contains("Typed &#60;notes&#62; &#38; kept"),
        "typed text kept, escaped"
    );
    assert!(html.contains(r#"value="31""#), "the day typed is kept");
    // Nothing was recorded.
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(!page.contains("rapid review meeting was held"));

    // Empty answers: every required question is named.
    let response = post_as(&t, people.chair, &path, "").await;
    let html = body(response).await;
    assert!(
        html.contains("Enter date of the meeting"),
        "{}",
        error_summary(&html)
    );
    assert!(html.contains("Enter facts gathered and key practice episodes"));
}

#[tokio::test]
async fn a_change_made_meanwhile_is_a_conflict_not_an_overwrite() {
    let (t, people) = setup().await;
    let case = rapid_review_case(&t, &people).await;
    let page = page_as(
        &t,
        people.chair,
        &format!("/cases/{case}/actions/record-rapid-review-learning"),
    )
    .await;
    let version: String = between(&page, r#"name="version" value=""#, "\"").to_owned();
    t.move_on_to(time::macros::date!(2025 - 03 - 19));
    // Someone else acts first.
    let other = form(&[
        ("notes".to_owned(), "Held.".to_owned()),
        ("held_on-day".to_owned(), "19".to_owned()),
        ("held_on-month".to_owned(), "3".to_owned()),
        ("held_on-year".to_owned(), "2025".to_owned()),
    ]);
    let r = post_action(&t, people.team, case, "hold-rapid-review-meeting", &other).await;
    assert!(r.status().is_redirection());
    let stale = form(&[
        ("version".to_owned(), version),
        ("learning".to_owned(), "Typed learning".to_owned()),
    ]);
    let r = post_action(
        &t,
        people.chair,
        case,
        "record-rapid-review-learning",
        &stale,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(r).await;
    assert!(html.contains("Someone else changed this case"));
    assert!(html.contains("Typed learning"));
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(!page.contains("Typed learning"), "nothing was saved");
}

#[tokio::test]
async fn people_act_only_in_their_part_and_see_what_they_can_do() {
    let (t, people) = setup().await;
    let case = rapid_review_case(&t, &people).await;
    // The partner is not a member yet: the case is not theirs to see.
    let r = t
        .get(
            &format!("/cases/{case}/actions/sign-off-rapid-review"),
            Some(&t.session(people.partner).await),
        )
        .await;
    assert!(
        matches!(r.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status()
    );
    // The team sees the rapid review's actions, and not those of later stages.
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(page.contains("Record the rapid review meeting"));
    assert!(!page.contains("Agree the terms of reference"));
    // The chair may not record the Panel's response (the team's), even by typing the address.
    let r = post_action(
        &t,
        people.chair,
        case,
        "record-panel-response",
        "answer=agrees",
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // An action the domain refuses at this stage says why.
    let r = post_action(
        &t,
        people.team,
        case,
        "close-case",
        &form(&[
            ("reason".to_owned(), "Too early".to_owned()),
            ("closed_on-day".to_owned(), "1".to_owned()),
            ("closed_on-month".to_owned(), "9".to_owned()),
            ("closed_on-year".to_owned(), "2025".to_owned()),
        ]),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(r).await;
    assert!(
        html.contains("You cannot close the case while the case is at the"),
        "{}",
        error_summary(&html)
    );
    // An unknown action is not found.
    let r = t
        .get(
            &format!("/cases/{case}/actions/no-such-thing"),
            Some(&t.session(people.team).await),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_filters_by_stage_agency_and_year() {
    let (t, people) = setup().await;
    let rapid = rapid_review_case(&t, &people).await;
    let scoping = scoping_case(&t, &people).await;
    let all = page_as(&t, people.team, "/dashboard").await;
    assert!(all.contains(&rapid.to_string()) && all.contains(&scoping.to_string()));
    assert!(all.contains("Your tasks"));
    let by_stage = page_as(&t, people.team, "/dashboard?stage=scoping").await;
    assert!(by_stage.contains(&scoping.to_string()) && !by_stage.contains(&rapid.to_string()));
    // Police were involved only in the notified case.
    let by_agency = page_as(
        &t,
        people.team,
        &format!("/dashboard?agency={}", crate::flows::police()),
    )
    .await;
    assert!(by_agency.contains(&rapid.to_string()) && !by_agency.contains(&scoping.to_string()));
    let none = page_as(&t, people.team, "/cases?year=2019").await;
    assert!(none.contains("There are no cases to show."));
}

#[tokio::test]
async fn the_meeting_agenda_lists_waiting_cases_and_records_their_outcomes() {
    let (t, people) = setup().await;
    let case = scoping_case(&t, &people).await;
    t.move_on_to(time::macros::date!(2025 - 09 - 11));
    let calendar = page_as(&t, people.chair, "/meetings").await;
    assert!(
        calendar.contains(r#"href="/meetings/2025-09-11""#),
        "the next meeting is listed"
    );
    let agenda = page_as(&t, people.chair, "/meetings/2025-09-11").await;
    assert!(
        agenda.contains(&format!("/cases/{case}")),
        "the scoping case is on the agenda"
    );
    assert!(agenda.contains("Scoping and a decision on a local review"));
    let path = format!("/meetings/2025-09-11/cases/{case}");
    // The decision without its reasons: nothing is recorded, what was typed comes back.
    let cookie = t.session(people.chair).await;
    let without_reasons = "notes=Share+at+a+briefing&outcome=no-further-action";
    let r = t.post(&path, Some(&cookie), without_reasons).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = body(r).await;
    assert!(html.contains("Enter the reasons"));
    assert!(html.contains("Share at a briefing"));
    // A subgroup member sees the agenda but does not record.
    let (member, member_cookie) = signed_in(&t, Role::SubgroupMember, "m@example.org").await;
    let decision = "notes=x&outcome=no-further-action&reasons=y";
    let r = t.post(&path, Some(&member_cookie), decision).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Issue 16, finding 10: the refusal is in the case's access log.
    let case_id = cspr_domain::ids::CaseId::from_uuid(case);
    assert!(
        t.case_log(case_id)
            .await
            .iter()
            .any(|e| e.actor == member.to_string()
                && e.action == "authorisation-refused"
                && e.detail.contains("meeting outcome")),
        "the refusal is logged"
    );
    let r = t
        .post(
            &path,
            Some(&cookie),
            "notes=Share+at+a+briefing&outcome=no-further-action&reasons=Learning+in+hand",
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let page = page_as(&t, people.team, &format!("/cases/{case}")).await;
    assert!(
        page.contains("<span class=\"govuk-caption-l\">Decision made</span>"),
        "the case moved on"
    );
    let agenda = page_as(&t, people.chair, "/meetings/2025-09-11").await;
    assert!(
        !agenda.contains(&format!("/cases/{case}\"")),
        "no longer waiting"
    );
}

#[tokio::test]
async fn recurring_themes_show_where_the_learning_arose_before() {
    let (t, people) = setup().await;
    let first = run(&t, &people, &local_review(&people)).await;
    // The closed case's action plan: owner, measure, and impact evidenced.
    let page = page_as(&t, people.team, &format!("/cases/{first}")).await;
    let plan = page
        .split(r#"id="action-plan""#)
        .nth(1)
        .expect("action plan");
    assert_contains(plan, "Impact evidenced");
    assert!(plan.contains("owned by Named nurse for safeguarding"));
    assert!(plan.contains("New adults recorded in nine visits out of ten."));
    assert!(page.contains("Seven-minute briefing for health visitors."));
    assert!(page.contains("85 people"));

    // A new referral, scoped and tagged with a theme the first case had (its steps are dated
    // from August 2025: the clock goes back for them).
    *t.clock.0.lock().expect("clock") = time::macros::datetime!(2025-07-31 09:00 UTC);
    let second = scoping_case(&t, &people).await;
    let tag = form(&[("themes".to_owned(), "information sharing".to_owned())]);
    let cookie = t.session(people.chair).await;
    let r = t
        .post(
            &format!("/cases/{second}/actions/tag-themes"),
            Some(&cookie),
            &tag,
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let page = page_as(&t, people.chair, &format!("/cases/{second}")).await;
    let earlier = page
        .split(r#"id="earlier""#)
        .nth(1)
        .expect("the earlier-learning panel");
    assert_contains(earlier, "CSPR-2025-001");
    assert!(earlier.contains("Share information about new adults."));

    // The themes view: both cases under the theme, and the first one's recommendations.
    let themes = page_as(&t, people.chair, "/themes").await;
    let row = between(&themes, "information sharing</a>", "</tr>");
    assert_contains(row, ">2</td>");
    let one = page_as(&t, people.chair, "/themes?theme=information%20sharing").await;
    assert!(one.contains("Share information about new adults."));
    assert!(one.contains(&format!("/cases/{first}")));
    // Every case read for the view was written to the access log.
    let log = t.store.access_log_for_case(first).await.expect("log");
    assert!(log.iter().any(|e| e.action == "view-recurrent-themes"));
}

/// Saves the partnership's settings form (`sent`, encoded); returns the reminder timings stored
/// with them.
async fn save_settings(t: &TestApp, cookie: &str, sent: &str) -> cspr_web::jobs::ReminderRules {
    let r = t.post("/admin/settings", Some(cookie), sent).await;
    assert_eq!(r.status(), StatusCode::OK);
    let stored = t.stored_settings().await;
    cspr_web::jobs::ReminderRules::from_settings(Some(&stored))
}

#[tokio::test]
async fn the_partnership_keeps_its_own_list_of_themes() {
    let (t, people) = setup().await;
    let cookie = t.session(people.team).await;
    let page = body(t.get("/admin/settings", Some(&cookie)).await).await;
    assert!(page.contains("voice of the child"), "shipped themes");
    let sent = form(&[
        ("summary_day".to_owned(), "10".to_owned()),
        ("contribution_days".to_owned(), "20".to_owned()),
        ("closure_days".to_owned(), String::new()),
        ("meetings".to_owned(), "2025-09-11".to_owned()),
        (
            "themes".to_owned(),
            "Cuckooing\nvoice of the child\nVoice of the child\n".to_owned(),
        ),
    ]);
    // The reminder timings are kept with the settings, defaults when left empty.
    assert_eq!(
        save_settings(&t, &cookie, &sent).await,
        cspr_web::jobs::ReminderRules::default()
    );
    let base = sent.clone();
    let sent = format!("{base}&remind_days=3&escalate_days=7");
    assert_eq!(
        save_settings(&t, &cookie, &sent).await,
        cspr_web::jobs::ReminderRules {
            before_due_working_days: 3,
            escalate_after_working_days: 7,
            ..cspr_web::jobs::ReminderRules::default()
        }
    );
    let bad = format!("{base}&remind_days=31&escalate_days=7");
    let r = t.post("/admin/settings", Some(&cookie), &bad).await;
    assert_contains(
        &body(r).await,
        "Enter a whole number of working days from 0 to 30",
    );
    let page = body(t.get("/admin/settings", Some(&cookie)).await).await;
    assert!(
        page.contains("Cuckooing\nvoice of the child</textarea>"),
        "sorted, once each"
    );
    // An empty list is refused and changes nothing.
    let empty = form(&[
        ("summary_day".to_owned(), "10".to_owned()),
        ("contribution_days".to_owned(), "20".to_owned()),
        ("meetings".to_owned(), "2025-09-11".to_owned()),
        ("themes".to_owned(), "  \n".to_owned()),
    ]);
    let r = t.post("/admin/settings", Some(&cookie), &empty).await;
    assert_contains(&body(r).await, "Enter at least one learning theme");
    assert_eq!(
        t.state.app().settings().themes,
        vec!["Cuckooing", "voice of the child"]
    );
}
