//! The JSON API (issue 18): tokens, the case reads and their audit, commands with `If-Match`,
//! opening a case, the client credentials grant, problems, the description, and every route of
//! the API's table against a token of every role and a case of another partnership.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use cspr_app::accounts::api;
use cspr_domain::case::Command;
use cspr_domain::examples::{HEALTH, PARTNERSHIP, local_review_script};
use cspr_web::access::{Role, Rule};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_PARTNERSHIP, TestApp, account, body};

/// A token for a new account of `role` (an agency representative of Health).
async fn token(t: &TestApp, role: Role, email: &str) -> (Uuid, String) {
    let id = account(t, role, email).await;
    let issued = api::issue(&t.state, email, "Tests", 30)
        .await
        .expect("token");
    (id, issued.secret.expose_secret().to_owned())
}

async fn call(
    t: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body_json: Option<Value>,
) -> Response<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = match body_json {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    t.send(req.body(body).expect("request")).await
}

async fn json_of(response: Response<Body>) -> (StatusCode, Value) {
    let status = response.status();
    let text = body(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON: {text}")),
    )
}

async fn get(t: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    json_of(call(t, "GET", path, Some(token), &[], None).await).await
}

fn problem_code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_token_reads_the_cases_its_person_may_see_and_every_read_is_logged() {
    let t = TestApp::spawn().await;
    let case = t.case(PARTNERSHIP, "CSPR-2025-001").await;
    let (team, tok) = token(&t, Role::PartnershipTeam, "team@example.org").await;

    let (status, me) = get(&t, "/api/v1/me", &tok).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "partnership-team");
    assert_eq!(me["user_id"], team.to_string());

    let (status, list) = get(&t, "/api/v1/cases?per_page=10", &tok).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["reference"], "CSPR-2025-001");
    assert_eq!(list["items"][0]["stage"], "rapid-review");
    let listed = t.log().await;
    assert!(listed.iter().any(|e| e.action == "api-list-cases"
        && e.actor == team.to_string()
        && e.detail.contains(&case.to_string())));
    // Filters and paging: another stage, and a page past the end, list nothing.
    let (_, none) = get(&t, "/api/v1/cases?stage=closed", &tok).await;
    assert_eq!(none["total"], 0);
    let (_, past) = get(&t, "/api/v1/cases?page=2&per_page=1", &tok).await;
    assert_eq!(
        (
            past["total"].as_u64(),
            past["items"].as_array().map(Vec::len)
        ),
        (Some(1), Some(0))
    );
    for bad in [
        "page=0",
        "per_page=101",
        "page=x",
        "stage=nonsense",
        "closed=perhaps",
    ] {
        let (status, p) = get(&t, &format!("/api/v1/cases?{bad}"), &tok).await;
        assert_eq!(
            (status, problem_code(&p)),
            (StatusCode::BAD_REQUEST, "bad-request"),
            "{bad}"
        );
    }

    let response = call(
        &t,
        "GET",
        &format!("/api/v1/cases/{case}"),
        Some(&tok),
        &[],
        None,
    )
    .await;
    let etag = response.headers()[header::ETAG]
        .to_str()
        .expect("etag")
        .to_owned();
    let (status, read) = json_of(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(etag, format!("\"{}\"", read["version"]));
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "api-view-case" && e.actor == team.to_string())
    );

    let (status, timeline) = get(
        &t,
        &format!("/api/v1/cases/{case}/timeline?per_page=2"),
        &tok,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(timeline["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(timeline["total"], read["version"]);
    // Newest first.
    assert_eq!(timeline["items"][0]["number"], read["version"]);
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "api-view-timeline")
    );

    let (status, deadlines) = get(&t, &format!("/api/v1/cases/{case}/deadlines"), &tok).await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&str> = deadlines
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["key"].as_str())
        .collect();
    assert!(keys.contains(&"rapid-review"), "{keys:?}");

    // The requests for contributions, as the case holds them (status, not content).
    let (status, requests) = get(&t, &format!("/api/v1/cases/{case}/requests"), &tok).await;
    assert_eq!(status, StatusCode::OK, "{requests}");
    let (held, _) = t.state.app().load(case).await.expect("case");
    let listed = requests.as_array().expect("list");
    assert_eq!(listed.len(), held.contributions.len());
    assert!(
        !listed.is_empty(),
        "the example asks agencies for summaries by the rapid review"
    );
    for (item, request) in listed.iter().zip(held.contributions.values()) {
        assert_eq!(item["kind"], request.kind.slug());
        assert_eq!(item["agency_id"], request.agency.as_uuid().to_string());
        assert!(
            ["requested", "received", "waived"]
                .contains(&item["status"].as_str().unwrap_or_default())
        );
        assert!(item.get("contribution").is_none(), "no content in the list");
    }
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "api-view-requests")
    );

    // Someone who sees only the cases they are members of: none listed, the case refused.
    let (reviewer, rtok) = token(&t, Role::IndependentReviewer, "reviewer@example.org").await;
    let (_, theirs) = get(&t, "/api/v1/cases", &rtok).await;
    assert_eq!(theirs["total"], 0);
    let (status, p) = get(&t, &format!("/api/v1/cases/{case}"), &rtok).await;
    assert_eq!(
        (status, problem_code(&p)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "authorisation-refused" && e.actor == reviewer.to_string())
    );
}

