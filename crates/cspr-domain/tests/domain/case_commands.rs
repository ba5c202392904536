//! Given / when / then tests for every case command: the events `decide` records when the command
//! is allowed, and each reason it gives for refusing it, in the words a review chair reads.
//!
//! The givens come from the example scripts (`cspr_domain::examples`, through `common`): a
//! notified incident that goes to a local review, a referral that goes to scoping, a referral
//! closed with no further action. Each is cut just before or just after one of its steps,
//! sometimes with a few more commands on top.

use crate::common::*;
use cspr_domain::agency::SafeguardingPartner as Partner;
use cspr_domain::case::decide::action_words;
use cspr_domain::case::{Case, Command, DomainError, Event, Stage};
use cspr_domain::ids::{AgencyId, PersonId, ProcessId, RecommendationId};
use cspr_domain::report::{OverviewReport, Section};
use cspr_domain::vocab::{AgeOrDateOfBirth, EmailAddress, NonEmptyText, Relationship};
use time::Date;
use time::macros::date;
use uuid::Uuid;

// ------------------------------------------------------------------------------------------
// The DSL: given(world, case).and(day, command).when(day, command).then_…
// ------------------------------------------------------------------------------------------

/// A case, and the partnership world it lives in.
struct Given<'w> {
    world: &'w World,
    case: Case,
}

/// Given this case.
fn given(world: &World, case: Case) -> Given<'_> {
    Given { world, case }
}

/// Given these facts: the case rebuilt from its events.
fn given_events<'w>(world: &'w World, events: &[Event]) -> Given<'w> {
    given(world, Case::replay(events))
}

impl Given<'_> {
    /// And this command was accepted on that day (its events are applied).
    #[track_caller]
    fn and(mut self, today: Date, command: Command) -> Self {
        self.case = self.world.step(self.case, today, &command);
        self
    }

    /// And the case was changed by hand: only for the defensive branches of `decide` that no
    /// sequence of events reaches.
    fn tampered(mut self, change: impl FnOnce(&mut Case)) -> Self {
        change(&mut self.case);
        self
    }

    /// When this command is given on that day.
    fn when(self, today: Date, command: Command) -> Then {
        let stage = self.case.stage;
        let action = action_words(&command);
        let result = self.world.decide(&self.case, today, command);
        Then {
            stage,
            action,
            result,
        }
    }
}

/// What `decide` answered.
#[must_use = "say what should have happened: then_events, then_rule, then_invalid or then_wrong_stage"]
struct Then {
    stage: Stage,
    action: &'static str,
    result: Result<Vec<Event>, DomainError>,
}

impl Then {
    /// Then exactly these events are recorded.
    #[track_caller]
    fn then_events(self, expected: Vec<Event>) {
        match self.result {
            Ok(events) => assert_eq!(events, expected),
            Err(e) => panic!(
                "expected {} event(s), but it was refused: {e:?}",
                expected.len()
            ),
        }
    }

    /// Then it is refused by a rule of the process whose message contains `words`.
    #[track_caller]
    fn then_rule(self, words: &str) {
        match self.result {
            Err(DomainError::Rule(message)) => assert!(
                message.contains(words),
                "the rule says\n  {message:?}\nwhich does not contain\n  {words:?}"
            ),
            other => panic!("expected a rule saying {words:?}, got {other:?}"),
        }
    }

    /// Then it is refused because `field` is not acceptable, with a message containing `words`.
    #[track_caller]
    fn then_invalid(self, field: &str, words: &str) {
        match self.result {
            Err(DomainError::Invalid { field: f, message }) => {
                assert_eq!(f, field, "wrong field at fault (message {message:?})");
                assert!(
                    message.contains(words),
                    "the message for {field} says\n  {message:?}\nwhich does not contain\n  {words:?}"
                );
            }
            other => panic!("expected {field} to be refused with {words:?}, got {other:?}"),
        }
    }

    /// Then it is refused because it does not belong to the case's stage, saying so in words.
    #[track_caller]
    fn then_wrong_stage(self) {
        let error = match self.result {
            Ok(events) => panic!("expected a wrong-stage refusal, got events {events:?}"),
            Err(e) => e,
        };
        let DomainError::WrongStage { action, stage } = &error else {
            panic!("expected a wrong-stage refusal, got {error:?}");
        };
        assert_eq!(*stage, self.stage);
        assert_eq!(*action, self.action);
        assert_eq!(
            error.to_string(),
            format!(
                "You cannot {} while the case is at the \u{201c}{}\u{201d} stage.",
                self.action,
                self.stage.label()
            )
        );
    }
}

// ------------------------------------------------------------------------------------------
// Fixtures for commands and events
// ------------------------------------------------------------------------------------------

use ContributionKind as K;

const REASONS: &str = "Reasons recorded by the chair.";

fn reasons() -> NonEmptyText {
    text(REASONS)
}

fn infant() -> Vec<ChildDetails> {
    vec![child(false, false, AgeOrDateOfBirth::ApproximateAge(0))]
}

fn looked_after_child() -> Vec<ChildDetails> {
    vec![child(true, false, AgeOrDateOfBirth::ApproximateAge(12))]
}

fn care_leaver_born(born: Date) -> Vec<ChildDetails> {
    vec![child(false, true, AgeOrDateOfBirth::DateOfBirth(born))]
}

fn record_incident(incident: Incident, children: Vec<ChildDetails>) -> Command {
    Command::RecordSeriousIncident {
        partnership_id: PARTNERSHIP,
        reference: "CSPR-2025-001".into(),
        incident,
        children,
        became_aware_on: date!(2025 - 02 - 28),
    }
}

fn incident_recorded(
    incident: Incident,
    children: Vec<ChildDetails>,
    because: NotifiableBecause,
) -> Event {
    Event::SeriousIncidentRecorded {
        partnership_id: PARTNERSHIP,
        reference: "CSPR-2025-001".into(),
        incident,
        children,
        became_aware_on: date!(2025 - 02 - 28),
        notifiable_because: because,
    }
}

fn notify(on: Date) -> Command {
    Command::NotifyNationalPanel {
        notified_on: on,
        panel_reference: Some("NP-123".into()),
    }
}

fn refer(on: Date) -> Command {
    Command::ReceiveReferral {
        referral: referral(on),
        opening: None,
    }
}

fn approve(on: Date) -> Command {
    Command::ApproveReferral {
        approver: name("Sam Subgroup"),
        agency: POLICE,
        approved_on: on,
    }
}

fn triage(outcome: TriageOutcome) -> Command {
    Command::TriageReferral {
        outcome,
        reasons: reasons(),
    }
}

fn triaged(outcome: TriageOutcome, on: Date, scoping_meeting_on: Option<Date>) -> Event {
    Event::ReferralTriaged {
        outcome,
        reasons: reasons(),
        triaged_on: on,
        scoping_meeting_on,
    }
}

fn ask(kind: ContributionKind, agencies: &[AgencyId]) -> Command {
    Command::RequestContributions {
        kind,
        agencies: agencies.to_vec(),
        due_on: None,
    }
}

fn ask_by(kind: ContributionKind, agencies: &[AgencyId], due_on: Date) -> Command {
    Command::RequestContributions {
        kind,
        agencies: agencies.to_vec(),
        due_on: Some(due_on),
    }
}

fn got(kind: ContributionKind, agency: AgencyId, on: Date) -> Command {
    Command::ReceiveContribution {
        kind,
        agency,
        received_on: on,
        contribution: contribution(),
    }
}

fn waive(kind: ContributionKind, agency: AgencyId) -> Command {
    Command::WaiveContribution {
        kind,
        agency,
        reason: reasons(),
    }
}

fn hold_rapid_review_meeting(on: Date) -> Command {
    Command::HoldRapidReviewMeeting {
        held_on: on,
        notes: text("Facts gathered; key practice episodes analysed."),
    }
}

fn hold_scoping_meeting(on: Date) -> Command {
    Command::HoldScopingMeeting {
        held_on: on,
        notes: text("Learning to be shared through a practitioner event."),
    }
}

fn safety_action(due_on: Date) -> SafetyAction {
    SafetyAction {
        action_id: SAFETY1,
        description: text("Check the sibling's safety plan."),
        agency: CSC,
        due_on,
    }
}

fn learning() -> Command {
    Command::RecordRapidReviewLearning {
        learning: text("Information about new adults was not shared."),
        themes: vec!["information sharing".into()],
    }
}

fn inequalities() -> InequalitiesConsideration {
    InequalitiesConsideration {
        racism_and_culture: text("Considered; no evidence found."),
        other_inequalities: text("Poverty affected the family."),
        disability: text("Mother has a learning disability."),
    }
}

fn criteria() -> LocalReviewCriteria {
    LocalReviewCriteria {
        multi_agency_concerns: true,
        ..LocalReviewCriteria::default()
    }
}

fn other_learning() -> ReviewOutcome {
    ReviewOutcome::OtherLearning {
        form: text("Learning event on neglect."),
    }
}

fn decide_on(outcome: ReviewOutcome, on: Date) -> Command {
    Command::DecideOnLocalReview {
        criteria: criteria(),
        outcome,
        reasons: reasons(),
        decided_on: on,
    }
}

fn decided(outcome: ReviewOutcome, on: Date) -> Event {
    Event::LocalReviewDecided {
        criteria: criteria(),
        outcome,
        reasons: reasons(),
        decided_on: on,
    }
}

fn sign_rapid_review(partner: Partner, on: Date) -> Command {
    Command::SignOffRapidReview {
        partner,
        signed_on: on,
    }
}

fn panel_response(agrees: bool, on: Date) -> Command {
    Command::RecordPanelResponse {
        answer: if agrees {
            PanelAnswer::Agrees
        } else {
            PanelAnswer::Disagrees
        },
        comments: None,
        received_on: on,
    }
}

fn member(full_name: &str, agency: AgencyId) -> PanelMember {
    PanelMember {
        name: name(full_name),
        agency,
        role_title: "Head of inclusion".into(),
        user: None,
    }
}

fn appoint(full_name: &str, agency: AgencyId) -> Command {
    Command::AppointPanelMember {
        member: member(full_name, agency),
        conflict_accepted_because: None,
    }
}

fn reviewer(full_name: &str) -> IndependentReviewer {
    IndependentReviewer {
        name: name(full_name),
        user: None,
        email: None,
        employer: Some(Employer::Outside {
            name: text("Independent Reviews Ltd"),
        }),
    }
}

fn appoint_reviewer(full_name: &str) -> Command {
    Command::AppointIndependentReviewer {
        reviewer: reviewer(full_name),
    }
}

fn harper() -> Practitioner {
    Practitioner {
        person_id: PRACTITIONER,
        name: name("Harper Visitor"),
        agency: HEALTH,
        role_title: "Health visitor".into(),
        email: Some(EmailAddress::parse("harper@example.org").expect("email")),
    }
}

fn practitioner(person: PersonId, full_name: &str) -> Practitioner {
    Practitioner {
        person_id: person,
        name: name(full_name),
        agency: PROBATION,
        role_title: "Probation officer".into(),
        email: None,
    }
}

fn schedule(on: Date, invited: Vec<PersonId>) -> Command {
    Command::ScheduleLearningEvent {
        id: EVENT1,
        kind: LearningEventKind::Workshop,
        on,
        invited,
    }
}

fn event_notes() -> NonEmptyText {
    text("Practitioners described the pressure of caseloads.")
}

fn family_contact(relative: &str, on: Date) -> FamilyContact {
    FamilyContact {
        relative: name(relative),
        relationship: Relationship::OtherRelative("relative".into()),
        on,
        through: Some("Health visitor".into()),
        what_they_said: Some(text("She wanted agencies to listen.")),
        views_on_publication: None,
    }
}

fn constraint(person: &str, process: Option<ProcessId>) -> ContactConstraint {
    ContactConstraint {
        person: name(person),
        process,
        reason: text("A witness at the inquest."),
    }
}

fn start_inquest(on: Date) -> Command {
    Command::StartParallelProcess {
        id: INQUEST,
        kind: ParallelProcessKind::Inquest,
        started_on: on,
        stops_clock: true,
        reason: reasons(),
    }
}

fn report_with(change: impl FnOnce(&mut OverviewReport)) -> OverviewReport {
    let mut report = complete_report();
    change(&mut report);
    report
}

fn sign_report(partner: Partner, on: Date) -> Command {
    Command::SignOffReport {
        partner,
        signed_on: on,
    }
}

fn publish(on: Date) -> Command {
    Command::Publish {
        published_on: on,
        anonymisation_reviewed: true,
        online_until: None,
        despite_parallel_process: None,
    }
}

fn progress(action_id: cspr_domain::ids::ActionId, on: Date) -> Command {
    Command::RecordActionProgress {
        action_id,
        on,
        note: text("Guidance drafted."),
        evidence: None,
    }
}

fn complete(action_id: cspr_domain::ids::ActionId, on: Date) -> Command {
    Command::CompleteAction {
        action_id,
        completed_on: on,
        evidence_of_impact: Some(text("Audit shows improvement.")),
    }
}

fn close(on: Date) -> Command {
    Command::CloseCase {
        closed_on: on,
        reason: reasons(),
        without_panel_response: None,
    }
}

/// A notified incident with these children, referred and approved: at triage on 5 March 2025.
fn notified_at_triage(world: &World, incident: Incident, children: Vec<ChildDetails>) -> Given<'_> {
    given(world, Case::default())
        .and(date!(2025 - 03 - 03), record_incident(incident, children))
        .and(date!(2025 - 03 - 04), notify(date!(2025 - 03 - 04)))
        .and(date!(2025 - 03 - 05), refer(date!(2025 - 03 - 05)))
        .and(date!(2025 - 03 - 05), approve(date!(2025 - 03 - 05)))
}

/// The local-review case at the rapid review, with everything recorded but the decision.
fn rapid_review_before_decision(world: &World) -> Given<'_> {
    let (case, _, _) = lr_before(world, step!(DecideOnLocalReview { .. }));
    given(world, case)
}

