//! Answering a request through `cspr_app::answers`: the capability comes from the access policy
//! for the agency's own representative only; a response that lacks an answer, or a typed entry
//! that cannot be read, writes nothing; a saved draft and a sent response are one event each.

use cspr_app::App;
use cspr_app::answers::{self, AnswerError, Answered, Lack, Step};
use cspr_app::policy::{Answerer, CaseNeed, Principal, Role, answerer, authorize_case};
use cspr_app::requests::{NewRequest, request_contributions};
use cspr_domain::case::model::{Answer, ContributionKind, ContributionStatus};
use cspr_domain::examples::{HEALTH, PARTNERSHIP, POLICE, local_review_script};
use cspr_domain::ids::CaseId;
use cspr_store::Backend;
use cspr_store::testing::TestDb;
use time::Date;
use time::macros::date;

use super::version;
use super::workflows::{actor, app, case_after, health_representative};

fn representative(agency: cspr_domain::ids::AgencyId) -> Principal {
    Principal {
        user_id: cspr_domain::examples::AGENCY_USER,
        partnership_id: PARTNERSHIP,
        role: Role::AgencyRepresentative,
        agency_id: Some(agency),
        display_name: String::new(),
        session: String::new(),
    }
}

fn answered(text: &str) -> Vec<Answer> {
    let form = cspr_domain::forms::form_for(
        &cspr_domain::examples::settings().forms,
        ContributionKind::AgencySummary,
    );
    form.questions()
        .map(|q| Answer {
            question: q.id.clone(),
            asked: q.text.clone(),
            answer: text.to_owned(),
        })
        .collect()
}

/// The health representative answers the health summary: not the police's, not by typing
/// another agency into the address.
/// The worked example with agency summaries asked of the police and health (6 March 2025).
async fn summaries_requested(backend: Backend) -> (TestDb, App, CaseId, Date) {
    let (db, app) = app(backend).await;
    let case_id = case_after(&app, &local_review_script(), 5).await;
    health_representative(&app).await;
    let today = date!(2025 - 03 - 06);
    let request = NewRequest {
        kind: ContributionKind::AgencySummary,
        agencies: vec![POLICE, HEALTH],
        due: None,
    };
    request_contributions(&app, case_id, &request, actor(today))
        .await
        .expect("requested");
    (db, app, case_id, today)
}

/// As [`summaries_requested`], with Health's representative answering.
async fn health_summary_requested(backend: Backend) -> (TestDb, App, Answerer, Date) {
    let (db, app, case_id, today) = summaries_requested(backend).await;
    let own = authorize_case(
        app.store(),
        &representative(HEALTH),
        case_id,
        CaseNeed::AgencyDraft,
        Some(HEALTH),
    )
    .await
    .expect("own agency's drafts");
    let who = answerer(&own, ContributionKind::AgencySummary).expect("answerer");
    (db, app, who, today)
}