#[tokio::test]
async fn tokens_that_do_not_stand_are_all_refused_alike() {
    let t = TestApp::spawn().await;
    let (jo, tok) = token(&t, Role::PartnershipTeam, "jo@example.org").await;
    let refused = |r: &Response<Body>| {
        r.status() == StatusCode::UNAUTHORIZED
            && r.headers().get(header::WWW_AUTHENTICATE).is_some()
            && r.headers()[header::CONTENT_TYPE] == "application/problem+json"
    };
    let missing = call(&t, "GET", "/api/v1/me", None, &[], None).await;
    assert!(refused(&missing));
    for bad in ["nonsense", "cspr_pat_0000", &format!("{tok}x")] {
        let r = call(&t, "GET", "/api/v1/me", Some(bad), &[], None).await;
        assert!(refused(&r), "{bad}");
    }
    // A session cookie is not a token.
    let (_, cookie) = t
        .user(Role::PartnershipTeam)
        .email("kim@example.org")
        .signed_in()
        .await;
    let r = call(&t, "GET", "/api/v1/me", None, &[("cookie", &cookie)], None).await;
    assert!(refused(&r));

    // Revoked by its person: refused from then on.
    let (chair, other) = token(&t, Role::Chair, "chair@example.org").await;
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&tok), &[], None)
            .await
            .status(),
        StatusCode::OK
    );
    let id = api::tokens(&t.state, cspr_domain::ids::UserId::from_uuid(jo))
        .await
        .expect("tokens")[0]
        .id;
    assert!(
        api::revoke(&t.state, cspr_domain::ids::UserId::from_uuid(jo), id)
            .await
            .expect("revoke")
    );
    assert!(refused(
        &call(&t, "GET", "/api/v1/me", Some(&tok), &[], None).await
    ));
    // Expired: refused (the other lasts 30 days).
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&other), &[], None)
            .await
            .status(),
        StatusCode::OK
    );
    t.advance(time::Duration::days(30));
    assert!(refused(
        &call(&t, "GET", "/api/v1/me", Some(&other), &[], None).await
    ));

    // A month past its expiry, the sweep deletes it (until then its person sees it ran out).
    let chair = cspr_domain::ids::UserId::from_uuid(chair);
    t.state.sweep().await.expect("sweep");
    assert_eq!(api::tokens(&t.state, chair).await.expect("tokens").len(), 1);
    t.advance(time::Duration::days(31));
    t.state.sweep().await.expect("sweep");
    assert!(
        api::tokens(&t.state, chair)
            .await
            .expect("tokens")
            .is_empty()
    );

    // A disabled account's token: refused.
    let (sam, sam_tok) = token(&t, Role::Chair, "sam@example.org").await;
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&sam_tok), &[], None)
            .await
            .status(),
        StatusCode::OK
    );
    t.store.set_user_disabled(sam, true).await.expect("disable");
    assert!(refused(
        &call(&t, "GET", "/api/v1/me", Some(&sam_tok), &[], None).await
    ));

    // Bad requests for a token: refused, nothing made.
    assert!(matches!(
        api::issue(&t.state, "nobody@example.org", "x", 30).await,
        Err(api::IssueError::NoSuchAccount)
    ));
    assert!(matches!(
        api::issue(&t.state, "jo@example.org", "", 30).await,
        Err(api::IssueError::Label)
    ));
    assert!(matches!(
        api::issue(&t.state, "jo@example.org", "x", 367).await,
        Err(api::IssueError::Days)
    ));
    assert!(matches!(
        api::issue(&t.state, "sam@example.org", "x", 30).await,
        Err(api::IssueError::Disabled)
    ));
}