/// The rapid review decided with `outcome`, signed off by all three partners and submitted on
/// 24 March 2025.
fn rapid_review_submitted_with(world: &World, outcome: ReviewOutcome) -> Given<'_> {
    let signed = date!(2025 - 03 - 21);
    rapid_review_before_decision(world)
        .and(
            date!(2025 - 03 - 19),
            decide_on(outcome, date!(2025 - 03 - 19)),
        )
        .and(signed, sign_rapid_review(Partner::LocalAuthority, signed))
        .and(signed, sign_rapid_review(Partner::Police, signed))
        .and(
            signed,
            sign_rapid_review(Partner::IntegratedCareBoard, signed),
        )
        .and(
            date!(2025 - 03 - 24),
            Command::SubmitRapidReview {
                submitted_on: date!(2025 - 03 - 24),
            },
        )
}

/// The local-review case in evidence gathering, just after commissioning (15 April 2025).
fn evidence(world: &World) -> Given<'_> {
    let (case, _) = lr_until(world, step!(AppointIndependentReviewer { .. }));
    given(world, case)
}

/// The local-review case in drafting with this report as its only draft, submitted on
/// 1 July 2025, before any factual-accuracy request.
fn drafted(world: &World, report: OverviewReport) -> Given<'_> {
    let (case, today, _) = lr_before(world, step!(SubmitReportDraft { .. }));
    given(world, case).and(today, Command::SubmitReportDraft { report })
}

// ------------------------------------------------------------------------------------------
// RecordSeriousIncident
// ------------------------------------------------------------------------------------------

#[test]
fn record_serious_incident_opens_a_case_notifiable_for_suspected_abuse() {
    let w = World::default();
    let suspected = incident(Harm::SeriousHarm, AbuseOrNeglect::Suspected);
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(suspected.clone(), infant()),
        )
        .then_events(vec![incident_recorded(
            suspected,
            infant(),
            NotifiableBecause::AbuseOrNeglect,
        )]);
}

#[test]
fn record_serious_incident_refused_once_the_case_is_open() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Incident);
    given(&w, case)
        .when(
            today,
            record_incident(incident(Harm::Death, AbuseOrNeglect::Known), infant()),
        )
        .then_wrong_stage();
}

fn with_reference(reference: &str) -> Command {
    let mut command = record_incident(incident(Harm::Death, AbuseOrNeglect::Known), infant());
    if let Command::RecordSeriousIncident { reference: r, .. } = &mut command {
        *r = reference.to_owned();
    }
    command
}

#[test]
fn record_serious_incident_refused_with_a_name_for_a_reference() {
    let w = World::default();
    given(&w, Case::default())
        .when(date!(2025 - 03 - 03), with_reference("Ada Example"))
        .then_invalid("reference", "Never use a name");
}

#[test]
fn record_serious_incident_refused_with_a_reference_shorter_than_3_or_longer_than_40() {
    let w = World::default();
    for reference in ["C1".to_owned(), "C".repeat(41)] {
        given(&w, Case::default())
            .when(date!(2025 - 03 - 03), with_reference(&reference))
            .then_invalid("reference", "a case reference of 3 to 40 letters");
    }
}

#[test]
fn record_serious_incident_refused_without_a_child() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(incident(Harm::Death, AbuseOrNeglect::Known), vec![]),
        )
        .then_invalid("children", "Add at least one child.");
}

#[test]
fn record_serious_incident_refused_when_a_child_is_listed_twice() {
    let w = World::default();
    let twice = vec![infant().remove(0), infant().remove(0)];
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(incident(Harm::Death, AbuseOrNeglect::Known), twice),
        )
        .then_invalid("children", "A child is listed twice.");
}

#[test]
fn record_serious_incident_refused_for_an_incident_in_the_future() {
    let w = World::default();
    let mut future = incident(Harm::Death, AbuseOrNeglect::Known);
    future.occurred_on = date!(2025 - 03 - 04);
    given(&w, Case::default())
        .when(date!(2025 - 03 - 03), record_incident(future, infant()))
        .then_invalid(
            "incident.occurred_on",
            "The date of the incident must be today or in the past.",
        );
}

#[test]
fn record_serious_incident_refused_when_the_authority_became_aware_in_the_future() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 02 - 27),
            record_incident(incident(Harm::Death, AbuseOrNeglect::Known), infant()),
        )
        .then_invalid(
            "became_aware_on",
            "The date the local authority became aware must be today or in the past.",
        );
}

#[test]
fn record_serious_incident_refused_when_the_authority_became_aware_before_the_incident() {
    let w = World::default();
    let mut command = record_incident(incident(Harm::Death, AbuseOrNeglect::Known), infant());
    if let Command::RecordSeriousIncident {
        became_aware_on, ..
    } = &mut command
    {
        *became_aware_on = date!(2025 - 02 - 26);
    }
    given(&w, Case::default())
        .when(date!(2025 - 03 - 03), command)
        .then_invalid(
            "became_aware_on",
            "The date cannot be before the incident (27 February 2025).",
        );
}

#[test]
fn record_serious_incident_refused_when_abuse_or_neglect_is_not_suspected() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(
                incident(Harm::Death, AbuseOrNeglect::NotSuspected),
                infant(),
            ),
        )
        .then_rule("does not meet the criteria for a notification to the National Panel");
}

#[test]
fn looked_after_child_death_is_notifiable_whatever_the_cause() {
    let w = World::default();
    let death = incident(Harm::Death, AbuseOrNeglect::NotSuspected);
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(death.clone(), looked_after_child()),
        )
        .then_events(vec![incident_recorded(
            death,
            looked_after_child(),
            NotifiableBecause::LookedAfterChildDeath,
        )]);
}

#[test]
fn looked_after_child_among_several_makes_a_death_notifiable() {
    let w = World::default();
    let death = incident(Harm::Death, AbuseOrNeglect::NotSuspected);
    let mut sibling = looked_after_child().remove(0);
    sibling.person_id = PersonId(id(0xC9));
    let children = vec![infant().remove(0), sibling];
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(death.clone(), children.clone()),
        )
        .then_events(vec![incident_recorded(
            death,
            children,
            NotifiableBecause::LookedAfterChildDeath,
        )]);
}

#[test]
fn looked_after_child_serious_harm_without_suspected_abuse_is_not_notifiable() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(
                incident(Harm::SeriousHarm, AbuseOrNeglect::NotSuspected),
                looked_after_child(),
            ),
        )
        .then_rule("does not meet the criteria for a notification");
}

#[test]
fn care_leaver_death_at_24_is_notifiable_as_a_care_leaver_death() {
    let w = World::default();
    // Born 28 February 2000: 24 on 27 February 2025, the day of the incident.
    let children = care_leaver_born(date!(2000 - 02 - 28));
    let death = incident(Harm::Death, AbuseOrNeglect::NotSuspected);
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(death.clone(), children.clone()),
        )
        .then_events(vec![incident_recorded(
            death,
            children,
            NotifiableBecause::CareLeaverDeath,
        )]);
}

#[test]
fn care_leaver_death_at_25_is_not_notifiable() {
    let w = World::default();
    // Born 27 February 2000: 25 on the day of the incident.
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(
                incident(Harm::Death, AbuseOrNeglect::NotSuspected),
                care_leaver_born(date!(2000 - 02 - 27)),
            ),
        )
        .then_rule("a care leaver aged 24 or under must have died");
}

/// A care leaver of 25 is neither a child (Children Act 2004 s16C) nor within WT2023's
/// extension to care leavers up to and including 24, so suspected abuse does not make the death
/// notifiable either. `notifiable_because` falls through to its last `else if abuse` branch and
/// answers `AbuseOrNeglect`, which then forces a rapid review.
#[test]
fn care_leaver_death_at_25_is_not_notifiable_even_when_abuse_is_suspected() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            record_incident(
                incident(Harm::Death, AbuseOrNeglect::Suspected),
                care_leaver_born(date!(2000 - 02 - 27)),
            ),
        )
        .then_rule("does not meet the criteria for a notification");
}

// ------------------------------------------------------------------------------------------
// NotifyNationalPanel
// ------------------------------------------------------------------------------------------

#[test]
fn notify_national_panel_records_the_notification() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(NotifyNationalPanel { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::NationalPanelNotified {
            notified_on: date!(2025 - 03 - 04),
            panel_reference: Some("NP-123".into()),
        }]);
}

#[test]
fn notify_national_panel_allowed_after_the_referral_is_approved() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordSeriousIncident { .. }));
    given(&w, case)
        .and(date!(2025 - 03 - 05), refer(date!(2025 - 03 - 05)))
        .and(date!(2025 - 03 - 05), approve(date!(2025 - 03 - 05)))
        .when(date!(2025 - 03 - 06), notify(date!(2025 - 03 - 06)))
        .then_events(vec![Event::NationalPanelNotified {
            notified_on: date!(2025 - 03 - 06),
            panel_reference: Some("NP-123".into()),
        }]);
}

#[test]
fn notify_national_panel_refused_before_an_incident_is_recorded() {
    let w = World::default();
    given(&w, Case::default())
        .when(date!(2025 - 03 - 04), notify(date!(2025 - 03 - 04)))
        .then_wrong_stage();
}

#[test]
fn notify_national_panel_refused_a_second_time_one_notification_per_incident() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    given(&w, case)
        .when(date!(2025 - 03 - 05), notify(date!(2025 - 03 - 05)))
        .then_rule(
            "already been notified of this incident: there is one notification per incident",
        );
}

#[test]
fn notify_national_panel_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordSeriousIncident { .. }));
    given(&w, case)
        .when(date!(2025 - 03 - 04), notify(date!(2025 - 03 - 05)))
        .then_invalid(
            "notified_on",
            "The date of the notification must be today or in the past.",
        );
}

#[test]
fn notify_national_panel_refused_before_the_authority_became_aware() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordSeriousIncident { .. }));
    given(&w, case)
        .when(date!(2025 - 03 - 04), notify(date!(2025 - 02 - 27)))
        .then_invalid(
            "notified_on",
            "The date cannot be before the day the local authority became aware (28 February 2025).",
        );
}

#[test]
fn notify_national_panel_refused_for_a_case_that_came_through_a_referral() {
    let w = World::default();
    let (case, today) = sc_until(&w, step!(ReceiveReferral { .. }));
    given(&w, case)
        .when(today, notify(today))
        .then_rule("This case came through a referral, not a serious incident notification: there is nothing to notify.");
}

// ------------------------------------------------------------------------------------------
// ReceiveReferral
// ------------------------------------------------------------------------------------------

#[test]
fn receive_referral_opens_a_case_that_was_not_notified() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            Command::ReceiveReferral {
                referral: referral(date!(2025 - 03 - 03)),
                opening: Some(opening()),
            },
        )
        .then_events(vec![Event::ReferralReceived {
            referral: referral(date!(2025 - 03 - 03)),
            opening: Some(opening()),
        }]);
}

#[test]
fn receive_referral_adds_to_a_notified_incident() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(ReceiveReferral { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ReferralReceived {
            referral: referral(date!(2025 - 03 - 05)),
            opening: None,
        }]);
}

#[test]
fn receive_referral_refused_when_a_referral_is_already_received() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Referral);
    given(&w, case).when(today, refer(today)).then_wrong_stage();
}

#[test]
fn receive_referral_refused_when_received_in_the_future() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    given(&w, case)
        .when(date!(2025 - 03 - 05), refer(date!(2025 - 03 - 06)))
        .then_invalid(
            "referral.received_on",
            "The date the referral was received must be today or in the past.",
        );
}

#[test]
fn receive_referral_refused_without_the_adults_caring_for_the_child() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    let mut r = referral(date!(2025 - 03 - 05));
    r.carers.clear();
    given(&w, case)
        .when(
            date!(2025 - 03 - 05),
            Command::ReceiveReferral {
                referral: r,
                opening: None,
            },
        )
        .then_invalid(
            "referral.carers",
            "Add the adults caring for the child: their names, dates of birth and addresses.",
        );
}

#[test]
fn receive_referral_refused_when_a_carer_has_no_date_of_birth_or_age() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    let mut r = referral(date!(2025 - 03 - 05));
    let mut father = mother();
    father.person_id = PersonId(id(0xC7));
    father.name = name("Carl Example");
    father.age = None;
    r.carers.push(father);
    given(&w, case)
        .when(
            date!(2025 - 03 - 05),
            Command::ReceiveReferral {
                referral: r,
                opening: None,
            },
        )
        .then_invalid(
            "referral.carers",
            "Add the date of birth or approximate age of carer 2.",
        );
}

#[test]
fn receive_referral_refused_when_a_carer_has_no_address() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    let mut r = referral(date!(2025 - 03 - 05));
    r.carers[0].addresses.clear();
    given(&w, case)
        .when(
            date!(2025 - 03 - 05),
            Command::ReceiveReferral {
                referral: r,
                opening: None,
            },
        )
        .then_invalid("referral.carers", "Add the address of carer 1.");
}

#[test]
fn receive_referral_refused_when_it_opens_a_case_without_child_and_incident() {
    let w = World::default();
    given(&w, Case::default())
        .when(date!(2025 - 03 - 03), refer(date!(2025 - 03 - 03)))
        .then_invalid(
            "opening",
            "A referral that opens a case must say which child and incident it is about.",
        );
}

#[test]
fn receive_referral_refused_when_the_opening_reference_is_a_name() {
    let w = World::default();
    let mut o = opening();
    o.reference = "Ada Example".into();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            Command::ReceiveReferral {
                referral: referral(date!(2025 - 03 - 03)),
                opening: Some(o),
            },
        )
        .then_invalid("reference", "Never use a name.");
}

#[test]
fn receive_referral_refused_when_the_opening_names_no_child() {
    let w = World::default();
    let mut o = opening();
    o.children.clear();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            Command::ReceiveReferral {
                referral: referral(date!(2025 - 03 - 03)),
                opening: Some(o),
            },
        )
        .then_invalid("children", "Add at least one child.");
}

#[test]
fn receive_referral_refused_when_the_opening_incident_is_in_the_future() {
    let w = World::default();
    let mut o = opening();
    o.incident.occurred_on = date!(2025 - 03 - 04);
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            Command::ReceiveReferral {
                referral: referral(date!(2025 - 03 - 03)),
                opening: Some(o),
            },
        )
        .then_invalid(
            "incident.occurred_on",
            "The date of the incident must be today or in the past.",
        );
}

#[test]
fn receive_referral_refused_when_it_tries_to_open_a_case_already_open() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(NotifyNationalPanel { .. }));
    given(&w, case)
        .when(
            date!(2025 - 03 - 05),
            Command::ReceiveReferral {
                referral: referral(date!(2025 - 03 - 05)),
                opening: Some(opening()),
            },
        )
        .then_invalid(
            "opening",
            "This case is already open: the referral adds to it.",
        );
}

