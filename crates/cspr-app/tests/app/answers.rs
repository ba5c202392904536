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

/// Issue 16, finding 4: a practitioner's link saved into the agency's one draft, wiping the
/// representative's answers, and sent it as the agency's response in the name of the team
/// member who made the link. Now the link saves and submits into its own place, the stored
/// events name the link, and only the agency makes the answers its draft.
async fn a_links_answers_stay_its_own_until_the_agency_accepts_them(backend: Backend) {
    use cspr_domain::ids::LinkId;
    let (_db, app, who, today) = health_summary_requested(backend).await;
    let key = (ContributionKind::AgencySummary, HEALTH);
    let (link_a, link_b) = (
        LinkId::from_uuid(uuid::Uuid::from_u128(0x11A)),
        LinkId::from_uuid(uuid::Uuid::from_u128(0x11B)),
    );
    let case_id = who.case_id();
    answers::answer(
        &app,
        &who,
        (answered("The agency's own words."), None),
        Step::Save,
        actor(today),
    )
    .await
    .expect("the representative saves");
    let by_link = |link, text: &str, send| {
        answers::answer_by_link(
            &app,
            link,
            case_id,
            key.0,
            HEALTH,
            answered(text),
            send,
            actor(today),
        )
    };
    assert_eq!(
        by_link(link_a, "Nurse A.", false).await.expect("saved"),
        Answered::Saved
    );
    assert_eq!(
        by_link(link_b, "Nurse B.", false).await.expect("saved"),
        Answered::Saved
    );
    let (case, _) = app.load(case_id).await.expect("load");
    let r = &case.contributions[&key];
    assert_eq!(
        answers::draft_of(r).form.answers[0].answer,
        "The agency's own words."
    );
    assert_eq!(
        answers::practitioners_draft(r, link_a).form.answers[0].answer,
        "Nurse A."
    );
    assert_eq!(
        answers::practitioners_draft(r, link_b).form.answers[0].answer,
        "Nurse B."
    );

    // Sent by the link: submitted, not the agency's response.
    assert_eq!(
        by_link(link_a, "Nurse A.", true).await.expect("submitted"),
        Answered::Submitted
    );
    let (case, _) = app.load(case_id).await.expect("load");
    let r = &case.contributions[&key];
    assert!(matches!(r.status, ContributionStatus::Requested));
    assert_eq!(answers::pending_submissions(r).len(), 1);

    // The stored events of the link's steps name the link, not a user.
    let stored = app
        .store()
        .load_stream(case_id.as_uuid())
        .await
        .expect("stream");
    let by_links: Vec<&str> = stored
        .iter()
        .filter(|e| e.actor.starts_with("practitioner-link:"))
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(
        by_links,
        [
            format!("practitioner-link:{link_a}"),
            format!("practitioner-link:{link_b}"),
            format!("practitioner-link:{link_a}"),
        ]
    );

    // Declining needs a reason; accepting checks the agency's draft has not changed.
    assert!(matches!(
        answers::decide_submission(
            &app,
            &who,
            link_a,
            answers::Decision::Decline("  ".into()),
            actor(today)
        )
        .await,
        Err(AnswerError::NoReason)
    ));
    let stale = answers::Decision::Accept {
        seen: Some("not the mark".into()),
    };
    assert!(matches!(
        answers::decide_submission(&app, &who, link_a, stale, actor(today)).await,
        Err(AnswerError::Changed)
    ));
    let seen = Some(answers::answers_mark(&answers::draft_of(r)));
    answers::decide_submission(
        &app,
        &who,
        link_a,
        answers::Decision::Accept { seen },
        actor(today),
    )
    .await
    .expect("accepted");
    let (case, _) = app.load(case_id).await.expect("load");
    let r = &case.contributions[&key];
    assert!(
        matches!(r.status, ContributionStatus::Requested),
        "not sent"
    );
    assert_eq!(answers::draft_of(r).form.answers[0].answer, "Nurse A.");
    assert!(answers::pending_submissions(r).is_empty());
}

on_both!(
    a_representative_answers_for_their_own_agency_only,
    a_save_drawn_before_someone_elses_is_refused_not_lost,
    a_links_answers_stay_its_own_until_the_agency_accepts_them
);
