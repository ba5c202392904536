//! A test application: a fresh SQLite store, the real router, a clock the test moves, and
//! builders for what the tests need around it: a person of any role and agency (signed in with
//! both factors, or not) in one line, the example case run up to any step, the agencies.
//!
//! ```ignore
//! let t = TestApp::spawn().await;
//! let (rep, cookie) = t.user(Role::AgencyRepresentative).agency(POLICE).signed_in().await;
//! let (case, _) = t.example("CSPR-2025-001").before(|c| matches!(c, Command::ScanReport { .. })).await;
//! ```

pub mod smtp;

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use cspr_app::{Actor, App};
use cspr_domain::calendar::Calendar;
use cspr_domain::case::Command;
use cspr_domain::case::model::CaseRole;
use cspr_domain::examples::{CSC, HEALTH, PARTNERSHIP, POLICE, local_review_script};
use cspr_domain::ids::{AgencyId, CaseId, PartnershipId, UserId};
use cspr_domain::report::Section;
use cspr_store::testing::TestDb;
use cspr_store::{AccessLogRow, AgencyRow, Job, NewUser, Store};
use cspr_web::access::Role;
use cspr_web::{AppState, Clock, WebConfig};
use time::macros::datetime;
use time::{Date, OffsetDateTime};
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

/// The example partnership's name, as its settings give it.
pub const PARTNERSHIP_NAME: &str = "Northshire Safeguarding Children Partnership";

/// The password of every account the harness makes with one.
pub const PASSWORD: &str = "correct horse battery staple kettle";

/// The authenticator secret of accounts the harness makes, unless a test gives another.
pub const SECRET: [u8; 20] = [7u8; 20];

pub const START: OffsetDateTime = datetime!(2025-09-01 09:00 UTC);

pub struct TestApp {
    pub db: TestDb,
    pub store: Store,
    pub state: AppState,
    pub router: Router,
    pub clock: Arc<TestClock>,
}

impl TestApp {
    /// The application with the example partnership's settings, at [`START`].
    pub async fn spawn() -> Self {
        Self::with_config(|_| {}).await
    }

    /// The application with the demo partnership's agencies and people (see
    /// [`TestApp::demo_people`]).
    pub async fn with_demo_people() -> Self {
        let t = Self::spawn().await;
        t.demo_people().await;
        t
    }

    /// The application with one case, `reference`, at the rapid-review stage in the example
    /// partnership (see [`TestApp::case`]).
    pub async fn with_case(reference: &str) -> (Self, CaseId) {
        let t = Self::spawn().await;
        let case = t.case(PARTNERSHIP, reference).await;
        (t, case)
    }

    /// The application with its settings changed by `edit` (email, the public address).
    pub async fn with_config(edit: impl FnOnce(&mut WebConfig)) -> Self {
        let db = TestDb::sqlite().await;
        let store = db.store().await;
        let clock = Arc::new(TestClock(Mutex::new(START)));
        let state = state_over(&store, &clock, edit);
        let router = cspr_web::router(state.clone());
        Self {
            db,
            store,
            state,
            router,
            clock,
        }
    }

    /// Another application over the same store and clock, as after a restart, with its
    /// settings changed by `edit`.
    pub fn state_with(&self, edit: impl FnOnce(&mut WebConfig)) -> AppState {
        state_over(&self.store, &self.clock, edit)
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.clock.0.lock().expect("clock");
        *now += by;
    }

    /// Sets the clock.
    pub fn set_now(&self, at: OffsetDateTime) {
        *self.clock.0.lock().expect("clock") = at;
    }

    /// Sets the clock to 10:00 on a day.
    pub fn set_day(&self, day: Date) {
        self.set_now(on(day, 10));
    }

    /// Moves the clock on to 10:00 on a day, never back (steps done on one day keep their order).
    pub fn move_on_to(&self, day: Date) {
        let mut now = self.clock.0.lock().expect("clock");
        *now = (*now).max(on(day, 10));
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// An account of `role` in the example partnership, made by `.create()` or, with a session
    /// past both factors, by `.signed_in()`. By default it has [`PASSWORD`], the authenticator
    /// secret [`SECRET`] set up, a made-up unique address, and (an agency representative)
    /// Northshire Community Health.
    pub fn user(&self, role: Role) -> NewPerson<'_> {
        NewPerson::new(&self.store, self.now(), role)
    }