// ------------------------------------------------------------------------------------------
// ApproveReferral
// ------------------------------------------------------------------------------------------

#[test]
fn approve_referral_by_the_referring_agencys_representative() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(ApproveReferral { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ReferralApproved {
            approver: name("Sam Subgroup"),
            agency: POLICE,
            approved_on: date!(2025 - 03 - 05),
        }]);
}

#[test]
fn approve_referral_refused_once_approved() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Triage);
    given(&w, case)
        .when(today, approve(today))
        .then_wrong_stage();
}

#[test]
fn approve_referral_refused_when_there_is_no_referral() {
    let w = World::default();
    // Defensive: the Referral stage is only reached through a received referral.
    given(&w, Case::default())
        .tampered(|c| c.stage = Stage::Referral)
        .when(date!(2025 - 03 - 05), approve(date!(2025 - 03 - 05)))
        .then_rule("There is no referral to approve.");
}

#[test]
fn approve_referral_refused_from_another_agency_than_the_referrers() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ApproveReferral { .. }));
    given(&w, case)
        .when(
            today,
            Command::ApproveReferral {
                approver: name("Hana Health"),
                agency: HEALTH,
                approved_on: today,
            },
        )
        .then_rule(
            "The referral must be approved by the review subgroup representative of the referring agency.",
        );
}

#[test]
fn approve_referral_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ApproveReferral { .. }));
    given(&w, case)
        .when(today, approve(date!(2025 - 03 - 06)))
        .then_invalid(
            "approved_on",
            "The date of the approval must be today or in the past.",
        );
}

#[test]
fn approve_referral_refused_before_the_referral_was_received() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ApproveReferral { .. }));
    given(&w, case)
        .when(today, approve(date!(2025 - 03 - 04)))
        .then_invalid(
            "approved_on",
            "The date cannot be before the referral was received (5 March 2025).",
        );
}

// ------------------------------------------------------------------------------------------
// TriageReferral
// ------------------------------------------------------------------------------------------

#[test]
fn triage_sends_a_notified_case_to_rapid_review() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::RapidReview))
        .then_events(vec![triaged(
            TriageOutcome::RapidReview,
            date!(2025 - 03 - 06),
            None,
        )]);
}

#[test]
fn triage_to_scoping_books_the_next_subgroup_meeting() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::Scoping))
        .then_events(vec![triaged(
            TriageOutcome::Scoping,
            date!(2025 - 03 - 14),
            Some(date!(2025 - 04 - 10)),
        )]);
}

#[test]
fn triage_to_scoping_on_a_meeting_day_books_that_days_meeting() {
    let w = World::default();
    let (case, _, _) = sc_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(date!(2025 - 04 - 10), triage(TriageOutcome::Scoping))
        .then_events(vec![triaged(
            TriageOutcome::Scoping,
            date!(2025 - 04 - 10),
            Some(date!(2025 - 04 - 10)),
        )]);
}

#[test]
fn triage_of_a_referral_to_no_further_action() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::NoFurtherAction))
        .then_events(vec![triaged(
            TriageOutcome::NoFurtherAction,
            date!(2025 - 03 - 14),
            None,
        )]);
}

#[test]
fn triage_refused_before_the_referral_is_approved() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Referral);
    given(&w, case)
        .when(today, triage(TriageOutcome::RapidReview))
        .then_wrong_stage();
}

#[test]
fn rapid_review_cannot_be_triaged_before_the_panel_is_notified() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordSeriousIncident { .. }));
    given(&w, case)
        .and(date!(2025 - 03 - 05), refer(date!(2025 - 03 - 05)))
        .and(date!(2025 - 03 - 05), approve(date!(2025 - 03 - 05)))
        .when(date!(2025 - 03 - 06), triage(TriageOutcome::RapidReview))
        .then_rule("Record the notification to the National Panel before starting the rapid review: its 15 working days count from the notification.");
}

#[test]
fn rapid_review_refused_for_a_referral_that_was_not_notified() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::RapidReview))
        .then_rule("A rapid review follows a serious incident notification. For a referral that came another way, choose scoping or no further action.");
}

#[test]
fn notified_case_must_go_to_rapid_review_not_scoping() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::Scoping))
        .then_rule("A case notified to the National Panel always goes to a rapid review.");
}

#[test]
fn notified_case_must_go_to_rapid_review_not_no_further_action() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(today, triage(TriageOutcome::NoFurtherAction))
        .then_rule("always goes to a rapid review");
}

#[test]
fn looked_after_child_death_must_go_to_rapid_review() {
    let w = World::default();
    notified_at_triage(
        &w,
        incident(Harm::Death, AbuseOrNeglect::NotSuspected),
        looked_after_child(),
    )
    .when(date!(2025 - 03 - 06), triage(TriageOutcome::Scoping))
    // Not "always": a looked-after child's death may be found, with reasons, not to meet the
    // criteria for a rapid review (WT2023 ch.5; PROCESS.md "Counting and dates"; issue 15),
    // but scoping is not that outcome.
    .then_rule("goes to a rapid review unless it does not meet the criteria");
}

#[test]
fn care_leaver_death_needs_no_rapid_review_so_triage_may_choose_scoping() {
    let w = World::default();
    notified_at_triage(
        &w,
        incident(Harm::Death, AbuseOrNeglect::NotSuspected),
        care_leaver_born(date!(2000 - 02 - 28)),
    )
    .when(date!(2025 - 03 - 06), triage(TriageOutcome::Scoping))
    .then_events(vec![triaged(
        TriageOutcome::Scoping,
        date!(2025 - 03 - 06),
        Some(date!(2025 - 03 - 13)),
    )]);
}

#[test]
fn care_leaver_death_may_be_triaged_to_no_further_action() {
    let w = World::default();
    notified_at_triage(
        &w,
        incident(Harm::Death, AbuseOrNeglect::NotSuspected),
        care_leaver_born(date!(2000 - 02 - 28)),
    )
    .when(
        date!(2025 - 03 - 06),
        triage(TriageOutcome::NoFurtherAction),
    )
    .then_events(vec![triaged(
        TriageOutcome::NoFurtherAction,
        date!(2025 - 03 - 06),
        None,
    )]);
}

#[test]
fn triage_to_scoping_refused_when_no_subgroup_meeting_is_scheduled() {
    let w = World::default();
    let (case, _, _) = sc_before(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(date!(2025 - 06 - 13), triage(TriageOutcome::Scoping))
        .then_rule("No review subgroup meeting is scheduled on or after 13 June 2025: add the next meetings to the partnership's meeting calendar first.");
}

// ------------------------------------------------------------------------------------------
// RequestContributions
// ------------------------------------------------------------------------------------------

#[test]
fn request_agency_summaries_due_on_working_day_10_of_the_rapid_review() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[POLICE, HEALTH, CSC]))
        .then_events(vec![Event::ContributionsRequested {
            kind: K::AgencySummary,
            agencies: vec![POLICE, HEALTH, CSC],
            requested_on: date!(2025 - 03 - 06),
            // Notified on Tuesday 4 March; working day 10 is Tuesday 18 March.
            due_on: date!(2025 - 03 - 18),
        }]);
}

#[test]
fn request_scoping_forms_due_two_working_days_before_the_meeting() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::ScopingForm, &[HEALTH, CSC]))
        .then_events(vec![Event::ContributionsRequested {
            kind: K::ScopingForm,
            agencies: vec![HEALTH, CSC],
            requested_on: date!(2025 - 03 - 14),
            // The meeting is on Thursday 10 April.
            due_on: date!(2025 - 04 - 08),
        }]);
}

#[test]
fn request_factual_accuracy_due_after_the_local_number_of_working_days() {
    let w = World::default();
    let (case, today, _) = lr_before(
        &w,
        step!(RequestContributions {
            kind: K::FactualAccuracy,
            ..
        }),
    );
    given(&w, case)
        .when(today, ask(K::FactualAccuracy, &[POLICE, HEALTH, CSC]))
        .then_events(vec![Event::ContributionsRequested {
            kind: K::FactualAccuracy,
            agencies: vec![POLICE, HEALTH, CSC],
            requested_on: date!(2025 - 07 - 02),
            // 20 working days after Wednesday 2 July.
            due_on: date!(2025 - 07 - 30),
        }]);
}

#[test]
fn request_with_a_chosen_working_day_as_the_due_date() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 03 - 20)),
        )
        .then_events(vec![Event::ContributionsRequested {
            kind: K::AgencySummary,
            agencies: vec![POLICE],
            requested_on: date!(2025 - 03 - 06),
            due_on: date!(2025 - 03 - 20),
        }]);
}

#[test]
fn request_again_from_an_agency_whose_contribution_was_waived() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .and(date!(2025 - 03 - 07), waive(K::AgencySummary, CSC))
        .when(date!(2025 - 03 - 10), ask(K::AgencySummary, &[CSC]))
        .then_events(vec![Event::ContributionsRequested {
            kind: K::AgencySummary,
            agencies: vec![CSC],
            requested_on: date!(2025 - 03 - 10),
            due_on: date!(2025 - 03 - 18),
        }]);
}

#[test]
fn request_agency_summaries_refused_outside_a_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Scoping);
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[HEALTH]))
        .then_wrong_stage();
}

#[test]
fn request_factual_accuracy_refused_before_the_report_is_drafted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Evidence);
    given(&w, case)
        .when(today, ask(K::FactualAccuracy, &[HEALTH]))
        .then_wrong_stage();
}

#[test]
fn request_refused_without_an_agency() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[]))
        .then_invalid("agencies", "Choose at least one agency.");
}

#[test]
fn request_refused_when_an_agency_is_chosen_twice() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[POLICE, HEALTH, POLICE]))
        .then_invalid("agencies", "An agency is chosen twice.");
}

#[test]
fn request_refused_when_already_requested_from_one_of_the_agencies() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[EDUCATION, HEALTH]))
        .then_rule("has already been requested from one of these agencies.");
}

/// The message is built as "A {label}", which reads "A agency summary" / "A agency report".
#[test]
fn request_refused_when_already_requested_says_an_agency_summary() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(today, ask(K::AgencySummary, &[HEALTH]))
        .then_rule("An agency summary has already been requested from one of these agencies.");
}

#[test]
fn request_factual_accuracy_refused_without_a_draft() {
    let w = World::default();
    // Defensive: the Drafting stage is only reached through a submitted draft.
    given(&w, Case::default())
        .tampered(|c| c.stage = Stage::Drafting)
        .when(date!(2025 - 07 - 02), ask(K::FactualAccuracy, &[HEALTH]))
        .then_rule("There is no draft report to check for factual accuracy yet.");
}

#[test]
fn request_refused_with_a_due_date_in_the_past() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 03 - 05)),
        )
        .then_invalid("due_on", "The due date must be today or in the future.");
}

#[test]
fn request_refused_with_a_due_date_on_a_weekend() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 03 - 22)),
        )
        .then_invalid(
            "due_on",
            "Choose a working day for the due date: 22 March 2025 is a weekend.",
        );
}

#[test]
fn request_refused_with_a_due_date_on_christmas_day() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 12 - 25)),
        )
        .then_invalid("due_on", "25 December 2025 is Christmas Day.");
}

#[test]
fn request_refused_with_a_due_date_on_good_friday() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 04 - 18)),
        )
        .then_invalid("due_on", "18 April 2025 is Good Friday.");
}

#[test]
fn request_refused_with_a_due_date_on_a_partnership_closure_day() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RequestContributions { .. }));
    let closed_friday = World {
        calendar: calendar().with_closure_days([date!(2025 - 03 - 21)]),
        settings: settings(),
    };
    given(&closed_friday, case)
        .when(
            today,
            ask_by(K::AgencySummary, &[POLICE], date!(2025 - 03 - 21)),
        )
        .then_invalid("due_on", "21 March 2025 is a partnership closure day.");
}

// ------------------------------------------------------------------------------------------
// ReceiveContribution
// ------------------------------------------------------------------------------------------

#[test]
fn receive_an_agency_summary() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ContributionReceived {
            kind: K::AgencySummary,
            agency: POLICE,
            received_on: date!(2025 - 03 - 12),
            contribution: contribution(),
        }]);
}

#[test]
fn receive_a_chronology_with_its_entries() {
    let w = World::default();
    let (case, today, _) = lr_before(
        &w,
        step!(ReceiveContribution {
            kind: K::Chronology,
            ..
        }),
    );
    let chronology = Contribution {
        text: text("Our chronology."),
        chronology: vec![ChronologyEntry {
            date: date!(2024 - 05 - 01),
            what: text("Home visit."),
            detail: Default::default(),
        }],
        form: Default::default(),
    };
    given(&w, case)
        .when(
            today,
            Command::ReceiveContribution {
                kind: K::Chronology,
                agency: POLICE,
                received_on: today,
                contribution: chronology.clone(),
            },
        )
        .then_events(vec![Event::ContributionReceived {
            kind: K::Chronology,
            agency: POLICE,
            received_on: date!(2025 - 04 - 30),
            contribution: chronology,
        }]);
}

#[test]
fn receive_an_agency_summary_refused_after_the_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Commissioning);
    given(&w, case)
        .when(today, got(K::AgencySummary, POLICE, today))
        .then_wrong_stage();
}

#[test]
fn receive_refused_from_an_agency_that_was_not_asked() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(today, got(K::AgencySummary, EDUCATION, today))
        .then_rule("No agency summary was requested from this agency.");
}

#[test]
fn receive_refused_when_the_contribution_is_already_received() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(today, got(K::AgencySummary, POLICE, today))
        .then_rule("The agency summary from this agency is already received or waived.");
}

#[test]
fn receive_refused_when_the_contribution_was_waived() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .and(today, waive(K::AgencySummary, CSC))
        .when(today, got(K::AgencySummary, CSC, today))
        .then_rule("The agency summary from this agency is already received or waived.");
}

#[test]
fn receive_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(today, got(K::AgencySummary, POLICE, date!(2025 - 03 - 13)))
        .then_invalid(
            "received_on",
            "The date it was received must be today or in the past.",
        );
}

#[test]
fn receive_refused_before_it_was_requested() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(today, got(K::AgencySummary, POLICE, date!(2025 - 03 - 05)))
        .then_invalid(
            "received_on",
            "The date cannot be before it was requested (6 March 2025).",
        );
}

