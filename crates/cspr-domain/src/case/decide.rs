//! `decide`: the rules of the process. Given a case and a command, either the events that
//! record what happened, or a [`DomainError`] saying why not. Pure: the day, the calendar and
//! the settings come in [`Ctx`].

use time::Date;

use super::command::{Command, CommandKind};
use super::error::DomainError;
use super::event::Event;
use super::model::{
    AbuseOrNeglect, CaseOpening, ChildDetails, ContributionKind, ContributionStatus, Employer,
    Harm, Incident, NotifiableBecause, PanelAnswer, PublicationDecision, TriageOutcome,
};
use super::state::{Case, Stage};
use crate::agency::SafeguardingPartner;
use crate::calendar::{Calendar, Counting};
use crate::ids::UserId;
use crate::settings::Settings;
use crate::vocab::PersonName;
use crate::words::{long_date, plural};

/// What a decision may consult besides the case: today, the calendar, the settings, the actor.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Today, in the partnership's time zone.
    pub today: Date,
    /// The working-day calendar with the partnership's closure days.
    pub calendar: &'a Calendar,
    /// The partnership's settings.
    pub settings: &'a Settings,
    /// Who is acting.
    pub actor: UserId,
    /// The one agency the actor acts for (an agency representative), or `None` when they act
    /// for the partnership: a command acting for another agency is refused
    /// ([`super::within_agency`]).
    pub acting_for: Option<crate::ids::AgencyId>,
}

use Stage as S;

/// Most chronology entries one agency may send (a chronology of years of daily contact).
pub const MAX_CHRONOLOGY_ENTRIES: usize = 10_000;

/// The stages in which a command may be given. The transition table of the process: each
/// kind's stages ([`CommandKind::permitted_stages`]), narrowed for a request's own kind of
/// contribution.
#[must_use]
pub fn permitted_stages(command: &Command) -> &'static [Stage] {
    match command {
        Command::RequestContributions { kind, .. }
        | Command::ReceiveContribution { kind, .. }
        | Command::WaiveContribution { kind, .. }
        | Command::SaveContributionDraft { kind, .. }
        | Command::SubmitPractitionerAnswers { kind, .. }
        | Command::AcceptPractitionerAnswers { kind, .. }
        | Command::DeclinePractitionerAnswers { kind, .. }
        | Command::ReopenContribution { kind, .. }
        | Command::ChangeContributionDue { kind, .. } => contribution_stages(*kind),
        other => CommandKind::from(other).permitted_stages(),
    }
}

impl CommandKind {
    /// The stages in which a command of this kind may be given (for requests to agencies, the
    /// stages of any kind of contribution: [`permitted_stages`] narrows them by the kind).
    #[must_use]
    pub const fn permitted_stages(self) -> &'static [Stage] {
        use CommandKind as K;
        match self {
            K::RecordSeriousIncident => &[S::New],
            // Every open stage: a care leaver's death may be triaged before it is notified, and
            // the duty to notify stays (WT2023 ch.5); `decide` refuses a second notification.
            K::NotifyNationalPanel => S::OPEN,
            K::FindReferralNotifiable => &[S::Referral, S::Triage],
            K::ReceiveReferral => &[S::New, S::Incident],
            K::ApproveReferral => &[S::Referral],
            K::TriageReferral => &[S::Triage],
            K::RequestContributions
            | K::ReceiveContribution
            | K::WaiveContribution
            | K::SaveContributionDraft
            | K::SubmitPractitionerAnswers
            | K::AcceptPractitionerAnswers
            | K::DeclinePractitionerAnswers
            | K::ReopenContribution
            | K::ChangeContributionDue => &[
                S::RapidReview,
                S::Scoping,
                S::Commissioning,
                S::Evidence,
                S::Drafting,
            ],
            K::MarkKeyPracticeEpisode => contribution_stages(ContributionKind::Chronology),
            K::HoldRapidReviewMeeting
            | K::RecordSafetyAction
            | K::RecordRapidReviewLearning
            | K::RecordInequalitiesConsideration
            | K::SignOffRapidReview => &[S::RapidReview],
            // And again after the Panel asked for more information (issue 15).
            K::SubmitRapidReview => FROM_RAPID_REVIEW,
            K::HoldScopingMeeting => &[S::Scoping],
            K::DecideOnLocalReview => &[
                S::RapidReview,
                S::Scoping,
                S::Decided,
                S::Commissioning,
                S::ActionPlan,
            ],
            // Also after closure: the reply may come late, and a disagreement reopens the case.
            K::RecordPanelResponse => &[
                S::Decided,
                S::Commissioning,
                S::Evidence,
                S::Drafting,
                S::Publication,
                S::ActionPlan,
                S::Closed,
            ],
            K::AppointPanelMember | K::AgreeTermsOfReference | K::AppointIndependentReviewer => {
                &[S::Commissioning, S::Evidence]
            }
            K::RecordPractitioner
            | K::ScheduleLearningEvent
            | K::SendAdvanceInformation
            | K::RecordLearningEventNotes => &[S::Commissioning, S::Evidence, S::Drafting],
            K::RecordFamilyContact | K::RecordContactConstraint => &[
                S::RapidReview,
                S::Scoping,
                S::Commissioning,
                S::Evidence,
                S::Drafting,
                S::Publication,
            ],
            K::StartParallelProcess | K::EndParallelProcess => S::OPEN,
            K::SubmitReportDraft => &[S::Evidence, S::Drafting],
            K::SignOffReport | K::SendReport => &[S::Drafting],
            K::DecidePublication => &[S::Drafting, S::Publication],
            K::ScanReport
            | K::ChoosePseudonym
            | K::ReviewFinding
            | K::DecideJigsawRisk
            | K::CheckAnonymisation => &[S::Drafting, S::Publication],
            K::Publish => &[S::Publication],
            K::Unpublish => &[S::ActionPlan, S::Closed],
            K::AgreeAction => &[S::Publication, S::ActionPlan],
            K::RecordActionProgress
            | K::CompleteAction
            | K::EvidenceImpact
            | K::AttachActionEvidence => &[S::Publication, S::ActionPlan],
            K::TagThemes => S::OPEN,
            K::RecordDissemination => &[
                S::Decided,
                S::Commissioning,
                S::Evidence,
                S::Drafting,
                S::Publication,
                S::ActionPlan,
            ],
            K::CompleteSafetyAction => FROM_RAPID_REVIEW,
            K::CloseCase => &[S::Decided, S::ActionPlan],
            K::ReopenCase => &[S::Closed],
            K::RecordCrossBorder => S::OPEN,
            // While the local review runs: decided, report not yet sent (PROCESS.md stage 14).
            K::ExtendLocalReview => &[S::Commissioning, S::Evidence, S::Drafting],
            // Also once closed: the yearly report asks for the reasons of the year's delays.
            K::ExplainLateness => S::EXISTING,
            K::SaveDocumentSection
            | K::CommentOnSection
            | K::ResolveSectionComment
            | K::RecordDocumentExport => crate::documents::DOCUMENT_STAGES,
            K::SaveRecommendation | K::WithdrawRecommendation => &[S::Evidence, S::Drafting],
            K::RecordFamilyComment => &[S::Drafting, S::Publication],
            K::GrantMembership | K::RevokeMembership => S::EXISTING,
            // Open or closed: a claim or an inquest may come years after closure.
            K::PlaceLegalHold | K::LiftLegalHold => S::EXISTING,
        }
    }
}

/// The rapid review and every stage after it until the action plan, the scoping of a case
/// that went to no rapid review aside.
const FROM_RAPID_REVIEW: &[Stage] = &[
    S::RapidReview,
    S::Decided,
    S::Commissioning,
    S::Evidence,
    S::Drafting,
    S::Publication,
    S::ActionPlan,
];

const fn contribution_stages(kind: ContributionKind) -> &'static [Stage] {
    match kind {
        ContributionKind::AgencySummary => &[S::RapidReview],
        ContributionKind::ScopingForm => &[S::Scoping],
        ContributionKind::AgencyReport | ContributionKind::Chronology => {
            &[S::Commissioning, S::Evidence, S::Drafting]
        }
        ContributionKind::FactualAccuracy => &[S::Drafting],
    }
}

/// The due date a request of this kind gets by the case's deadlines when none is chosen.
#[must_use]
pub fn default_contribution_due(
    case: &Case,
    kind: ContributionKind,
    today: Date,
    calendar: &Calendar,
    settings: &Settings,
) -> Date {
    let ctx = Ctx {
        today,
        calendar,
        settings,
        actor: UserId::from_uuid(uuid::Uuid::nil()),
        acting_for: None,
    };
    Decider { case, ctx: &ctx }.default_due(kind)
}

