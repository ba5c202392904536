//! A test application: a fresh SQLite store, the real router, a clock the test moves, accounts
//! of every role with sessions ready, and cases to look at.
#![allow(dead_code, reason = "each test binary uses part of the harness")]

pub mod smtp;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use cspr_app::{Actor, App};
use cspr_domain::calendar::Calendar;
use cspr_domain::case::Command;
use cspr_domain::case::model::CaseRole;
use cspr_domain::examples::{HEALTH, PARTNERSHIP, local_review_script};
use cspr_domain::ids::{CaseId, PartnershipId, UserId};
use cspr_store::testing::TestDb;
use cspr_store::{NewSession, NewUser, Store};
use cspr_web::access::Role;
use cspr_web::{AppState, Clock, WebConfig};
use time::OffsetDateTime;
use time::macros::datetime;
use tower::ServiceExt;
use uuid::Uuid;

/// A clock the test sets.
#[derive(Debug)]
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock")
    }
}

/// The other partnership, for cross-partnership checks.
pub const OTHER_PARTNERSHIP: PartnershipId = PartnershipId(Uuid::from_u128(0xB2));

pub struct TestApp {
    pub db: TestDb,
    pub store: Store,
    pub state: AppState,
    pub router: Router,
    pub clock: Arc<TestClock>,
}

pub const START: OffsetDateTime = datetime!(2025-09-01 09:00 UTC);

impl TestApp {
    pub async fn spawn() -> Self {
        let db = TestDb::sqlite().await;
        let store = db.store().await;
        let app = App::new(
            store.clone(),
            Calendar::england_and_wales(),
            cspr_app::demo::settings(START.date()),
        );
        let clock = Arc::new(TestClock(Mutex::new(START)));
        let state = AppState::new(
            app,
            WebConfig::new(PARTNERSHIP, "Northshire Safeguarding Children Partnership"),
            clock.clone(),
        );
        let router = cspr_web::router(state.clone());
        Self {
            db,
            store,
            state,
            router,
            clock,
        }
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.clock.0.lock().expect("clock");
        *now += by;
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Makes an account (second factor on) and returns its id.
    pub async fn user(&self, role: Role, partnership: PartnershipId, email: &str) -> Uuid {
        let id = Uuid::new_v4();
        let hash = cspr_web::auth::password::hash_password(&secrecy::SecretString::from(
            PASSWORD.to_owned(),
        ))
        .expect("hash");
        self.store
            .create_user(
                NewUser {
                    id,
                    partnership_id: partnership.as_uuid(),
                    email: email.to_owned(),
                    display_name: format!("Test {}", role.label()),
                    role: role.key().to_owned(),
                    agency_id: (role == Role::AgencyRepresentative).then_some(HEALTH.as_uuid()),
                    password_hash: Some(hash),
                },
                self.now(),
            )
            .await
            .expect("user");
        self.store
            .set_totp_secret(id, Some(&[7u8; 20]), true)
            .await
            .expect("totp");
        id
    }

    /// A fully signed-in session for a user; returns the cookie header value.
    pub async fn session(&self, user: Uuid) -> String {
        let token = cspr_web::session::new_token();
        self.store
            .create_session(NewSession {
                token_hash: cspr_web::session::token_hash(&token),
                user_id: user,
                created_at: self.now(),
                last_seen_at: self.now(),
                mfa_done: true,
                reauth_at: Some(self.now()),
            })
            .await
            .expect("session");
        format!("{}={token}", cspr_web::session::COOKIE_NAME)
    }

    /// A case at the rapid-review stage in a partnership, run as the example script does.
    pub async fn case(&self, partnership: PartnershipId, reference: &str) -> CaseId {
        let app = if partnership == PARTNERSHIP {
            self.state.app()
        } else {
            App::new(
                self.store.clone(),
                Calendar::england_and_wales(),
                cspr_app::demo::settings(START.date()),
            )
        };
        let case_id = CaseId::random();
        for (today, mut cmd) in local_review_script().into_iter().take(8) {
            if let Command::RecordSeriousIncident {
                partnership_id,
                reference: r,
                ..
            } = &mut cmd
            {
                *partnership_id = partnership;
                *r = reference.to_owned();
            }
            let actor = Actor {
                user_id: UserId::from_uuid(Uuid::nil()),
                now: OffsetDateTime::new_utc(today, time::Time::MIDNIGHT),
                today,
            };
            app.execute(case_id, None, cmd, actor)
                .await
                .expect("case step");
        }
        case_id
    }

    pub async fn grant(
        &self,
        case: CaseId,
        user: Uuid,
        role: CaseRole,
        agency: Option<cspr_domain::ids::AgencyId>,
    ) {
        let actor = Actor {
            user_id: UserId::from_uuid(Uuid::nil()),
            now: self.now(),
            today: self.now().date(),
        };
        self.state
            .app()
            .execute(
                case,
                None,
                Command::GrantMembership {
                    user: UserId::from_uuid(user),
                    role,
                    agency,
                },
                actor,
            )
            .await
            .expect("grant");
    }

    pub async fn revoke(&self, case: CaseId, user: Uuid) {
        let actor = Actor {
            user_id: UserId::from_uuid(Uuid::nil()),
            now: self.now(),
            today: self.now().date(),
        };
        self.state
            .app()
            .execute(
                case,
                None,
                Command::RevokeMembership {
                    user: UserId::from_uuid(user),
                },
                actor,
            )
            .await
            .expect("revoke");
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.router
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response")
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> Response<Body> {
        let mut req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.router
            .clone()
            .oneshot(req.body(Body::from(form.to_owned())).expect("request"))
            .await
            .expect("response")
    }
}

pub const PASSWORD: &str = "correct horse battery staple kettle";

pub async fn body(response: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 4 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn location(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub fn is_redirect(status: StatusCode) -> bool {
    status.is_redirection()
}