#[test]
fn receive_a_chronology_refused_without_entries() {
    let w = World::default();
    let (case, today, _) = lr_before(
        &w,
        step!(ReceiveContribution {
            kind: K::Chronology,
            ..
        }),
    );
    given(&w, case)
        .when(today, got(K::Chronology, POLICE, today))
        .then_invalid("chronology", "A chronology needs at least one entry.");
}

// ------------------------------------------------------------------------------------------
// WaiveContribution
// ------------------------------------------------------------------------------------------

#[test]
fn waive_a_factual_accuracy_response() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(WaiveContribution { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ContributionWaived {
            kind: K::FactualAccuracy,
            agency: CSC,
            reason: text("Agency confirmed by phone it has no comments."),
        }]);
}

#[test]
fn waive_refused_outside_the_contributions_stage() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(today, waive(K::FactualAccuracy, CSC))
        .then_wrong_stage();
}

#[test]
fn waive_refused_for_an_agency_that_was_not_asked() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(WaiveContribution { .. }));
    given(&w, case)
        .when(today, waive(K::FactualAccuracy, EDUCATION))
        .then_rule("No factual-accuracy response was requested from this agency.");
}

#[test]
fn waive_refused_when_the_contribution_is_already_received() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(WaiveContribution { .. }));
    given(&w, case)
        .when(today, waive(K::FactualAccuracy, POLICE))
        .then_rule("The factual-accuracy response from this agency is already received or waived.");
}

// ------------------------------------------------------------------------------------------
// HoldRapidReviewMeeting
// ------------------------------------------------------------------------------------------

#[test]
fn hold_the_rapid_review_meeting() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::RapidReviewMeetingHeld {
            held_on: date!(2025 - 03 - 19),
            notes: text("Facts gathered; key practice episodes analysed."),
        }]);
}

#[test]
fn hold_rapid_review_meeting_refused_in_scoping() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Scoping);
    given(&w, case)
        .when(today, hold_rapid_review_meeting(today))
        .then_wrong_stage();
}

#[test]
fn hold_rapid_review_meeting_refused_a_second_time() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, hold_rapid_review_meeting(today))
        .then_rule("The rapid review meeting has already been recorded.");
}

#[test]
fn hold_rapid_review_meeting_refused_before_agency_summaries_are_requested() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(
            date!(2025 - 03 - 19),
            hold_rapid_review_meeting(date!(2025 - 03 - 19)),
        )
        .then_rule("Ask the agencies for their summaries before the rapid review meeting.");
}

#[test]
fn hold_rapid_review_meeting_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, hold_rapid_review_meeting(date!(2025 - 03 - 20)))
        .then_invalid(
            "held_on",
            "The date of the meeting must be today or in the past.",
        );
}

#[test]
fn hold_rapid_review_meeting_refused_before_the_notification() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, hold_rapid_review_meeting(date!(2025 - 03 - 03)))
        .then_invalid(
            "held_on",
            "The date cannot be before the notification (4 March 2025).",
        );
}

// ------------------------------------------------------------------------------------------
// RecordSafetyAction
// ------------------------------------------------------------------------------------------

#[test]
fn record_an_immediate_safety_action() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordSafetyAction {
                action: safety_action(date!(2025 - 04 - 01)),
            },
        )
        .then_events(vec![Event::SafetyActionRecorded {
            action: safety_action(date!(2025 - 04 - 01)),
        }]);
}

#[test]
fn record_safety_action_refused_outside_the_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Commissioning);
    given(&w, case)
        .when(
            today,
            Command::RecordSafetyAction {
                action: safety_action(date!(2025 - 04 - 01)),
            },
        )
        .then_wrong_stage();
}

#[test]
fn record_safety_action_refused_with_a_due_date_in_the_past() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordSafetyAction {
                action: safety_action(date!(2025 - 03 - 18)),
            },
        )
        .then_invalid(
            "action.due_on",
            "The due date must be today or in the future.",
        );
}

#[test]
fn record_safety_action_refused_with_a_due_date_on_a_bank_holiday() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordSafetyAction {
                action: safety_action(date!(2025 - 05 - 05)),
            },
        )
        .then_invalid(
            "action.due_on",
            "Choose a working day for the due date: 5 May 2025 is Early May bank holiday.",
        );
}

#[test]
fn record_safety_action_refused_when_already_recorded() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordSafetyAction {
                action: safety_action(date!(2025 - 04 - 02)),
            },
        )
        .then_invalid("action", "This action is already recorded.");
}

// ------------------------------------------------------------------------------------------
// RecordRapidReviewLearning and RecordInequalitiesConsideration
// ------------------------------------------------------------------------------------------

#[test]
fn record_the_rapid_reviews_learning() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordRapidReviewLearning { .. }));
    given(&w, case)
        .when(today, learning())
        .then_events(vec![Event::RapidReviewLearningRecorded {
            learning: text("Information about new adults was not shared."),
            themes: vec!["information sharing".into()],
        }]);
}

#[test]
fn record_rapid_review_learning_refused_outside_the_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Scoping);
    given(&w, case).when(today, learning()).then_wrong_stage();
}

#[test]
fn record_the_consideration_of_racism_inequalities_and_disability() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordInequalitiesConsideration { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordInequalitiesConsideration {
                consideration: inequalities(),
            },
        )
        .then_events(vec![Event::InequalitiesConsidered {
            consideration: inequalities(),
        }]);
}

#[test]
fn record_inequalities_consideration_refused_outside_the_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Commissioning);
    given(&w, case)
        .when(
            today,
            Command::RecordInequalitiesConsideration {
                consideration: inequalities(),
            },
        )
        .then_wrong_stage();
}

// ------------------------------------------------------------------------------------------
// HoldScopingMeeting
// ------------------------------------------------------------------------------------------

#[test]
fn hold_the_scoping_meeting() {
    let w = World::default();
    let (case, today, command) = sc_before(&w, step!(HoldScopingMeeting { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ScopingMeetingHeld {
            held_on: date!(2025 - 04 - 10),
            notes: text("Learning to be shared through a practitioner event."),
        }]);
}

#[test]
fn hold_scoping_meeting_refused_in_a_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::RapidReview);
    given(&w, case)
        .when(today, hold_scoping_meeting(today))
        .then_wrong_stage();
}

#[test]
fn hold_scoping_meeting_refused_a_second_time() {
    let w = World::default();
    let (case, today) = sc_until(&w, step!(HoldScopingMeeting { .. }));
    given(&w, case)
        .when(today, hold_scoping_meeting(today))
        .then_rule("The scoping meeting has already been recorded.");
}

#[test]
fn hold_scoping_meeting_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(HoldScopingMeeting { .. }));
    given(&w, case)
        .when(today, hold_scoping_meeting(date!(2025 - 04 - 11)))
        .then_invalid(
            "held_on",
            "The date of the meeting must be today or in the past.",
        );
}

#[test]
fn hold_scoping_meeting_refused_before_the_triage() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(HoldScopingMeeting { .. }));
    given(&w, case)
        .when(today, hold_scoping_meeting(date!(2025 - 03 - 13)))
        .then_invalid(
            "held_on",
            "The date cannot be before the triage (14 March 2025).",
        );
}

#[test]
fn hold_scoping_meeting_refused_while_a_scoping_form_is_outstanding() {
    let w = World::default();
    let (case, _) = sc_until(&w, step!(ReceiveContribution { .. }));
    given(&w, case)
        .when(
            date!(2025 - 04 - 10),
            hold_scoping_meeting(date!(2025 - 04 - 10)),
        )
        .then_rule("The scoping meeting cannot be recorded before every requested scoping form is received or waived: still waiting for 1 agency.");
}

#[test]
fn hold_scoping_meeting_refused_while_two_scoping_forms_are_outstanding() {
    let w = World::default();
    let (case, _) = sc_until(&w, step!(RequestContributions { .. }));
    given(&w, case)
        .when(
            date!(2025 - 04 - 10),
            hold_scoping_meeting(date!(2025 - 04 - 10)),
        )
        .then_rule("still waiting for 2 agencies.");
}

// ------------------------------------------------------------------------------------------
// DecideOnLocalReview
// ------------------------------------------------------------------------------------------

#[test]
fn decide_on_a_local_review_at_the_rapid_review() {
    let w = World::default();
    rapid_review_before_decision(&w)
        .when(
            date!(2025 - 03 - 19),
            decide_on(ReviewOutcome::LocalReview, date!(2025 - 03 - 19)),
        )
        .then_events(vec![decided(
            ReviewOutcome::LocalReview,
            date!(2025 - 03 - 19),
        )]);
}

#[test]
fn decide_on_other_learning_after_the_scoping_meeting() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(DecideOnLocalReview { .. }));
    given(&w, case)
        .when(today, decide_on(other_learning(), today))
        .then_events(vec![decided(other_learning(), date!(2025 - 04 - 10))]);
}

#[test]
fn decision_revised_after_the_panel_disagreed_before_commissioning() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .and(
            date!(2025 - 04 - 10),
            panel_response(false, date!(2025 - 04 - 10)),
        )
        .when(
            date!(2025 - 04 - 11),
            decide_on(other_learning(), date!(2025 - 04 - 11)),
        )
        .then_events(vec![decided(other_learning(), date!(2025 - 04 - 11))]);
}

#[test]
fn no_further_action_revised_to_a_local_review_when_the_panel_disagreed() {
    let w = World::default();
    rapid_review_submitted_with(&w, ReviewOutcome::NoFurtherAction)
        .and(
            date!(2025 - 04 - 10),
            panel_response(false, date!(2025 - 04 - 10)),
        )
        .when(
            date!(2025 - 04 - 11),
            decide_on(ReviewOutcome::LocalReview, date!(2025 - 04 - 11)),
        )
        .then_events(vec![decided(
            ReviewOutcome::LocalReview,
            date!(2025 - 04 - 11),
        )]);
}

#[test]
fn decide_on_local_review_refused_while_gathering_evidence() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Evidence);
    given(&w, case)
        .when(today, decide_on(ReviewOutcome::NoFurtherAction, today))
        .then_wrong_stage();
}

#[test]
fn decide_on_local_review_refused_with_a_date_in_the_future() {
    let w = World::default();
    rapid_review_before_decision(&w)
        .when(
            date!(2025 - 03 - 19),
            decide_on(ReviewOutcome::LocalReview, date!(2025 - 03 - 20)),
        )
        .then_invalid(
            "decided_on",
            "The date of the decision must be today or in the past.",
        );
}

#[test]
fn decide_on_local_review_refused_before_the_rapid_review_meeting_is_recorded() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, decide_on(ReviewOutcome::LocalReview, today))
        .then_rule("The decision on a local review is made at or after the rapid review meeting: record the meeting first.");
}

#[test]
fn decide_on_local_review_refused_before_the_rapid_review_meetings_date() {
    let w = World::default();
    rapid_review_before_decision(&w)
        .when(
            date!(2025 - 03 - 19),
            decide_on(ReviewOutcome::LocalReview, date!(2025 - 03 - 18)),
        )
        .then_invalid(
            "decided_on",
            "The date cannot be before the rapid review meeting (19 March 2025).",
        );
}

#[test]
fn decide_on_local_review_refused_before_the_scoping_meeting_is_recorded() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(HoldScopingMeeting { .. }));
    given(&w, case)
        .when(today, decide_on(other_learning(), today))
        .then_rule("The decision on a local review is made at or after the scoping meeting: record the meeting first.");
}

#[test]
fn decide_on_local_review_refused_before_the_scoping_meetings_date() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(DecideOnLocalReview { .. }));
    given(&w, case)
        .when(today, decide_on(other_learning(), date!(2025 - 04 - 09)))
        .then_invalid(
            "decided_on",
            "The date cannot be before the scoping meeting (10 April 2025).",
        );
}

#[test]
fn decision_revision_refused_when_the_panel_agreed() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(
            date!(2025 - 04 - 11),
            decide_on(other_learning(), date!(2025 - 04 - 11)),
        )
        .then_rule("The decision can be revised only when the National Panel disagreed with it, and before the review is commissioned or actions are agreed.");
}

#[test]
fn decision_revision_refused_before_the_panel_responds() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(
            date!(2025 - 04 - 10),
            decide_on(other_learning(), date!(2025 - 04 - 10)),
        )
        .then_rule("can be revised only when the National Panel disagreed with it");
}

#[test]
fn decision_revision_refused_once_a_panel_member_is_appointed() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .and(
            date!(2025 - 04 - 10),
            panel_response(false, date!(2025 - 04 - 10)),
        )
        .and(date!(2025 - 04 - 10), appoint("Pat Panel", EDUCATION))
        .when(
            date!(2025 - 04 - 11),
            decide_on(other_learning(), date!(2025 - 04 - 11)),
        )
        .then_rule("before the review is commissioned or actions are agreed");
}

#[test]
fn decision_revision_refused_once_actions_are_agreed() {
    let w = World::default();
    rapid_review_submitted_with(&w, other_learning())
        .and(
            date!(2025 - 04 - 10),
            panel_response(false, date!(2025 - 04 - 10)),
        )
        .and(
            date!(2025 - 04 - 10),
            Command::AgreeAction {
                action: action(ACTION1, None, date!(2025 - 06 - 30)),
            },
        )
        .when(
            date!(2025 - 04 - 11),
            decide_on(ReviewOutcome::LocalReview, date!(2025 - 04 - 11)),
        )
        .then_rule("before the review is commissioned or actions are agreed");
}

#[test]
fn decision_revision_refused_for_a_referral_closed_at_triage() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Decided);
    given(&w, case)
        .when(today, decide_on(ReviewOutcome::LocalReview, today))
        .then_rule("can be revised only when the National Panel disagreed with it");
}

// ------------------------------------------------------------------------------------------
// SignOffRapidReview
// ------------------------------------------------------------------------------------------

#[test]
fn sign_off_the_rapid_review() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SignOffRapidReview { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::RapidReviewSignedOff {
            partner: Partner::LocalAuthority,
            signed_on: date!(2025 - 03 - 21),
        }]);
}

#[test]
fn sign_off_rapid_review_refused_once_submitted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Commissioning);
    given(&w, case)
        .when(today, sign_rapid_review(Partner::Police, today))
        .then_wrong_stage();
}

