//! Each user action that records several things does so in one transaction: run whole, it
//! writes every event (and the public copy of a report with its publication); with a failure on
//! its second step, it writes nothing at all. Failures are real ones where the process has one
//! (a public copy already stored), injected ones ([`Fault::OnCommand`]) otherwise.

use std::sync::Arc;

use cspr_app::meetings::{MeetingOutcome, record_outcome};
use cspr_app::publication::{Publication, accept_rest, publish, withdraw};
use cspr_app::requests::{NewRequest, request_contributions};
use cspr_app::{Actor, App, AppError, Clock, Fault, Services};
use cspr_domain::anonymisation::FindingDecision;
use cspr_domain::calendar::Calendar;
use cspr_domain::case::model::{ContributionKind, ReviewOutcome};
use cspr_domain::case::{Command, Stage};
use cspr_domain::examples::{
    AGENCY_USER, HEALTH, PARTNERSHIP, POLICE, anonymisation_finding, local_review_script,
    scoping_script, text,
};
use cspr_domain::ids::{CaseId, UserId};
use cspr_store::testing::TestDb;
use cspr_store::{Backend, NewUser, PartnershipRow, StoreError};
use time::macros::date;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub(super) fn actor(today: Date) -> Actor {
    Actor {
        user_id: UserId::from_uuid(Uuid::from_u128(7)),
        now: OffsetDateTime::new_utc(today, time::Time::MIDNIGHT),
        today,
        acting_for: None,
    }
}

pub(super) async fn app(backend: Backend) -> (TestDb, App) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    (
        db,
        App::new(
            store,
            Calendar::england_and_wales(),
            cspr_domain::examples::settings(),
        ),
    )
}

/// Runs the first `n` steps of a script on a new case.
pub(super) async fn case_after(app: &App, script: &[(Date, Command)], n: usize) -> CaseId {
    let case_id = CaseId::random();
    for (today, command) in script.iter().take(n) {
        app.execute(case_id, None, command.clone(), actor(*today))
            .await
            .expect("script step accepted");
    }
    case_id
}

/// The case's public copy, if it has one (withdrawn or not).
async fn public_copy(app: &App, case_id: CaseId) -> Option<cspr_store::PublishedReport> {
    app.store()
        .published_report_for_case(case_id.as_uuid())
        .await
        .expect("public copy")
}

/// Everything a failed action could have left behind: the stream's version, the stage on the
/// case list, the members and the public copy.
async fn footprint(app: &App, case_id: CaseId) -> (u64, String, usize, bool) {
    let store = app.store();
    let version = super::version(app, case_id).await;
    let stage = store
        .case_summary(case_id.as_uuid())
        .await
        .expect("summary")
        .expect("listed")
        .stage;
    let members = store
        .case_members(case_id.as_uuid())
        .await
        .expect("members")
        .len();
    let public = public_copy(app, case_id).await.is_some();
    (version, stage, members, public)
}

fn scoping_outcome() -> MeetingOutcome {
    MeetingOutcome {
        held_on: date!(2025 - 04 - 10),
        scoping_notes: Some(text("Learning to be shared through a practitioner event.")),
        outcome: ReviewOutcome::LocalReview,
        reasons: text("Recurrent themes of neglect."),
    }
}

/// A meeting's outcome on a case being scoped: the scoping meeting and the decision.
async fn a_meeting_outcome_is_recorded_whole_or_not_at_all(backend: Backend) {
    let (_db, app) = app(backend).await;
    let script = scoping_script();
    let case_id = case_after(&app, &script, 6).await;
    let (case, _) = app.load(case_id).await.expect("load");
    assert_eq!(case.stage, Stage::Scoping);
    let before = footprint(&app, case_id).await;

    let failing = app.clone().with_fault(Fault::OnCommand(2));
    let err = record_outcome(
        &failing,
        case_id,
        case.version,
        &scoping_outcome(),
        actor(date!(2025 - 04 - 10)),
    )
    .await
    .expect_err("the decision fails");
    assert!(matches!(err, AppError::Internal(_)), "{err:?}");
    assert_eq!(
        footprint(&app, case_id).await,
        before,
        "no scoping meeting kept"
    );
    let (after, _) = app.load(case_id).await.expect("load");
    assert_eq!(after.stage, Stage::Scoping);

    let version = record_outcome(
        &app,
        case_id,
        case.version,
        &scoping_outcome(),
        actor(date!(2025 - 04 - 10)),
    )
    .await
    .expect("recorded");
    assert_eq!(version, case.version + 2, "two events in one append");
    let (after, _) = app.load(case_id).await.expect("load");
    assert_ne!(after.stage, Stage::Scoping);
}