    /// A fully signed-in session for a user; returns the cookie header value.
    pub async fn session(&self, user: Uuid) -> String {
        session(&self.store, user, self.now()).await
    }

    /// The example agencies, by id: Northshire Community Health, Northshire Police and
    /// Northshire Children's Services.
    pub async fn agencies(&self, ids: &[AgencyId]) {
        for &id in ids {
            let (kind, name) = if id == HEALTH {
                ("health", "Northshire Community Health")
            } else if id == POLICE {
                ("police", "Northshire Police")
            } else if id == CSC {
                ("local-authority", "Northshire Children's Services")
            } else {
                panic!("no example agency {id}")
            };
            self.store
                .upsert_agency(AgencyRow {
                    id: id.as_uuid(),
                    partnership_id: PARTNERSHIP.as_uuid(),
                    kind: kind.to_owned(),
                    name: name.to_owned(),
                    active: true,
                })
                .await
                .expect("agency");
        }
    }

    /// The demo partnership's agencies and people (`cspr_web::demo::seed`).
    pub async fn demo_people(&self) {
        cspr_web::demo::seed(&self.store, PARTNERSHIP, PASSWORD, self.now())
            .await
            .expect("demo agencies");
    }

    /// The worked example (`local_review_script`) as a case with `reference`, run on its own
    /// dates as far as `.before(..)`, `.through(..)` or `.steps(..)` says.
    pub fn example(&self, reference: &str) -> ExampleCase<'_> {
        ExampleCase {
            t: self,
            reference: reference.to_owned(),
            partnership: PARTNERSHIP,
            edit: Box::new(|_| {}),
        }
    }

    /// A case at the rapid-review stage in a partnership, run as the example script does.
    pub async fn case(&self, partnership: PartnershipId, reference: &str) -> CaseId {
        self.example(reference)
            .partnership(partnership)
            .steps(8)
            .await
    }

    /// Runs a command on a case as the system, now.
    pub async fn execute(&self, case: CaseId, command: Command) {
        self.state
            .app()
            .execute(case, None, command, actor_at(self.now()))
            .await
            .expect("command");
    }

    pub async fn grant(&self, case: CaseId, user: Uuid, role: CaseRole, agency: Option<AgencyId>) {
        let user = UserId::from_uuid(user);
        self.execute(case, Command::GrantMembership { user, role, agency })
            .await;
    }

    pub async fn revoke(&self, case: CaseId, user: Uuid) {
        let user = UserId::from_uuid(user);
        self.execute(case, Command::RevokeMembership { user }).await;
    }

    /// The partnership's settings as stored (after a change saved them).
    pub async fn stored_settings(&self) -> serde_json::Value {
        self.store
            .partnership_settings(PARTNERSHIP.as_uuid())
            .await
            .expect("settings")
            .expect("stored")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// The status a GET answers with.
    pub async fn status(&self, path: &str, cookie: Option<&str>) -> StatusCode {
        self.get(path, cookie).await.status()
    }

    /// A page that must open (200 OK); its HTML.
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> String {
        let response = self.get(path, cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        body(response).await
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> Response<Body> {
        let mut req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        self.send(req.body(Body::from(form.to_owned())).expect("request"))
            .await
    }

    /// Posts one file, as the field `file` of a multipart form.
    pub async fn upload(
        &self,
        path: &str,
        cookie: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Response<Body> {
        const BOUNDARY: &str = "----cspr-test-boundary";
        let mut form = Vec::new();
        write!(
            form,
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .expect("write");
        form.extend_from_slice(bytes);
        write!(form, "\r\n--{BOUNDARY}--\r\n").expect("write");
        let request = Request::post(path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("sec-fetch-site", "same-origin")
            .header("cookie", cookie)
            .body(Body::from(form))
            .expect("request");
        self.send(request).await
    }

    /// Sends a request through the router.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router
            .clone()
            .oneshot(request)
            .await
            .expect("response")
    }

    /// Claims the next due job now, as a worker does, with the workers' lease
    /// ([`cspr_web::jobs::JOB_LEASE`]); panics when no job is due.
    pub async fn claim_job(&self) -> Job {
        self.store
            .claim_job(self.now(), cspr_web::jobs::JOB_LEASE)
            .await
            .expect("claim")
            .expect("a job")
    }

    /// The access log entries about a case.
    pub async fn case_log(&self, case: CaseId) -> Vec<AccessLogRow> {
        self.store
            .access_log_for_case(case.as_uuid())
            .await
            .expect("log")
    }

    /// The whole access log.
    pub async fn log(&self) -> Vec<AccessLogRow> {
        self.store.read_access_log(0, 10_000).await.expect("log")
    }

    /// The names of the case's children (the example names at least one).
    pub async fn children(&self, case: CaseId) -> Vec<String> {
        let (loaded, _) = self.state.app().load(case).await.expect("case");
        let names: Vec<String> = loaded
            .children
            .iter()
            .map(|c| c.name.as_str().to_owned())
            .collect();
        assert!(!names.is_empty(), "the example case names a child");
        names
    }
}

/// Asserts the status a GET of `path` answers with; a failure names the path.
pub async fn assert_status(t: &TestApp, path: &str, cookie: Option<&str>, expected: StatusCode) {
    assert_eq!(t.status(path, cookie).await, expected, "GET {path}");
}

/// Asserts that a GET of `path` sends the browser to `to` (its Location header); a failure
/// names the path.
pub async fn assert_redirects(t: &TestApp, path: &str, cookie: Option<&str>, to: &str) {
    let response = t.get(path, cookie).await;
    assert_eq!(location(&response).as_deref(), Some(to), "GET {path}");
}

/// An account of `role` with the address `email`, signed in past both factors: its id and
/// session cookie. Short for `t.user(role).email(email).signed_in()`.
pub async fn signed_in(t: &TestApp, role: Role, email: &str) -> (Uuid, String) {
    t.user(role).email(email).signed_in().await
}

/// A signed-in person as the router sees them: every request carries their session cookie.
pub struct Client<'a> {
    t: &'a TestApp,
    /// The session cookie (`name=value`).
    pub cookie: String,
}

/// An account of `role` with the address `email`, signed in past both factors: its id, and a
/// [`Client`] with its session.
pub async fn client<'a>(t: &'a TestApp, role: Role, email: &str) -> (Uuid, Client<'a>) {
    let (id, cookie) = signed_in(t, role, email).await;
    (id, t.client(cookie))
}

impl TestApp {
    /// A [`Client`] whose requests carry the session `cookie`.
    pub fn client(&self, cookie: String) -> Client<'_> {
        Client { t: self, cookie }
    }
}

impl Client<'_> {
    /// GETs `path` with the session.
    pub async fn get(&self, path: &str) -> Response<Body> {
        self.t.get(path, Some(&self.cookie)).await
    }

    /// A page that must open (200 OK) with the session; its HTML.
    pub async fn page(&self, path: &str) -> String {
        self.t.page(path, Some(&self.cookie)).await
    }

    /// POSTs a form (already encoded) to `path` with the session.
    pub async fn post(&self, path: &str, form: &str) -> Response<Body> {
        self.t.post(path, Some(&self.cookie), form).await
    }

    /// Uploads one file to `path` with the session (see [`TestApp::upload`]).
    pub async fn upload(&self, path: &str, file_name: &str, bytes: &[u8]) -> Response<Body> {
        self.t.upload(path, &self.cookie, file_name, bytes).await
    }
}