#[test]
fn sign_off_rapid_review_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SignOffRapidReview { .. }));
    given(&w, case)
        .when(
            today,
            sign_rapid_review(Partner::LocalAuthority, date!(2025 - 03 - 22)),
        )
        .then_invalid(
            "signed_on",
            "The date of the sign-off must be today or in the past.",
        );
}

#[test]
fn sign_off_rapid_review_refused_twice_for_the_same_partner() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(SignOffRapidReview { .. }));
    given(&w, case)
        .when(today, sign_rapid_review(Partner::LocalAuthority, today))
        .then_rule("The rapid review has already been signed off for the local authority.");
}

#[test]
fn sign_off_rapid_review_refused_while_an_agency_summary_is_outstanding() {
    let w = World::default();
    let (case, _, _) = lr_before(
        &w,
        step!(ReceiveContribution { agency, .. } if *agency == CSC),
    );
    given(&w, case)
        .when(
            date!(2025 - 03 - 13),
            sign_rapid_review(Partner::LocalAuthority, date!(2025 - 03 - 13)),
        )
        .then_rule("A rapid review cannot be signed off before every requested agency summary is received or waived: still waiting for 1 agency.");
}

#[test]
fn sign_off_rapid_review_refused_until_it_records_meeting_learning_inequalities_and_decision() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(HoldRapidReviewMeeting { .. }));
    given(&w, case)
        .when(today, sign_rapid_review(Partner::LocalAuthority, today))
        .then_rule("A rapid review cannot be signed off until it records the rapid review meeting, the learning, how racism, other inequalities and disability shaped experiences and practice and the decision on a local review.");
}

#[test]
fn sign_off_rapid_review_refused_until_it_records_the_decision() {
    let w = World::default();
    rapid_review_before_decision(&w)
        .when(
            date!(2025 - 03 - 19),
            sign_rapid_review(Partner::LocalAuthority, date!(2025 - 03 - 19)),
        )
        .then_rule(
            "A rapid review cannot be signed off until it records the decision on a local review.",
        );
}

// ------------------------------------------------------------------------------------------
// SubmitRapidReview
// ------------------------------------------------------------------------------------------

#[test]
fn submit_the_rapid_review_to_the_national_panel() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SubmitRapidReview { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::RapidReviewSubmitted {
            submitted_on: date!(2025 - 03 - 24),
            resubmission: false,
        }]);
}

#[test]
fn submit_rapid_review_refused_once_submitted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Commissioning);
    // Sent again only when the Panel asks for more information (issue 15).
    given(&w, case)
        .when(
            today,
            Command::SubmitRapidReview {
                submitted_on: today,
            },
        )
        .then_rule("it is sent again only when the Panel asks for more information");
}

#[test]
fn submit_rapid_review_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SubmitRapidReview { .. }));
    given(&w, case)
        .when(
            today,
            Command::SubmitRapidReview {
                submitted_on: date!(2025 - 03 - 25),
            },
        )
        .then_invalid(
            "submitted_on",
            "The date of the submission must be today or in the past.",
        );
}

#[test]
fn submit_rapid_review_refused_until_all_three_partners_signed_off() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(SignOffRapidReview { .. }));
    given(&w, case)
        .when(
            today,
            Command::SubmitRapidReview {
                submitted_on: today,
            },
        )
        .then_rule("The rapid review goes to the National Panel once all three safeguarding partners have signed it off: still waiting for the police and the integrated care board.");
}

// ------------------------------------------------------------------------------------------
// RecordPanelResponse
// ------------------------------------------------------------------------------------------

#[test]
fn record_the_national_panels_response() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::PanelResponded {
            agrees: true,
            answer: Some(PanelAnswer::Agrees),
            comments: None,
            received_on: date!(2025 - 04 - 10),
        }]);
}

#[test]
fn record_panel_response_refused_during_the_rapid_review() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::RapidReview);
    given(&w, case)
        .when(today, panel_response(true, today))
        .then_wrong_stage();
}

#[test]
fn record_panel_response_refused_when_no_rapid_review_was_submitted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Decided);
    given(&w, case)
        .when(today, panel_response(true, today))
        .then_rule("The National Panel responds to a submitted rapid review; this case has none.");
}

#[test]
fn record_panel_response_refused_a_second_time() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(today, panel_response(false, today))
        .then_rule("The National Panel's response has already been recorded.");
}

#[test]
fn record_panel_response_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(today, panel_response(true, date!(2025 - 04 - 11)))
        .then_invalid(
            "received_on",
            "The date of the response must be today or in the past.",
        );
}

#[test]
fn record_panel_response_refused_before_the_rapid_review_was_sent() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordPanelResponse { .. }));
    given(&w, case)
        .when(today, panel_response(true, date!(2025 - 03 - 21)))
        .then_invalid(
            "received_on",
            "The date cannot be before the rapid review was sent (24 March 2025).",
        );
}

// ------------------------------------------------------------------------------------------
// AppointPanelMember
// ------------------------------------------------------------------------------------------

#[test]
fn appoint_a_panel_member_from_an_uninvolved_agency() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::PanelMemberAppointed {
            member: member("Pat Panel", EDUCATION),
            conflict_accepted_because: None,
        }]);
}

#[test]
fn appoint_a_panel_member_from_an_involved_agency_with_a_reason() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(
            today,
            Command::AppointPanelMember {
                member: member("Polly Police", POLICE),
                conflict_accepted_because: Some(reasons()),
            },
        )
        .then_events(vec![Event::PanelMemberAppointed {
            member: member("Polly Police", POLICE),
            conflict_accepted_because: Some(reasons()),
        }]);
}

#[test]
fn appoint_a_further_panel_member_during_evidence_does_not_complete_commissioning_again() {
    let w = World::default();
    evidence(&w)
        .when(date!(2025 - 04 - 16), appoint("Perry Probation", PROBATION))
        .then_events(vec![Event::PanelMemberAppointed {
            member: member("Perry Probation", PROBATION),
            conflict_accepted_because: None,
        }]);
}

#[test]
fn appoint_panel_member_refused_once_the_report_is_drafted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, appoint("Perry Probation", PROBATION))
        .then_wrong_stage();
}

const INVOLVED: &str = "This person is recorded as involved in the case, so they cannot sit on the review panel. Choose a senior manager who was not involved.";

#[test]
fn panel_member_refused_when_named_as_the_child() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("Ada Example", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_named_as_an_alias_of_the_child() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("Addie Example", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_named_as_an_alias_of_a_carer() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("Bethany Exampel", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_conflict_check_ignores_case_and_spacing() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("  bETH    example ", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_named_as_the_referrer() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("Ray Referrer", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_named_as_a_practitioner() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordPractitioner { .. }));
    given(&w, case)
        .when(date!(2025 - 05 - 02), appoint("Harper Visitor", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_named_as_a_family_member_contacted() {
    let w = World::default();
    evidence(&w)
        .and(
            date!(2025 - 04 - 16),
            Command::RecordFamilyContact {
                contact: family_contact("Gran Example", date!(2025 - 04 - 16)),
            },
        )
        .when(date!(2025 - 04 - 16), appoint("Gran Example", EDUCATION))
        .then_rule(INVOLVED);
}

/// A relative recorded only through a contact constraint ("Uncle Example", a witness at the
/// inquest) is named in the case, but `Case::involved_names` leaves contact constraints out.
#[test]
fn panel_member_refused_when_named_in_a_contact_constraint() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordContactConstraint { .. }));
    given(&w, case)
        .when(today, appoint("Uncle Example", EDUCATION))
        .then_rule(INVOLVED);
}

#[test]
fn panel_member_refused_when_already_on_the_panel() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("PAT  panel", PROBATION))
        .then_rule("This person is already on the review panel.");
}

#[test]
fn panel_member_from_an_involved_agency_needs_a_reason() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint("Polly Police", POLICE))
        .then_invalid(
            "conflict_accepted_because",
            "This member's agency is recorded as involved in the case. Say why they can still sit on the panel",
        );
}

#[test]
fn panel_member_from_an_agency_asked_for_a_contribution_needs_a_reason() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .and(today, ask(K::AgencyReport, &[PROBATION]))
        .when(today, appoint("Perry Probation", PROBATION))
        .then_invalid(
            "conflict_accepted_because",
            "This member's agency is recorded as involved in the case.",
        );
}

// ------------------------------------------------------------------------------------------
// AgreeTermsOfReference
// ------------------------------------------------------------------------------------------

#[test]
fn agree_the_terms_of_reference() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeTermsOfReference { .. }));
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: terms() })
        .then_events(vec![Event::TermsOfReferenceAgreed { terms: terms() }]);
}

#[test]
fn terms_of_reference_agreed_last_complete_commissioning() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeTermsOfReference { .. }));
    given(&w, case)
        .and(today, appoint_reviewer("Indy Reviewer"))
        .when(today, Command::AgreeTermsOfReference { terms: terms() })
        .then_events(vec![
            Event::TermsOfReferenceAgreed { terms: terms() },
            Event::CommissioningCompleted {
                on: date!(2025 - 04 - 14),
            },
        ]);
}

#[test]
fn agree_terms_of_reference_refused_once_the_report_is_drafted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: terms() })
        .then_wrong_stage();
}

#[test]
fn terms_of_reference_refused_when_the_period_ends_before_it_starts() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeTermsOfReference { .. }));
    let mut t = terms();
    t.period_from = date!(2025 - 03 - 01);
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: t })
        .then_invalid(
            "period_from",
            "The period under review must start before it ends.",
        );
}

#[test]
fn terms_of_reference_refused_without_a_key_line_of_enquiry() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeTermsOfReference { .. }));
    let mut t = terms();
    t.key_lines_of_enquiry.clear();
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: t })
        .then_invalid(
            "key_lines_of_enquiry",
            "Add at least one key line of enquiry.",
        );
}

#[test]
fn terms_of_reference_refused_without_a_methodology() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeTermsOfReference { .. }));
    let mut t = terms();
    t.methodology.clear();
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: t })
        .then_invalid("methodology", "Choose at least one methodology.");
}

#[test]
fn terms_of_reference_refused_before_a_panel_member_is_appointed() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, Command::AgreeTermsOfReference { terms: terms() })
        .then_rule("The review panel sets the terms of reference: appoint at least one panel member first.");
}

// ------------------------------------------------------------------------------------------
// AppointIndependentReviewer
// ------------------------------------------------------------------------------------------

#[test]
fn the_third_commissioning_piece_appends_commissioning_completed() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(AppointIndependentReviewer { .. }));
    given(&w, case).when(today, command).then_events(vec![
        Event::IndependentReviewerAppointed {
            reviewer: reviewer("Indy Reviewer"),
        },
        Event::CommissioningCompleted {
            on: date!(2025 - 04 - 15),
        },
    ]);
}

#[test]
fn appoint_the_reviewer_first_leaves_commissioning_open() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(today, appoint_reviewer("Indy Reviewer"))
        .then_events(vec![Event::IndependentReviewerAppointed {
            reviewer: reviewer("Indy Reviewer"),
        }]);
}

#[test]
fn replace_the_reviewer_during_evidence_without_completing_commissioning_again() {
    let w = World::default();
    evidence(&w)
        .when(date!(2025 - 04 - 16), appoint_reviewer("Rae Placement"))
        .then_events(vec![Event::IndependentReviewerAppointed {
            reviewer: reviewer("Rae Placement"),
        }]);
}

#[test]
fn appoint_reviewer_refused_once_the_report_is_drafted() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, appoint_reviewer("Rae Placement"))
        .then_wrong_stage();
}

#[test]
fn reviewer_refused_when_recorded_as_involved_in_the_case() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AppointIndependentReviewer { .. }));
    given(&w, case)
        .when(today, appoint_reviewer("ray  REFERRER"))
        .then_rule("This person is recorded as involved in the case, so they cannot be its independent reviewer.");
}

// ------------------------------------------------------------------------------------------
// RecordPractitioner
// ------------------------------------------------------------------------------------------

#[test]
fn record_a_practitioner() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordPractitioner { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordPractitioner {
                practitioner: harper(),
            },
        )
        .then_events(vec![Event::PractitionerRecorded {
            practitioner: harper(),
        }]);
}

#[test]
fn record_practitioner_refused_once_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(
            today,
            Command::RecordPractitioner {
                practitioner: harper(),
            },
        )
        .then_wrong_stage();
}

#[test]
fn record_practitioner_refused_when_already_recorded() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordPractitioner { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordPractitioner {
                practitioner: practitioner(PRACTITIONER, "Harper Renamed"),
            },
        )
        .then_invalid("practitioner", "This practitioner is already recorded.");
}

#[test]
fn record_practitioner_refused_when_they_sit_on_the_review_panel() {
    let w = World::default();
    evidence(&w)
        .when(
            date!(2025 - 04 - 16),
            Command::RecordPractitioner {
                practitioner: practitioner(PersonId(id(0xC8)), "pat panel"),
            },
        )
        .then_rule("This practitioner sits on the review panel. A panel member must not have been involved in the case: change the panel first.");
}

// ------------------------------------------------------------------------------------------
// ScheduleLearningEvent
// ------------------------------------------------------------------------------------------

#[test]
fn schedule_a_learning_event_for_recorded_practitioners() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::LearningEventScheduled {
            id: EVENT1,
            kind: LearningEventKind::Workshop,
            on: date!(2025 - 05 - 20),
            invited: vec![PRACTITIONER],
        }]);
}

#[test]
fn schedule_learning_event_refused_once_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(today, schedule(date!(2025 - 08 - 01), vec![PRACTITIONER]))
        .then_wrong_stage();
}

#[test]
fn schedule_learning_event_refused_when_already_scheduled() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(today, schedule(date!(2025 - 05 - 21), vec![PRACTITIONER]))
        .then_invalid("id", "This learning event is already scheduled.");
}

#[test]
fn schedule_learning_event_refused_without_an_invitee() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(today, schedule(date!(2025 - 05 - 20), vec![]))
        .then_invalid("invited", "Invite at least one practitioner.");
}

#[test]
fn schedule_learning_event_refused_for_a_practitioner_not_recorded() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(
            today,
            schedule(
                date!(2025 - 05 - 20),
                vec![PRACTITIONER, PersonId(id(0xC8))],
            ),
        )
        .then_invalid(
            "invited",
            "Record a practitioner on the case before inviting them.",
        );
}

#[test]
fn schedule_learning_event_refused_in_the_past() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(today, schedule(date!(2025 - 05 - 01), vec![PRACTITIONER]))
        .then_invalid("on", "A learning event is scheduled for today or later.");
}