pub(super) async fn health_representative(app: &App) -> UserId {
    let store = app.store();
    store
        .upsert_partnership(PartnershipRow {
            id: PARTNERSHIP.as_uuid(),
            name: "Test partnership".into(),
        })
        .await
        .expect("partnership");
    store
        .create_user(
            NewUser {
                id: AGENCY_USER.as_uuid(),
                partnership_id: PARTNERSHIP.as_uuid(),
                email: "health@example.invalid".into(),
                display_name: "Health representative".into(),
                role: "agency-representative".into(),
                agency_id: Some(HEALTH.as_uuid()),
                password_hash: None,
            },
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("user");
    AGENCY_USER
}

/// A request: the request, its due date moved, and access for the agency's representative.
async fn a_request_is_made_whole_or_not_at_all(backend: Backend) {
    let (_db, app) = app(backend).await;
    let script = local_review_script();
    // Notified, referred, approved and triaged to a rapid review: no request yet.
    let case_id = case_after(&app, &script, 5).await;
    let representative = health_representative(&app).await;
    let today = date!(2025 - 03 - 06);
    let due = date!(2025 - 03 - 20);
    let request = NewRequest {
        kind: ContributionKind::AgencySummary,
        agencies: vec![POLICE, HEALTH],
        due: Some((due, text("The meeting was brought forward."))),
    };
    let before = footprint(&app, case_id).await;
    for step in [1, 2, 3] {
        let failing = app.clone().with_fault(Fault::OnCommand(step));
        request_contributions(&failing, case_id, &request, actor(today))
            .await
            .expect_err("the action fails");
        assert_eq!(
            footprint(&app, case_id).await,
            before,
            "a failure on step {step} leaves nothing"
        );
    }

    request_contributions(&app, case_id, &request, actor(today))
        .await
        .expect("requested");
    let (case, _) = app.load(case_id).await.expect("load");
    for agency in [POLICE, HEALTH] {
        let asked = case
            .contributions
            .get(&(ContributionKind::AgencySummary, agency))
            .expect("asked");
        assert_eq!(asked.due_on, due, "the due date moved in the same action");
    }
    assert!(case.members.contains_key(&representative));
    let (version, _, members, _) = footprint(&app, case_id).await;
    assert_eq!(version, before.0 + 3, "request, due date, membership");
    assert_eq!(members, before.2 + 1);
}

/// Accepting the findings left on the review screen: one decision each, all or none.
async fn accepting_the_rest_is_all_or_nothing(backend: Backend) {
    let (_db, app) = app(backend).await;
    let script = local_review_script();
    let scan = script
        .iter()
        .position(|(_, c)| matches!(c, Command::ScanReport { .. }))
        .expect("the script scans");
    let case_id = case_after(&app, &script, scan).await;
    let (today, Command::ScanReport { version, .. }) = script[scan].clone() else {
        unreachable!()
    };
    let mut second = anonymisation_finding();
    second.start = 10;
    second.end = 14;
    app.execute(
        case_id,
        None,
        Command::ScanReport {
            version,
            findings: vec![anonymisation_finding(), second],
        },
        actor(today),
    )
    .await
    .expect("scanned");
    let (case, _) = app.load(case_id).await.expect("load");
    let before = footprint(&app, case_id).await;

    let failing = app.clone().with_fault(Fault::OnCommand(2));
    accept_rest(&failing, case_id, case.version, actor(today))
        .await
        .expect_err("the second decision fails");
    assert_eq!(footprint(&app, case_id).await, before);
    let (after, _) = app.load(case_id).await.expect("load");
    assert!(
        after
            .anonymisation
            .as_ref()
            .is_some_and(|r| r.decisions.is_empty()),
        "the first decision was not kept"
    );

    let n = accept_rest(&app, case_id, case.version, actor(today))
        .await
        .expect("accepted");
    assert_eq!(n, 2);
    let (after, _) = app.load(case_id).await.expect("load");
    let review = after.anonymisation.expect("review");
    assert!(
        review
            .decisions
            .values()
            .all(|d| *d == FindingDecision::Accept)
    );
    assert_eq!(review.decisions.len(), 2);
}

#[derive(Debug)]
struct Fixed(OffsetDateTime);

impl Clock for Fixed {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A case of the worked example with everything done but publishing, the services on the
/// day it publishes, and what the team publishes.
/// A case whose report is ready to publish (at `version`), and the publication to make.
struct Ready {
    case_id: CaseId,
    version: u64,
    today: Date,
    now: OffsetDateTime,
    services: Services,
    publication: Publication,
}

async fn ready_to_publish(app: &App) -> Ready {
    let script = local_review_script();
    let at = script
        .iter()
        .position(|(_, c)| matches!(c, Command::Publish { .. }))
        .expect("the script publishes");
    let case_id = case_after(app, &script, at).await;
    let (today, _) = script[at];
    let now = OffsetDateTime::new_utc(today, time::Time::MIDNIGHT);
    let services = Services::new(
        app.clone(),
        PARTNERSHIP,
        "Test partnership",
        Arc::new(Fixed(now)),
    );
    let publication = Publication {
        title: "Child Safeguarding Practice Review: Child A".into(),
        summary: "What agencies learned.".into(),
        published_on: today,
        online_until: None,
        anonymisation_reviewed: true,
        despite_parallel_process: None,
    };
    let (case, _) = app.load(case_id).await.expect("load");
    Ready {
        case_id,
        version: case.version,
        today,
        now,
        services,
        publication,
    }
}

/// Publication: the event and the public copy together. A copy that cannot be written (one is
/// there already) means no publication; a refused publication leaves no copy; withdrawal
/// takes the copy down with its event.
async fn a_publication_and_its_public_copy_go_together(backend: Backend) {
    let (_db, app) = app(backend).await;
    let ready = ready_to_publish(&app).await;
    let (case_id, today, services, publication) = (
        ready.case_id,
        ready.today,
        &ready.services,
        &ready.publication,
    );

    // A refusal (published before the report was sent) writes no copy.
    let early = Publication {
        published_on: date!(2025 - 01 - 02),
        ..publication.clone()
    };
    let err = publish(services, case_id, ready.version, &early, actor(today))
        .await
        .expect_err("refused");
    assert!(matches!(err, AppError::Domain(_)), "{err:?}");
    let before = footprint(&app, case_id).await;
    assert!(!before.3);

    // The public copy is the second step: a copy already stored for the case makes it fail,
    // and the publication is not recorded either.
    let squatter = cspr_store::NewPublishedReport {
        id: Uuid::new_v4(),
        partnership_id: PARTNERSHIP.as_uuid(),
        case_id: case_id.as_uuid(),
        title: "Another".into(),
        summary: "Another".into(),
        themes: Vec::new(),
        published_on: today,
        online_until: date!(2026 - 12 - 31),
        pdf: b"%PDF-1.7 test".to_vec(),
        improvements: None,
        body_text: None,
        age_group: None,
        created_at: ready.now,
    };
    app.store()
        .publish_report(squatter.clone())
        .await
        .expect("stored");
    let err = publish(services, case_id, ready.version, publication, actor(today))
        .await
        .expect_err("the copy cannot be written");
    assert!(
        matches!(err, AppError::Store(StoreError::Duplicate(_))),
        "{err:?}"
    );
    assert_eq!(super::version(&app, case_id).await, ready.version);
    let (after, _) = app.load(case_id).await.expect("load");
    assert!(
        after.published_on.is_none(),
        "no publication without its copy"
    );
}

/// On a fresh store: publish whole, then withdraw with the copy taken down.
async fn publishing_then_withdrawing_moves_the_public_copy(backend: Backend) {
    let (_db, app) = app(backend).await;
    let ready = ready_to_publish(&app).await;
    let (case_id, today) = (ready.case_id, ready.today);
    let id = publish(
        &ready.services,
        case_id,
        ready.version,
        &ready.publication,
        actor(today),
    )
    .await
    .expect("published");
    let copy = public_copy(&app, case_id).await.expect("stored");
    assert_eq!(copy.id, id);
    assert!(copy.withdrawn_on.is_none());
    let (case, _) = app.load(case_id).await.expect("load");
    assert_eq!(case.published_on, Some(today));
    // Issue 17: the report joins the library and the public search at once, with its words.
    let found = |public: bool| {
        let services = ready.services.clone();
        async move {
            cspr_app::library::search(
                &services,
                &cspr_app::library::Query::text("learned"),
                public,
            )
            .await
            .expect("search")
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
        }
    };
    let own = cspr_app::library::own_id(id);
    assert_eq!(found(true).await, vec![own.clone()]);
    assert_eq!(found(false).await, vec![own.clone()]);

    // A report stays online for a year at least.
    let removed_on = date!(2026 - 08 - 03);
    withdraw(
        &ready.services,
        case_id,
        case.version,
        removed_on,
        text("A family member asked."),
        actor(removed_on),
    )
    .await
    .expect("withdrawn");
    let copy = public_copy(&app, case_id).await.expect("kept");
    assert_eq!(copy.withdrawn_on, Some(removed_on));
    // Withdrawn: gone from both indexes at once, and from a rebuild from the store.
    assert!(found(true).await.is_empty());
    assert!(found(false).await.is_empty());
    cspr_app::library::rebuild(&ready.services)
        .await
        .expect("rebuild");
    assert!(found(false).await.is_empty());
}

/// Issue 15, item 10: the page about the improvements, published instead of a report, is
/// public, so a recommendation or an action that names someone the case records is refused,
/// saying who by pseudonym and never by name; without it, the page lists each recommendation
/// with the actions agreed for it.
async fn the_improvements_page_names_no_one(backend: Backend) {
    use cspr_domain::case::model::PublicationDecision;
    use cspr_domain::vocab::NonEmptyText;
    let (_db, app) = app(backend).await;
    let mut script = local_review_script();
    for (_, c) in &mut script {
        match c {
            Command::DecidePublication { decision, .. } => {
                *decision = PublicationDecision::DoNotPublish {
                    reason: NonEmptyText::parse("It would identify a sibling.").expect("text"),
                };
            }
            Command::AgreeAction { action } => {
                action.description =
                    NonEmptyText::parse("Visit Ada at home every week.").expect("text");
            }
            _ => {}
        }
    }
    let at = script
        .iter()
        .position(|(_, c)| matches!(c, Command::Publish { .. }))
        .expect("the script publishes");
    let case_id = case_after(&app, &script, at).await;
    let (mut case, _) = app.load(case_id).await.expect("load");
    let err =
        cspr_app::publication::improvements(&case, &|_| "Health".to_owned()).expect_err("a name");
    let words = err.to_string();
    assert!(words.contains("(Child A)"), "{words}");
    assert!(!words.contains("Ada"), "{words}");

    for a in case.actions.values_mut() {
        a.action.description = NonEmptyText::parse("Train health visitors.").expect("text");
    }
    let page =
        cspr_app::publication::improvements(&case, &|_| "Health".to_owned()).expect("no name");
    assert_eq!(
        page.items
            .iter()
            .map(|i| (i.recommendation.as_str(), i.actions.len()))
            .collect::<Vec<_>>(),
        [
            ("Share information about new adults in the household.", 1),
            ("Train staff on safe sleep.", 0)
        ]
    );
    assert_eq!(page.items[0].actions[0].by, "Health");
}

on_both!(
    the_improvements_page_names_no_one,
    a_meeting_outcome_is_recorded_whole_or_not_at_all,
    a_request_is_made_whole_or_not_at_all,
    accepting_the_rest_is_all_or_nothing,
    a_publication_and_its_public_copy_go_together,
    publishing_then_withdrawing_moves_the_public_copy
);
