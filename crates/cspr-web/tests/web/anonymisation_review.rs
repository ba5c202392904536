//! The anonymisation review and publication over HTTP: the scan of the signed-off report, the
//! review screen (accept, reject, widen; bad input changes nothing), unreviewed findings and a
//! known name left in the redacted text blocking publication, the 7 working days after sending,
//! "online until" at least a year, the public page without sign-in (only published, not
//! withdrawn reports, with a PDF whose metadata pdfinfo finds empty), and withdrawal.

use crate::common::*;
use axum::body::Body;
use axum::http::{Response, StatusCode};
use cspr_domain::anonymisation::FindingDecision;
use cspr_domain::case::{Case, Command};
use cspr_domain::examples::PARTNERSHIP;
use cspr_domain::ids::CaseId;
use cspr_domain::report::Section;
use cspr_web::access::Role;
use time::Date;
use time::macros::date;
use uuid::Uuid;

/// The overview as the reviewer wrote it: the child, her alias, her mother, their address, a
/// doctor not recorded on the case, a date and an exact age.
const OVERVIEW: &str = "Ada Example, known as Addie, lived with her mother Beth Example at 1 Example Street, Northtown NT1 1AA. Dr Priya Nandra saw Ada on 3 March 2025 when she was 7 years old. Beth Example said she was worried.";

struct World {
    t: TestApp,
    case: CaseId,
    team_id: Uuid,
    chair_id: Uuid,
    team: String,
    chair: String,
}

