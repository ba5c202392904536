//! Requests to agencies in Chromium: the partnership team asks three agencies for their rapid
//! review summaries; health's representative answers from the dashboard (a draft, then sent);
//! police's answer comes from a named practitioner through a link and a one-time code emailed
//! through a real SMTP server on loopback; children's services do not answer and are chased
//! (the request, overdue, escalation), with the clock moved. The team reads the two answers side
//! by side. Then chronologies: health uploads a CSV, police types an entry, and the integrated
//! chronology shows both in date order, filtered by agency, with a key practice episode marked.
//! Every page type is checked with axe-core (WCAG 2.2 A and AA).

use crate::browser_support::{SECRET, Site, Web};
use crate::common::smtp::{Smtp, sent, to_each};
use crate::common::{TestApp, assert_contains, on};
use cspr_domain::case::Command;
use cspr_domain::case::model::ContributionKind;
use cspr_domain::examples::{CSC, HEALTH, POLICE};
use cspr_domain::ids::{AgencyId, CaseId};
use cspr_web::access::Role;
use time::macros::{date, datetime};

const TEAM: &str = "jordan.lee@northshire.example";
const HEALTH_REP: &str = "sam.khan@health.example";
const POLICE_REP: &str = "lee.morgan@police.example";
const CSC_REP: &str = "ash.patel@csc.example";
const CSC_SUBGROUP: &str = "robin.shaw@csc.example";
const PRACTITIONER: &str = "pc.jones@police.example";

async fn site(smtp: &Smtp) -> Site {
    let app = TestApp::with_config(|config| {
        config.mail = Some(smtp.config());
        config.public_url = Some("https://cspr.northshire.example".to_owned());
    })
    .await;
    Site::serve(app).await
}

async fn check(web: &Web, css: &str) {
    let done = web
        .js(&format!(
            "const e = document.querySelector(`{css}`); if (!e) return false; if (!e.checked) e.click(); return true;"
        ))
        .await;
    assert_eq!(done.as_bool(), Some(true), "no {css}");
}

/// On a case's requests page: asks `agencies` for a contribution of `kind` (its form value).
async fn ask(web: &Web, kind: &str, agencies: &[AgencyId]) {
    check(web, &format!("input[name=kind][value={kind}]")).await;
    for a in agencies {
        check(
            web,
            &format!("form[action$='/requests'] input[name=agencies][value='{a}']"),
        )
        .await;
    }
    web.click("form[action$='/requests'] button[type=submit]")
        .await;
}

/// The example case `reference` run up to (not including) the team's asking agencies for
/// contributions of `kind`.
async fn before_asking(site: &Site, reference: &str, kind: ContributionKind) -> CaseId {
    let (case, _) = site
        .app
        .example(reference)
        .before(|c| matches!(c, Command::RequestContributions { kind: k, .. } if *k == kind))
        .await;
    case
}

async fn page_text(web: &Web) -> String {
    web.text("main").await
}

