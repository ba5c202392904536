//! Practitioner links end to end, with the codes sent through a real SMTP server on loopback
//! (aiosmtpd writing to a Maildir): the partnership team makes a link, the practitioner opens
//! it, gets a code by email, is refused a wrong code, opens the one form with the right one and
//! sends it; the contribution is stored sealed with the case key and the link is spent. Also:
//! links expire after 14 days, codes after 10 minutes and 5 tries, a link's cookie opens only
//! that link's form and nothing of the staff side, and no email address reaches the access log.
//!
//! Needs python3 with aiosmtpd (`python3 -m pip install aiosmtpd`; .ci/run installs it). Missing
//! tools fail the tests: they are never skipped.

use crate::common::smtp::Smtp;
use crate::common::*;
use axum::body::Body;
use axum::http::{Response, StatusCode};
use cspr_domain::examples::{HEALTH, PARTNERSHIP};
use cspr_domain::ids::CaseId;
use cspr_store::PractitionerLink;
use cspr_web::access::Role;
use cspr_web::mail::MailConfig;
use time::Duration;

const EMAIL: &str = "sam.practitioner@nhs.example";
const NOT_VALID: &str = "This link has expired or is not valid";
/// A practitioner's answer to the agency-summary form's first question, form-encoded.
const INVOLVEMENT: &str = "q-involvement=School+nurse+saw+the+child+weekly.";

/// The code in an email.
pub(crate) fn code_in(message: &str) -> String {
    let text = message.replace("=\r\n", "").replace("=\n", "");
    let marker = "Your code to open the form is ";
    let at = text.find(marker).expect("the code sentence") + marker.len();
    let code: String = text[at..].chars().take(6).collect();
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    code
}

// ---------------------------------------------------------------------------------------------
// The application, with email and an agency

async fn app_with(mail: Option<MailConfig>) -> TestApp {
    let t = TestApp::with_config(|config| config.mail = mail).await;
    t.agencies(&[HEALTH]).await;
    t
}

fn form_key() -> String {
    format!("scoping-form:{HEALTH}")
}

/// The team makes a link; returns its token (read from the page, as the team would copy it).
async fn make_link(t: &TestApp, team: &str, case: CaseId) -> String {
    let response = t
        .post(
            &format!("/cases/{case}/practitioner-links"),
            Some(team),
            &format!("email={}&form={}", enc(EMAIL), enc(&form_key())),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    let at = page.find("/contribute/").expect("the link on the page") + "/contribute/".len();
    let token: String = page[at..].chars().take(64).collect();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    assert!(
        !page.contains(&format!("value=\"{EMAIL}\"")),
        "form emptied"
    );
    token
}

/// Asks for a code and reads it from the email.
async fn request_code(t: &TestApp, smtp: &mut Smtp, token: &str) -> String {
    let response = t.post(&format!("/contribute/{token}/code"), None, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert_contains(&page, "Enter the code from your email");
    code_in(&smtp.one_message())
}

/// Enters a code; returns the response.
async fn enter_code(t: &TestApp, token: &str, code: &str) -> Response<Body> {
    t.post(
        &format!("/contribute/{token}"),
        None,
        &format!("code={}", enc(code)),
    )
    .await
}

fn wrong(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

/// The whole way in: code by email, right code; returns the contribute cookie (`name=value`).
async fn open_form(t: &TestApp, smtp: &mut Smtp, token: &str) -> String {
    let code = request_code(t, smtp, token).await;
    let response = enter_code(t, token, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some(format!("/contribute/{token}/form").as_str())
    );
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("__Host-cspr-contribute="))
        .expect("contribute cookie");
    cookie.split(';').next().expect("pair").to_owned()
}

/// What the practitioner must never see: the case reference and the children's names.
async fn case_secrets(t: &TestApp, case: CaseId, reference: &str) -> Vec<String> {
    let mut out = t.children(case).await;
    out.push(reference.to_owned());
    out.push(case.to_string());
    out
}

fn assert_hides(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!text.contains(s.as_str()), "{what} shows {s:?}");
    }
}