// ------------------------------------------------------------------------------------------
// SendAdvanceInformation
// ------------------------------------------------------------------------------------------

#[test]
fn send_advance_information_for_a_learning_event() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SendAdvanceInformation { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::AdvanceInformationSent {
            id: EVENT1,
            sent_on: date!(2025 - 05 - 06),
        }]);
}

#[test]
fn send_advance_information_refused_once_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(
            today,
            Command::SendAdvanceInformation {
                id: EVENT1,
                sent_on: today,
            },
        )
        .then_wrong_stage();
}

#[test]
fn send_advance_information_refused_for_an_unknown_learning_event() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(
            today,
            Command::SendAdvanceInformation {
                id: EVENT1,
                sent_on: today,
            },
        )
        .then_invalid("id", "There is no such learning event.");
}

#[test]
fn send_advance_information_refused_after_the_learning_event() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordLearningEventNotes { .. }));
    given(&w, case)
        .when(
            today,
            Command::SendAdvanceInformation {
                id: EVENT1,
                sent_on: today,
            },
        )
        .then_rule("The learning event has already taken place.");
}

#[test]
fn send_advance_information_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SendAdvanceInformation { .. }));
    given(&w, case)
        .when(
            today,
            Command::SendAdvanceInformation {
                id: EVENT1,
                sent_on: date!(2025 - 05 - 07),
            },
        )
        .then_invalid(
            "sent_on",
            "The date the information was sent must be today or in the past.",
        );
}

// ------------------------------------------------------------------------------------------
// RecordLearningEventNotes
// ------------------------------------------------------------------------------------------

#[test]
fn record_the_notes_of_a_learning_event() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(RecordLearningEventNotes { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::LearningEventHeld {
            id: EVENT1,
            notes: event_notes(),
        }]);
}

#[test]
fn record_learning_event_notes_refused_once_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(
            today,
            Command::RecordLearningEventNotes {
                id: EVENT1,
                notes: event_notes(),
            },
        )
        .then_wrong_stage();
}

#[test]
fn record_learning_event_notes_refused_for_an_unknown_learning_event() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(ScheduleLearningEvent { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordLearningEventNotes {
                id: EVENT1,
                notes: event_notes(),
            },
        )
        .then_invalid("id", "There is no such learning event.");
}

#[test]
fn record_learning_event_notes_refused_a_second_time() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordLearningEventNotes { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordLearningEventNotes {
                id: EVENT1,
                notes: event_notes(),
            },
        )
        .then_rule("Notes for this learning event are already recorded.");
}

#[test]
fn record_learning_event_notes_refused_before_the_event_takes_place() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(RecordLearningEventNotes { .. }));
    given(&w, case)
        .when(
            date!(2025 - 05 - 19),
            Command::RecordLearningEventNotes {
                id: EVENT1,
                notes: event_notes(),
            },
        )
        .then_rule("The learning event takes place on 20 May 2025: record its notes after it.");
}

// ------------------------------------------------------------------------------------------
// RecordFamilyContact
// ------------------------------------------------------------------------------------------

#[test]
fn record_a_contact_with_a_family_member() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(RecordFamilyContact { .. }));
    let Command::RecordFamilyContact { contact } = command.clone() else {
        unreachable!()
    };
    assert_eq!(contact.relative, name("Beth Example"));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::FamilyContactRecorded { contact }]);
}

#[test]
fn record_family_contact_refused_in_the_action_plan() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::ActionPlan);
    given(&w, case)
        .when(
            today,
            Command::RecordFamilyContact {
                contact: family_contact("Gran Example", today),
            },
        )
        .then_wrong_stage();
}

#[test]
fn record_family_contact_refused_with_a_date_in_the_future() {
    let w = World::default();
    evidence(&w)
        .when(
            date!(2025 - 04 - 16),
            Command::RecordFamilyContact {
                contact: family_contact("Gran Example", date!(2025 - 04 - 17)),
            },
        )
        .then_invalid(
            "on",
            "The date of the contact must be today or in the past.",
        );
}

#[test]
fn family_contact_refused_while_a_constraint_holds_for_a_running_process() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(RecordContactConstraint { .. }));
    given(&w, case)
        .when(
            date!(2025 - 05 - 22),
            Command::RecordFamilyContact {
                contact: family_contact("uncle   EXAMPLE", date!(2025 - 05 - 22)),
            },
        )
        .then_rule("A contact constraint is recorded for this family member while a parallel process runs. End the process, or record the contact after it.");
}

#[test]
fn family_contact_allowed_once_the_constraining_process_has_ended() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(
            date!(2025 - 06 - 03),
            Command::RecordFamilyContact {
                contact: family_contact("Uncle Example", date!(2025 - 06 - 03)),
            },
        )
        .then_events(vec![Event::FamilyContactRecorded {
            contact: family_contact("Uncle Example", date!(2025 - 06 - 03)),
        }]);
}

#[test]
fn family_contact_refused_when_dated_before_the_constraining_process_ended() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(
            date!(2025 - 06 - 03),
            Command::RecordFamilyContact {
                contact: family_contact("Uncle Example", date!(2025 - 06 - 01)),
            },
        )
        .then_rule("A contact constraint is recorded for this family member");
}

#[test]
fn family_contact_refused_under_a_constraint_without_a_process() {
    let w = World::default();
    evidence(&w)
        .and(
            date!(2025 - 04 - 16),
            Command::RecordContactConstraint {
                constraint: constraint("Aunt Example", None),
            },
        )
        .when(
            date!(2025 - 04 - 17),
            Command::RecordFamilyContact {
                contact: family_contact("Aunt Example", date!(2025 - 04 - 17)),
            },
        )
        .then_rule("A contact constraint is recorded for this family member");
}

// ------------------------------------------------------------------------------------------
// RecordContactConstraint
// ------------------------------------------------------------------------------------------

#[test]
fn record_a_contact_constraint_tied_to_a_parallel_process() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordContactConstraint { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordContactConstraint {
                constraint: constraint("Uncle Example", Some(INQUEST)),
            },
        )
        .then_events(vec![Event::ContactConstraintRecorded {
            constraint: constraint("Uncle Example", Some(INQUEST)),
        }]);
}

#[test]
fn record_a_contact_constraint_without_a_process() {
    let w = World::default();
    evidence(&w)
        .when(
            date!(2025 - 04 - 16),
            Command::RecordContactConstraint {
                constraint: constraint("Aunt Example", None),
            },
        )
        .then_events(vec![Event::ContactConstraintRecorded {
            constraint: constraint("Aunt Example", None),
        }]);
}

#[test]
fn record_contact_constraint_refused_in_the_action_plan() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::ActionPlan);
    given(&w, case)
        .when(
            today,
            Command::RecordContactConstraint {
                constraint: constraint("Aunt Example", None),
            },
        )
        .then_wrong_stage();
}

#[test]
fn record_contact_constraint_refused_for_an_unknown_process() {
    let w = World::default();
    evidence(&w)
        .when(
            date!(2025 - 04 - 16),
            Command::RecordContactConstraint {
                constraint: constraint("Uncle Example", Some(INQUEST)),
            },
        )
        .then_invalid("process", "Record the parallel process first.");
}

// ------------------------------------------------------------------------------------------
// StartParallelProcess
// ------------------------------------------------------------------------------------------

#[test]
fn start_a_parallel_process() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(StartParallelProcess { .. }));
    given(&w, case)
        .when(today, start_inquest(today))
        .then_events(vec![Event::ParallelProcessStarted {
            id: INQUEST,
            kind: ParallelProcessKind::Inquest,
            started_on: date!(2025 - 05 - 01),
            stops_clock: true,
            reason: reasons(),
        }]);
}

#[test]
fn start_parallel_process_refused_before_the_case_opens() {
    let w = World::default();
    given(&w, Case::default())
        .when(date!(2025 - 03 - 03), start_inquest(date!(2025 - 03 - 03)))
        .then_wrong_stage();
}

#[test]
fn start_parallel_process_refused_once_the_case_is_closed() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Closed);
    given(&w, case)
        .when(today, start_inquest(today))
        .then_wrong_stage();
}

#[test]
fn start_parallel_process_refused_when_already_recorded() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(StartParallelProcess { .. }));
    given(&w, case)
        .when(today, start_inquest(today))
        .then_invalid("id", "This parallel process is already recorded.");
}

#[test]
fn start_parallel_process_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(StartParallelProcess { .. }));
    given(&w, case)
        .when(today, start_inquest(date!(2025 - 05 - 02)))
        .then_invalid(
            "started_on",
            "The date it started must be today or in the past.",
        );
}

// ------------------------------------------------------------------------------------------
// EndParallelProcess
// ------------------------------------------------------------------------------------------

#[test]
fn end_a_parallel_process() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ParallelProcessEnded {
            id: INQUEST,
            ended_on: date!(2025 - 06 - 02),
        }]);
}

#[test]
fn end_parallel_process_refused_once_the_case_is_closed() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Closed);
    given(&w, case)
        .when(
            today,
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: today,
            },
        )
        .then_wrong_stage();
}

#[test]
fn end_parallel_process_refused_for_an_unknown_process() {
    let w = World::default();
    evidence(&w)
        .when(
            date!(2025 - 04 - 16),
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: date!(2025 - 04 - 16),
            },
        )
        .then_invalid("id", "There is no such parallel process.");
}

#[test]
fn end_parallel_process_refused_when_already_ended() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(
            today,
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: today,
            },
        )
        .then_rule("The coroner's inquest has already ended.");
}

#[test]
fn end_parallel_process_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(
            today,
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: date!(2025 - 06 - 03),
            },
        )
        .then_invalid(
            "ended_on",
            "The date it ended must be today or in the past.",
        );
}

#[test]
fn end_parallel_process_refused_before_it_started() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(EndParallelProcess { .. }));
    given(&w, case)
        .when(
            today,
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: date!(2025 - 04 - 30),
            },
        )
        .then_invalid(
            "ended_on",
            "The date cannot be before it started (1 May 2025).",
        );
}

// ------------------------------------------------------------------------------------------
// SubmitReportDraft
// ------------------------------------------------------------------------------------------

#[test]
fn submit_the_first_draft_of_the_overview_report() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SubmitReportDraft { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ReportDraftSubmitted {
            version: 1,
            submitted_on: date!(2025 - 07 - 01),
            report: complete_report(),
        }]);
}

#[test]
fn a_second_draft_is_version_2() {
    let w = World::default();
    drafted(&w, complete_report())
        .when(
            date!(2025 - 07 - 03),
            Command::SubmitReportDraft {
                report: complete_report(),
            },
        )
        .then_events(vec![Event::ReportDraftSubmitted {
            version: 2,
            submitted_on: date!(2025 - 07 - 03),
            report: complete_report(),
        }]);
}

#[test]
fn a_new_draft_clears_the_sign_offs() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(SignOffReport {
            partner: Partner::Police,
            ..
        }),
    );
    given(&w, case)
        .and(
            today,
            Command::SubmitReportDraft {
                report: complete_report(),
            },
        )
        .when(today, Command::SendReport { sent_on: today })
        .then_rule(
            "still waiting for the local authority, the police and the integrated care board.",
        );
}

#[test]
fn a_new_draft_needs_factual_accuracy_responses_and_sign_off_afresh() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(SignOffReport {
            partner: Partner::Police,
            ..
        }),
    );
    given(&w, case)
        .and(
            today,
            Command::SubmitReportDraft {
                report: complete_report(),
            },
        )
        .when(today, sign_report(Partner::LocalAuthority, today))
        .then_rule("ask the agencies for factual-accuracy responses first");
}

#[test]
fn submit_report_draft_refused_before_commissioning_completes() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(AppointPanelMember { .. }));
    given(&w, case)
        .when(
            today,
            Command::SubmitReportDraft {
                report: complete_report(),
            },
        )
        .then_wrong_stage();
}

#[test]
fn submit_report_draft_refused_when_two_recommendations_share_an_id() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SubmitReportDraft { .. }));
    let report = report_with(|r| r.recommendations[1].id = REC1);
    given(&w, case)
        .when(today, Command::SubmitReportDraft { report })
        .then_invalid("recommendations", "Two recommendations share an id.");
}

// ------------------------------------------------------------------------------------------
// SignOffReport
// ------------------------------------------------------------------------------------------

#[test]
fn sign_off_the_overview_report() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SignOffReport { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ReportSignedOff {
            partner: Partner::LocalAuthority,
            signed_on: date!(2025 - 07 - 15),
        }]);
}

#[test]
fn sign_off_report_refused_once_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(today, sign_report(Partner::Police, today))
        .then_wrong_stage();
}

#[test]
fn sign_off_report_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SignOffReport { .. }));
    given(&w, case)
        .when(
            today,
            sign_report(Partner::LocalAuthority, date!(2025 - 07 - 16)),
        )
        .then_invalid(
            "signed_on",
            "The date of the sign-off must be today or in the past.",
        );
}

#[test]
fn sign_off_report_refused_without_a_draft() {
    let w = World::default();
    // Defensive: the Drafting stage is only reached through a submitted draft.
    given(&w, Case::default())
        .tampered(|c| c.stage = Stage::Drafting)
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("There is no overview report to sign off.");
}

/// Signing off a draft whose `section` is blank is refused, naming the section.
#[track_caller]
fn sign_off_refused_with_empty_section(section: Section, words: &str) {
    let w = World::default();
    let report = report_with(|r| {
        r.sections.insert(section, "   ".into());
    });
    drafted(&w, report)
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule(&format!("The report cannot be signed off yet: {words}."));
}

#[test]
fn sign_off_report_refused_without_what_happened() {
    sign_off_refused_with_empty_section(
        Section::Overview,
        "the section \u{201c}What happened\u{201d} is empty",
    );
}

#[test]
fn sign_off_report_refused_without_the_systemic_analysis() {
    sign_off_refused_with_empty_section(
        Section::SystemicAnalysis,
        "the section \u{201c}Why things happened as they did\u{201d} is empty",
    );
}

#[test]
fn sign_off_report_refused_without_the_critique_of_agencies_working_together() {
    sign_off_refused_with_empty_section(
        Section::MultiAgencyCritique,
        "the section \u{201c}How agencies worked together\u{201d} is empty",
    );
}