/// What the command does, in words for "You cannot … at this stage".
#[must_use]
pub const fn action_words(command: &Command) -> &'static str {
    match command {
        Command::RecordSeriousIncident { .. } => "record a serious incident",
        Command::NotifyNationalPanel { .. } => "record the notification to the National Panel",
        Command::FindReferralNotifiable { .. } => "record that the referral is notifiable",
        Command::ReceiveReferral { .. } => "receive a referral",
        Command::ApproveReferral { .. } => "approve the referral",
        Command::TriageReferral { .. } => "triage the referral",
        Command::RequestContributions { .. } => "ask agencies for this contribution",
        Command::ReceiveContribution { .. } => "record this contribution",
        Command::WaiveContribution { .. } => "waive this contribution",
        Command::SaveContributionDraft { .. } => "save a draft of this contribution",
        Command::SubmitPractitionerAnswers { .. } => "submit answers for this contribution",
        Command::AcceptPractitionerAnswers { .. } => "accept a practitioner's answers",
        Command::DeclinePractitionerAnswers { .. } => "decline a practitioner's answers",
        Command::ReopenContribution { .. } => "reopen this contribution",
        Command::ChangeContributionDue { .. } => "change when this contribution is due",
        Command::MarkKeyPracticeEpisode { .. } => "mark key practice episodes",
        Command::HoldRapidReviewMeeting { .. } => "record the rapid review meeting",
        Command::RecordSafetyAction { .. } => "record an immediate safety action",
        Command::CompleteSafetyAction { .. } => {
            "record that an immediate safety action was carried out"
        }
        Command::RecordRapidReviewLearning { .. } => "record the rapid review's learning",
        Command::RecordInequalitiesConsideration { .. } => {
            "record the consideration of racism, inequalities and disability"
        }
        Command::HoldScopingMeeting { .. } => "record the scoping meeting",
        Command::DecideOnLocalReview { .. } => "decide on a local review",
        Command::SignOffRapidReview { .. } => "sign off the rapid review",
        Command::SubmitRapidReview { .. } => "send the rapid review to the National Panel",
        Command::RecordPanelResponse { .. } => "record the National Panel's response",
        Command::AppointPanelMember { .. } => "appoint a review panel member",
        Command::AgreeTermsOfReference { .. } => "agree the terms of reference",
        Command::AppointIndependentReviewer { .. } => "appoint the independent reviewer",
        Command::RecordPractitioner { .. } => "record a practitioner",
        Command::ScheduleLearningEvent { .. } => "schedule a learning event",
        Command::SendAdvanceInformation { .. } => "record the advance information",
        Command::RecordLearningEventNotes { .. } => "record the learning event's notes",
        Command::RecordFamilyContact { .. } => "record a contact with the family",
        Command::RecordContactConstraint { .. } => "record a contact constraint",
        Command::StartParallelProcess { .. } => "record a parallel process",
        Command::EndParallelProcess { .. } => "end a parallel process",
        Command::SubmitReportDraft { .. } => "submit a draft overview report",
        Command::SignOffReport { .. } => "sign off the overview report",
        Command::SendReport { .. } => {
            "send the report to the National Panel and the Secretary of State"
        }
        Command::DecidePublication { .. } => "decide about publication",
        Command::ScanReport { .. } => "scan the report for personal data",
        Command::ChoosePseudonym { .. } => "choose a pseudonym",
        Command::ReviewFinding { .. } => "review a finding of the anonymisation scan",
        Command::DecideJigsawRisk { .. } => "decide about details that could identify the family",
        Command::CheckAnonymisation { .. } => "check the redacted report for names",
        Command::Publish { .. } => "publish",
        Command::Unpublish { .. } => "take the published report down",
        Command::AgreeAction { .. } => "agree an action",
        Command::RecordActionProgress { .. } => "record progress on an action",
        Command::AttachActionEvidence { .. } => "attach evidence to an action",
        Command::TagThemes { .. } => "tag the case with learning themes",
        Command::RecordDissemination { .. } => "record how the learning was shared",
        Command::CompleteAction { .. } => "complete an action",
        Command::EvidenceImpact { .. } => "record the evidence of an action's impact",
        Command::CloseCase { .. } => "close the case",
        Command::ReopenCase { .. } => "reopen the case",
        Command::ExplainLateness { .. } => "record why a deadline was missed",
        Command::ExtendLocalReview { .. } => "extend the local review's timescale",
        Command::RecordCrossBorder { .. } => "record a cross-border arrangement",
        Command::SaveDocumentSection { .. } => "save this section",
        Command::SaveRecommendation { .. } => "save a recommendation",
        Command::WithdrawRecommendation { .. } => "withdraw a recommendation",
        Command::CommentOnSection { .. } => "comment on this section",
        Command::ResolveSectionComment { .. } => "resolve this comment",
        Command::RecordFamilyComment { .. } => "record the family's comments on the report",
        Command::RecordDocumentExport { .. } => "record an export",
        Command::GrantMembership { .. } => "give someone access to the case",
        Command::RevokeMembership { .. } => "take someone's access to the case away",
        Command::PlaceLegalHold { .. } => "place a legal hold on the case",
        Command::LiftLegalHold { .. } => "lift the case's legal hold",
    }
}

/// Decides a command against a case.
///
/// # Errors
/// A [`DomainError`] saying, in a chair's words, why the command cannot be carried out.
pub fn decide(case: &Case, command: Command, ctx: &Ctx<'_>) -> Result<Vec<Event>, DomainError> {
    if !permitted_stages(&command).contains(&case.stage) {
        return Err(DomainError::WrongStage {
            action: action_words(&command),
            stage: case.stage,
        });
    }
    if let Some(agency) = ctx.acting_for
        && !super::within_agency(agency, case, &command)
    {
        return Err(DomainError::rule(format!(
            "You can {} for your own agency only.",
            action_words(&command)
        )));
    }
    super::paths::national_review_guard(case, &command)?;
    Decider { case, ctx }.decide(command)
}

/// Why an incident must be notified, or `None` when it need not be.
#[must_use]
pub fn notifiable_because(
    incident: &Incident,
    children: &[ChildDetails],
) -> Option<NotifiableBecause> {
    let abuse = matches!(
        incident.abuse_or_neglect,
        AbuseOrNeglect::Known | AbuseOrNeglect::Suspected
    );
    // Each child's own harm, or the incident's (issue 15: harm per child).
    let died = |c: &ChildDetails| c.harm_in(incident) == Harm::Death;
    if children.iter().any(|c| c.looked_after && died(c)) {
        // WT2023 ch.5 (PROCESS.md stage 1 and "Counting and dates"): a looked-after child's
        // death is notified whether or not abuse or neglect is suspected. (Not s16C(1)(b),
        // which is about a child who dies or is seriously harmed outside England: the same
        // criteria apply there, so where the harm happened plays no part here; issue 15.)
        Some(NotifiableBecause::LookedAfterChildDeath)
    } else if abuse
        && children
            .iter()
            .any(|c| c.age.age_on(incident.occurred_on) < 18)
    {
        // s16C(1): abuse or neglect of a child (under 18) known or suspected, and death or
        // serious harm.
        Some(NotifiableBecause::AbuseOrNeglect)
    } else if children
        .iter()
        .any(|c| died(c) && c.care_leaver && c.age.age_on(incident.occurred_on) <= 24)
    {
        // WT2023 ch.5: care leavers' deaths up to and including age 24; no rapid review.
        Some(NotifiableBecause::CareLeaverDeath)
    } else {
        None
    }
}

/// A warning for the pages when a case is opened by referral with an incident that must be
/// notified to the National Panel, or `None`.
#[must_use]
pub fn referral_opening_warning(opening: &CaseOpening) -> Option<String> {
    notifiable_warning(&opening.incident, &opening.children)
}

/// The warning for a case opened by referral whose incident looks notifiable while it is not
/// yet on the notified route (PROCESS.md stage 1): shown on the case until the team records
/// that the referral is notifiable, or `None`.
#[must_use]
pub fn unnotified_referral_warning(case: &Case) -> Option<String> {
    if !case.opened_by_referral || case.is_notified_route() {
        return None;
    }
    notifiable_warning(case.incident.as_ref()?, &case.children)
}

fn notifiable_warning(incident: &Incident, children: &[ChildDetails]) -> Option<String> {
    let because = notifiable_because(incident, children)?;
    let what = match because {
        NotifiableBecause::AbuseOrNeglect => {
            "abuse or neglect is known or suspected and a child died or was seriously harmed"
        }
        NotifiableBecause::LookedAfterChildDeath => "a looked-after child died",
        NotifiableBecause::CareLeaverDeath => "a care leaver of 24 or under died",
    };
    Some(format!(
        "This looks like a serious incident ({what}): the local authority must notify the National Panel within {} working days of becoming aware. Record it as a serious incident, or, once the case is open, record that the referral is notifiable.",
        crate::settings::NOTIFICATION_WORKING_DAYS
    ))
}

/// A date of something that has happened (`what`, e.g. "it started"): not after `today`.
pub(crate) fn happened_by(
    field: &'static str,
    what: &str,
    d: Date,
    today: Date,
) -> Result<(), DomainError> {
    if d > today {
        return Err(DomainError::invalid(
            field,
            format!("The date {what} must be today or in the past."),
        ));
    }
    Ok(())
}

struct Decider<'c> {
    case: &'c Case,
    ctx: &'c Ctx<'c>,
}

fn one(e: Event) -> Result<Vec<Event>, DomainError> {
    Ok(vec![e])
}