/// A representative of `agency` with the address `email`, signed in past both factors: its id
/// and session cookie.
pub async fn signed_in_rep(t: &TestApp, agency: AgencyId, email: &str) -> (Uuid, String) {
    t.user(Role::AgencyRepresentative)
        .agency(agency)
        .email(email)
        .signed_in()
        .await
}

/// An account of `role` with the address `email`, not signed in; its id. Short for
/// `t.user(role).email(email).create()`.
pub async fn account(t: &TestApp, role: Role, email: &str) -> Uuid {
    t.user(role).email(email).create().await
}

/// The example partnership's application over a store, its settings changed by `edit`.
fn state_over(
    store: &Store,
    clock: &Arc<TestClock>,
    edit: impl FnOnce(&mut WebConfig),
) -> AppState {
    let app = App::new(
        store.clone(),
        Calendar::england_and_wales(),
        cspr_app::demo::settings(START.date()),
    );
    let mut config = WebConfig::new(PARTNERSHIP, PARTNERSHIP_NAME);
    edit(&mut config);
    AppState::new(app, config, clock.clone())
}

/// A fully signed-in session (both factors done); returns the cookie header value.
pub async fn session(store: &Store, user: Uuid, now: OffsetDateTime) -> String {
    let token = cspr_web::session::open(store, user, now, true)
        .await
        .expect("session");
    format!("{}={token}", cspr_web::session::COOKIE_NAME)
}