/// A case `reference` at the rapid review, and the partnership team signed in: the case and the
/// team's cookie.
async fn case_and_team(t: &TestApp, reference: &str) -> (CaseId, String) {
    let case = t.case(PARTNERSHIP, reference).await;
    let (_, team) = signed_in(t, Role::PartnershipTeam, "team@example.org").await;
    (case, team)
}

/// An application with email through a real SMTP server, a case at the rapid review, the team
/// signed in and one link made by the team to [`EMAIL`].
pub(crate) struct Linked {
    pub(crate) smtp: Smtp,
    pub(crate) t: TestApp,
    case: CaseId,
    team: String,
    pub(crate) token: String,
}

/// See [`Linked`]; `reference` is the case's.
pub(crate) async fn linked(reference: &str) -> Linked {
    let smtp = Smtp::start();
    let t = app_with(Some(smtp.config())).await;
    let (case, team) = case_and_team(&t, reference).await;
    let token = make_link(&t, &team, case).await;
    Linked {
        smtp,
        t,
        case,
        team,
        token,
    }
}

/// How many links the case has.
async fn link_count(t: &TestApp, case: CaseId) -> usize {
    let links = t.store.links_for_case(case.as_uuid()).await;
    links.expect("links").len()
}

/// The stored link of a token, found by the token's hash as the server finds it.
async fn stored_link(t: &TestApp, token: &str) -> PractitionerLink {
    t.store
        .link_by_token_hash(&cspr_web::session::token_hash(token))
        .await
        .expect("read")
        .expect("the link is stored by its hash")
}

/// Opens a link's form with a contribute cookie.
async fn get_form(t: &TestApp, token: &str, cookie: &str) -> Response<Body> {
    t.get(&format!("/contribute/{token}/form"), Some(cookie))
        .await
}