fn same_name(a: &PersonName, b: &PersonName) -> bool {
    let norm = |n: &PersonName| {
        n.as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

impl Decider<'_> {
    fn today(&self) -> Date {
        self.ctx.today
    }

    /// A date of something that has happened: not in the future.
    fn past(&self, field: &'static str, what: &str, d: Date) -> Result<(), DomainError> {
        happened_by(field, what, d, self.today())
    }

    /// A due date someone chooses: today or later, and a working day.
    fn due(&self, field: &'static str, d: Date) -> Result<(), DomainError> {
        if d < self.today() {
            return Err(DomainError::invalid(
                field,
                "The due date must be today or in the future.",
            ));
        }
        if let Some(reason) = self.ctx.calendar.non_working_reason(d) {
            let why = match reason {
                crate::calendar::NonWorkingReason::Weekend => "a weekend".to_owned(),
                crate::calendar::NonWorkingReason::BankHoliday(name) => name.to_owned(),
                crate::calendar::NonWorkingReason::ClosureDay => {
                    "a partnership closure day".to_owned()
                }
            };
            return Err(DomainError::invalid(
                field,
                format!(
                    "Choose a working day for the due date: {} is {why}.",
                    long_date(d)
                ),
            ));
        }
        Ok(())
    }

    fn not_before(
        field: &'static str,
        d: Date,
        earliest: Date,
        what: &str,
    ) -> Result<(), DomainError> {
        if d < earliest {
            return Err(DomainError::invalid(
                field,
                format!(
                    "The date cannot be before {what} ({}).",
                    long_date(earliest)
                ),
            ));
        }
        Ok(())
    }

    fn check_children(children: &[ChildDetails]) -> Result<(), DomainError> {
        if children.is_empty() {
            return Err(DomainError::invalid("children", "Add at least one child."));
        }
        let mut ids: Vec<_> = children.iter().map(|c| c.person_id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != children.len() {
            return Err(DomainError::invalid("children", "A child is listed twice."));
        }
        Ok(())
    }

    fn check_reference(reference: &str) -> Result<(), DomainError> {
        let ok = (3..=40).contains(&reference.len())
            && reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/');
        if ok {
            Ok(())
        } else {
            Err(DomainError::invalid(
                "reference",
                "Enter a case reference of 3 to 40 letters, digits, hyphens or slashes, like CSPR-2025-004. Never use a name.",
            ))
        }
    }

    #[expect(clippy::too_many_lines, reason = "one arm per command")]
    fn decide(&self, command: Command) -> Result<Vec<Event>, DomainError> {
        let case = self.case;
        match command {
            c @ (Command::SaveDocumentSection { .. }
            | Command::SaveRecommendation { .. }
            | Command::WithdrawRecommendation { .. }
            | Command::CommentOnSection { .. }
            | Command::ResolveSectionComment { .. }
            | Command::RecordFamilyComment { .. }
            | Command::RecordDocumentExport { .. }) => crate::documents::decide(case, c, self.ctx),
            c @ super::paths::path_command!() => super::paths::decide(case, c, self.ctx),
            c @ (Command::PlaceLegalHold { .. } | Command::LiftLegalHold { .. }) => {
                super::holds::decide(case, c, self.ctx.today)
            }
            Command::RecordSeriousIncident {
                partnership_id,
                reference,
                incident,
                children,
                became_aware_on,
            } => {
                Self::check_reference(&reference)?;
                Self::check_children(&children)?;
                self.past(
                    "incident.occurred_on",
                    "of the incident",
                    incident.occurred_on,
                )?;
                self.past(
                    "became_aware_on",
                    "the local authority became aware",
                    became_aware_on,
                )?;
                Self::not_before(
                    "became_aware_on",
                    became_aware_on,
                    incident.occurred_on,
                    "the incident",
                )?;
                let Some(because) = notifiable_because(&incident, &children) else {
                    return Err(DomainError::rule(
                        "This incident does not meet the criteria for a notification to the National Panel: abuse or neglect must be known or suspected and the child must have died or been seriously harmed (or a looked-after child or a care leaver aged 24 or under must have died). Record it as a referral instead.",
                    ));
                };
                one(Event::SeriousIncidentRecorded {
                    partnership_id,
                    reference,
                    incident,
                    children,
                    became_aware_on,
                    notifiable_because: because,
                })
            }
            Command::NotifyNationalPanel {
                notified_on,
                panel_reference,
            } => {
                if case.notified_on.is_some() {
                    return Err(DomainError::rule(
                        "The National Panel has already been notified of this incident: there is one notification per incident.",
                    ));
                }
                self.past("notified_on", "of the notification", notified_on)?;
                if let Some(aware) = case.became_aware_on {
                    Self::not_before(
                        "notified_on",
                        notified_on,
                        aware,
                        "the day the local authority became aware",
                    )?;
                }
                if !case.is_notified_route() {
                    return Err(DomainError::rule(
                        "This case came through a referral, not a serious incident notification: there is nothing to notify.",
                    ));
                }
                one(Event::NationalPanelNotified {
                    notified_on,
                    panel_reference,
                })
            }
            Command::FindReferralNotifiable { became_aware_on } => {
                if case.is_notified_route() {
                    return Err(DomainError::rule(
                        "This case is already on the notified route.",
                    ));
                }
                let (Some(incident), true) = (&case.incident, case.opened_by_referral) else {
                    return Err(DomainError::rule(
                        "Only a case opened by a referral can prove notifiable.",
                    ));
                };
                let Some(because) = notifiable_because(incident, &case.children) else {
                    return Err(DomainError::rule(
                        "This incident is not notifiable: abuse or neglect must be known or suspected and a child must have died or been seriously harmed (or a looked-after child or a care leaver of 24 or under have died). Correct the incident first if it has changed.",
                    ));
                };
                self.past(
                    "became_aware_on",
                    "the local authority became aware",
                    became_aware_on,
                )?;
                Self::not_before(
                    "became_aware_on",
                    became_aware_on,
                    incident.occurred_on,
                    "the incident",
                )?;
                one(Event::ReferralFoundNotifiable {
                    became_aware_on,
                    notifiable_because: because,
                })
            }
            Command::ReceiveReferral { referral, opening } => {
                self.past(
                    "referral.received_on",
                    "the referral was received",
                    referral.received_on,
                )?;
                if referral.carers.is_empty() {
                    return Err(DomainError::invalid(
                        "referral.carers",
                        "Add the adults caring for the child: their names, dates of birth and addresses.",
                    ));
                }
                if let Some(i) = referral.carers.iter().position(|p| p.age.is_none()) {
                    return Err(DomainError::invalid(
                        "referral.carers",
                        format!(
                            "Add the date of birth or approximate age of carer {}.",
                            i + 1
                        ),
                    ));
                }
                if let Some(i) = referral.carers.iter().position(|p| {
                    p.addresses.is_empty() || p.addresses.iter().any(|a| a.is_empty())
                }) {
                    return Err(DomainError::invalid(
                        "referral.carers",
                        format!("Add the address of carer {}.", i + 1),
                    ));
                }
                match (case.stage, &opening) {
                    (S::New, None) => Err(DomainError::invalid(
                        "opening",
                        "A referral that opens a case must say which child and incident it is about.",
                    )),
                    (S::New, Some(o)) => {
                        Self::check_reference(&o.reference)?;
                        Self::check_children(&o.children)?;
                        self.past(
                            "incident.occurred_on",
                            "of the incident",
                            o.incident.occurred_on,
                        )?;
                        one(Event::ReferralReceived { referral, opening })
                    }
                    (_, Some(_)) => Err(DomainError::invalid(
                        "opening",
                        "This case is already open: the referral adds to it.",
                    )),
                    (_, None) => one(Event::ReferralReceived { referral, opening }),
                }
            }
            Command::ApproveReferral {
                approver,
                agency,
                approved_on,
            } => {
                let Some(referral) = &case.referral else {
                    return Err(DomainError::rule("There is no referral to approve."));
                };
                if agency != referral.referrer_agency {
                    return Err(DomainError::rule(
                        "The referral must be approved by the review subgroup representative of the referring agency.",
                    ));
                }
                self.past("approved_on", "of the approval", approved_on)?;
                Self::not_before(
                    "approved_on",
                    approved_on,
                    referral.received_on,
                    "the referral was received",
                )?;
                one(Event::ReferralApproved {
                    approver,
                    agency,
                    approved_on,
                })
            }
            Command::TriageReferral { outcome, reasons } => {
                let scoping_meeting_on = match (&outcome, case.notifiable_because) {
                    (TriageOutcome::RapidReview, Some(_)) => {
                        if case.notified_on.is_none() {
                            return Err(DomainError::rule(
                                "Record the notification to the National Panel before starting the rapid review: its 15 working days count from the notification.",
                            ));
                        }
                        None
                    }
                    (TriageOutcome::RapidReview, None) => {
                        return Err(DomainError::rule(
                            "A rapid review follows a serious incident notification. For a referral that came another way, choose scoping or no further action.",
                        ));
                    }
                    // WT2023 ch.5 (PROCESS.md, "Counting and dates"): a looked-after child's
                    // death goes to a rapid review unless it is determined, with reasons, that
                    // the case does not meet the criteria; abuse or neglect known or suspected
                    // always meets them.
                    (
                        TriageOutcome::RapidReviewCriteriaNotMet,
                        Some(NotifiableBecause::LookedAfterChildDeath),
                    ) => {
                        if case
                            .incident
                            .as_ref()
                            .is_some_and(|i| i.abuse_or_neglect != AbuseOrNeglect::NotSuspected)
                        {
                            return Err(DomainError::rule(
                                "The case meets the criteria for a rapid review: abuse or neglect is known or suspected.",
                            ));
                        }
                        if case.notified_on.is_none() {
                            return Err(DomainError::rule(
                                "Record the notification to the National Panel first: a looked-after child's death is notified whether or not a rapid review follows.",
                            ));
                        }
                        None
                    }
                    (TriageOutcome::RapidReviewCriteriaNotMet, _) => {
                        return Err(DomainError::rule(
                            "Only the death of a looked-after child where abuse or neglect is not suspected can be found not to meet the criteria for a rapid review.",
                        ));
                    }
                    (_, Some(NotifiableBecause::LookedAfterChildDeath)) => {
                        return Err(DomainError::rule(
                            "A looked-after child's death goes to a rapid review unless it does not meet the criteria for one: then record that, with the reasons.",
                        ));
                    }
                    (_, Some(n)) if n.needs_rapid_review() => {
                        return Err(DomainError::rule(
                            "A case notified to the National Panel always goes to a rapid review.",
                        ));
                    }
                    (TriageOutcome::Scoping, _) => {
                        let Some(meeting) = self
                            .ctx
                            .settings
                            .next_meeting_on_or_after(self.today(), self.ctx.calendar)
                        else {
                            return Err(DomainError::rule(format!(
                                "No review subgroup meeting is scheduled on or after {}: add the next meetings to the partnership's meeting calendar first.",
                                long_date(self.today())
                            )));
                        };
                        Some(meeting)
                    }
                    (TriageOutcome::NoFurtherAction, _) => None,
                };
                one(Event::ReferralTriaged {
                    outcome,
                    reasons,
                    triaged_on: self.today(),
                    scoping_meeting_on,
                })
            }
            Command::RequestContributions {
                kind,
                agencies,
                due_on,
            } => {
                if agencies.is_empty() {
                    return Err(DomainError::invalid(
                        "agencies",
                        "Choose at least one agency.",
                    ));
                }
                let mut seen = std::collections::BTreeSet::new();
                for a in &agencies {
                    if !seen.insert(*a) {
                        return Err(DomainError::invalid(
                            "agencies",
                            "An agency is chosen twice.",
                        ));
                    }
                    if let Some(r) = case.contributions.get(&(kind, *a))
                        && !matches!(r.status, ContributionStatus::Waived { .. })
                    {
                        return Err(DomainError::rule(format!(
                            "{} has already been requested from one of these agencies.",
                            kind.with_article()
                        )));
                    }
                }
                if kind == ContributionKind::FactualAccuracy && case.latest_draft().is_none() {
                    return Err(DomainError::rule(
                        "There is no draft report to check for factual accuracy yet.",
                    ));
                }
                let due_on = match due_on {
                    Some(d) => {
                        self.due("due_on", d)?;
                        d
                    }
                    None => self.default_due(kind),
                };
                one(Event::ContributionsRequested {
                    kind,
                    agencies,
                    requested_on: self.today(),
                    due_on,
                })
            }
            Command::ReceiveContribution {
                kind,
                agency,
                received_on,
                contribution,
            } => {
                let request = self.pending_request(kind, agency)?;
                self.past("received_on", "it was received", received_on)?;
                Self::not_before(
                    "received_on",
                    received_on,
                    request.requested_on,
                    "it was requested",
                )?;
                if kind == ContributionKind::Chronology && contribution.chronology.is_empty() {
                    return Err(DomainError::invalid(
                        "chronology",
                        "A chronology needs at least one entry.",
                    ));
                }
                one(Event::ContributionReceived {
                    kind,
                    agency,
                    received_on,
                    contribution,
                })
            }
            Command::WaiveContribution {
                kind,
                agency,
                reason,
            } => {
                self.pending_request(kind, agency)?;
                one(Event::ContributionWaived {
                    kind,
                    agency,
                    reason,
                })
            }
            Command::SaveContributionDraft {
                kind,
                agency,
                draft,
                link,
            } => {
                let request = self.pending_request(kind, agency)?;
                if let Some(link) = link {
                    Self::not_submitted(request, link)?;
                }
                Self::within_chronology_limit(&draft)?;
                one(Event::ContributionDraftSaved {
                    kind,
                    agency,
                    draft,
                    saved_on: self.today(),
                    link,
                })
            }
            // Issue 16, finding 4: a practitioner's answers are theirs until the agency takes
            // them; each link submits once.
            Command::SubmitPractitionerAnswers {
                kind,
                agency,
                link,
                draft,
            } => {
                let request = self.pending_request(kind, agency)?;
                Self::not_submitted(request, link)?;
                Self::within_chronology_limit(&draft)?;
                if draft
                    .form
                    .answers
                    .iter()
                    .all(|a| a.answer.trim().is_empty())
                    && draft.chronology.is_empty()
                {
                    return Err(DomainError::invalid(
                        "answers",
                        "Answer at least one question before sending.",
                    ));
                }
                one(Event::PractitionerAnswersSubmitted {
                    kind,
                    agency,
                    link,
                    draft,
                    submitted_on: self.today(),
                })
            }
            Command::AcceptPractitionerAnswers { kind, agency, link } => {
                let request = self.pending_request(kind, agency)?;
                Self::pending_submission(request, link)?;
                one(Event::PractitionerAnswersAccepted {
                    kind,
                    agency,
                    link,
                    accepted_on: self.today(),
                })
            }
            Command::DeclinePractitionerAnswers {
                kind,
                agency,
                link,
                reason,
            } => {
                let request = self
                    .case
                    .contributions
                    .get(&(kind, agency))
                    .ok_or_else(|| {
                        DomainError::rule(format!(
                            "No {} was requested from this agency.",
                            kind.label()
                        ))
                    })?;
                Self::pending_submission(request, link)?;
                one(Event::PractitionerAnswersDeclined {
                    kind,
                    agency,
                    link,
                    reason,
                    declined_on: self.today(),
                })
            }
            Command::ReopenContribution {
                kind,
                agency,
                reason,
            } => {
                match case.contributions.get(&(kind, agency)).map(|r| &r.status) {
                    Some(ContributionStatus::Received { .. }) => {}
                    _ => {
                        return Err(DomainError::rule(format!(
                            "Only a sent {} can be reopened.",
                            kind.label()
                        )));
                    }
                }
                one(Event::ContributionReopened {
                    kind,
                    agency,
                    reason,
                    reopened_on: self.today(),
                })
            }
            Command::ChangeContributionDue {
                kind,
                agencies,
                due_on,
                reason,
            } => {
                if agencies.is_empty() {
                    return Err(DomainError::invalid(
                        "agencies",
                        "Choose at least one agency.",
                    ));
                }
                for a in &agencies {
                    self.pending_request(kind, *a)?;
                }
                self.due("due_on", due_on)?;
                one(Event::ContributionDueChanged {
                    kind,
                    agencies,
                    due_on,
                    reason,
                })
            }
            Command::MarkKeyPracticeEpisode { entry, key } => {
                let known = case.contributions.values().any(|r| match &r.status {
                    ContributionStatus::Received { contribution, .. } => contribution
                        .chronology
                        .iter()
                        .any(|e| e.detail.id == Some(entry)),
                    _ => false,
                });
                if !known {
                    return Err(DomainError::invalid(
                        "entry",
                        "There is no such entry in the agencies' sent chronologies.",
                    ));
                }
                if case.key_episodes.contains(&entry) == key {
                    return Err(DomainError::rule(if key {
                        "This entry is already marked as a key practice episode."
                    } else {
                        "This entry is not marked as a key practice episode."
                    }));
                }
                one(Event::KeyPracticeEpisodeMarked { entry, key })
            }
            Command::HoldRapidReviewMeeting { held_on, notes } => {
                if case.rapid_review_meeting.is_some() {
                    return Err(DomainError::rule(
                        "The rapid review meeting has already been recorded.",
                    ));
                }
                if case
                    .requests(ContributionKind::AgencySummary)
                    .next()
                    .is_none()
                {
                    return Err(DomainError::rule(
                        "Ask the agencies for their summaries before the rapid review meeting.",
                    ));
                }
                self.past("held_on", "of the meeting", held_on)?;
                if let Some(n) = case.notified_on {
                    Self::not_before("held_on", held_on, n, "the notification")?;
                }
                one(Event::RapidReviewMeetingHeld { held_on, notes })
            }
            Command::RecordSafetyAction { action } => {
                self.due("action.due_on", action.due_on)?;
                if case
                    .safety_actions
                    .iter()
                    .any(|a| a.action_id == action.action_id)
                {
                    return Err(DomainError::invalid(
                        "action",
                        "This action is already recorded.",
                    ));
                }
                one(Event::SafetyActionRecorded { action })
            }
            Command::CompleteSafetyAction {
                action_id,
                completed_on,
            } => {
                if !case.safety_actions.iter().any(|a| a.action_id == action_id) {
                    return Err(DomainError::invalid(
                        "action_id",
                        "There is no such immediate safety action.",
                    ));
                }
                if case.safety_actions_done.contains_key(&action_id) {
                    return Err(DomainError::rule(
                        "This immediate safety action is already recorded as carried out.",
                    ));
                }
                self.past("completed_on", "it was carried out", completed_on)?;
                one(Event::SafetyActionCompleted {
                    action_id,
                    completed_on,
                })
            }
            Command::RecordRapidReviewLearning { learning, themes } => {
                one(Event::RapidReviewLearningRecorded { learning, themes })
            }
            Command::RecordInequalitiesConsideration { consideration } => {
                one(Event::InequalitiesConsidered { consideration })
            }
            Command::HoldScopingMeeting { held_on, notes } => {
                if case.scoping_meeting.is_some() {
                    return Err(DomainError::rule(
                        "The scoping meeting has already been recorded.",
                    ));
                }
                self.past("held_on", "of the meeting", held_on)?;
                if let Some((_, _, triaged)) = &case.triage {
                    Self::not_before("held_on", held_on, *triaged, "the triage")?;
                }
                let pending = case
                    .requests(ContributionKind::ScopingForm)
                    .filter(|r| !r.is_settled())
                    .count();
                if pending > 0 {
                    return Err(DomainError::rule(format!(
                        "The scoping meeting cannot be recorded before every requested scoping form is received or waived: still waiting for {}.",
                        plural(
                            i64::try_from(pending).unwrap_or(i64::MAX),
                            "agency",
                            "agencies"
                        )
                    )));
                }
                one(Event::ScopingMeetingHeld { held_on, notes })
            }
            Command::DecideOnLocalReview {
                criteria,
                outcome,
                reasons,
                decided_on,
            } => {
                self.past("decided_on", "of the decision", decided_on)?;
                match case.stage {
                    S::RapidReview => {
                        let Some((held, _)) = &case.rapid_review_meeting else {
                            return Err(DomainError::rule(
                                "The decision on a local review is made at or after the rapid review meeting: record the meeting first.",
                            ));
                        };
                        Self::not_before(
                            "decided_on",
                            decided_on,
                            *held,
                            "the rapid review meeting",
                        )?;
                    }
                    S::Scoping => {
                        let Some((held, _)) = &case.scoping_meeting else {
                            return Err(DomainError::rule(
                                "The decision on a local review is made at or after the scoping meeting: record the meeting first.",
                            ));
                        };
                        Self::not_before("decided_on", decided_on, *held, "the scoping meeting")?;
                    }
                    _ => {
                        // The Panel disagreed, or took the case as a national review (issue 15).
                        let panel_disagreed = matches!(
                            case.panel_answer(),
                            Some(PanelAnswer::Disagrees | PanelAnswer::NationalReview)
                        );
                        let nothing_started = case.panel.is_empty()
                            && case.terms_of_reference.is_none()
                            && case.reviewer.is_none()
                            && case.actions.is_empty();
                        if !(panel_disagreed && nothing_started) {
                            return Err(DomainError::rule(
                                "The decision can be revised only when the National Panel disagreed with it, and before the review is commissioned or actions are agreed.",
                            ));
                        }
                    }
                }
                one(Event::LocalReviewDecided {
                    criteria,
                    outcome,
                    reasons,
                    decided_on,
                })
            }
            Command::SignOffRapidReview { partner, signed_on } => {
                self.past("signed_on", "of the sign-off", signed_on)?;
                if case.rapid_review_sign_offs.contains_key(&partner) {
                    return Err(DomainError::rule(format!(
                        "The rapid review has already been signed off for {}.",
                        partner.label()
                    )));
                }
                let pending = case
                    .requests(ContributionKind::AgencySummary)
                    .filter(|r| !r.is_settled())
                    .count();
                if pending > 0 {
                    return Err(DomainError::rule(format!(
                        "A rapid review cannot be signed off before every requested agency summary is received or waived: still waiting for {}.",
                        plural(
                            i64::try_from(pending).unwrap_or(i64::MAX),
                            "agency",
                            "agencies"
                        )
                    )));
                }
                let mut missing = Vec::new();
                if case.rapid_review_meeting.is_none() {
                    missing.push("the rapid review meeting");
                }
                if case.rapid_review_learning.is_none() {
                    missing.push("the learning");
                }
                if case.inequalities.is_none() {
                    missing.push("how racism, other inequalities and disability shaped experiences and practice");
                }
                if case.decision.is_none() {
                    missing.push("the decision on a local review");
                }
                if !missing.is_empty() {
                    return Err(DomainError::rule(format!(
                        "A rapid review cannot be signed off until it records {}.",
                        join_words(&missing)
                    )));
                }
                // The case's own order: meeting and decision, then sign-off, then submission
                // (PROCESS.md stage 4), so timeliness cannot be back-dated.
                if let Some((held_on, _)) = &case.rapid_review_meeting {
                    Self::not_before("signed_on", signed_on, *held_on, "the rapid review meeting")?;
                }
                if let Some((_, _, _, decided_on)) = &case.decision {
                    Self::not_before(
                        "signed_on",
                        signed_on,
                        *decided_on,
                        "the decision on a local review",
                    )?;
                }
                one(Event::RapidReviewSignedOff { partner, signed_on })
            }
            Command::SubmitRapidReview { submitted_on } => {
                if case.stage != S::RapidReview {
                    return super::paths::resubmit(case, submitted_on, self.ctx);
                }
                self.past("submitted_on", "of the submission", submitted_on)?;
                let missing = unsigned(&case.rapid_review_sign_offs);
                if !missing.is_empty() {
                    return Err(DomainError::rule(format!(
                        "The rapid review goes to the National Panel once all three safeguarding partners have signed it off: still waiting for {}.",
                        join_words(&missing)
                    )));
                }
                if let Some(last) = case.rapid_review_sign_offs.values().max() {
                    Self::not_before("submitted_on", submitted_on, *last, "the last sign-off")?;
                }
                one(Event::RapidReviewSubmitted {
                    submitted_on,
                    resubmission: false,
                })
            }
            Command::RecordPanelResponse {
                answer,
                comments,
                received_on,
            } => {
                let Some(first) = case.rapid_review_submitted_on else {
                    return Err(DomainError::rule(
                        "The National Panel responds to a submitted rapid review; this case has none.",
                    ));
                };
                // After a request for more information, the Panel answers the resubmission.
                let submitted = case
                    .rapid_review_resubmitted
                    .last()
                    .copied()
                    .unwrap_or(first);
                if !case.awaits_panel_answer() {
                    return Err(DomainError::rule(
                        if case.panel_answer() == Some(PanelAnswer::MoreInformation) {
                            "The National Panel asked for more information: send the rapid review again before recording its new response."
                        } else {
                            "The National Panel's response has already been recorded."
                        },
                    ));
                }
                if answer == PanelAnswer::MoreInformation && comments.is_none() {
                    return Err(DomainError::invalid(
                        "comments",
                        "Say what information the National Panel asked for.",
                    ));
                }
                let agrees = answer == PanelAnswer::Agrees;
                self.past("received_on", "of the response", received_on)?;
                Self::not_before(
                    "received_on",
                    received_on,
                    submitted,
                    "the rapid review was sent",
                )?;
                let responded = Event::PanelResponded {
                    agrees,
                    answer: Some(answer),
                    comments,
                    received_on,
                };
                // A disagreement that arrives after closure reopens the case, so the partners
                // can revise the decision (PROCESS.md stages 4 and 6; SI 2018/789 reg 11(d));
                // so does a request for more information, so the review can be sent again.
                if case.stage == S::Closed
                    && matches!(
                        answer,
                        PanelAnswer::Disagrees | PanelAnswer::MoreInformation
                    )
                {
                    return Ok(vec![
                        responded,
                        Event::CaseReopened {
                            reopened_on: self.today(),
                            reason: None,
                        },
                    ]);
                }
                one(responded)
            }
            Command::AppointPanelMember {
                member,
                conflict_accepted_because,
            } => {
                if case
                    .involved_names()
                    .iter()
                    .any(|n| same_name(n, &member.name))
                {
                    return Err(DomainError::rule(
                        "This person is recorded as involved in the case, so they cannot sit on the review panel. Choose a senior manager who was not involved.",
                    ));
                }
                if case.panel.iter().any(|m| same_name(&m.name, &member.name)) {
                    return Err(DomainError::rule(
                        "This person is already on the review panel.",
                    ));
                }
                if case.involved_agencies().contains(&member.agency)
                    && conflict_accepted_because.is_none()
                {
                    return Err(DomainError::invalid(
                        "conflict_accepted_because",
                        "This member's agency is recorded as involved in the case. Say why they can still sit on the panel (for example, they had no part in the work with the family), or choose someone else.",
                    ));
                }
                self.with_commissioning_check(Event::PanelMemberAppointed {
                    member,
                    conflict_accepted_because,
                })
            }
            Command::AgreeTermsOfReference { terms } => {
                if terms.period_from > terms.period_to {
                    return Err(DomainError::invalid(
                        "period_from",
                        "The period under review must start before it ends.",
                    ));
                }
                if terms.key_lines_of_enquiry.is_empty() {
                    return Err(DomainError::invalid(
                        "key_lines_of_enquiry",
                        "Add at least one key line of enquiry.",
                    ));
                }
                if terms.methodology.is_empty() {
                    return Err(DomainError::invalid(
                        "methodology",
                        "Choose at least one methodology.",
                    ));
                }
                match terms.report_due_on {
                    None => {
                        return Err(DomainError::invalid(
                            "report_due_on",
                            "Enter the timescale: the date the review is to report by.",
                        ));
                    }
                    Some(due) if due <= terms.period_to || due < self.today() => {
                        return Err(DomainError::invalid(
                            "report_due_on",
                            "The review must report after the period under review ends and after today.",
                        ));
                    }
                    Some(_) => {}
                }
                if case.panel.is_empty() {
                    return Err(DomainError::rule(
                        "The review panel sets the terms of reference: appoint at least one panel member first.",
                    ));
                }
                self.with_commissioning_check(Event::TermsOfReferenceAgreed { terms })
            }
            Command::AppointIndependentReviewer { reviewer } => {
                if case
                    .involved_names()
                    .iter()
                    .any(|n| same_name(n, &reviewer.name))
                {
                    return Err(DomainError::rule(
                        "This person is recorded as involved in the case, so they cannot be its independent reviewer.",
                    ));
                }
                match &reviewer.employer {
                    None => {
                        return Err(DomainError::invalid(
                            "employer",
                            "Say which organisation the reviewer works for.",
                        ));
                    }
                    Some(Employer::Agency { agency })
                        if case.involved_agencies().contains(agency) =>
                    {
                        return Err(DomainError::invalid(
                            "employer",
                            "The reviewer works for an agency involved in the case, so they are not independent of it. Choose a reviewer from an organisation that was not involved.",
                        ));
                    }
                    Some(_) => {}
                }
                self.with_commissioning_check(Event::IndependentReviewerAppointed { reviewer })
            }
            Command::RecordPractitioner { practitioner } => {
                if case
                    .practitioners
                    .iter()
                    .any(|p| p.person_id == practitioner.person_id)
                {
                    return Err(DomainError::invalid(
                        "practitioner",
                        "This practitioner is already recorded.",
                    ));
                }
                if case
                    .panel
                    .iter()
                    .any(|m| same_name(&m.name, &practitioner.name))
                {
                    return Err(DomainError::rule(
                        "This practitioner sits on the review panel. A panel member must not have been involved in the case: change the panel first.",
                    ));
                }
                // The reviewer stays independent of everyone involved, including the
                // practitioners found after the appointment.
                if let Some(reviewer) = &case.reviewer {
                    if same_name(&reviewer.name, &practitioner.name) {
                        return Err(DomainError::rule(
                            "This practitioner is the review's independent reviewer, who must not have been involved in the case: appoint another reviewer first.",
                        ));
                    }
                    if reviewer.employer
                        == Some(Employer::Agency {
                            agency: practitioner.agency,
                        })
                    {
                        return Err(DomainError::rule(
                            "The independent reviewer works for this practitioner's agency, which would make the agency involved and the reviewer no longer independent: appoint a reviewer from another organisation first.",
                        ));
                    }
                }
                one(Event::PractitionerRecorded { practitioner })
            }
            Command::ScheduleLearningEvent {
                id,
                kind,
                on,
                invited,
            } => {
                if case.learning_events.contains_key(&id) {
                    return Err(DomainError::invalid(
                        "id",
                        "This learning event is already scheduled.",
                    ));
                }
                if invited.is_empty() {
                    return Err(DomainError::invalid(
                        "invited",
                        "Invite at least one practitioner.",
                    ));
                }
                if invited
                    .iter()
                    .any(|p| !case.practitioners.iter().any(|q| q.person_id == *p))
                {
                    return Err(DomainError::invalid(
                        "invited",
                        "Record a practitioner on the case before inviting them.",
                    ));
                }
                if on < self.today() {
                    return Err(DomainError::invalid(
                        "on",
                        "A learning event is scheduled for today or later.",
                    ));
                }
                one(Event::LearningEventScheduled {
                    id,
                    kind,
                    on,
                    invited,
                })
            }
            Command::SendAdvanceInformation { id, sent_on } => {
                let Some(event) = case.learning_events.get(&id) else {
                    return Err(DomainError::invalid(
                        "id",
                        "There is no such learning event.",
                    ));
                };
                if event.notes.is_some() {
                    return Err(DomainError::rule(
                        "The learning event has already taken place.",
                    ));
                }
                self.past("sent_on", "the information was sent", sent_on)?;
                if sent_on > event.on {
                    return Err(DomainError::invalid(
                        "sent_on",
                        "Advance information is sent before the learning event: enter a date on or before the day of the event.",
                    ));
                }
                one(Event::AdvanceInformationSent { id, sent_on })
            }
            Command::RecordLearningEventNotes { id, notes } => {
                let Some(event) = case.learning_events.get(&id) else {
                    return Err(DomainError::invalid(
                        "id",
                        "There is no such learning event.",
                    ));
                };
                if event.notes.is_some() {
                    return Err(DomainError::rule(
                        "Notes for this learning event are already recorded.",
                    ));
                }
                if event.on > self.today() {
                    return Err(DomainError::rule(format!(
                        "The learning event takes place on {}: record its notes after it.",
                        long_date(event.on)
                    )));
                }
                one(Event::LearningEventHeld { id, notes })
            }
            Command::RecordFamilyContact { contact } => {
                self.past("on", "of the contact", contact.on)?;
                let constrained = case.contact_constraints.iter().any(|c| {
                    same_name(&c.person, &contact.relative)
                        && c.process.is_none_or(|p| {
                            case.parallel_processes
                                .get(&p)
                                .is_some_and(|p| p.ended_on.is_none_or(|e| e > contact.on))
                        })
                });
                if constrained {
                    return Err(DomainError::rule(
                        "A contact constraint is recorded for this family member while a parallel process runs. End the process, or record the contact after it.",
                    ));
                }
                one(Event::FamilyContactRecorded { contact })
            }
            Command::RecordContactConstraint { constraint } => {
                if let Some(p) = constraint.process
                    && !case.parallel_processes.contains_key(&p)
                {
                    return Err(DomainError::invalid(
                        "process",
                        "Record the parallel process first.",
                    ));
                }
                one(Event::ContactConstraintRecorded { constraint })
            }
            Command::StartParallelProcess {
                id,
                kind,
                started_on,
                stops_clock,
                reason,
            } => {
                if case.parallel_processes.contains_key(&id) {
                    return Err(DomainError::invalid(
                        "id",
                        "This parallel process is already recorded.",
                    ));
                }
                self.past("started_on", "it started", started_on)?;
                one(Event::ParallelProcessStarted {
                    id,
                    kind,
                    started_on,
                    stops_clock,
                    reason,
                })
            }
            Command::EndParallelProcess { id, ended_on } => {
                let Some(p) = case.parallel_processes.get(&id) else {
                    return Err(DomainError::invalid(
                        "id",
                        "There is no such parallel process.",
                    ));
                };
                if p.ended_on.is_some() {
                    return Err(DomainError::rule(format!(
                        "The {} has already ended.",
                        p.kind.label()
                    )));
                }
                self.past("ended_on", "it ended", ended_on)?;
                Self::not_before("ended_on", ended_on, p.started_on, "it started")?;
                one(Event::ParallelProcessEnded { id, ended_on })
            }
            Command::SubmitReportDraft { report } => {
                let mut ids: Vec<_> = report.recommendations.iter().map(|r| r.id).collect();
                ids.sort();
                ids.dedup();
                if ids.len() != report.recommendations.len() {
                    return Err(DomainError::invalid(
                        "recommendations",
                        "Two recommendations share an id.",
                    ));
                }
                let version = u32::try_from(case.drafts.len())
                    .unwrap_or(u32::MAX)
                    .saturating_add(1);
                one(Event::ReportDraftSubmitted {
                    version,
                    submitted_on: self.today(),
                    report,
                })
            }
            Command::SignOffReport { partner, signed_on } => {
                self.past("signed_on", "of the sign-off", signed_on)?;
                let Some(draft) = case.latest_draft() else {
                    return Err(DomainError::rule(
                        "There is no overview report to sign off.",
                    ));
                };
                let gaps = draft.report.gaps();
                if !gaps.is_empty() {
                    let words: Vec<String> = gaps.iter().map(ToString::to_string).collect();
                    return Err(DomainError::rule(format!(
                        "The report cannot be signed off yet: {}.",
                        words.join("; ")
                    )));
                }
                let open = case
                    .documents
                    .open_comments(crate::documents::DocumentKind::OverviewReport);
                if open > 0 {
                    return Err(DomainError::rule(format!(
                        "The report cannot be signed off while the reviewer has not resolved every factual-accuracy comment: {} open.",
                        plural(
                            i64::try_from(open).unwrap_or(i64::MAX),
                            "comment is",
                            "comments are"
                        )
                    )));
                }
                if case
                    .requests(ContributionKind::FactualAccuracy)
                    .next()
                    .is_none()
                {
                    return Err(DomainError::rule(
                        "Each agency sees the draft before sign-off: ask the agencies for factual-accuracy responses first.",
                    ));
                }
                // Every agency involved, not just those asked so far (issue 15, item 11).
                let asked: std::collections::BTreeSet<_> = case
                    .requests(ContributionKind::FactualAccuracy)
                    .map(|r| r.agency)
                    .collect();
                let unasked = case
                    .involved_agencies()
                    .iter()
                    .filter(|a| !asked.contains(a))
                    .count();
                if unasked > 0 {
                    return Err(DomainError::rule(format!(
                        "Every agency involved sees the draft before sign-off: ask the other {} for a factual-accuracy response (or waive it with a reason).",
                        plural(
                            i64::try_from(unasked).unwrap_or(i64::MAX),
                            "agency",
                            "agencies"
                        )
                    )));
                }
                let pending = case
                    .requests(ContributionKind::FactualAccuracy)
                    .filter(|r| !r.is_settled())
                    .count();
                if pending > 0 {
                    return Err(DomainError::rule(format!(
                        "The report cannot be signed off before every factual-accuracy response is received or waived: still waiting for {}.",
                        plural(
                            i64::try_from(pending).unwrap_or(i64::MAX),
                            "agency",
                            "agencies"
                        )
                    )));
                }
                if case.report_sign_offs.contains_key(&partner) {
                    return Err(DomainError::rule(format!(
                        "The report has already been signed off for {}.",
                        partner.label()
                    )));
                }
                // The case's own order: draft, then sign-off, then sending, then publication
                // (PROCESS.md stages 10-12), so the report cannot be sent before it existed.
                Self::not_before(
                    "signed_on",
                    signed_on,
                    draft.submitted_on,
                    "the latest draft of the report",
                )?;
                one(Event::ReportSignedOff { partner, signed_on })
            }
            Command::SendReport { sent_on } => {
                self.past("sent_on", "the report was sent", sent_on)?;
                let missing = unsigned(&case.report_sign_offs);
                if !missing.is_empty() {
                    return Err(DomainError::rule(format!(
                        "The report goes to the National Panel and the Secretary of State once all three safeguarding partners have signed it off: still waiting for {}.",
                        join_words(&missing)
                    )));
                }
                if let Some(last) = case.report_sign_offs.values().max() {
                    Self::not_before("sent_on", sent_on, *last, "the last sign-off")?;
                }
                one(Event::ReportSent { sent_on })
            }
            Command::DecidePublication { decision, reasons } => {
                if SafeguardingPartner::ALL
                    .iter()
                    .any(|p| !case.report_sign_offs.contains_key(p))
                {
                    return Err(DomainError::rule(
                        "The partners decide about publication once they have all signed off the report.",
                    ));
                }
                if matches!(decision, PublicationDecision::Publish) && reasons.is_none() {
                    return Err(DomainError::invalid(
                        "reasons",
                        "Say why the partners decided to publish the report.",
                    ));
                }
                one(Event::PublicationDecided {
                    decision,
                    decided_on: self.today(),
                    reasons,
                })
            }
            Command::ChoosePseudonym { person, pseudonym } => {
                let pseudonym = crate::anonymisation::check_pseudonym(case, person, &pseudonym)?;
                one(Event::PseudonymChosen { person, pseudonym })
            }
            Command::ScanReport { version, findings } => {
                let Some(draft) = case.latest_draft() else {
                    return Err(DomainError::rule("There is no report to scan yet."));
                };
                if version != draft.version {
                    return Err(DomainError::invalid(
                        "version",
                        format!(
                            "Scan the latest version of the report (version {}).",
                            draft.version
                        ),
                    ));
                }
                crate::anonymisation::check_findings(&draft.report, &findings)?;
                one(Event::ReportScanned {
                    version,
                    scanned_on: self.today(),
                    findings,
                })
            }
            Command::ReviewFinding { finding, decision } => {
                let (review, draft) = current_review(case)?;
                crate::anonymisation::check_decision(review, &draft.report, finding, decision)?;
                one(Event::FindingReviewed {
                    version: review.version,
                    finding,
                    decision,
                    reviewed_on: self.today(),
                })
            }
            Command::DecideJigsawRisk { key, decision } => {
                let (review, _) = current_review(case)?;
                let key = key.trim().to_owned();
                if key.is_empty() || key.chars().count() > crate::anonymisation::MAX_JIGSAW_TEXT {
                    return Err(DomainError::rule("Choose a detail of the report."));
                }
                if let crate::anonymisation::JigsawDecision::Generalise { to } = &decision {
                    let words = to.trim();
                    if words.is_empty() {
                        return Err(DomainError::rule(
                            "Enter the words that replace the detail.",
                        ));
                    }
                    if words.chars().count() > crate::anonymisation::MAX_JIGSAW_TEXT
                        || words.contains(['\0', '\n', '\r'])
                    {
                        return Err(DomainError::rule(
                            "The words that replace a detail must be one short line.",
                        ));
                    }
                }
                let decision = match decision {
                    crate::anonymisation::JigsawDecision::Generalise { to } => {
                        crate::anonymisation::JigsawDecision::Generalise {
                            to: to.trim().to_owned(),
                        }
                    }
                    other => other,
                };
                one(Event::JigsawRiskDecided {
                    version: review.version,
                    key,
                    decision,
                    decided_on: self.today(),
                })
            }
            Command::CheckAnonymisation { remaining } => {
                let (review, draft) = current_review(case)?;
                let open = review.unreviewed();
                if open > 0 {
                    return Err(DomainError::rule(format!(
                        "Review every finding before checking the redacted text: {} still to review.",
                        plural(
                            i64::try_from(open).unwrap_or(i64::MAX),
                            "finding is",
                            "findings are"
                        )
                    )));
                }
                crate::anonymisation::check_remaining(&draft.report, &remaining)?;
                one(Event::AnonymisationChecked {
                    version: review.version,
                    checked_on: self.today(),
                    remaining,
                })
            }
            Command::Publish {
                published_on,
                anonymisation_reviewed,
                online_until: chosen_until,
                despite_parallel_process,
            } => {
                let Some((decision, _)) = &case.publication_decision else {
                    return Err(DomainError::rule(
                        "Record the partners' decision about publication first.",
                    ));
                };
                // Not publishing the report means publishing information about the
                // improvements instead: its page is made from the actions agreed.
                if !matches!(decision, PublicationDecision::Publish) && case.actions.is_empty() {
                    return Err(DomainError::rule(
                        "The partners decided to publish information about the improvements instead of the report: agree at least one action first, as the page is made from the actions.",
                    ));
                }
                let running: Vec<&str> = case
                    .running_parallel_processes()
                    .map(|p| p.kind.label())
                    .collect();
                if !running.is_empty() && despite_parallel_process.is_none() {
                    return Err(DomainError::invalid(
                        "despite_parallel_process",
                        format!(
                            "A parallel process is still running ({}). Say why the partners publish now rather than after it ends.",
                            running.join(", ")
                        ),
                    ));
                }
                let Some(sent) = case.report_sent_on else {
                    return Err(DomainError::rule(
                        "Send the report to the National Panel and the Secretary of State before publishing it.",
                    ));
                };
                self.past("published_on", "of publication", published_on)?;
                // A statutory notice period: closure days do not lengthen it.
                let earliest = crate::deadlines::earliest_publication(
                    sent,
                    self.ctx.calendar,
                    self.ctx.settings,
                );
                if published_on < earliest {
                    return Err(DomainError::rule(format!(
                        "The report can be published from {}: {} working days after it was sent to the National Panel and the Secretary of State on {}.",
                        long_date(earliest),
                        self.ctx.settings.publication_notice_days(),
                        long_date(sent)
                    )));
                }
                if !anonymisation_reviewed {
                    return Err(DomainError::rule(
                        "Only anonymised text that has passed the anonymisation review can be published.",
                    ));
                }
                // The full report is published only once every finding is reviewed and the
                // redacted text names no one the case records.
                if matches!(decision, PublicationDecision::Publish) {
                    let blocker = match (&case.anonymisation, case.latest_draft()) {
                        (Some(review), Some(draft)) => review.blocker(draft.version),
                        _ => Some(
                            "Scan the report for personal data and review what the scan finds before publication."
                                .to_owned(),
                        ),
                    };
                    if let Some(message) = blocker {
                        return Err(DomainError::rule(message));
                    }
                }
                let year = online_until(
                    published_on,
                    self.ctx.settings.years_online(),
                    self.ctx.calendar,
                );
                let until = match chosen_until {
                    Some(d) if d < year => {
                        return Err(DomainError::invalid(
                            "online_until",
                            format!(
                                "A published report stays online for at least one year: choose {} or later.",
                                long_date(year)
                            ),
                        ));
                    }
                    Some(d) => d,
                    None => year,
                };
                one(Event::Published {
                    published_on,
                    online_until: Some(until),
                    despite_parallel_process: if running.is_empty() {
                        None
                    } else {
                        despite_parallel_process
                    },
                })
            }
            Command::Unpublish { removed_on, reason } => {
                let Some(published) = case.published_on else {
                    return Err(DomainError::rule(
                        "Nothing has been published for this case.",
                    ));
                };
                if case.unpublished_on.is_some() {
                    return Err(DomainError::rule("The report has already been taken down."));
                }
                self.past("removed_on", "of removal", removed_on)?;
                // The year online is a minimum to plan for, not a lock: a report found to
                // identify someone comes down at once, with the reason recorded.
                if removed_on < published {
                    return Err(DomainError::invalid(
                        "removed_on",
                        format!(
                            "The report was published on {}: it cannot be taken down before then.",
                            long_date(published)
                        ),
                    ));
                }
                if reason.is_none() {
                    return Err(DomainError::invalid(
                        "reason",
                        "Say why the report is taken down.",
                    ));
                }
                one(Event::Unpublished { removed_on, reason })
            }
            Command::AgreeAction { action } => {
                if case.actions.contains_key(&action.action_id) {
                    return Err(DomainError::invalid(
                        "action",
                        "This action is already agreed.",
                    ));
                }
                self.due("action.due_on", action.due_on)?;
                match (case.latest_draft(), action.recommendation) {
                    (Some(draft), Some(r)) => {
                        if !draft.report.recommendations.iter().any(|x| x.id == r) {
                            return Err(DomainError::invalid(
                                "action.recommendation",
                                "This recommendation is not in the final report.",
                            ));
                        }
                    }
                    (Some(_), None) => {
                        return Err(DomainError::invalid(
                            "action.recommendation",
                            "Choose the recommendation this action answers.",
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(DomainError::invalid(
                            "action.recommendation",
                            "This case has no report recommendations.",
                        ));
                    }
                    (None, None) => {}
                }
                one(Event::ActionAgreed { action })
            }
            Command::RecordActionProgress {
                action_id,
                on,
                note,
                evidence,
            } => {
                self.open_action(action_id)?;
                self.past("on", "of the progress", on)?;
                one(Event::ActionProgressRecorded {
                    action_id,
                    on,
                    note,
                    evidence,
                })
            }
            Command::AttachActionEvidence {
                action_id,
                on,
                attachment,
            } => {
                self.open_action(action_id)?;
                self.past("on", "of the evidence", on)?;
                if attachment.file_name.trim().is_empty() || attachment.size == 0 {
                    return Err(DomainError::invalid(
                        "attachment",
                        "The file is empty: choose the file of evidence again.",
                    ));
                }
                one(Event::ActionEvidenceAttached {
                    action_id,
                    on,
                    attachment,
                })
            }
            Command::TagThemes { themes } => {
                let tidy =
                    crate::words::distinct_sorted(themes.iter().map(|t| t.trim().to_owned()));
                if tidy.iter().any(|t| t.chars().count() > 100) {
                    return Err(DomainError::invalid(
                        "themes",
                        "A theme must be 100 characters or fewer.",
                    ));
                }
                one(Event::ThemesTagged { themes: tidy })
            }
            Command::RecordDissemination { dissemination } => {
                self.past(
                    "dissemination.on",
                    "the learning was shared",
                    dissemination.on,
                )?;
                one(Event::LearningDisseminated { dissemination })
            }
            Command::CompleteAction {
                action_id,
                completed_on,
                evidence_of_impact,
            } => {
                self.open_action(action_id)?;
                self.past("completed_on", "of completion", completed_on)?;
                one(Event::ActionCompleted {
                    action_id,
                    completed_on,
                    evidence_of_impact,
                })
            }
            Command::GrantMembership { user, role, agency } => {
                if case.stage == S::Closed {
                    return Err(DomainError::rule(
                        "The case is closed: nobody new can be given access to it.",
                    ));
                }
                if role == super::model::CaseRole::AgencyRepresentative && agency.is_none() {
                    return Err(DomainError::invalid(
                        "agency",
                        "Choose the agency this representative acts for.",
                    ));
                }
                if let Some(current) = case.members.get(&user) {
                    return Err(DomainError::rule(format!(
                        "This person already has access to the case as {}. Take that access away first to change it.",
                        current.role.label().to_lowercase()
                    )));
                }
                one(Event::MembershipGranted { user, role, agency })
            }
            Command::RevokeMembership { user } => {
                if !case.members.contains_key(&user) {
                    return Err(DomainError::rule("This person has no access to the case."));
                }
                one(Event::MembershipRevoked { user })
            }
            Command::CloseCase {
                closed_on,
                reason,
                without_panel_response,
            } => {
                self.past("closed_on", "of closure", closed_on)?;
                // The Panel replies whether it agrees with the rapid review's decision, and may
                // conclude a local review is more appropriate (PROCESS.md stages 4 and 6).
                let awaiting_panel = case.awaits_panel();
                if awaiting_panel && without_panel_response.is_none() {
                    return Err(DomainError::rule(
                        "The National Panel has not replied to the rapid review yet: wait for its response (it may conclude that a local review is more appropriate), or record why the case closes without it.",
                    ));
                }
                if !awaiting_panel && without_panel_response.is_some() {
                    return Err(DomainError::invalid(
                        "without_panel_response",
                        "There is no reply from the National Panel to wait for: leave this empty.",
                    ));
                }
                // Immediate actions to keep children safe, agreed at the rapid review, are
                // carried out before the case closes (PROCESS.md stage 4; WT2023 ch.5).
                let not_done = case
                    .safety_actions
                    .iter()
                    .filter(|a| !case.safety_actions_done.contains_key(&a.action_id))
                    .count();
                if not_done > 0 {
                    return Err(DomainError::rule(format!(
                        "The case can close once every immediate safety action agreed at the rapid review is carried out: {} not recorded as carried out.",
                        plural(
                            i64::try_from(not_done).unwrap_or(i64::MAX),
                            "immediate safety action is",
                            "immediate safety actions are"
                        )
                    )));
                }
                if case.stage == S::ActionPlan {
                    if case.actions.is_empty() {
                        return Err(DomainError::rule(
                            "Agree the actions of the action plan before closing the case.",
                        ));
                    }
                    // PROCESS.md stage 13: actions are monitored until impact is evidenced;
                    // a completed action without evidence of impact keeps the case open.
                    let open = case
                        .actions
                        .values()
                        .filter(|a| a.impact().is_none())
                        .count();
                    if open > 0 {
                        return Err(DomainError::rule(format!(
                            "The case can close when every action is complete with evidence of its impact: {} still open.",
                            plural(
                                i64::try_from(open).unwrap_or(i64::MAX),
                                "action is",
                                "actions are"
                            )
                        )));
                    }
                    if let Some(draft) = case.latest_draft()
                        && let Some(i) = draft.report.recommendations.iter().position(|r| {
                            !case
                                .actions
                                .values()
                                .any(|a| a.action.recommendation == Some(r.id))
                        })
                    {
                        return Err(DomainError::rule(format!(
                            "Recommendation {} has no agreed action yet.",
                            i + 1
                        )));
                    }
                }
                one(Event::CaseClosed {
                    closed_on,
                    reason,
                    without_panel_response,
                })
            }
        }
    }

    fn default_due(&self, kind: ContributionKind) -> Date {
        let cal = self.ctx.calendar;
        let s = self.ctx.settings;
        match (kind, self.case.notified_on) {
            // Local plan: agency summaries due on working day N of the rapid review.
            (ContributionKind::AgencySummary, Some(n)) => {
                cal.add_working_days(n, s.agency_summary_due_working_day)
            }
            (ContributionKind::ScopingForm, _) => match self.case.scoping_meeting_on {
                Some(m) if cal.working_days_between(self.today(), m) > 2 => {
                    // Two working days before the meeting, so members can read them.
                    let mut d = m;
                    while cal.working_days_between(d, m) < 2 || !cal.is_working_day(d) {
                        d = d.previous_day().unwrap_or(d);
                    }
                    d
                }
                // The meeting is close: the forms are due on the day itself.
                Some(m) if m >= self.today() && cal.is_working_day(m) => m,
                _ => cal.add_working_days(self.today(), s.contribution_working_days),
            },
            _ => cal.add_working_days(self.today(), s.contribution_working_days),
        }
    }

    fn within_chronology_limit(draft: &super::model::ContributionDraft) -> Result<(), DomainError> {
        if draft.chronology.len() > MAX_CHRONOLOGY_ENTRIES {
            return Err(DomainError::invalid(
                "chronology",
                format!(
                    "A chronology can have at most {MAX_CHRONOLOGY_ENTRIES} entries from one agency."
                ),
            ));
        }
        Ok(())
    }

    /// A link's answers are open to change until the link submits them, once.
    fn not_submitted(
        request: &super::model::ContributionRequest,
        link: crate::ids::LinkId,
    ) -> Result<(), DomainError> {
        if request.submissions.contains_key(&link) {
            return Err(DomainError::rule(
                "The answers of this link have been sent: they can no longer be changed.",
            ));
        }
        Ok(())
    }

    /// The link's submission, while it waits for a decision.
    fn pending_submission(
        request: &super::model::ContributionRequest,
        link: crate::ids::LinkId,
    ) -> Result<(), DomainError> {
        match request.submissions.get(&link) {
            None => Err(DomainError::rule(
                "No practitioner sent answers through this link.",
            )),
            Some(s) if !s.is_pending() => Err(DomainError::rule(
                "These answers have already been accepted or declined.",
            )),
            Some(_) => Ok(()),
        }
    }

    fn pending_request(
        &self,
        kind: ContributionKind,
        agency: crate::ids::AgencyId,
    ) -> Result<&super::model::ContributionRequest, DomainError> {
        match self.case.contributions.get(&(kind, agency)) {
            None => Err(DomainError::rule(format!(
                "No {} was requested from this agency.",
                kind.label()
            ))),
            Some(r) if r.is_settled() => Err(DomainError::rule(format!(
                "The {} from this agency is already received or waived.",
                kind.label()
            ))),
            Some(r) => Ok(r),
        }
    }

    fn open_action(
        &self,
        id: crate::ids::ActionId,
    ) -> Result<&super::model::ActionState, DomainError> {
        match self.case.actions.get(&id) {
            None => Err(DomainError::invalid(
                "action_id",
                "There is no such action.",
            )),
            Some(a) if a.completed.is_some() => {
                Err(DomainError::rule("This action is already complete."))
            }
            Some(a) => Ok(a),
        }
    }

    /// Adds `CommissioningCompleted` when this event completes panel, terms and reviewer.
    fn with_commissioning_check(&self, event: Event) -> Result<Vec<Event>, DomainError> {
        let case = self.case;
        let panel = !case.panel.is_empty() || matches!(event, Event::PanelMemberAppointed { .. });
        let terms = case.terms_of_reference.is_some()
            || matches!(event, Event::TermsOfReferenceAgreed { .. });
        let reviewer =
            case.reviewer.is_some() || matches!(event, Event::IndependentReviewerAppointed { .. });
        let mut events = vec![event];
        if case.stage == S::Commissioning && panel && terms && reviewer {
            events.push(Event::CommissioningCompleted { on: self.today() });
        }
        Ok(events)
    }
}

/// The first day a published report may be taken down: one year online (WT2023 ch.5), moved
/// to the next working day when that falls on a weekend or bank holiday. A statutory period:
/// the partnership's closure days play no part ([`Counting::Statutory`]).
#[must_use]
pub fn online_until(published_on: Date, years: u8, calendar: &Calendar) -> Date {
    next_working_day(
        crate::words::add_months(published_on, u32::from(years) * 12),
        &calendar.counting(Counting::Statutory),
    )
}

/// `d` itself when it is a working day, else the first working day after it.
#[must_use]
pub fn next_working_day(d: Date, calendar: &Calendar) -> Date {
    let mut day = d;
    while !calendar.is_working_day(day) {
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

/// The anonymisation review of the latest report version, with that version.
fn current_review(
    case: &Case,
) -> Result<
    (
        &crate::anonymisation::AnonymisationReview,
        &super::model::ReportDraft,
    ),
    DomainError,
> {
    let (Some(review), Some(draft)) = (&case.anonymisation, case.latest_draft()) else {
        return Err(DomainError::rule(
            "Scan the report for personal data first.",
        ));
    };
    if review.version != draft.version {
        return Err(DomainError::rule(
            "The report changed after its anonymisation scan: scan it again.",
        ));
    }
    if review.stale {
        return Err(DomainError::rule(
            "A pseudonym changed after the anonymisation scan: scan the report again.",
        ));
    }
    Ok((review, draft))
}

/// The partners who have not signed yet, in words.
fn unsigned(signed: &super::model::SignOffs) -> Vec<&'static str> {
    SafeguardingPartner::ALL
        .iter()
        .filter(|p| !signed.contains_key(p))
        .map(|p| p.label())
        .collect()
}

/// "a", "a and b", "a, b and c".
fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