/// An account about to be made: see [`TestApp::user`].
#[must_use = "an account is made by .create() or .signed_in()"]
pub struct NewPerson<'a> {
    store: &'a Store,
    now: OffsetDateTime,
    role: Role,
    email: Option<String>,
    name: Option<String>,
    agency: Option<AgencyId>,
    password: bool,
    secret: Option<Vec<u8>>,
}

impl<'a> NewPerson<'a> {
    /// An account of `role` made in `store` at `now` (for a harness without a [`TestApp`]).
    pub fn new(store: &'a Store, now: OffsetDateTime, role: Role) -> Self {
        Self {
            store,
            now,
            role,
            email: None,
            name: None,
            agency: (role == Role::AgencyRepresentative).then_some(HEALTH),
            password: true,
            secret: Some(SECRET.to_vec()),
        }
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    /// The display name (by default "Test " and the role's label).
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    pub fn agency(mut self, agency: AgencyId) -> Self {
        self.agency = Some(agency);
        self
    }

    /// An account with another authenticator secret.
    pub fn secret(mut self, secret: &[u8]) -> Self {
        self.secret = Some(secret.to_vec());
        self
    }

    /// An account whose authenticator app is not set up yet.
    pub fn no_second_factor(mut self) -> Self {
        self.secret = None;
        self
    }

    /// An account without a password (it signs in through its organisation, or only gets
    /// email).
    pub fn no_password(mut self) -> Self {
        self.password = false;
        self
    }

    /// Makes the account; returns its id.
    pub async fn create(self) -> Uuid {
        let id = Uuid::new_v4();
        let password_hash = self.password.then(|| {
            cspr_web::auth::password::hash_password(&secrecy::SecretString::from(
                PASSWORD.to_owned(),
            ))
            .expect("hash")
        });
        self.store
            .create_user(
                NewUser {
                    id,
                    partnership_id: PARTNERSHIP.as_uuid(),
                    email: self
                        .email
                        .unwrap_or_else(|| format!("{}-{}@example.org", self.role.key(), id)),
                    display_name: self
                        .name
                        .unwrap_or_else(|| format!("Test {}", self.role.label())),
                    role: self.role.key().to_owned(),
                    agency_id: self.agency.map(|a| a.as_uuid()),
                    password_hash,
                },
                self.now,
            )
            .await
            .expect("user");
        if let Some(secret) = &self.secret {
            self.store
                .set_totp_secret(id, Some(secret), true)
                .await
                .expect("totp");
        }
        id
    }

    /// Makes the account and a session past both factors; returns its id and the cookie.
    pub async fn signed_in(self) -> (Uuid, String) {
        let (store, now) = (self.store, self.now);
        let id = self.create().await;
        (id, session(store, id, now).await)
    }
}

/// The worked example about to be run as a case: see [`TestApp::example`].
#[must_use = "the case is run by .before(..), .through(..) or .steps(..)"]
pub struct ExampleCase<'a> {
    t: &'a TestApp,
    reference: String,
    partnership: PartnershipId,
    edit: Box<dyn FnMut(&mut Command) + 'a>,
}

impl<'a> ExampleCase<'a> {
    /// The case of another partnership.
    pub fn partnership(mut self, partnership: PartnershipId) -> Self {
        self.partnership = partnership;
        self
    }

    /// Changes commands of the script before they run (a report's words, say).
    pub fn edit(mut self, edit: impl FnMut(&mut Command) + 'a) -> Self {
        self.edit = Box::new(edit);
        self
    }

    /// Runs the script up to (not including) the first command `stop` picks; returns the case
    /// and that command's day.
    pub async fn before(self, stop: impl Fn(&Command) -> bool) -> (CaseId, Date) {
        let mut at = None;
        let case = self
            .run(|_, day, cmd| {
                if at.is_none() && stop(cmd) {
                    at = Some(day);
                }
                at.is_none()
            })
            .await;
        (case, at.expect("the script never reached the stop"))
    }