/// The worked example with a report that names people, run up to its anonymisation scan (the
/// report signed off, the decision to publish made, the report sent on 16 July 2025).
async fn world() -> World {
    let t = TestApp::with_demo_people().await;
    let (case, _) = t
        .example("CSPR-2025-801")
        .edit(overview(OVERVIEW))
        .before(|c| matches!(c, Command::ScanReport { .. }))
        .await;
    t.set_day(date!(2025 - 07 - 17));
    let (team_id, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let (chair_id, chair) = signed_in(&t, Role::Chair, "chair@example.org").await;
    World {
        t,
        case,
        team_id,
        chair_id,
        team,
        chair,
    }
}

impl World {
    /// Moves to another day, with fresh sessions (the old ones ran out).
    async fn day(&mut self, day: Date) {
        self.t.set_day(day);
        self.team = self.t.session(self.team_id).await;
        self.chair = self.t.session(self.chair_id).await;
    }

    fn path(&self, rest: &str) -> String {
        format!("/cases/{}/publication{rest}", self.case)
    }

    async fn case(&self) -> Case {
        self.t.state.app().load(self.case).await.expect("case").0
    }

    async fn post(&self, rest: &str, form: &[(&str, &str)]) -> axum::response::Response {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.t.post(&self.path(rest), Some(&self.team), &body).await
    }

    async fn get(&self, rest: &str) -> (StatusCode, String) {
        let r = self.t.get(&self.path(rest), Some(&self.team)).await;
        (r.status(), body(r).await)
    }

    /// The key of the current scan, as the review screen puts it in its forms.
    async fn scan_key(&self) -> String {
        let (_, html) = self.get("/review").await;
        let at = html
            .find("name=\"scan\" value=\"")
            .expect("scan key in the page")
            + 19;
        html[at..at + 16].to_owned()
    }

    async fn scan(&self) {
        let r = self.post("/scan", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&r).as_deref(),
            Some(self.path("/review?done=scanned").as_str())
        );
    }

    /// The number (from 1) of the finding whose text is `words` in the overview.
    async fn finding(&self, words: &str) -> usize {
        let case = self.case().await;
        let review = case.anonymisation.as_ref().expect("scanned");
        let text: Vec<char> = case
            .latest_draft()
            .expect("draft")
            .report
            .section(Section::Overview)
            .chars()
            .collect();
        review
            .findings
            .iter()
            .position(|f| {
                f.part == cspr_domain::anonymisation::ReportPart::Section(Section::Overview)
                    && text[f.start as usize..f.end as usize]
                        .iter()
                        .collect::<String>()
                        == words
            })
            .unwrap_or_else(|| panic!("no finding {words:?}: {:?}", review.findings))
            + 1
    }

    async fn decide(&self, n: usize, form: &[(&str, &str)]) -> axum::response::Response {
        let key = self.scan_key().await;
        let mut all = form.to_vec();
        all.push(("scan", &key));
        self.post(&format!("/findings/{n}"), &all).await
    }

    async fn accept_rest(&self) {
        let key = self.scan_key().await;
        let r = self.post("/accept-rest", &[("scan", &key)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    }

    async fn check(&self) -> String {
        let r = self.post("/check", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = location(&r).expect("location");
        assert_eq!(to, self.path("?done=checked"));
        self.get("?done=checked").await.1
    }

    /// Takes the published report down on 28 July 2026 for `reason`.
    async fn withdraw(&self, reason: &str) -> axum::response::Response {
        self.post(
            "/withdraw",
            &[
                ("removed_on-day", "28"),
                ("removed_on-month", "7"),
                ("removed_on-year", "2026"),
                ("reason", reason),
            ],
        )
        .await
    }

    async fn publish(&self, day: Date, until: Option<Date>) -> axum::response::Response {
        let (d, m, y) = (
            day.day().to_string(),
            u8::from(day.month()).to_string(),
            day.year().to_string(),
        );
        let (ud, um, uy) = until.map_or_else(Default::default, |u| {
            (
                u.day().to_string(),
                u8::from(u.month()).to_string(),
                u.year().to_string(),
            )
        });
        self.post(
            "/publish",
            &[
                ("title", "Child Safeguarding Practice Review: Child A"),
                (
                    "summary",
                    "How agencies worked together for Child A and Mother.",
                ),
                ("published_on-day", &d),
                ("published_on-month", &m),
                ("published_on-year", &y),
                ("online_until-day", &ud),
                ("online_until-month", &um),
                ("online_until-year", &uy),
                ("confirm", "anonymisation_reviewed"),
            ],
        )
        .await
    }
}

/// Asserts that a form was refused (422 Unprocessable Entity) with `message` in its error
/// summary; `what` names the attempt in a failure. Returns the page.
async fn assert_refused(r: Response<Body>, what: &str, message: &str) -> String {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
    let html = body(r).await;
    let summary = error_summary(&html);
    assert!(
        summary.contains(message),
        "{what}: {message:?} is not in the error summary: {summary}"
    );
    html
}

#[tokio::test]
async fn the_review_screen_shows_every_finding_in_context_and_records_decisions() {
    let w = world().await;
    w.scan().await;
    let (status, html) = w.get("/review?done=scanned").await;
    assert_eq!(status, StatusCode::OK);
    let case = w.case().await;
    let review = case.anonymisation.as_ref().expect("scan recorded");
    assert!(review.findings.len() >= 6, "{:?}", review.findings);
    for n in 1..=review.findings.len() {
        assert!(
            html.contains(&format!("id=\"finding-{n}\"")),
            "finding {n} shown"
        );
    }
    // In context, highlighted, with what replaces it.
    assert_contains(&html, "<mark class=\"cspr-finding\">Beth Example</mark>");
    assert!(html.contains("Replaced with"));
    assert!(html.contains("Mother"));
    assert!(html.contains("A person the case records"));

    let beth = w.finding("Beth Example").await;
    let r = w.decide(beth, &[("decision", "accept")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let patel = w.finding("Dr Priya Nandra").await;
    let r = w
        .decide(patel, &[("decision", "widen"), ("before", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let addie = w.finding("Addie").await;
    let r = w.decide(addie, &[("decision", "reject")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let case = w.case().await;
    let review = case.anonymisation.as_ref().expect("review");
    assert_eq!(
        review.decisions.get(&(beth as u32 - 1)),
        Some(&FindingDecision::Accept)
    );
    assert_eq!(
        review.decisions.get(&(addie as u32 - 1)),
        Some(&FindingDecision::Reject)
    );
    let f = &review.findings[patel - 1];
    match review.decisions.get(&(patel as u32 - 1)) {
        Some(FindingDecision::Widen { start, end }) => {
            assert!(*start < f.start && *end == f.end, "one word more before it");
        }
        other => panic!("widened expected, got {other:?}"),
    }
    let (_, html) = w.get("/review").await;
    assert!(html.contains("Accepted") && html.contains("Rejected") && html.contains("Widened"));
    assert!(html.contains(&format!("{} not reviewed yet", review.unreviewed())));
}

#[tokio::test]
async fn bad_input_on_the_review_screen_changes_nothing() {
    let w = world().await;
    w.scan().await;
    let before = w.case().await.version;
    let key = w.scan_key().await;
    for (form, message) in [
        (
            vec![("scan", key.as_str())],
            "Choose whether to accept, reject or widen the finding",
        ),
        (
            vec![
                ("scan", key.as_str()),
                ("decision", "widen"),
                ("before", "0"),
                ("after", "0"),
            ],
            "Choose how many words before or after the finding to replace as well",
        ),
        (
            vec![
                ("scan", key.as_str()),
                ("decision", "widen"),
                ("before", "9"),
            ],
            "Choose up to 5 words before and after the finding",
        ),
        (
            vec![("scan", "0123456789abcdef"), ("decision", "accept")],
            "The report was scanned again since this page was opened",
        ),
        (
            vec![("scan", key.as_str()), ("decision", "maybe")],
            "Choose whether to accept",
        ),
    ] {
        let r = w.post("/findings/1", &form).await;
        let html = assert_refused(r, &format!("{form:?}"), message).await;
        assert!(
            html.contains("href=\"#decision-1\""),
            "the summary links to the finding"
        );
        assert!(html.contains("govuk-form-group--error"));
    }
    for n in ["0", "999", "one"] {
        let r = w
            .post(
                &format!("/findings/{n}"),
                &[("scan", &key), ("decision", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "finding {n}");
    }
    assert_eq!(w.case().await.version, before, "nothing recorded");
    // Someone other than the partnership team is refused, and nothing changes.
    let r =
        w.t.post(
            &w.path("/findings/1"),
            Some(&w.chair),
            &format!("scan={key}&decision=reject"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        w.t.status(&w.path(""), Some(&w.chair)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(w.case().await.version, before, "nothing recorded");
}

#[tokio::test]
async fn unreviewed_findings_block_publication() {
    let mut w = world().await;
    w.scan().await;
    let beth = w.finding("Beth Example").await;
    w.decide(beth, &[("decision", "accept")]).await;
    w.day(date!(2025 - 07 - 28)).await;
    let r = w.publish(date!(2025 - 07 - 28), None).await;
    assert_refused(
        r,
        "publishing",
        "of the anonymisation review are not reviewed yet",
    )
    .await;
    // The check is refused too while findings wait.
    let r = w.post("/check", &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &body(r).await,
        "Review every finding before checking the redacted text",
    );
    assert!(w.case().await.published_on.is_none());
    assert!(
        w.t.store
            .published_reports(PARTNERSHIP.as_uuid())
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn a_known_name_left_after_the_review_blocks_publication() {
    let mut w = world().await;
    w.scan().await;
    let beth = w.finding("Beth Example").await;
    let r = w.decide(beth, &[("decision", "reject")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    w.accept_rest().await;
    let page = w.check().await;
    // Whose name is left is said on the page, by role; never the name, never in the address.
    assert_contains(&page, "The redacted text still names:");
    assert!(page.contains("Mother (in What happened)"), "{page}");
    let at = page.find("id=\"names-left\"").expect("names left");
    let block = &page[at..at + page[at..].find("</div>").expect("end")];
    assert_contains(block, "Mother");
    assert!(
        !block.contains("Beth"),
        "the name itself is not repeated: {block}"
    );
    let case = w.case().await;
    let check = case
        .anonymisation
        .as_ref()
        .and_then(|r| r.check.as_ref())
        .expect("check");
    assert!(
        check.remaining.iter().all(|r| r.who == "Mother"),
        "{check:?}"
    );

    w.day(date!(2025 - 07 - 28)).await;
    let r = w.publish(date!(2025 - 07 - 28), None).await;
    assert_refused(r, "publishing", "The redacted text still names Mother").await;
    assert!(w.case().await.published_on.is_none());

    // Accepting the finding and checking again clears the way.
    w.decide(beth, &[("decision", "accept")]).await;
    let page = w.check().await;
    assert_contains(&page, "names no one the case records");
    assert!(page.contains("The report passed the anonymisation review"));
}

#[tokio::test]
async fn publication_waits_7_working_days_then_the_public_page_lists_the_report() {
    let mut w = world().await;
    w.scan().await;
    w.accept_rest().await;
    let page = w.check().await;
    assert_contains(&page, "names no one the case records");
    // The residual-risk report: the exact age is still in the text.
    assert_contains(&page, "What could still identify someone");
    assert!(
        page.contains("An exact age") && page.contains("7 years old"),
        "{page}"
    );

    // 24 July is the sixth working day after sending on 16 July: refused, with the date.
    w.day(date!(2025 - 07 - 24)).await;
    let r = w.publish(date!(2025 - 07 - 24), None).await;
    assert_refused(r, "publishing on 24 July", "The report can be published from 25 July 2025: 7 working days after it was sent to the National Panel and the Secretary of State on 16 July 2025.").await;
    // Online for less than a year: refused.
    w.day(date!(2025 - 07 - 28)).await;
    let r = w
        .publish(date!(2025 - 07 - 28), Some(date!(2026 - 03 - 31)))
        .await;
    assert_refused(
        r,
        "online until 31 March 2026",
        "at least one year: choose 28 July 2026 or later",
    )
    .await;
    assert!(
        w.t.store
            .published_reports(PARTNERSHIP.as_uuid())
            .await
            .expect("list")
            .is_empty(),
        "nothing stored"
    );

    let r = w
        .publish(date!(2025 - 07 - 28), Some(date!(2026 - 12 - 31)))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        error_summary(&body(r).await)
    );
    let case = w.case().await;
    assert_eq!(case.published_on, Some(date!(2025 - 07 - 28)));
    assert_eq!(case.online_until, Some(date!(2026 - 12 - 31)));

    // The public page, signed out.
    let r = w.t.get("/published-reviews", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = body(r).await;
    assert!(html.contains("Child Safeguarding Practice Review: Child A"));
    assert!(html.contains("Published 28 July 2025"));
    assert!(html.contains("How agencies worked together for Child A and Mother."));
    assert!(
        html.contains("information sharing"),
        "themes listed: {html}"
    );
    assert!(!html.contains("Example"), "no name on the public page");
    // The result leads to the review's page, and that to its PDF.
    let at = html
        .find("href=\"/published-reviews/")
        .expect("result link")
        + 6;
    let href: String = html[at..].chars().take_while(|c| *c != '"').collect();
    let page = body(w.t.get(&href, None).await).await;
    assert_contains(&page, "Download the report");
    let at = page.find("/report.pdf").expect("pdf link");
    let start = page[..at].rfind('"').expect("href start") + 1;
    let href: String = page[start..].chars().take_while(|c| *c != '"').collect();
    let r = w.t.get(&href, None).await;
    assert!(pdf_disposition(&r).starts_with("attachment"));
    let pdf = axum::body::to_bytes(r.into_body(), 16 * 1024 * 1024)
        .await
        .expect("pdf");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("published.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils)");
    assert!(info.status.success());
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert_contains(&info, "Child Safeguarding Practice Review: Child A");
    for field in [
        "Author:",
        "Creator:",
        "Producer:",
        "CreationDate:",
        "ModDate:",
    ] {
        assert!(
            info.lines()
                .all(|l| !l.starts_with(field) || l[field.len()..].trim().is_empty()),
            "{field} in the public PDF:\n{info}"
        );
    }
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains("Child A") && text.contains("Mother"),
        "pseudonyms in the text"
    );
    for name in [
        "Ada",
        "Beth",
        "Addie",
        "Nandra",
        "Example Street",
        "NT1 1AA",
    ] {
        assert!(!text.contains(name), "{name} in the published PDF");
    }
}

#[tokio::test]
async fn a_withdrawn_report_leaves_the_public_page() {
    let mut w = world().await;
    w.scan().await;
    w.accept_rest().await;
    w.check().await;
    w.day(date!(2025 - 07 - 28)).await;
    let r = w.publish(date!(2025 - 07 - 28), None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let listed =
        w.t.store
            .published_reports(PARTNERSHIP.as_uuid())
            .await
            .expect("list");
    assert_eq!(listed.len(), 1);
    let pdf = format!("/published-reviews/{}/report.pdf", listed[0].id);

    // Another server over the same database (issue 18) lists it too, from its own index.
    let other = cspr_web::router(w.t.state_with(|_| {}));
    let public_list = |router: axum::Router| async move {
        use tower::ServiceExt as _;
        let request = axum::http::Request::get("/published-reviews")
            .body(axum::body::Body::empty())
            .expect("request");
        body(router.oneshot(request).await.expect("response")).await
    };
    assert!(
        !public_list(other.clone())
            .await
            .contains("No reviews found")
    );

    w.day(date!(2026 - 07 - 28)).await;
    let version = w.case().await.version;
    let r = w.withdraw("  ").await;
    assert_refused(r, "no reason", "Say why the report is taken down").await;
    assert_eq!(w.case().await.version, version, "nothing recorded");
    assert_eq!(w.t.status(&pdf, None).await, StatusCode::OK);

    let r = w
        .withdraw("A year online; the learning is in the yearly report.")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = w.case().await;
    assert_eq!(case.unpublished_on, Some(date!(2026 - 07 - 28)));
    let html = body(w.t.get("/published-reviews", None).await).await;
    assert_contains(&html, "No reviews found");
    assert!(!html.contains("Child A"));
    assert_eq!(w.t.status(&pdf, None).await, StatusCode::NOT_FOUND);
    // Taken down on every server at once, not at the other's next refresh.
    assert_contains(&public_list(other).await, "No reviews found");
    let (_, page) = w.get("").await;
    assert_contains(&page, "Taken down on 28 July 2026: A year online");
}

#[tokio::test]
async fn a_pseudonym_the_family_chose_replaces_child_a() {
    let w = world().await;
    let child = cspr_domain::examples::CHILD.as_uuid().to_string();
    let before = w.case().await.version;
    for (form, message) in [
        (vec![("pseudonym", "Poppy")], "Choose whose pseudonym it is"),
        (
            vec![("person", child.as_str()), ("pseudonym", "Little Addie")],
            "A pseudonym must not use any part of the person&#39;s own name.",
        ),
    ] {
        let r = w.post("/pseudonyms", &form).await;
        assert_refused(r, &format!("{form:?}"), message).await;
    }
    assert_eq!(w.case().await.version, before, "nothing recorded");
    let r = w
        .post(
            "/pseudonyms",
            &[("person", child.as_str()), ("pseudonym", "Poppy")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = w.get("?done=pseudonym").await;
    assert_contains(&page, "scan the report again to use it");
    w.scan().await;
    let case = w.case().await;
    let review = case.anonymisation.as_ref().expect("scan");
    let ada = w.finding("Ada Example").await;
    assert_eq!(review.findings[ada - 1].replacement, "Poppy");
}

/// Issue 15, item 10: where the partners decide not to publish the report, they publish
/// information about the improvements instead (PROCESS.md stage 12): a public page of its own,
/// made from the final report's recommendations and the actions agreed, served without sign-in
/// until it is withdrawn, which can happen at once.
#[tokio::test]
async fn not_publishing_the_report_publishes_information_about_the_improvements() {
    use cspr_domain::case::model::PublicationDecision;
    let t = TestApp::with_demo_people().await;
    let (case, _) = t
        .example("CSPR-2025-802")
        .edit(|c| {
            if let Command::DecidePublication { decision, .. } = c {
                *decision = PublicationDecision::DoNotPublish {
                    reason: cspr_domain::vocab::NonEmptyText::parse(
                        "Publishing would harm the child's siblings.",
                    )
                    .expect("text"),
                };
            }
        })
        .before(|c| matches!(c, Command::ChoosePseudonym { .. }))
        .await;
    t.set_day(date!(2025 - 07 - 28));
    let (team_id, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let form = format!("/cases/{case}/publication/publish");
    let page = body(t.get(&form, Some(&team)).await).await;
    assert_contains(&page, "Publish information about the improvements");
    assert!(!page.contains("Scan the report"), "no scan needed: {page}");
    let post = serde_urlencoded::to_string([
        ("title", "Improvements after a review: Child A"),
        ("summary", "What agencies are changing after the review."),
        ("published_on-day", "28"),
        ("published_on-month", "7"),
        ("published_on-year", "2025"),
        ("confirm", "anonymisation_reviewed"),
    ])
    .expect("form");
    let r = t.post(&form, Some(&team), &post).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        error_summary(&body(r).await)
    );

    let list = body(t.get("/published-reviews", None).await).await;
    assert_contains(&list, "Improvements after a review: Child A");
    let listed = t
        .store
        .published_reports(PARTNERSHIP.as_uuid())
        .await
        .expect("list");
    let href = format!("/published-reviews/{}", listed[0].id);
    assert_contains(&list, &href);
    let r = t.get(&href, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = body(r).await;
    for words in [
        "Share information about new adults in the household.",
        "Update the safe sleep guidance and train staff.",
        "Northshire Community Health",
        "30 September 2025",
    ] {
        assert_contains(&page, words);
    }
    assert_eq!(
        t.status(&format!("{href}/report.pdf"), None).await,
        StatusCode::NOT_FOUND,
        "no PDF"
    );

    // Taken down the next day, with its reason: the page is gone.
    t.set_day(date!(2025 - 07 - 29));
    let team = t.session(team_id).await;
    let r = t
        .post(
            &format!("/cases/{case}/publication/withdraw"),
            Some(&team),
            &serde_urlencoded::to_string([
                ("removed_on-day", "29"),
                ("removed_on-month", "7"),
                ("removed_on-year", "2025"),
                ("reason", "It identifies the family's home town."),
            ])
            .expect("form"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.status(&href, None).await, StatusCode::NOT_FOUND);
}

/// Issue 19, item 5: details that could identify the family together (an exact age, a house
/// fire, a month and year, a small village) are listed on the publication page with suggested
/// general words; publication waits until each high risk is kept or broken up; a detail put in
/// general words is replaced in the published report.
#[tokio::test]
async fn a_jigsaw_of_details_is_kept_or_generalised_before_publication() {
    let t = TestApp::with_demo_people().await;
    let (case, _) = t
        .example("CSPR-2025-803")
        .edit(overview(
            "Ada Example was aged 2 years 3 months when she died in a house fire in March 2021, in a small village where few families lived.",
        ))
        .before(|c| matches!(c, Command::ScanReport { .. }))
        .await;
    t.set_day(date!(2025 - 07 - 17));
    let (team_id, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let chair_id = account(&t, Role::Chair, "chair@example.org").await;
    let mut w = World {
        t,
        case,
        team_id,
        chair_id,
        team,
        chair: String::new(),
    };
    w.scan().await;
    w.accept_rest().await;
    let page = w.check().await;
    let section = between(
        &page,
        "id=\"jigsaw\"",
        "<h2 class=\"govuk-heading-m\">Publish</h2>",
    );
    assert_contains(section, "High risk");
    assert_contains(section, "aged 2 years 3 months");
    assert_contains(section, "value=\"a toddler\"");

    w.day(date!(2025 - 07 - 28)).await;
    let r = w
        .publish(date!(2025 - 07 - 28), Some(date!(2026 - 12 - 31)))
        .await;
    assert_refused(
        r,
        "publishing with a high jigsaw risk",
        "could identify the family",
    )
    .await;

    // The age put in general words; every high risk left kept as it is.
    let blocking = |case: &Case| {
        let review = case.anonymisation.as_ref().expect("scanned");
        let draft = case.latest_draft().expect("draft");
        cspr_app::publication::jigsaw(&draft.report, review)
            .into_iter()
            .filter(cspr_app::publication::JigsawItem::blocks)
            .collect::<Vec<_>>()
    };
    let items = blocking(&w.case().await);
    let age = items
        .iter()
        .flat_map(|i| i.details.iter())
        .find(|d| d.text.contains("2 years 3 months"))
        .expect("the age is a detail of a high risk")
        .clone();
    let r = w
        .post(
            "/jigsaw",
            &[
                ("key", age.key.as_str()),
                ("action", "generalise"),
                ("to", "a toddler"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    let bad = w
        .post(
            "/jigsaw",
            &[
                ("key", age.key.as_str()),
                ("action", "generalise"),
                ("to", " "),
            ],
        )
        .await;
    assert_refused(
        bad,
        "blank words",
        "Enter the words that replace the detail",
    )
    .await;
    for _ in 0..10 {
        let left = blocking(&w.case().await);
        let Some(item) = left.first() else { break };
        let r = w
            .post("/jigsaw", &[("key", item.key.as_str()), ("action", "keep")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body(r).await);
    }
    assert!(blocking(&w.case().await).is_empty());

    let r = w
        .publish(date!(2025 - 07 - 28), Some(date!(2026 - 12 - 31)))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        error_summary(&body(r).await)
    );
    let case = w.case().await;
    let review = case.anonymisation.as_ref().expect("scanned");
    let published =
        cspr_app::publication::redacted_report(&case.latest_draft().expect("draft").report, review);
    let overview = published.section(Section::Overview);
    assert_contains(overview, "a toddler");
    assert_lacks(overview, "2 years 3 months");
}