#[test]
fn sign_off_report_refused_without_whether_it_reflects_practice_more_widely() {
    sign_off_refused_with_empty_section(
        Section::GeneralPractice,
        "the section \u{201c}Whether this reflects practice more widely\u{201d} is empty",
    );
}

#[test]
fn sign_off_report_refused_without_what_needs_to_be_done_differently() {
    sign_off_refused_with_empty_section(
        Section::WhatShouldChange,
        "the section \u{201c}What needs to be done differently\u{201d} is empty",
    );
}

#[test]
fn sign_off_report_refused_without_recommendations() {
    let w = World::default();
    drafted(&w, report_with(|r| r.recommendations.clear()))
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("The report cannot be signed off yet: the report has no recommendations.");
}

#[test]
fn sign_off_report_refused_for_a_recommendation_without_an_agency() {
    let w = World::default();
    drafted(&w, report_with(|r| r.recommendations[0].agencies.clear()))
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("The report cannot be signed off yet: recommendation 1 does not say which agencies must act.");
}

#[test]
fn sign_off_report_refused_for_a_recommendation_without_a_date() {
    let w = World::default();
    drafted(&w, report_with(|r| r.recommendations[1].due_on = None))
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("The report cannot be signed off yet: recommendation 2 does not say by when.");
}

#[test]
fn sign_off_report_refused_for_a_recommendation_without_text() {
    let w = World::default();
    drafted(&w, report_with(|r| r.recommendations[0].text = " ".into()))
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("The report cannot be signed off yet: recommendation 1 has no text.");
}

#[test]
fn sign_off_report_refusal_lists_every_gap() {
    let w = World::default();
    let report = report_with(|r| {
        r.sections.remove(&Section::Overview);
        r.recommendations[1].agencies.clear();
        r.recommendations[1].due_on = None;
    });
    drafted(&w, report)
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("The report cannot be signed off yet: the section \u{201c}What happened\u{201d} is empty; recommendation 2 does not say which agencies must act; recommendation 2 does not say by when.");
}

#[test]
fn sign_off_report_refused_before_factual_accuracy_responses_are_asked_for() {
    let w = World::default();
    drafted(&w, complete_report())
        .when(
            date!(2025 - 07 - 15),
            sign_report(Partner::Police, date!(2025 - 07 - 15)),
        )
        .then_rule("Each agency sees the draft before sign-off: ask the agencies for factual-accuracy responses first.");
}

#[test]
fn sign_off_report_refused_while_a_factual_accuracy_response_is_outstanding() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(WaiveContribution { .. }));
    given(&w, case)
        .when(
            date!(2025 - 07 - 10),
            sign_report(Partner::Police, date!(2025 - 07 - 10)),
        )
        .then_rule("The report cannot be signed off before every factual-accuracy response is received or waived: still waiting for 1 agency.");
}

#[test]
fn sign_off_report_refused_twice_for_the_same_partner() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(SignOffReport {
            partner: Partner::Police,
            ..
        }),
    );
    given(&w, case)
        .when(today, sign_report(Partner::Police, today))
        .then_rule("The report has already been signed off for the police.");
}

// ------------------------------------------------------------------------------------------
// SendReport
// ------------------------------------------------------------------------------------------

#[test]
fn send_the_report_to_the_national_panel_and_the_secretary_of_state() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(SendReport { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::ReportSent {
            sent_on: date!(2025 - 07 - 16),
        }]);
}

#[test]
fn send_report_refused_before_a_draft_exists() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Evidence);
    given(&w, case)
        .when(today, Command::SendReport { sent_on: today })
        .then_wrong_stage();
}

#[test]
fn send_report_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SendReport { .. }));
    given(&w, case)
        .when(
            today,
            Command::SendReport {
                sent_on: date!(2025 - 07 - 17),
            },
        )
        .then_invalid(
            "sent_on",
            "The date the report was sent must be today or in the past.",
        );
}

#[test]
fn send_report_refused_until_all_three_partners_signed_off() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(SignOffReport {
            partner: Partner::Police,
            ..
        }),
    );
    given(&w, case)
        .when(today, Command::SendReport { sent_on: today })
        .then_rule("The report goes to the National Panel and the Secretary of State once all three safeguarding partners have signed it off: still waiting for the integrated care board.");
}

#[test]
fn send_report_refused_before_the_last_sign_off() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(SendReport { .. }));
    given(&w, case)
        .when(
            today,
            Command::SendReport {
                sent_on: date!(2025 - 07 - 14),
            },
        )
        .then_invalid(
            "sent_on",
            "The date cannot be before the last sign-off (15 July 2025).",
        );
}

// ------------------------------------------------------------------------------------------
// DecidePublication
// ------------------------------------------------------------------------------------------

#[test]
fn decide_to_publish() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(DecidePublication { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::PublicationDecided {
            decision: PublicationDecision::Publish,
            decided_on: date!(2025 - 07 - 15),
            reasons: Some(text("The family agreed and the report can be anonymised.")),
        }]);
}

#[test]
fn decide_not_to_publish_after_sending() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(DecidePublication { .. }));
    let decision = PublicationDecision::DoNotPublish {
        reason: text("Publication would harm the child's siblings."),
    };
    given(&w, case)
        .and(
            date!(2025 - 07 - 16),
            Command::SendReport {
                sent_on: date!(2025 - 07 - 16),
            },
        )
        .when(
            date!(2025 - 07 - 17),
            Command::DecidePublication {
                decision: decision.clone(),
                reasons: None,
            },
        )
        .then_events(vec![Event::PublicationDecided {
            decision,
            decided_on: date!(2025 - 07 - 17),
            reasons: None,
        }]);
}

#[test]
fn decide_publication_refused_before_a_draft_exists() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Evidence);
    given(&w, case)
        .when(
            today,
            Command::DecidePublication {
                decision: PublicationDecision::Publish,
                reasons: Some(reasons()),
            },
        )
        .then_wrong_stage();
}

#[test]
fn decide_publication_refused_until_all_partners_signed_off() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(SignOffReport {
            partner: Partner::Police,
            ..
        }),
    );
    given(&w, case)
        .when(
            today,
            Command::DecidePublication {
                decision: PublicationDecision::Publish,
                reasons: Some(reasons()),
            },
        )
        .then_rule(
            "The partners decide about publication once they have all signed off the report.",
        );
}

// ------------------------------------------------------------------------------------------
// Publish
// ------------------------------------------------------------------------------------------

#[test]
fn publish_the_report() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::Published {
            published_on: date!(2025 - 07 - 28),
            online_until: Some(date!(2026 - 07 - 28)),
            despite_parallel_process: None,
        }]);
}

#[test]
fn publish_on_the_seventh_working_day_after_sending() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .when(date!(2025 - 07 - 25), publish(date!(2025 - 07 - 25)))
        .then_events(vec![Event::Published {
            published_on: date!(2025 - 07 - 25),
            online_until: Some(date!(2026 - 07 - 27)),
            despite_parallel_process: None,
        }]);
}

#[test]
fn publish_information_about_improvements_instead_of_the_report() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .and(
            date!(2025 - 07 - 17),
            Command::DecidePublication {
                decision: PublicationDecision::PublishImprovementsOnly {
                    reason: text("The family would be identified."),
                },
                reasons: None,
            },
        )
        .when(date!(2025 - 07 - 28), publish(date!(2025 - 07 - 28)))
        .then_events(vec![Event::Published {
            published_on: date!(2025 - 07 - 28),
            online_until: Some(date!(2026 - 07 - 28)),
            despite_parallel_process: None,
        }]);
}

#[test]
fn publish_refused_before_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, publish(today))
        .then_wrong_stage();
}

#[test]
fn publish_refused_without_a_publication_decision() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(DecidePublication { .. }));
    given(&w, case)
        .and(
            date!(2025 - 07 - 16),
            Command::SendReport {
                sent_on: date!(2025 - 07 - 16),
            },
        )
        .when(date!(2025 - 07 - 28), publish(date!(2025 - 07 - 28)))
        .then_rule("Record the partners' decision about publication first.");
}

#[test]
fn publishing_the_improvements_refused_before_any_action_is_agreed() {
    let w = World::default();
    // Not publishing the report means publishing information about the improvements, made
    // from the actions agreed: none yet, nothing to publish.
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .tampered(|c| {
            c.publication_decision = Some((
                PublicationDecision::DoNotPublish { reason: reasons() },
                date!(2025 - 07 - 17),
            ));
            c.actions.clear();
        })
        .when(date!(2025 - 07 - 28), publish(date!(2025 - 07 - 28)))
        .then_rule("agree at least one action first");
}

#[test]
fn publish_refused_before_the_report_is_sent_to_the_panel() {
    let w = World::default();
    // Defensive: the Publication stage is only reached by sending the report.
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .tampered(|c| c.report_sent_on = None)
        .when(date!(2025 - 07 - 28), publish(date!(2025 - 07 - 28)))
        .then_rule("Send the report to the National Panel and the Secretary of State before publishing it.");
}

#[test]
fn publish_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .when(today, publish(date!(2025 - 07 - 29)))
        .then_invalid(
            "published_on",
            "The date of publication must be today or in the past.",
        );
}

#[test]
fn publication_not_before_7_working_days_after_sending() {
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .when(date!(2025 - 07 - 24), publish(date!(2025 - 07 - 24)))
        .then_rule("The report can be published from 25 July 2025: 7 working days after it was sent to the National Panel and the Secretary of State on 16 July 2025.");
}

#[test]
fn publish_refused_without_the_anonymisation_review() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(Publish { .. }));
    given(&w, case)
        .when(
            today,
            Command::Publish {
                published_on: today,
                anonymisation_reviewed: false,
                online_until: None,
                despite_parallel_process: None,
            },
        )
        .then_rule(
            "Only anonymised text that has passed the anonymisation review can be published.",
        );
}

// ------------------------------------------------------------------------------------------
// Unpublish
// ------------------------------------------------------------------------------------------

#[test]
fn take_the_report_down_after_a_year_online() {
    let w = World::default();
    let (case, today, command) = lr_before(&w, step!(Unpublish { .. }));
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::Unpublished {
            removed_on: date!(2026 - 07 - 28),
            reason: Some(text("A year online; the learning is in the yearly report.")),
        }]);
}

#[test]
fn take_the_report_down_during_the_action_plan_after_a_year() {
    let w = World::default();
    let (case, _) = lr_until(&w, step!(Publish { .. }));
    given(&w, case)
        .when(
            date!(2026 - 08 - 03),
            Command::Unpublish {
                removed_on: date!(2026 - 08 - 03),
                reason: Some(reasons()),
            },
        )
        .then_events(vec![Event::Unpublished {
            removed_on: date!(2026 - 08 - 03),
            reason: Some(reasons()),
        }]);
}

#[test]
fn unpublish_refused_before_publication() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case)
        .when(
            today,
            Command::Unpublish {
                removed_on: today,
                reason: Some(reasons()),
            },
        )
        .then_wrong_stage();
}

#[test]
fn unpublish_refused_when_nothing_was_published() {
    let w = World::default();
    let (case, today) = sc_until(&w, step!(DecideOnLocalReview { .. }));
    given(&w, case)
        .when(
            today,
            Command::Unpublish {
                removed_on: today,
                reason: Some(reasons()),
            },
        )
        .then_rule("Nothing has been published for this case.");
}

#[test]
fn unpublish_refused_when_already_taken_down() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(Unpublish { .. }));
    given(&w, case)
        .when(
            today,
            Command::Unpublish {
                removed_on: today,
                reason: Some(reasons()),
            },
        )
        .then_rule("The report has already been taken down.");
}

#[test]
fn unpublish_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(Unpublish { .. }));
    given(&w, case)
        .when(
            today,
            Command::Unpublish {
                removed_on: date!(2026 - 07 - 29),
                reason: Some(reasons()),
            },
        )
        .then_invalid(
            "removed_on",
            "The date of removal must be today or in the past.",
        );
}

#[test]
fn removal_before_one_year_online_is_recorded_with_its_reason() {
    // The year online is a minimum to plan for, not a lock (issue 15, item 10).
    let w = World::default();
    let (case, _, _) = lr_before(&w, step!(Unpublish { .. }));
    given(&w, case)
        .when(
            date!(2026 - 07 - 27),
            Command::Unpublish {
                removed_on: date!(2026 - 07 - 27),
                reason: Some(reasons()),
            },
        )
        .then_events(vec![Event::Unpublished {
            removed_on: date!(2026 - 07 - 27),
            reason: Some(reasons()),
        }]);
}

// ------------------------------------------------------------------------------------------
// AgreeAction
// ------------------------------------------------------------------------------------------

#[test]
fn agree_an_action_answering_a_recommendation() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 09 - 30)),
            },
        )
        .then_events(vec![Event::ActionAgreed {
            action: action(ACTION1, Some(REC1), date!(2025 - 09 - 30)),
        }]);
}

#[test]
fn agree_an_action_of_other_learning_without_a_report() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, None, date!(2025 - 06 - 30)),
            },
        )
        .then_events(vec![Event::ActionAgreed {
            action: action(ACTION1, None, date!(2025 - 06 - 30)),
        }]);
}

#[test]
fn agree_action_refused_before_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 09 - 30)),
            },
        )
        .then_wrong_stage();
}

#[test]
fn agree_action_refused_when_already_agreed() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC2), date!(2025 - 10 - 31)),
            },
        )
        .then_invalid("action", "This action is already agreed.");
}

#[test]
fn agree_action_refused_with_a_due_date_in_the_past() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 07 - 15)),
            },
        )
        .then_invalid(
            "action.due_on",
            "The due date must be today or in the future.",
        );
}

#[test]
fn agree_action_refused_when_due_on_christmas_day() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 12 - 25)),
            },
        )
        .then_invalid(
            "action.due_on",
            "Choose a working day for the due date: 25 December 2025 is Christmas Day.",
        );
}

#[test]
fn agree_action_refused_when_due_on_a_substitute_bank_holiday() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2026 - 12 - 28)),
            },
        )
        .then_invalid(
            "action.due_on",
            "28 December 2026 is Boxing Day (substitute day).",
        );
}

#[test]
fn agree_action_refused_when_due_on_a_weekend() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 09 - 27)),
            },
        )
        .then_invalid("action.due_on", "27 September 2025 is a weekend.");
}