/// Posts a link's form with a contribute cookie.
async fn post_form(t: &TestApp, token: &str, cookie: &str, form: &str) -> Response<Body> {
    t.post(&format!("/contribute/{token}/form"), Some(cookie), form)
        .await
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn the_whole_flow_from_link_to_stored_contribution() {
    let mut smtp = Smtp::start();
    let t = app_with(Some(smtp.config())).await;
    let case = t.case(PARTNERSHIP, "CSPR-2025-301").await;
    let secrets = case_secrets(&t, case, "CSPR-2025-301").await;
    let (team_user, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;

    let token = make_link(&t, &team, case).await;
    let stored = stored_link(&t, &token).await;
    assert_eq!(stored.email.as_deref(), Some(EMAIL));
    assert_eq!(stored.form, form_key());
    assert_eq!(stored.case_id, case.as_uuid());
    assert_eq!(stored.created_by, team_user);
    assert_eq!(stored.expires_at, t.now() + Duration::days(14));
    assert_ne!(stored.token_hash, token);

    // The practitioner opens the link: nothing of the case, a button for a code.
    let response = t.get(&format!("/contribute/{token}"), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert_contains(
        &page,
        "email a code to the address the partnership has for you",
    );
    assert!(page.contains(&format!("action=\"/contribute/{token}/code\"")));
    assert_hides("the start page", &page, &secrets);

    // The code comes by email: plain words, nothing of the case.
    let response = t.post(&format!("/contribute/{token}/code"), None, "").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_hides("the code page", &body(response).await, &secrets);
    let message = smtp.one_message();
    assert!(message.contains(EMAIL), "sent to the link's address");
    assert!(message.contains("no-reply@northshire.example"));
    assert!(message.contains("Subject: Your code to open the form"));
    assert!(
        message
            .replace("=\r\n", "")
            .contains(" It works for 10 minutes."),
        "{message}"
    );
    assert_hides("the email", &message, &secrets);
    let code = code_in(&message);

    // A wrong code is refused; the right one opens the form.
    let response = enter_code(&t, &token, &wrong(&code)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookies(&response).is_empty());
    assert_contains(&body(response).await, "The code is not right");
    let response = enter_code(&t, &token, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = set_cookies(&response);
    assert_eq!(set.len(), 1, "{set:?}");
    for flag in [
        "Path=/",
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Max-Age=3600",
    ] {
        assert!(set[0].contains(flag), "{flag}: {}", set[0]);
    }
    assert!(set[0].starts_with("__Host-cspr-contribute="));
    let cookie = set[0].split(';').next().expect("pair").to_owned();
    // The same code does not work twice.
    assert_eq!(
        enter_code(&t, &token, &code).await.status(),
        StatusCode::BAD_REQUEST
    );

    // Without the cookie the form sends you back to the start; with it, the one form.
    let response = t.get(&format!("/contribute/{token}/form"), None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some(format!("/contribute/{token}").as_str())
    );
    let response = get_form(&t, &token, &cookie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert!(page.contains("What you would like the review to know"));
    assert!(page.contains("Scoping form"));
    assert!(!page.contains("/cases"), "no way into the staff side");
    assert_hides("the form", &page, &secrets);

    // An empty form is refused and changes nothing.
    let response = post_form(&t, &token, &cookie, "contribution=+++").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Sending it stores the text sealed with the case key and spends the link.
    let text = "I visited the family twice in March.\nThe referral form was hard to find.";
    let response = post_form(&t, &token, &cookie, &format!("contribution={}", enc(text))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("__Host-cspr-contribute=;") && c.contains("Max-Age=0")),
        "the cookie is cleared"
    );
    let page = body(response).await;
    assert!(page.contains("Thank you. Your contribution has been sent to the review team."));
    assert_hides("the confirmation", &page, &secrets);

    let used = stored_link(&t, &token).await;
    assert_eq!(used.used_at, Some(t.now()));
    let blob_id = used.contribution_blob_id.expect("the contribution's file");
    let blob = t.store.get_blob(blob_id).await.expect("blob");
    assert_eq!(blob.case_id, case.as_uuid());
    assert_eq!(blob.content_type, "text/plain");
    assert_eq!(blob.file_name, "practitioner-contribution.txt");
    assert_eq!(String::from_utf8(blob.bytes).expect("utf-8"), text);

    // A second use is refused at every step, and sends no email.
    for response in [
        t.get(&format!("/contribute/{token}"), None).await,
        t.post(&format!("/contribute/{token}/code"), None, "").await,
        enter_code(&t, &token, &code).await,
        get_form(&t, &token, &cookie).await,
        post_form(&t, &token, &cookie, "contribution=again").await,
    ] {
        assert_eq!(response.status(), StatusCode::GONE);
        assert!(body(response).await.contains(NOT_VALID));
    }
    assert!(smtp.new_messages().is_empty());
    let blobs_after = stored_link(&t, &token).await.contribution_blob_id;
    assert_eq!(blobs_after, Some(blob_id));

    // The team sees the link as used.
    let response = t
        .get(&format!("/cases/{case}/practitioner-links"), Some(&team))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert!(page.contains(EMAIL));
    assert!(page.contains("Form sent"));
    assert!(!page.contains(&token), "the link is shown only once");

    // The access log has the story, and no email address anywhere.
    let log = t.log().await;
    let actions: Vec<&str> = log
        .iter()
        .filter(|e| e.case_id == Some(case.as_uuid()))
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "practitioner-link-created",
        "practitioner-code-sent",
        "practitioner-code-refused",
        "practitioner-code-accepted",
        "practitioner-form-opened",
        "practitioner-contribution-sent",
        "practitioner-link-refused",
    ] {
        assert!(
            actions.contains(&action),
            "{action} not logged: {actions:?}"
        );
    }
    for e in &log {
        for field in [&e.actor, &e.action, &e.detail, &e.source_ip] {
            assert!(
                !field.contains("sam.practitioner") && !field.contains("nhs.example"),
                "an email address in the access log: {e:?}"
            );
            assert!(!field.contains(&token), "a link token in the access log");
        }
    }
}

#[tokio::test]
async fn links_expire_after_14_days_with_the_same_page_as_unknown_ones() {
    let Linked {
        mut smtp, t, token, ..
    } = linked("CSPR-2025-302").await;

    t.advance(Duration::days(14) - Duration::minutes(1));
    assert_status(&t, &format!("/contribute/{token}"), None, StatusCode::OK).await;

    t.advance(Duration::minutes(1));
    let expired = t.get(&format!("/contribute/{token}"), None).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    let expired = body(expired).await;
    assert!(expired.contains(NOT_VALID));
    let unknown = t
        .get(&format!("/contribute/{}", "ab".repeat(32)), None)
        .await;
    assert_eq!(unknown.status(), StatusCode::GONE);
    assert_eq!(
        body(unknown).await,
        expired,
        "expired and unknown look alike"
    );
    let malformed = t.get("/contribute/not-a-token", None).await;
    assert_eq!(body(malformed).await, expired);

    let response = t.post(&format!("/contribute/{token}/code"), None, "").await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert!(
        smtp.new_messages().is_empty(),
        "no code for an expired link"
    );
}

#[tokio::test]
async fn codes_last_10_minutes_and_5_tries() {
    let Linked {
        mut smtp, t, token, ..
    } = linked("CSPR-2025-303").await;

    // Expiry: a right code 10 minutes late is refused.
    let code = request_code(&t, &mut smtp, &token).await;
    t.advance(Duration::minutes(10));
    let response = enter_code(&t, &token, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookies(&response).is_empty());
    assert_contains(&body(response).await, "Your code has expired");

    // Five tries: after five wrong codes, even the right one is refused.
    let code = request_code(&t, &mut smtp, &token).await;
    for n in 1..=5 {
        let response = enter_code(&t, &token, &wrong(&code)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "try {n}");
        let page = body(response).await;
        if n == 5 {
            assert_contains(&page, "entered wrongly too many times");
        } else {
            assert_contains(&page, "The code is not right");
        }
    }
    let response = enter_code(&t, &token, &code).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        set_cookies(&response).is_empty(),
        "the 6th try opens nothing"
    );

    // Malformed input is not a try, but opens nothing either.
    let response = enter_code(&t, &token, "12ab56").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // A new code starts again and works at the first try, within its 10 minutes.
    let code = request_code(&t, &mut smtp, &token).await;
    t.advance(Duration::minutes(9));
    let response = enter_code(&t, &token, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(set_cookies(&response).len(), 1);
}

#[tokio::test]
async fn a_links_cookie_opens_that_form_only() {
    let mut smtp = Smtp::start();
    let t = app_with(Some(smtp.config())).await;
    let case = t.case(PARTNERSHIP, "CSPR-2025-304").await;
    let other_case = t.case(PARTNERSHIP, "CSPR-2025-305").await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    let a = make_link(&t, &team, case).await;
    let b = make_link(&t, &team, case).await;
    let c = make_link(&t, &team, other_case).await;
    let cookie_a = open_form(&t, &mut smtp, &a).await;

    // Link A's cookie does not open link B's form (same case) or C's (another case).
    for other in [&b, &c] {
        let response = get_form(&t, other, &cookie_a).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&response).as_deref(),
            Some(format!("/contribute/{other}").as_str())
        );
        let response = post_form(&t, other, &cookie_a, "contribution=not+mine").await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let link = stored_link(&t, other).await;
        assert_eq!(link.used_at, None);
        assert_eq!(link.contribution_blob_id, None);
    }

    // Nor anything of the staff side: it is not a session.
    for path in [
        "/dashboard".to_owned(),
        "/cases".to_owned(),
        "/account".to_owned(),
        "/admin".to_owned(),
        format!("/cases/{case}"),
        format!("/cases/{case}/members"),
        format!("/cases/{case}/access-history"),
        format!("/cases/{case}/practitioner-links"),
        format!("/cases/{case}/agencies/{HEALTH}/contributions"),
    ] {
        let response = t.get(&path, Some(&cookie_a)).await;
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert!(
            location(&response).is_some_and(|l| l.starts_with("/sign-in")),
            "{path} sends to sign in"
        );
    }
    for path in [
        format!("/cases/{case}/practitioner-links"),
        format!("/cases/{case}/members"),
    ] {
        let response = t
            .post(
                &path,
                Some(&cookie_a),
                &format!("email={}&form={}", enc(EMAIL), enc(&form_key())),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(link_count(&t, case).await, 2);

    // It still opens A's own form, until its 60 minutes are up.
    let response = get_form(&t, &a, &cookie_a).await;
    assert_eq!(response.status(), StatusCode::OK);
    t.advance(Duration::minutes(60));
    let response = get_form(&t, &a, &cookie_a).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = post_form(&t, &a, &cookie_a, "contribution=late").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_contains(&body(response).await, "closes 60 minutes after");
}

#[tokio::test]
async fn withdrawn_links_stop_working() {
    let Linked {
        mut smtp,
        t,
        case,
        team,
        token,
    } = linked("CSPR-2025-306").await;
    let cookie = open_form(&t, &mut smtp, &token).await;
    let link = stored_link(&t, &token).await;

    let response = t
        .post(
            &format!("/cases/{case}/practitioner-links/revoke"),
            Some(&team),
            &format!("link={}", link.id),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = get_form(&t, &token, &cookie).await;
    assert_eq!(response.status(), StatusCode::GONE);
    let page = body(
        t.get(&format!("/cases/{case}/practitioner-links"), Some(&team))
            .await,
    )
    .await;
    assert!(page.contains("Withdrawn"));
}

#[tokio::test]
async fn bad_requests_for_links_change_nothing() {
    let t = app_with(None).await;
    let (case, team) = case_and_team(&t, "CSPR-2025-307").await;
    for form in [
        format!("email=not-an-address&form={}", enc(&form_key())),
        format!("email={}&form=scoping-form%3Anope", enc(EMAIL)),
        format!(
            "email={}&form={}",
            enc(EMAIL),
            enc(&format!("scoping-form:{}", uuid::Uuid::new_v4()))
        ),
        String::new(),
    ] {
        let path = format!("/cases/{case}/practitioner-links");
        let response = t.post(&path, Some(&team), &form).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{form}");
        assert_contains(&body(response).await, "There is a problem");
    }
    assert_eq!(link_count(&t, case).await, 0);
}

#[tokio::test]
async fn without_email_set_up_the_page_says_so() {
    let t = app_with(None).await;
    let (case, team) = case_and_team(&t, "CSPR-2025-308").await;
    let token = make_link(&t, &team, case).await;
    let response = t.post(&format!("/contribute/{token}/code"), None, "").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_contains(&body(response).await, "email is not set up");
    let link = stored_link(&t, &token).await;
    assert_eq!(link.code_hash, None, "no code was made");
}

/// Issue 16, finding 4: a link once saved into the agency's one draft (wiping the
/// representative's answers) and sent it as the agency's response, in the name of the team
/// member who made the link. Now the link has a draft of its own, its send is a submission the
/// agency sees on its answer page and accepts (as its draft) or declines, and the stored events
/// name the link.
#[tokio::test]
async fn a_link_answers_its_agencys_open_request_with_the_requests_form() {
    use cspr_domain::case::model::{ContributionKind, ContributionStatus, Responder};
    use cspr_domain::examples::CSC;
    use cspr_domain::ids::LinkId;
    let mut smtp = Smtp::start();
    let t = app_with(Some(smtp.config())).await;
    t.agencies(&[CSC]).await;
    let (_, team) = signed_in(&t, Role::PartnershipTeam, "team@example.org").await;
    // The example case at the rapid review: children's services' summary is still awaited.
    let case = t.case(PARTNERSHIP, "CSPR-2025-031").await;
    let key = (ContributionKind::AgencySummary, CSC);
    let agency_page = format!("/cases/{case}/agencies/{CSC}/requests/agency-summary");
    // The agency's own draft, before any practitioner answers.
    let own = t
        .post(
            &agency_page,
            Some(&team),
            "intent=save&q-involvement=The+agency%27s+own+words.",
        )
        .await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    let make = async |email: &str| {
        let response = t
            .post(
                &format!("/cases/{case}/practitioner-links"),
                Some(&team),
                &format!(
                    "email={}&form={}",
                    enc(email),
                    enc(&format!("agency-summary:{CSC}"))
                ),
            )
            .await;
        let page = body(response).await;
        let at = page.find("/contribute/").expect("the link") + "/contribute/".len();
        page[at..].chars().take(64).collect::<String>()
    };
    let token = make(EMAIL).await;
    let other_token = make("alex.practitioner@nhs.example").await;
    let link = LinkId::from_uuid(stored_link(&t, &token).await.id);
    let other = LinkId::from_uuid(stored_link(&t, &other_token).await.id);
    let cookie = open_form(&t, &mut smtp, &token).await;
    let other_cookie = open_form(&t, &mut smtp, &other_token).await;

    // The request's questions, not the free text, and nothing of the agency's draft.
    let page = body(get_form(&t, &token, &cookie).await).await;
    assert_contains(&page, "involvement with the child and family?");
    assert!(page.contains("name=\"q-known-risks\""));
    assert!(!page.contains("name=\"contribution\""));
    assert!(
        !page.contains("own words"),
        "the agency's draft stays unseen"
    );

    // Saved, not sent: each link's draft is its own; the agency's is untouched.
    let saved = post_form(&t, &token, &cookie, &format!("intent=save&{INVOLVEMENT}")).await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_contains(&body(saved).await, "Your answers are saved");
    let saved = post_form(
        &t,
        &other_token,
        &other_cookie,
        "intent=save&q-involvement=Health+visitor.",
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    let r = &loaded.contributions[&key];
    assert!(matches!(r.status, ContributionStatus::Requested));
    let agency_draft = r.draft.as_ref().expect("the agency's draft");
    assert_eq!(agency_draft.form.by, Responder::Agency);
    assert_eq!(
        agency_draft.form.answers[0].answer,
        "The agency's own words."
    );
    assert_eq!(
        r.link_drafts[&link].form.answers[0].answer,
        "School nurse saw the child weekly."
    );
    assert_eq!(
        r.link_drafts[&other].form.answers[0].answer,
        "Health visitor."
    );
    // Each practitioner sees their own link's draft only.
    let page = body(get_form(&t, &other_token, &other_cookie).await).await;
    assert!(page.contains("Health visitor."));
    assert!(
        !page.contains("School nurse"),
        "another link's draft stays unseen"
    );

    // Sending with required answers missing: the errors, nothing sent, the link still works.
    let missing = post_form(&t, &token, &cookie, &format!("intent=send&{INVOLVEMENT}")).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let page = body(missing).await;
    assert!(page.contains("govuk-error-summary"));
    assert!(page.contains("href=\"#q-known-risks\""));

    let sent = post_form(
        &t,
        &token,
        &cookie,
        &format!(
            "intent=send&{INVOLVEMENT}&q-known-risks=None+known.\
             &q-worked-well=Quick+referral.&q-early-learning=Share+attendance+sooner."
        ),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::OK);
    assert_contains(&body(sent).await, "who will check them");
    // Submitted, not the agency's response: the request is open, the agency's draft kept.
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    let r = &loaded.contributions[&key];
    assert!(
        matches!(r.status, ContributionStatus::Requested),
        "a practitioner's send is not the agency's response"
    );
    assert_eq!(
        r.draft.as_ref().expect("draft").form.answers[0].answer,
        "The agency's own words."
    );
    assert!(r.submissions[&link].is_pending());

    // The stored events of the links' steps name the links, never the team member.
    let stored = t.store.load_stream(case.as_uuid()).await.expect("stream");
    let link_events: Vec<(&str, &str)> = stored
        .iter()
        .filter(|e| e.actor.starts_with("practitioner-link:"))
        .map(|e| (e.event_type.as_str(), e.actor.as_str()))
        .collect();
    let (by_link, by_other) = (
        format!("practitioner-link:{link}"),
        format!("practitioner-link:{other}"),
    );
    assert_eq!(
        link_events,
        [
            ("contribution-draft-saved", by_link.as_str()),
            ("contribution-draft-saved", by_other.as_str()),
            ("practitioner-answers-submitted", by_link.as_str()),
        ],
        "{link_events:?}"
    );
    let log = t.case_log(case).await;
    assert!(
        log.iter()
            .any(|e| e.action == "practitioner-answers-submitted"
                && e.actor == by_link
                && e.detail.contains(&link.to_string())),
        "{log:?}"
    );

    // The link is spent: the same page as any bad link, and the refusal is logged.
    let again = t.get(&format!("/contribute/{token}"), None).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(body(again).await.contains(NOT_VALID));
    let log = t.case_log(case).await;
    assert!(
        log.iter()
            .any(|e| e.action == "practitioner-link-refused" && e.detail == "link used"),
        "{log:?}"
    );

    // The agency's answer page shows the submission, to accept or decline.
    let page = body(t.get(&agency_page, Some(&team)).await).await;
    assert_contains(&page, "Answers from practitioners");
    assert_contains(&page, "Share attendance sooner.");
    let submission = format!("{agency_page}/submissions/{link}");
    assert_contains(&page, &format!("action=\"{submission}/accept\""));
    // Declining needs a reason: the error summary, nothing changes.
    let no_reason = t
        .post(&format!("{submission}/decline"), Some(&team), "")
        .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let page = body(no_reason).await;
    assert_contains(&page, "govuk-error-summary");
    assert_contains(&page, &format!("href=\"#reason-{link}\""));
    // Accepted with a mark of an older draft: refused, nothing changes.
    let stale = t
        .post(&format!("{submission}/accept"), Some(&team), "seen=0123")
        .await;
    assert_eq!(stale.status(), StatusCode::BAD_REQUEST);
    assert!(
        t.state
            .app()
            .load(case)
            .await
            .expect("case")
            .0
            .contributions[&key]
            .submissions[&link]
            .is_pending()
    );
    // Accepted from the page as drawn: the agency's draft, not yet sent.
    let page = body(t.get(&agency_page, Some(&team)).await).await;
    let at = page.find("name=\"seen\" value=\"").expect("mark") + "name=\"seen\" value=\"".len();
    let mark: String = page[at..].chars().take_while(|c| *c != '"').collect();
    let accepted = t
        .post(
            &format!("{submission}/accept"),
            Some(&team),
            &format!("seen={mark}"),
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let (loaded, _) = t.state.app().load(case).await.expect("case");
    let r = &loaded.contributions[&key];
    assert!(
        matches!(r.status, ContributionStatus::Requested),
        "not sent"
    );
    let d = r.draft.as_ref().expect("draft");
    assert_eq!(d.form.by, Responder::Practitioner);
    assert!(
        d.form
            .answers
            .iter()
            .any(|a| a.answer == "Share attendance sooner.")
    );
    assert!(!r.submissions[&link].is_pending());
}