#[tokio::test]
async fn three_agencies_asked_two_answer_one_chased_and_the_chronology_merged() {
    let mut smtp = Smtp::start();
    let site = site(&smtp).await;
    site.app.agencies(&[HEALTH, POLICE, CSC]).await;
    site.people(&[
        (Role::PartnershipTeam, TEAM, "Jordan Lee", None),
        (
            Role::AgencyRepresentative,
            HEALTH_REP,
            "Sam Khan",
            Some(HEALTH),
        ),
        (
            Role::AgencyRepresentative,
            POLICE_REP,
            "Lee Morgan",
            Some(POLICE),
        ),
        (Role::AgencyRepresentative, CSC_REP, "Ash Patel", Some(CSC)),
        (Role::SubgroupMember, CSC_SUBGROUP, "Robin Shaw", Some(CSC)),
    ])
    .await;
    let case = before_asking(&site, "CSPR-2025-071", ContributionKind::AgencySummary).await;
    site.app.set_now(datetime!(2025-03-06 09:00 UTC));
    let mut web = Web::open(&site.server.base).await;

    // The team asks three agencies for their summaries.
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{case}")).await;
    web.click(&format!("a[href='/cases/{case}/requests']"))
        .await;
    web.axe("requests, empty").await;
    ask(&web, "agency-summary", &[HEALTH, POLICE, CSC]).await;
    let text = page_text(&web).await;
    assert_contains(&text, "The agencies have been asked");
    assert_contains(&text, "Not started, due 18 March 2025");
    web.axe("requests").await;
    web.screenshot("requests").await;

    // The request emails: one to each agency's representative.
    jobs(&site).await;
    assert_eq!(
        sent(&smtp.take()),
        to_each(
            &[CSC_REP, POLICE_REP, HEALTH_REP],
            "Request for an agency summary: case CSPR-2025-071"
        )
    );

    // Police's summary will come from a named practitioner: the team makes the link.
    web.goto(&format!("/cases/{case}/practitioner-links")).await;
    web.fill("#email", PRACTITIONER).await;
    check(
        &web,
        &format!("input[name=form][value='agency-summary:{POLICE}']"),
    )
    .await;
    web.click("form[action$='/practitioner-links'] button[type=submit]")
        .await;
    web.axe("practitioner links").await;
    let links = web.text("main").await;
    let at = links.find("/contribute/").expect("the new link") + "/contribute/".len();
    let token: String = links[at..].chars().take(64).collect();

    // Health's representative answers from the dashboard: a draft, then sent.
    web.sign_in(&site, HEALTH_REP, SECRET, "/dashboard").await;
    let respond = format!("/cases/{case}/agencies/{HEALTH}/requests/agency-summary");
    web.click(&format!("a[href='{respond}']")).await;
    web.axe("answer form").await;
    web.fill(
        "#q-involvement",
        "The health visitor saw the baby at home twice.",
    )
    .await;
    web.click("button[value=save]").await;
    assert_contains(&page_text(&web).await, "Your draft is saved");
    web.click("button[value=send]").await;
    let text = page_text(&web).await;
    assert_contains(&text, "There is a problem");
    web.axe("answer form with errors").await;
    for (field, answer) in [
        (
            "#q-known-risks",
            "A new partner in the home was not known to us.",
        ),
        ("#q-worked-well", "Visits happened on time."),
        (
            "#q-early-learning",
            "Ask who lives in the home at each visit.",
        ),
    ] {
        web.fill(field, answer).await;
    }
    web.click("button[value=send]").await;
    assert_contains(&page_text(&web).await, "Your response has been sent");

    // The practitioner: the link, a code by email, the form, sent.
    web.client()
        .delete_all_cookies()
        .await
        .unwrap_or_else(|e| panic!("cookies: {e}"));
    web.goto(&format!("/contribute/{token}")).await;
    web.axe("practitioner start").await;
    web.click(&format!("form[action='/contribute/{token}/code'] button"))
        .await;
    let mail = smtp.one_message();
    let flat = mail.replace("=\r\n", "").replace("=\n", "");
    let marker = "Your code to open the form is ";
    let at = flat.find(marker).expect("the code") + marker.len();
    let code: String = flat[at..].chars().take(6).collect();
    web.fill("#code", &code).await;
    web.click(&format!("form[action='/contribute/{token}'] button"))
        .await;
    assert_eq!(web.path().await, format!("/contribute/{token}/form"));
    web.axe("practitioner form").await;
    web.fill(
        "#q-involvement",
        "Officers went to the address twice after calls.",
    )
    .await;
    web.fill("#q-known-risks", "A domestic abuse call in May.")
        .await;
    web.fill("#q-worked-well", "The call was shared the next day.")
        .await;
    web.fill("#q-early-learning", "Check a new partner's history sooner.")
        .await;
    web.click("button[value=send]").await;
    web.axe("practitioner done").await;

    // The practitioner's answers wait for the agency (issue 16, finding 4): the team accepts
    // them as police's draft and sends it.
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&format!(
        "/cases/{case}/agencies/{POLICE}/requests/agency-summary"
    ))
    .await;
    web.axe("practitioner submission").await;
    web.click("form[action$='/accept'] button").await;
    assert_contains(&page_text(&web).await, "are now your draft");
    web.click("button[value=send]").await;
    assert_contains(&page_text(&web).await, "Your response has been sent");

    // Children's services do not answer: overdue on the first working day after 18 March, then
    // escalated to their subgroup member three working days after.
    for day in [date!(2025 - 03 - 19), date!(2025 - 03 - 21)] {
        site.app.set_now(on(day, 9));
        jobs(&site).await;
    }
    assert_eq!(
        sent(&smtp.take()),
        vec![
            (CSC_REP, "Agency summary overdue: case CSPR-2025-071"),
            (
                CSC_SUBGROUP,
                "Escalation: agency summary overdue by 3 working days: case CSPR-2025-071"
            ),
        ]
    );

    // The team reads the two answers side by side; children's services still to come.
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{case}/requests/agency-summary"))
        .await;
    web.axe("responses side by side").await;
    web.screenshot("responses-side-by-side").await;
    let table = web.text("#consolidated").await;
    for words in [
        "A new partner in the home was not known to us.",
        "A domestic abuse call in May.",
        "by a practitioner's link",
    ] {
        assert!(table.contains(words), "{words} in {table}");
    }
    assert_contains(
        &web.text("#waiting").await,
        "Northshire Children's Services",
    );

    // Chronologies, on a case at its local review.
    let review = before_asking(&site, "CSPR-2025-072", ContributionKind::Chronology).await;
    site.app.set_now(datetime!(2025-04-16 09:00 UTC));
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{review}/requests")).await;
    ask(&web, "chronology", &[HEALTH, POLICE]).await;

    web.sign_in(&site, HEALTH_REP, SECRET, "/dashboard").await;
    let health_form = format!("/cases/{review}/agencies/{HEALTH}/requests/chronology");
    web.goto(&health_form).await;
    web.axe("chronology form").await;
    let _dir = web
        .choose_file(
            "#import",
            "health-chronology.csv",
            b"Date,Time,Source,What happened,Who was involved (by role),Significance,Analysis\n\
              2024-05-01,10:00,Case notes,New birth visit; the baby was seen.,Health visitor,,\n\
              2024-06-10,,Case notes,Missed appointment not followed up.,Health visitor,High,\n",
        )
        .await;
    web.click("form[action$='/import'] button").await;
    assert_contains(&page_text(&web).await, "The entries in the file are added");
    web.click("button[value=send]").await;

    web.sign_in(&site, POLICE_REP, SECRET, "/dashboard").await;
    web.goto(&format!(
        "/cases/{review}/agencies/{POLICE}/requests/chronology"
    ))
    .await;
    web.fill("#entry-date", "2024-05-20").await;
    web.fill("#entry-time", "23:15").await;
    web.fill("#entry-what", "Domestic abuse call to the address.")
        .await;
    web.fill("#entry-who", "Response officer").await;
    web.click("button[value=add-entry]").await;
    assert_contains(&page_text(&web).await, "The entry is added");
    web.click("button[value=send]").await;

    // The integrated chronology: both agencies, in date order; filtered; a key episode.
    web.sign_in(&site, TEAM, SECRET, "/dashboard").await;
    web.goto(&format!("/cases/{review}/chronology")).await;
    web.axe("integrated chronology").await;
    web.screenshot("integrated-chronology").await;
    let table = web.text("#chronology").await;
    let a = table.find("New birth visit").expect("health, 1 May");
    let b = table.find("Domestic abuse call").expect("police, 20 May");
    let c = table.find("Missed appointment").expect("health, 10 June");
    assert!(a < b && b < c, "{table}");
    assert_contains(&web.text("#count").await, "Showing 3 of 3 entries.");
    check(&web, &format!("input[name=agency][value='{POLICE}']")).await;
    web.click("form[method=get] button").await;
    assert_contains(&web.text("#count").await, "Showing 1 of 3 entries.");
    web.click("#chronology form button").await;
    let text = page_text(&web).await;
    assert_contains(&text, "Key practice episode");
    web.axe("integrated chronology, filtered, key episode")
        .await;

    web.finish().await;
}

async fn jobs(site: &Site) {
    cspr_web::jobs::run_jobs(&site.app.state)
        .await
        .unwrap_or_else(|e| panic!("jobs: {e}"));
}