#[test]
fn agree_action_refused_for_a_recommendation_not_in_the_report() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    let unknown = RecommendationId(Uuid::from_u128(0xD9));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(unknown), date!(2025 - 09 - 30)),
            },
        )
        .then_invalid(
            "action.recommendation",
            "This recommendation is not in the final report.",
        );
}

#[test]
fn agree_action_refused_without_the_recommendation_it_answers() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, None, date!(2025 - 09 - 30)),
            },
        )
        .then_invalid(
            "action.recommendation",
            "Choose the recommendation this action answers.",
        );
}

#[test]
fn agree_action_refused_with_a_recommendation_when_there_is_no_report() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 06 - 30)),
            },
        )
        .then_invalid(
            "action.recommendation",
            "This case has no report recommendations.",
        );
}

// ------------------------------------------------------------------------------------------
// RecordActionProgress
// ------------------------------------------------------------------------------------------

#[test]
fn record_progress_on_an_action() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordActionProgress { .. }));
    given(&w, case)
        .when(today, progress(ACTION1, today))
        .then_events(vec![Event::ActionProgressRecorded {
            action_id: ACTION1,
            on: date!(2025 - 08 - 15),
            note: text("Guidance drafted."),
            evidence: None,
        }]);
}

#[test]
fn record_action_progress_refused_before_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, progress(ACTION1, today))
        .then_wrong_stage();
}

#[test]
fn record_action_progress_refused_for_an_unknown_action() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(today, progress(ACTION1, today))
        .then_invalid("action_id", "There is no such action.");
}

#[test]
fn record_action_progress_refused_once_the_action_is_complete() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, progress(ACTION1, today))
        .then_rule("This action is already complete.");
}

#[test]
fn record_action_progress_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordActionProgress { .. }));
    given(&w, case)
        .when(today, progress(ACTION1, date!(2025 - 08 - 16)))
        .then_invalid(
            "on",
            "The date of the progress must be today or in the past.",
        );
}

// ------------------------------------------------------------------------------------------
// CompleteAction
// ------------------------------------------------------------------------------------------

#[test]
fn complete_an_action_with_evidence_of_impact() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, complete(ACTION1, today))
        .then_events(vec![Event::ActionCompleted {
            action_id: ACTION1,
            completed_on: date!(2025 - 09 - 15),
            evidence_of_impact: Some(text("Audit shows improvement.")),
        }]);
}

#[test]
fn complete_action_refused_before_the_report_is_sent() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Drafting);
    given(&w, case)
        .when(today, complete(ACTION1, today))
        .then_wrong_stage();
}

#[test]
fn complete_action_refused_for_an_unknown_action() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, complete(SAFETY1, today))
        .then_invalid("action_id", "There is no such action.");
}

#[test]
fn complete_action_refused_a_second_time() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, complete(ACTION1, today))
        .then_rule("This action is already complete.");
}

#[test]
fn complete_action_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, complete(ACTION1, date!(2025 - 09 - 16)))
        .then_invalid(
            "completed_on",
            "The date of completion must be today or in the past.",
        );
}

// ------------------------------------------------------------------------------------------
// CloseCase
// ------------------------------------------------------------------------------------------

#[test]
fn close_a_case_decided_with_no_further_action() {
    let w = World::default();
    let (case, today, command) = case_before(&w, &no_further_action_script(), |c| {
        matches!(c, Command::CloseCase { .. })
    });
    given(&w, case)
        .when(today, command)
        .then_events(vec![Event::CaseClosed {
            closed_on: date!(2025 - 03 - 06),
            reason: text("No further action."),
            without_panel_response: None,
        }]);
}

#[test]
fn close_a_case_when_every_action_is_complete() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CloseCase { .. }));
    given(&w, case)
        .when(today, close(today))
        .then_events(vec![Event::CaseClosed {
            closed_on: date!(2025 - 09 - 30),
            reason: reasons(),
            without_panel_response: None,
        }]);
}

#[test]
fn close_case_refused_while_publication_is_pending() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Publication);
    given(&w, case).when(today, close(today)).then_wrong_stage();
}

#[test]
fn close_case_refused_once_closed() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Closed);
    given(&w, case).when(today, close(today)).then_wrong_stage();
}

#[test]
fn close_case_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CloseCase { .. }));
    given(&w, case)
        .when(today, close(date!(2025 - 10 - 01)))
        .then_invalid(
            "closed_on",
            "The date of closure must be today or in the past.",
        );
}

#[test]
fn closure_refused_before_any_action_is_agreed() {
    let w = World::default();
    let (case, today, _) = sc_before(&w, step!(AgreeAction { .. }));
    given(&w, case)
        .when(today, close(today))
        .then_rule("Agree the actions of the action plan before closing the case.");
}

#[test]
fn closure_refused_while_an_action_is_open() {
    let w = World::default();
    let (case, today) = lr_until(
        &w,
        step!(CompleteAction { action_id, .. } if *action_id == ACTION1),
    );
    given(&w, case)
        .when(today, close(today))
        .then_rule("The case can close when every action is complete with evidence of its impact: 1 action is still open.");
}

#[test]
fn closure_refused_while_two_actions_are_open() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(CompleteAction { .. }));
    given(&w, case)
        .when(today, close(today))
        .then_rule("2 actions are still open.");
}

#[test]
fn closure_refused_while_a_recommendation_has_no_action() {
    let w = World::default();
    let (case, _, _) = lr_before(
        &w,
        step!(AgreeAction { action } if action.action_id == ACTION2),
    );
    given(&w, case)
        .and(
            date!(2025 - 09 - 15),
            complete(ACTION1, date!(2025 - 09 - 15)),
        )
        .when(date!(2025 - 09 - 30), close(date!(2025 - 09 - 30)))
        .then_rule("Recommendation 2 has no agreed action yet.");
}

// ------------------------------------------------------------------------------------------
// The DSL itself: a case given as events behaves as the same case given by commands.
// ------------------------------------------------------------------------------------------

#[test]
fn given_events_rebuilds_the_case_the_commands_made() {
    let w = World::default();
    let script = local_review_script();
    let (_, events) = run(&w, &script[..5]);
    given_events(&w, &events)
        .when(date!(2025 - 03 - 06), ask(K::AgencySummary, &[POLICE]))
        .then_events(vec![Event::ContributionsRequested {
            kind: K::AgencySummary,
            agencies: vec![POLICE],
            requested_on: date!(2025 - 03 - 06),
            due_on: date!(2025 - 03 - 18),
        }]);
}

// ------------------------------------------------------------------------------------------
// Case membership: who beyond the partnership team and the chair may see the case.
// ------------------------------------------------------------------------------------------

const SOMEONE: cspr_domain::ids::UserId = cspr_domain::ids::UserId(Uuid::from_u128(0x5E9));

#[test]
fn grant_membership_gives_a_user_access_in_a_role() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(
            today,
            Command::GrantMembership {
                user: SOMEONE,
                role: CaseRole::SubgroupMember,
                agency: None,
            },
        )
        .then_events(vec![Event::MembershipGranted {
            user: SOMEONE,
            role: CaseRole::SubgroupMember,
            agency: None,
        }]);
}

#[test]
fn grant_membership_refused_for_an_agency_representative_without_an_agency() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(TriageReferral { .. }));
    given(&w, case)
        .when(
            today,
            Command::GrantMembership {
                user: SOMEONE,
                role: CaseRole::AgencyRepresentative,
                agency: None,
            },
        )
        .then_invalid("agency", "Choose the agency this representative acts for.");
}

#[test]
fn grant_membership_refused_for_someone_who_already_has_access() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(GrantMembership { .. }));
    given(&w, case)
        .when(
            today,
            Command::GrantMembership {
                user: REVIEWER_USER,
                role: CaseRole::PanelMember,
                agency: None,
            },
        )
        .then_rule("already has access to the case as independent reviewer");
}

#[test]
fn grant_membership_refused_once_the_case_is_closed() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(CloseCase { .. }));
    given(&w, case)
        .when(
            today,
            Command::GrantMembership {
                user: SOMEONE,
                role: CaseRole::SubgroupMember,
                agency: None,
            },
        )
        .then_rule("The case is closed");
}

#[test]
fn revoke_membership_takes_access_away() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(GrantMembership { .. }));
    let mut g = given(&w, case);
    g = g.and(
        today,
        Command::RevokeMembership {
            user: REVIEWER_USER,
        },
    );
    assert!(!g.case.members.contains_key(&REVIEWER_USER));
    g.when(
        today,
        Command::RevokeMembership {
            user: REVIEWER_USER,
        },
    )
    .then_rule("This person has no access to the case.");
}

#[test]
fn grant_membership_refused_before_the_case_exists() {
    let w = World::default();
    given(&w, Case::default())
        .when(
            date!(2025 - 03 - 03),
            Command::GrantMembership {
                user: SOMEONE,
                role: CaseRole::SubgroupMember,
                agency: None,
            },
        )
        .then_wrong_stage();
}

// ------------------------------------------------------------------------------------------
// Immediate safety actions are carried out and recorded as such.
// ------------------------------------------------------------------------------------------

#[test]
fn complete_safety_action_records_when_it_was_carried_out() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::CompleteSafetyAction {
                action_id: SAFETY1,
                completed_on: today,
            },
        )
        .then_events(vec![Event::SafetyActionCompleted {
            action_id: SAFETY1,
            completed_on: today,
        }]);
}

#[test]
fn complete_safety_action_refused_for_an_unknown_action() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::CompleteSafetyAction {
                action_id: ACTION1,
                completed_on: today,
            },
        )
        .then_invalid("action_id", "There is no such immediate safety action.");
}

#[test]
fn complete_safety_action_refused_twice() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(CompleteSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::CompleteSafetyAction {
                action_id: SAFETY1,
                completed_on: today,
            },
        )
        .then_rule("already recorded as carried out");
}

#[test]
fn complete_safety_action_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(RecordSafetyAction { .. }));
    given(&w, case)
        .when(
            today,
            Command::CompleteSafetyAction {
                action_id: SAFETY1,
                completed_on: today.next_day().expect("tomorrow"),
            },
        )
        .then_invalid("completed_on", "must be today or in the past");
}

#[test]
fn complete_safety_action_refused_before_the_rapid_review() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(ApproveReferral { .. }));
    given(&w, case)
        .when(
            today,
            Command::CompleteSafetyAction {
                action_id: SAFETY1,
                completed_on: today,
            },
        )
        .then_wrong_stage();
}

// ------------------------------------------------------------------------------------------
// AttachActionEvidence, TagThemes, RecordDissemination
// ------------------------------------------------------------------------------------------

fn evidence_file(size: u64) -> cspr_domain::case::model::Attachment {
    cspr_domain::case::model::Attachment {
        blob_id: Uuid::from_u128(0xB10B),
        file_name: "audit.pdf".into(),
        content_type: "application/pdf".into(),
        size,
    }
}

#[test]
fn attach_action_evidence_records_the_file() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AttachActionEvidence { .. }));
    given(&w, case)
        .when(
            today,
            Command::AttachActionEvidence {
                action_id: ACTION1,
                on: today,
                attachment: evidence_file(10),
            },
        )
        .then_events(vec![Event::ActionEvidenceAttached {
            action_id: ACTION1,
            on: today,
            attachment: evidence_file(10),
        }]);
}

#[test]
fn attach_action_evidence_refused_for_an_empty_file() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AttachActionEvidence { .. }));
    given(&w, case)
        .when(
            today,
            Command::AttachActionEvidence {
                action_id: ACTION1,
                on: today,
                attachment: evidence_file(0),
            },
        )
        .then_invalid(
            "attachment",
            "The file is empty: choose the file of evidence again.",
        );
}

#[test]
fn attach_action_evidence_refused_for_an_unknown_action() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(AttachActionEvidence { .. }));
    given(&w, case)
        .when(
            today,
            Command::AttachActionEvidence {
                action_id: cspr_domain::ids::ActionId::from_uuid(Uuid::from_u128(0xDEAD)),
                on: today,
                attachment: evidence_file(10),
            },
        )
        .then_invalid("action_id", "There is no such action.");
}

#[test]
fn tag_themes_keeps_each_theme_once_in_order() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(TagThemes { .. }));
    given(&w, case)
        .when(
            today,
            Command::TagThemes {
                themes: vec![
                    " voice of the child ".into(),
                    "information sharing".into(),
                    "voice of the child".into(),
                    String::new(),
                ],
            },
        )
        .then_events(vec![Event::ThemesTagged {
            themes: vec!["information sharing".into(), "voice of the child".into()],
        }]);
}

#[test]
fn tag_themes_refused_for_a_theme_too_long() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(TagThemes { .. }));
    given(&w, case)
        .when(
            today,
            Command::TagThemes {
                themes: vec!["x".repeat(101)],
            },
        )
        .then_invalid("themes", "A theme must be 100 characters or fewer.");
}

#[test]
fn tag_themes_refused_once_the_case_is_closed() {
    let w = World::default();
    let (case, today) = lr_until(&w, step!(CloseCase { .. }));
    given(&w, case)
        .when(
            today,
            Command::TagThemes {
                themes: vec!["neglect".into()],
            },
        )
        .then_wrong_stage();
}

fn briefing(on: Date) -> cspr_domain::case::model::Dissemination {
    cspr_domain::case::model::Dissemination {
        on,
        kind: cspr_domain::case::model::DisseminationKind::Training,
        description: text("Training for designated safeguarding leads."),
        reach: None,
    }
}

#[test]
fn record_dissemination_records_how_the_learning_was_shared() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordDissemination { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordDissemination {
                dissemination: briefing(today),
            },
        )
        .then_events(vec![Event::LearningDisseminated {
            dissemination: briefing(today),
        }]);
}

#[test]
fn record_dissemination_refused_with_a_date_in_the_future() {
    let w = World::default();
    let (case, today, _) = lr_before(&w, step!(RecordDissemination { .. }));
    given(&w, case)
        .when(
            today,
            Command::RecordDissemination {
                dissemination: briefing(date!(2025 - 12 - 01)),
            },
        )
        .then_invalid(
            "dissemination.on",
            "The date the learning was shared must be today or in the past.",
        );
}

#[test]
fn record_dissemination_refused_before_a_decision() {
    let w = World::default();
    let (case, today) = case_at(&w, Stage::Triage);
    given(&w, case)
        .when(
            today,
            Command::RecordDissemination {
                dissemination: briefing(today),
            },
        )
        .then_wrong_stage();
}