#[tokio::test]
async fn a_command_carries_the_version_it_was_read_at() {
    let t = TestApp::spawn().await;
    let case = t.case(PARTNERSHIP, "CSPR-2025-001").await;
    let (day, next) = local_review_script()
        .into_iter()
        .nth(8)
        .expect("a ninth step");
    t.set_day(day);
    let (_, tok) = token(&t, Role::PartnershipTeam, "team@example.org").await;
    let path = format!("/api/v1/cases/{case}/commands");
    let (_, read) = get(&t, &format!("/api/v1/cases/{case}"), &tok).await;
    let version = read["version"].as_u64().expect("version");
    let command = serde_json::to_value(&next).expect("json");
    let with = |tag: String| vec![("if-match".to_owned(), tag)];
    let send = |headers: Vec<(String, String)>, body: Option<Value>| {
        let path = path.clone();
        let tok = tok.clone();
        let t = &t;
        async move {
            let hs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            json_of(call(t, "POST", &path, Some(&tok), &hs, body).await).await
        }
    };

    let (s, p) = send(vec![], Some(command.clone())).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::PRECONDITION_REQUIRED, "precondition-required")
    );
    let (s, p) = send(with("12".into()), Some(command.clone())).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::BAD_REQUEST, "bad-request")
    );
    let (s, p) = send(with(format!("\"{}\"", version - 1)), Some(command.clone())).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::PRECONDITION_FAILED, "precondition-failed")
    );
    let (s, p) = send(
        with("*".into()),
        Some(json!({"command": "no-such-command"})),
    )
    .await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid-command")
    );
    let (s, p) = send(with("*".into()), Some(json!([1, 2]))).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid-command")
    );
    // Not JSON at all, or not said to be.
    let r = call(
        &t,
        "POST",
        &path,
        Some(&tok),
        &[("if-match", "*"), ("content-type", "application/json")],
        None,
    )
    .await;
    assert_eq!(json_of(r).await.1["code"], "bad-request");
    let r = call(
        &t,
        "POST",
        &path,
        Some(&tok),
        &[("if-match", "*"), ("content-type", "text/plain")],
        None,
    )
    .await;
    assert_eq!(json_of(r).await.1["code"], "unsupported-media-type");
    // Nothing of these changed the case.
    let (_, still) = get(&t, &format!("/api/v1/cases/{case}"), &tok).await;
    assert_eq!(still["version"], version);

    // An agency representative may not give the team's command (and the refusal is logged).
    let (rep, rep_tok) = token(&t, Role::AgencyRepresentative, "rep@example.org").await;
    t.grant(
        case,
        rep,
        cspr_domain::case::model::CaseRole::AgencyRepresentative,
        Some(HEALTH),
    )
    .await;
    let version = version + 1;
    let r = call(
        &t,
        "POST",
        &path,
        Some(&rep_tok),
        &[("if-match", "*")],
        Some(command.clone()),
    )
    .await;
    let (s, p) = json_of(r).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{p}"
    );

    // Publishing goes through its own workflow, whoever asks.
    let publish = serde_json::to_value(Command::Publish {
        published_on: day,
        anonymisation_reviewed: true,
        online_until: None,
        despite_parallel_process: None,
    })
    .expect("json");
    let (s, p) = send(with("*".into()), Some(publish)).await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::UNPROCESSABLE_ENTITY, "own-workflow")
    );

    // At the version read: given, and the new version is the answer's entity tag.
    let r = call(
        &t,
        "POST",
        &path,
        Some(&tok),
        &[("if-match", &format!("\"{version}\""))],
        Some(command.clone()),
    )
    .await;
    let etag = r
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().expect("tag").to_owned());
    let (s, given) = json_of(r).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "{given} ({:?})",
        cspr_domain::case::CommandKind::from(&next)
    );
    let now = given["version"].as_u64().expect("version");
    assert!(now > version);
    assert_eq!(etag, Some(format!("\"{now}\"")));
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "api-give-command")
    );
    // The same again: the case refuses it or it is stale, never given twice at that version.
    let r = call(
        &t,
        "POST",
        &path,
        Some(&tok),
        &[("if-match", &format!("\"{version}\""))],
        Some(command),
    )
    .await;
    assert_eq!(json_of(r).await.0, StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn a_case_opened_through_the_api_gets_the_next_reference() {
    let t = TestApp::spawn().await;
    t.case(PARTNERSHIP, "CSPR-2025-001").await;
    let (_, tok) = token(&t, Role::PartnershipTeam, "team@example.org").await;
    let (day, first) = local_review_script()
        .into_iter()
        .next()
        .expect("a first step");
    t.set_day(day);
    let mut opening = serde_json::to_value(&first).expect("json");
    let fields = opening.as_object_mut().expect("object");
    fields.remove("partnership_id");
    fields.remove("reference");

    let r = call(
        &t,
        "POST",
        "/api/v1/cases",
        Some(&tok),
        &[],
        Some(opening.clone()),
    )
    .await;
    let location = r
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("loc").to_owned());
    let (s, made) = json_of(r).await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().expect("id");
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/cases/{id}").as_str())
    );
    let (_, read) = get(&t, &format!("/api/v1/cases/{id}"), &tok).await;
    assert_eq!(
        read["reference"],
        format!("CSPR-{}-002", day.year()),
        "one more than the case of that year"
    );

    // For another partnership: refused, nothing opened.
    let mut other = opening.clone();
    other["partnership_id"] = json!(OTHER_PARTNERSHIP.as_uuid());
    let (s, p) =
        json_of(call(&t, "POST", "/api/v1/cases", Some(&tok), &[], Some(other)).await).await;
    assert_eq!((s, problem_code(&p)), (StatusCode::FORBIDDEN, "forbidden"));
    // A command that does not open a case.
    let (s, p) = json_of(
        call(
            &t,
            "POST",
            "/api/v1/cases",
            Some(&tok),
            &[],
            Some(json!({"command": "close-case"})),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    // Someone whose role does not open cases.
    let (_, chair) = token(&t, Role::Chair, "chair@example.org").await;
    let (s, _) = json_of(
        call(
            &t,
            "POST",
            "/api/v1/cases",
            Some(&chair),
            &[],
            Some(opening),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, all) = get(&t, "/api/v1/cases", &tok).await;
    assert_eq!(all["total"], 2);
}

#[tokio::test]
async fn a_client_trades_its_credentials_for_an_hour_long_token() {
    let t = TestApp::spawn().await;
    account(&t, Role::SubgroupMember, "system@example.org").await;
    let client = api::create_client(&t.state, "system@example.org", "Police case system")
        .await
        .expect("client");
    let secret = client.secret.expose_secret().to_owned();
    let grant = |form: String, basic: Option<String>| {
        let t = &t;
        async move {
            let mut req = Request::post("/api/v1/oauth/token")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(b) = basic {
                req = req.header(header::AUTHORIZATION, format!("Basic {b}"));
            }
            json_of(t.send(req.body(Body::from(form)).expect("request")).await).await
        }
    };
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:{secret}", client.id));
    let (s, given) = grant("grant_type=client_credentials".into(), Some(basic)).await;
    assert_eq!(s, StatusCode::OK, "{given}");
    assert_eq!(
        (given["token_type"].as_str(), given["expires_in"].as_i64()),
        (Some("Bearer"), Some(3600))
    );
    let access = given["access_token"].as_str().expect("token").to_owned();
    let (s, me) = get(&t, "/api/v1/me", &access).await;
    assert_eq!(
        (s, me["role"].as_str()),
        (StatusCode::OK, Some("subgroup-member"))
    );

    // In the form instead of Basic: the same.
    let (s, _) = grant(
        format!(
            "grant_type=client_credentials&client_id={}&client_secret={secret}",
            client.id
        ),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // A wrong secret, an unknown client, another grant.
    let (s, p) = grant(
        format!(
            "grant_type=client_credentials&client_id={}&client_secret=cspr_cs_wrong",
            client.id
        ),
        None,
    )
    .await;
    assert_eq!(
        (s, problem_code(&p), p["error"].as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "invalid-client",
            Some("invalid_client")
        )
    );
    let (s, _) = grant(
        format!(
            "grant_type=client_credentials&client_id={}&client_secret={secret}",
            Uuid::new_v4()
        ),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, p) = grant("grant_type=password&username=a&password=b".into(), None).await;
    assert_eq!(
        (s, p["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );

    // An hour on, the token is refused; a revoked client's tokens are refused at once.
    t.advance(time::Duration::minutes(61));
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&access), &[], None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, again) = grant(
        format!(
            "grant_type=client_credentials&client_id={}&client_secret={secret}",
            client.id
        ),
        None,
    )
    .await;
    let fresh = again["access_token"].as_str().expect("token").to_owned();
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&fresh), &[], None)
            .await
            .status(),
        StatusCode::OK
    );
    assert!(
        api::revoke_client(&t.state, client.id)
            .await
            .expect("revoke")
    );
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&fresh), &[], None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = grant(
        format!(
            "grant_type=client_credentials&client_id={}&client_secret={secret}",
            client.id
        ),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_api_answers_in_problems_and_describes_itself() {
    let t = TestApp::spawn().await;
    let (_, tok) = token(&t, Role::PartnershipTeam, "team@example.org").await;
    for (method, path, status, code) in [
        (
            "GET",
            "/api/v1/no-such-thing",
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        (
            "DELETE",
            "/api/v1/me",
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "GET",
            "/api/v1/cases/not-a-uuid",
            StatusCode::NOT_FOUND,
            "not-found",
        ),
    ] {
        let r = call(&t, method, path, Some(&tok), &[], None).await;
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
        let (s, p) = json_of(r).await;
        assert_eq!((s, problem_code(&p)), (status, code), "{method} {path}");
        assert_eq!(p["type"], format!("/api/v1/problems#{code}"));
    }
    let r = call(&t, "GET", "/api/v1/problems", None, &[], None).await;
    let (_, codes) = json_of(r).await;
    assert!(
        codes
            .as_array()
            .expect("codes")
            .iter()
            .any(|c| c["code"] == "precondition-failed" && c["status"] == 412)
    );

    let (s, doc) = json_of(call(&t, "GET", "/api/v1/openapi.json", None, &[], None).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every route of the table is described, with its method.
    for route in cspr_web::api::ROUTES
        .iter()
        .filter(|r| r.path != "/openapi.json")
    {
        let path = &doc["paths"][route.path];
        assert!(
            path.get(route.method.to_ascii_lowercase()).is_some(),
            "{} {} is not described",
            route.method,
            route.path
        );
    }
    let names = &doc["components"]["schemas"]["CommandBody"]["properties"]["command"]["enum"];
    assert!(
        names
            .as_array()
            .expect("names")
            .iter()
            .any(|n| n == "notify-national-panel")
    );
}

/// Every route of the API's table with a token of every role: refused when the rule refuses
/// the role, never refused when it allows it; a case of another partnership is not found by
/// anyone; without a token every route but the public ones answers 401.
#[tokio::test]
async fn every_api_route_keeps_to_its_rule_for_every_role_and_partnership() {
    let t = TestApp::spawn().await;
    let ours = t.case(PARTNERSHIP, "CSPR-2025-001").await;
    let theirs = t.case(OTHER_PARTNERSHIP, "OTHER-2025-001").await;
    let mut tokens = Vec::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let (id, tok) = token(&t, role, &format!("person{i}@example.org")).await;
        tokens.push((role, id, tok));
    }
    for route in cspr_web::api::ROUTES {
        if route.rule == Rule::Public {
            continue;
        }
        let path = |case: uuid::Uuid| {
            let p = route
                .path
                .replace("{case_id}", &case.to_string())
                .replace("{document}", "rapid-review")
                .replace("{export_id}", "00000000-0000-0000-0000-00000000e0e0");
            format!("/api/v1{p}")
        };
        // A route to one thing under the case (an export) answers "not found" to those let in.
        let missing_is_allowed = route.path.contains("{export_id}");
        let body = (route.method == "POST").then(|| json!({"command": "no-such-command"}));
        let headers: &[(&str, &str)] = &[("if-match", "*")];
        let r = call(
            &t,
            route.method,
            &path(ours.as_uuid()),
            None,
            headers,
            body.clone(),
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{} {} without a token",
            route.method,
            route.path
        );
        for (role, _, tok) in &tokens {
            let r = call(
                &t,
                route.method,
                &path(ours.as_uuid()),
                Some(tok),
                headers,
                body.clone(),
            )
            .await;
            let status = r.status();
            let allowed = match route.rule {
                Rule::Roles(roles) => roles.contains(role),
                Rule::Case(_) => {
                    role.sees_partnership_cases() && *role != Role::SystemAdministrator
                }
                _ => true,
            };
            if allowed && missing_is_allowed {
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{} {} for {role:?}",
                    route.method,
                    route.path
                );
            } else if allowed {
                assert!(
                    !matches!(
                        status,
                        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                    ),
                    "{} {} refused {role:?}: {status}",
                    route.method,
                    route.path
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{} {} let {role:?} in",
                    route.method,
                    route.path
                );
            }
            if matches!(route.rule, Rule::Case(_)) {
                let r = call(
                    &t,
                    route.method,
                    &path(theirs.as_uuid()),
                    Some(tok),
                    headers,
                    body.clone(),
                )
                .await;
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "{} {} showed {role:?} another partnership's case",
                    route.method,
                    route.path
                );
            }
        }
    }
}

#[tokio::test]
async fn a_person_sees_their_tokens_and_revokes_one_on_their_account() {
    let t = TestApp::spawn().await;
    let (jo, cookie) = t
        .user(Role::Chair)
        .email("jo@example.org")
        .signed_in()
        .await;
    let first = api::issue(&t.state, "jo@example.org", "Case system", 30)
        .await
        .expect("token");
    api::issue(&t.state, "jo@example.org", "Reporting", 30)
        .await
        .expect("token");
    let (_, other) = token(&t, Role::Chair, "kim@example.org").await;
    let page = t.page("/account/api-tokens", Some(&cookie)).await;
    assert!(
        page.contains("Case system") && page.contains("Reporting"),
        "{page}"
    );
    assert!(
        !page.contains(first.secret.expose_secret()),
        "a secret is never shown again"
    );
    assert!(
        t.page("/account", Some(&cookie))
            .await
            .contains("/account/api-tokens")
    );

    // Someone else's token cannot be revoked from this account: not found, and it still works.
    let kims = api::tokens(
        &t.state,
        cspr_domain::ids::UserId::from_uuid(
            t.store
                .user_by_email("kim@example.org")
                .await
                .expect("user")
                .expect("kim")
                .id,
        ),
    )
    .await
    .expect("tokens")[0]
        .id;
    let r = t
        .post(
            &format!("/account/api-tokens/{kims}/revoke"),
            Some(&cookie),
            "",
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&other), &[], None)
            .await
            .status(),
        StatusCode::OK
    );

    let secret = first.secret.expose_secret().to_owned();
    let r = t
        .post(
            &format!("/account/api-tokens/{}/revoke", first.id),
            Some(&cookie),
            "",
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[header::LOCATION],
        "/account/api-tokens?revoked=1"
    );
    assert_eq!(
        call(&t, "GET", "/api/v1/me", Some(&secret), &[], None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let page = t.page("/account/api-tokens?revoked=1", Some(&cookie)).await;
    assert!(
        page.contains("Token revoked") && page.contains("Revoked"),
        "{page}"
    );
    assert!(
        t.log()
            .await
            .iter()
            .any(|e| e.action == "api-token-revoked" && e.actor == jo.to_string())
    );
}

#[tokio::test]
async fn a_document_is_exported_listed_and_downloaded_by_whoever_may_export() {
    let t = TestApp::spawn().await;
    let case = t.case(PARTNERSHIP, "CSPR-2025-001").await;
    let (_, tok) = token(&t, Role::PartnershipTeam, "team@example.org").await;
    let base = format!("/api/v1/cases/{case}/documents/rapid-review/exports");

    let (s, p) = json_of(
        call(
            &t,
            "POST",
            &base,
            Some(&tok),
            &[],
            Some(json!({"format": "odt"})),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, problem_code(&p)),
        (StatusCode::BAD_REQUEST, "bad-request")
    );
    let other = format!("/api/v1/cases/{case}/documents/no-such-document/exports");
    let (s, _) = json_of(
        call(
            &t,
            "POST",
            &other,
            Some(&tok),
            &[],
            Some(json!({"format": "pdf"})),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, queued) = json_of(
        call(
            &t,
            "POST",
            &base,
            Some(&tok),
            &[],
            Some(json!({"format": "pdf"})),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{queued}");
    let export_id = queued["export_id"].as_str().expect("id").to_owned();
    // Not made yet: not listed, not found.
    let (_, listed) = get(&t, &base, &tok).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
    assert_eq!(
        call(
            &t,
            "GET",
            &format!("{base}/{export_id}"),
            Some(&tok),
            &[],
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        cspr_app::exports::run_due_exports_for_tests(&t.state)
            .await
            .expect("jobs"),
        1
    );
    let (_, listed) = get(&t, &base, &tok).await;
    assert_eq!(listed[0]["export_id"], export_id);
    assert_eq!(listed[0]["format"], "pdf");
    let r = call(
        &t,
        "GET",
        &format!("{base}/{export_id}"),
        Some(&tok),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(body(r).await.starts_with("%PDF"), "a PDF");
    assert!(
        t.case_log(case)
            .await
            .iter()
            .any(|e| e.action == "api-download-document-export")
    );

    // An agency representative on the case may read it but not export its documents.
    let (rep, rep_tok) = token(&t, Role::AgencyRepresentative, "rep@example.org").await;
    t.grant(
        case,
        rep,
        cspr_domain::case::model::CaseRole::AgencyRepresentative,
        Some(HEALTH),
    )
    .await;
    assert_eq!(
        call(
            &t,
            "GET",
            &format!("/api/v1/cases/{case}"),
            Some(&rep_tok),
            &[],
            None
        )
        .await
        .status(),
        StatusCode::OK
    );
    for (method, path, body) in [
        ("POST", base.clone(), Some(json!({"format": "pdf"}))),
        ("GET", base.clone(), None),
        ("GET", format!("{base}/{export_id}"), None),
    ] {
        let (s, p) = json_of(call(&t, method, &path, Some(&rep_tok), &[], body).await).await;
        assert_eq!(
            (s, problem_code(&p)),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{method} {path}"
        );
    }
}