    /// Runs the script up to and including the first command `last` picks.
    pub async fn through(self, last: impl Fn(&Command) -> bool) -> CaseId {
        let mut done = false;
        let mut reached = false;
        let case = self
            .run(|_, _, cmd| {
                if done {
                    return false;
                }
                if last(cmd) {
                    done = true;
                    reached = true;
                }
                true
            })
            .await;
        assert!(reached, "the script never reached the last step");
        case
    }

    /// Runs the first `steps` commands of the script.
    pub async fn steps(self, steps: usize) -> CaseId {
        self.run(|n, _, _| n < steps).await
    }

    /// Runs commands while `go(index, day, command)` says so.
    async fn run(mut self, mut go: impl FnMut(usize, Date, &Command) -> bool) -> CaseId {
        let app = if self.partnership == PARTNERSHIP {
            self.t.state.app()
        } else {
            App::new(
                self.t.store.clone(),
                Calendar::england_and_wales(),
                cspr_app::demo::settings(START.date()),
            )
        };
        let case = CaseId::random();
        for (n, (today, mut cmd)) in local_review_script().into_iter().enumerate() {
            if let Command::RecordSeriousIncident {
                partnership_id,
                reference,
                ..
            } = &mut cmd
            {
                *partnership_id = self.partnership;
                reference.clone_from(&self.reference);
            }
            (self.edit)(&mut cmd);
            if !go(n, today, &cmd) {
                break;
            }
            app.execute(case, None, cmd, actor(today))
                .await
                .expect("case step");
        }
        case
    }
}

/// An edit for [`ExampleCase::edit`]: the report's overview says `overview`, in the draft sent
/// for sign-off and in the document's saved section.
pub fn overview(overview: &str) -> impl FnMut(&mut Command) + '_ {
    move |cmd| match cmd {
        Command::SubmitReportDraft { report } => {
            report
                .sections
                .insert(Section::Overview, overview.to_owned());
        }
        Command::SaveDocumentSection { section, text, .. } if section == "overview" => {
            *text = format!("<p>{overview}</p>");
        }
        _ => {}
    }
}

/// The system acting at midnight on a day, as the example script's steps run.
pub fn actor(today: Date) -> Actor {
    actor_at(OffsetDateTime::new_utc(today, time::Time::MIDNIGHT))
}

/// The system acting at an instant.
pub fn actor_at(now: OffsetDateTime) -> Actor {
    Actor {
        user_id: UserId::from_uuid(Uuid::nil()),
        now,
        today: now.date(),
        acting_for: None,
    }
}

/// `hour` o'clock on a day, UTC.
pub fn on(day: Date, hour: u8) -> OffsetDateTime {
    OffsetDateTime::new_utc(day, time::Time::from_hms(hour, 0, 0).expect("time"))
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Percent-encodes a form value (everything but the unreserved characters).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Asserts that `text` (a page, a file, an email) contains `needle`; a failure shows both.
#[track_caller]
/// The words of a page's error summary, on one line ("(no error summary)" when it has none).
pub fn error_summary(html: &str) -> String {
    html.split("govuk-error-summary__list")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .map_or_else(
            || "(no error summary)".to_owned(),
            |s| s.split_whitespace().collect::<Vec<_>>().join(" "),
        )
}

pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} is not in:\n{text}");
}

/// Asserts that `text` does not contain `needle`; a failure shows both.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "{needle:?} should not be in:\n{text}"
    );
}

/// The part of `text` after the first `start` and before the next `end` or `start` (a table
/// row, a section of a page); panics, naming `start`, when `text` has no `start`.
#[track_caller]
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let after = text
        .split(start)
        .nth(1)
        .unwrap_or_else(|| panic!("{start:?} is not in:\n{text}"));
    after.split(end).next().unwrap_or(after)
}

/// Asserts that a response is a PDF (200 OK, `application/pdf`); returns its
/// Content-Disposition header, for the caller to check the file's name.
#[track_caller]
pub fn pdf_disposition(response: &Response<Body>) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["content-type"], "application/pdf");
    headers["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

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

/// Every Set-Cookie header of a response.
pub fn set_cookies(response: &Response<Body>) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}