async fn a_representative_answers_for_their_own_agency_only(backend: Backend) {
    let (_db, app, case_id, today) = summaries_requested(backend).await;
    let p = representative(HEALTH);
    let own = authorize_case(
        app.store(),
        &p,
        case_id,
        CaseNeed::AgencyDraft,
        Some(HEALTH),
    )
    .await
    .expect("own agency's drafts");
    assert!(answerer(&own, ContributionKind::AgencySummary).is_some());
    assert!(
        authorize_case(
            app.store(),
            &p,
            case_id,
            CaseNeed::AgencyDraft,
            Some(POLICE)
        )
        .await
        .is_err(),
        "another agency's drafts stay shut"
    );

    let who = answerer(&own, ContributionKind::AgencySummary).expect("answerer");
    let before = version(&app, case_id).await;
    let refused = answers::answer(&app, &who, (Vec::new(), None), Step::Send, actor(today)).await;
    let Err(AnswerError::Incomplete { lacks, .. }) = refused else {
        panic!("an empty response is incomplete: {refused:?}");
    };
    assert!(!lacks.is_empty());
    assert!(
        lacks
            .iter()
            .all(|l| matches!(l, Lack::Question { .. } | Lack::Anything))
    );
    let bad_entry = Step::AddEntry(vec!["someday".into(), String::new(), "Notes".into()]);
    assert!(matches!(
        answers::answer(&app, &who, (Vec::new(), None), bad_entry, actor(today)).await,
        Err(AnswerError::Entry(_))
    ));
    assert_eq!(version(&app, case_id).await, before, "nothing written");

    let seen_twice = |step| {
        answers::answer(
            &app,
            &who,
            (answered("Seen twice."), None),
            step,
            actor(today),
        )
    };
    assert_eq!(
        seen_twice(Step::Save).await.expect("saved"),
        Answered::Saved
    );
    assert_eq!(version(&app, case_id).await, before + 1);
    let file = cspr_app::files::NewFile {
        name: "visit-notes.pdf",
        media_type: "application/pdf",
        bytes: b"%PDF-1.7 notes",
    };
    let blob = answers::attach_file(&app, &who, file, actor(today))
        .await
        .expect("attached");
    let (case, _) = app.load(case_id).await.expect("load");
    let draft = case.contributions[&(ContributionKind::AgencySummary, HEALTH)]
        .draft
        .clone()
        .expect("a draft");
    assert_eq!(draft.form.attachments.len(), 1, "the file is on the draft");
    assert_eq!(draft.form.attachments[0].blob, blob);
    assert!(
        draft.form.answers.iter().all(|a| a.answer == "Seen twice."),
        "attaching keeps the answers saved before"
    );
    assert_eq!(seen_twice(Step::Send).await.expect("sent"), Answered::Sent);
    let (case, _) = app.load(case_id).await.expect("load");
    let health = &case.contributions[&(ContributionKind::AgencySummary, HEALTH)];
    assert!(matches!(health.status, ContributionStatus::Received { .. }));
    let police = &case.contributions[&(ContributionKind::AgencySummary, POLICE)];
    assert!(matches!(police.status, ContributionStatus::Requested));
    assert!(police.draft.is_none(), "the police's request is untouched");

    assert!(
        matches!(
            answers::import_chronology(
                &app,
                &who,
                "c.csv",
                b"2024-03-05,,Notes,Visit.\n",
                false,
                actor(today)
            )
            .await,
            Err(AnswerError::NoRequest)
        ),
        "a summary takes no chronology file"
    );
}

/// Issue 16, finding 6: two people with the same draft open each saved the whole draft they
/// had read, and the second silently wiped the first's answers. A save carries the mark of the
/// answers it was drawn from; when someone else saved meanwhile, nothing is saved and the
/// person is told.
async fn a_save_drawn_before_someone_elses_is_refused_not_lost(backend: Backend) {
    let (_db, app, who, today) = health_summary_requested(backend).await;
    let draft = async || {
        let (case, _) = app.load(who.case_id()).await.expect("load");
        answers::draft_of(&case.contributions[&(ContributionKind::AgencySummary, HEALTH)])
    };
    let (app_ref, who_ref) = (&app, &who);
    let save = |text: &str, seen: &str| {
        let posted = (answered(text), seen.to_owned());
        async move {
            let (answers, seen) = posted;
            let answer = (answers, Some(seen.as_str()));
            answers::answer(app_ref, who_ref, answer, Step::Save, actor(today)).await
        }
    };
    let drawn = answers::answers_mark(&draft().await);
    // The first person saves, from the draft as drawn.
    assert_eq!(
        save("Seen at home.", &drawn).await.expect("saved"),
        Answered::Saved
    );
    let before = version(&app, who.case_id()).await;
    // The second, from the same drawing: refused, nothing written, the first's answers kept.
    let second = save("Seen at clinic.", &drawn).await;
    assert!(matches!(second, Err(AnswerError::Changed)), "{second:?}");
    assert_eq!(
        version(&app, who.case_id()).await,
        before,
        "nothing written"
    );
    let kept = draft().await;
    assert!(
        kept.form
            .answers
            .iter()
            .all(|a| a.answer == "Seen at home.")
    );
    // Drawn again from the saved draft, the second person's save goes through.
    let again = answers::answers_mark(&kept);
    assert_eq!(
        save("Seen at clinic.", &again).await.expect("saved"),
        Answered::Saved
    );
}

on_both!(
    a_representative_answers_for_their_own_agency_only,
    a_save_drawn_before_someone_elses_is_refused_not_lost
);
