//! The state of one case: the fold of its events. `apply` never fails and never looks at the
//! clock; every check belongs to `decide`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::event::Event;
use super::model::{
    ActionProgress, ActionState, CaseOpening, ChildDetails, ContactConstraint, ContributionKind,
    ContributionRequest, ContributionStatus, FamilyContact, Incident, IndependentReviewer,
    InequalitiesConsideration, LearningEvent, LocalReviewCriteria, NotifiableBecause, PanelMember,
    ParallelProcess, Practitioner, PublicationDecision, Referral, ReportDraft, ReviewOutcome,
    SafetyAction, SignOffs, TermsOfReference, TriageOutcome,
};
use crate::ids::{ActionId, AgencyId, LearningEventId, PartnershipId, ProcessId};
use crate::vocab::{NonEmptyText, PersonName};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// No events yet.
    New,
    /// A serious incident is recorded; the referral to the subgroup is awaited.
    Incident,
    /// A referral is received and awaits approval by the agency's subgroup representative.
    Referral,
    /// An approved referral awaits the chair's triage.
    Triage,
    /// A rapid review is under way.
    RapidReview,
    /// Scoping at a subgroup meeting.
    Scoping,
    /// A decision was made that needs no local review and no actions: the case can close.
    Decided,
    /// A local review is being commissioned.
    Commissioning,
    /// The review is gathering evidence.
    Evidence,
    /// The overview report is being drafted and checked.
    Drafting,
    /// The report is signed off and sent; publication is pending.
    Publication,
    /// Actions are agreed and monitored until they show impact.
    ActionPlan,
    /// Closed.
    Closed,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Self; 13] = [
        Self::New,
        Self::Incident,
        Self::Referral,
        Self::Triage,
        Self::RapidReview,
        Self::Scoping,
        Self::Decided,
        Self::Commissioning,
        Self::Evidence,
        Self::Drafting,
        Self::Publication,
        Self::ActionPlan,
        Self::Closed,
    ];

    /// Every stage a case can be in once it exists (all but [`Stage::New`]).
    pub const EXISTING: &'static [Self] = match Self::ALL.split_first() {
        Some((_, rest)) => rest,
        None => &[],
    };

    /// Every stage of a case that exists and is not closed.
    pub const OPEN: &'static [Self] = match Self::EXISTING.split_last() {
        Some((_, rest)) => rest,
        None => &[],
    };

    /// The stage in plain words, as a page shows it.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Incident => "Serious incident",
            Self::Referral => "Referral",
            Self::Triage => "Triage",
            Self::RapidReview => "Rapid review",
            Self::Scoping => "Scoping",
            Self::Decided => "Decision made",
            Self::Commissioning => "Commissioning",
            Self::Evidence => "Evidence gathering",
            Self::Drafting => "Overview report",
            Self::Publication => "Publication",
            Self::ActionPlan => "Action plan",
            Self::Closed => "Closed",
        }
    }

    /// A stable machine name ("rapid-review").
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Incident => "incident",
            Self::Referral => "referral",
            Self::Triage => "triage",
            Self::RapidReview => "rapid-review",
            Self::Scoping => "scoping",
            Self::Decided => "decided",
            Self::Commissioning => "commissioning",
            Self::Evidence => "evidence",
            Self::Drafting => "drafting",
            Self::Publication => "publication",
            Self::ActionPlan => "action-plan",
            Self::Closed => "closed",
        }
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// Where it stands.
    pub stage: Stage,
    /// Partnership, once known.
    pub partnership_id: Option<PartnershipId>,
    /// Reference, once known.
    pub reference: Option<String>,
    /// The incident.
    pub incident: Option<Incident>,
    /// The children.
    pub children: Vec<ChildDetails>,
    /// When the local authority became aware (notified route).
    pub became_aware_on: Option<Date>,
    /// Why it is notifiable (notified route).
    pub notifiable_because: Option<NotifiableBecause>,
    /// When the National Panel was notified.
    pub notified_on: Option<Date>,
    /// The Panel's reference.
    pub panel_reference: Option<String>,
    /// The referral.
    pub referral: Option<Referral>,
    /// Whether the referral opened the case.
    pub opened_by_referral: bool,
    /// Approval of the referral: who and when.
    pub referral_approved: Option<(PersonName, AgencyId, Date)>,
    /// Triage outcome, reasons, date.
    pub triage: Option<(TriageOutcome, NonEmptyText, Date)>,
    /// The scheduled scoping meeting.
    pub scoping_meeting_on: Option<Date>,
    /// Contribution requests by kind and agency.
    pub contributions: BTreeMap<(ContributionKind, AgencyId), ContributionRequest>,
    /// Entries of the integrated chronology marked as key practice episodes.
    pub key_episodes: std::collections::BTreeSet<uuid::Uuid>,
    /// Rapid review meeting date and notes.
    pub rapid_review_meeting: Option<(Date, NonEmptyText)>,
    /// Immediate safety actions.
    pub safety_actions: Vec<SafetyAction>,
    /// When each immediate safety action was carried out.
    pub safety_actions_done: BTreeMap<ActionId, Date>,
    /// Learning of the rapid review, with themes.
    pub rapid_review_learning: Option<(NonEmptyText, Vec<String>)>,
    /// Inequalities consideration.
    pub inequalities: Option<InequalitiesConsideration>,
    /// Scoping meeting date and notes.
    pub scoping_meeting: Option<(Date, NonEmptyText)>,
    /// The decision on a local review.
    pub decision: Option<(LocalReviewCriteria, ReviewOutcome, NonEmptyText, Date)>,
    /// Rapid review sign-offs.
    pub rapid_review_sign_offs: SignOffs,
    /// When the rapid review went to the Panel.
    pub rapid_review_submitted_on: Option<Date>,
    /// The Panel's response: agrees, comments, date (the latest, after a resubmission).
    pub panel_response: Option<(bool, Option<NonEmptyText>, Date)>,
    /// The Panel's answer, when recorded after issue 15 ([`Case::panel_answer`] reads it).
    #[serde(default)]
    pub panel_answer: Option<super::model::PanelAnswer>,
    /// Days the rapid review was sent again after the Panel asked for more information.
    #[serde(default)]
    pub rapid_review_resubmitted: Vec<Date>,
    /// Review panel.
    pub panel: Vec<PanelMember>,
    /// Terms of reference.
    pub terms_of_reference: Option<TermsOfReference>,
    /// Independent reviewer.
    pub reviewer: Option<IndependentReviewer>,
    /// When commissioning completed.
    pub commissioned_on: Option<Date>,
    /// Practitioners involved.
    pub practitioners: Vec<Practitioner>,
    /// Learning events.
    pub learning_events: BTreeMap<LearningEventId, LearningEvent>,
    /// Family contacts.
    pub family_contacts: Vec<FamilyContact>,
    /// Contact constraints.
    pub contact_constraints: Vec<ContactConstraint>,
    /// Parallel processes.
    pub parallel_processes: BTreeMap<ProcessId, ParallelProcess>,
    /// Report drafts, oldest first.
    pub drafts: Vec<ReportDraft>,
    /// Report sign-offs (of the latest draft).
    pub report_sign_offs: SignOffs,
    /// When the final report was sent to the Panel and the Secretary of State.
    pub report_sent_on: Option<Date>,
    /// Publication decision and date.
    pub publication_decision: Option<(PublicationDecision, Date)>,
    /// When published.
    pub published_on: Option<Date>,
    /// When taken down.
    pub unpublished_on: Option<Date>,
    /// Why the partners decided about publication as they did.
    #[serde(default)]
    pub publication_reasons: Option<NonEmptyText>,
    /// Pseudonyms the family chose, by person.
    #[serde(default)]
    pub pseudonyms: BTreeMap<crate::ids::PersonId, String>,
    /// The anonymisation review of the report.
    #[serde(default)]
    pub anonymisation: Option<crate::anonymisation::AnonymisationReview>,
    /// The published report stays online at least until then.
    #[serde(default)]
    pub online_until: Option<Date>,
    /// Why the published report was taken down.
    #[serde(default)]
    pub unpublished_because: Option<NonEmptyText>,
    /// Why the partners published while a parallel process was still running.
    #[serde(default)]
    pub published_despite: Option<NonEmptyText>,
    /// The action plan.
    pub actions: BTreeMap<ActionId, ActionState>,
    /// Learning themes the case is tagged with.
    #[serde(default)]
    pub themes: std::collections::BTreeSet<String>,
    /// How the case's learning was shared.
    #[serde(default)]
    pub disseminations: Vec<super::model::Dissemination>,
    /// The documents' versions, comments, family comments and exports.
    #[serde(default)]
    pub documents: crate::documents::Documents,
    /// Who may see the case beyond the partnership team and the chair.
    pub members: BTreeMap<crate::ids::UserId, super::model::Membership>,
    /// Closure date and reason.
    pub closed: Option<(Date, NonEmptyText)>,
    /// Each reopening of the closed case: when, and why (none when the National Panel's
    /// disagreement reopened it).
    #[serde(default)]
    pub reopenings: Vec<(Date, Option<NonEmptyText>)>,
    /// The cross-border arrangement, when the case crosses a border.
    #[serde(default)]
    pub cross_border: Option<super::model::CrossBorder>,
    /// Extensions of the local review's timescale, oldest first.
    #[serde(default)]
    pub local_review_extensions: Vec<super::model::LocalReviewExtension>,
    /// Why each missed deadline was missed (the latest reason recorded).
    #[serde(default)]
    pub lateness_reasons: BTreeMap<super::model::LateDeadline, NonEmptyText>,
    /// The legal hold that keeps the case from erasure, while there is one.
    #[serde(default)]
    pub legal_hold: Option<super::holds::LegalHold>,
    /// Events applied.
    pub version: u64,
}

impl Default for Case {
    fn default() -> Self {
        Self {
            stage: Stage::New,
            partnership_id: None,
            reference: None,
            incident: None,
            children: Vec::new(),
            became_aware_on: None,
            notifiable_because: None,
            notified_on: None,
            panel_reference: None,
            referral: None,
            opened_by_referral: false,
            referral_approved: None,
            triage: None,
            scoping_meeting_on: None,
            contributions: BTreeMap::new(),
            key_episodes: std::collections::BTreeSet::new(),
            rapid_review_meeting: None,
            safety_actions: Vec::new(),
            safety_actions_done: BTreeMap::new(),
            rapid_review_learning: None,
            inequalities: None,
            scoping_meeting: None,
            decision: None,
            rapid_review_sign_offs: SignOffs::new(),
            rapid_review_submitted_on: None,
            panel_response: None,
            panel_answer: None,
            rapid_review_resubmitted: Vec::new(),
            panel: Vec::new(),
            terms_of_reference: None,
            reviewer: None,
            commissioned_on: None,
            practitioners: Vec::new(),
            learning_events: BTreeMap::new(),
            family_contacts: Vec::new(),
            contact_constraints: Vec::new(),
            parallel_processes: BTreeMap::new(),
            drafts: Vec::new(),
            report_sign_offs: SignOffs::new(),
            report_sent_on: None,
            publication_decision: None,
            published_on: None,
            unpublished_on: None,
            publication_reasons: None,
            anonymisation: None,
            pseudonyms: BTreeMap::new(),
            online_until: None,
            unpublished_because: None,
            published_despite: None,
            actions: BTreeMap::new(),
            themes: std::collections::BTreeSet::new(),
            disseminations: Vec::new(),
            documents: crate::documents::Documents::default(),
            members: BTreeMap::new(),
            closed: None,
            reopenings: Vec::new(),
            lateness_reasons: BTreeMap::new(),
            legal_hold: None,
            local_review_extensions: Vec::new(),
            cross_border: None,
            version: 0,
        }
    }
}

impl Case {
    /// Rebuilds a case from its events.
    #[must_use]
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Self::default(), apply)
    }

    /// Whether the case came through a notification to the National Panel.
    #[must_use]
    pub const fn is_notified_route(&self) -> bool {
        self.notifiable_because.is_some()
    }

    /// Whether the National Panel still has to be notified: the case came through a
    /// notifiable incident and no notification is recorded (pages offer the notification then).
    #[must_use]
    pub const fn awaits_notification(&self) -> bool {
        self.is_notified_route() && self.notified_on.is_none()
    }

    /// The National Panel's answer to the rapid review, when recorded (the latest).
    #[must_use]
    pub fn panel_answer(&self) -> Option<super::model::PanelAnswer> {
        let (agrees, _, _) = self.panel_response.as_ref()?;
        Some(super::model::PanelAnswer::recorded(
            *agrees,
            self.panel_answer,
        ))
    }

    /// The day the National Panel took the case as a national review, when it did: the
    /// partnership contributes, and the local review's six-month aim no longer applies.
    #[must_use]
    pub fn national_review_on(&self) -> Option<Date> {
        match (self.panel_answer(), &self.panel_response) {
            (Some(super::model::PanelAnswer::NationalReview), Some((_, _, on))) => Some(*on),
            _ => None,
        }
    }

    /// Whether a reply of the National Panel to the rapid review is awaited: none yet, or it
    /// asked for more information (answered by a resubmission, then its new reply).
    #[must_use]
    pub fn awaits_panel(&self) -> bool {
        self.rapid_review_submitted_on.is_some()
            && matches!(
                self.panel_answer(),
                None | Some(super::model::PanelAnswer::MoreInformation)
            )
    }

    /// Whether the Panel asked for more information and the rapid review has not been sent
    /// again since: the partnership owes the resubmission.
    #[must_use]
    pub fn awaits_resubmission(&self) -> bool {
        match (self.panel_answer(), &self.panel_response) {
            (Some(super::model::PanelAnswer::MoreInformation), Some((_, _, asked_on))) => self
                .rapid_review_resubmitted
                .last()
                .is_none_or(|sent| sent < asked_on),
            _ => false,
        }
    }

    /// Whether the Panel's answer can be recorded now: the rapid review was sent, and the
    /// Panel has not answered it, or answered with a request for more information that the
    /// partnership has since answered by sending it again.
    #[must_use]
    pub fn awaits_panel_answer(&self) -> bool {
        self.awaits_panel() && !self.awaits_resubmission()
    }

    /// A child's harm (issue 15): its own, or the incident's; `None` when the child is not one
    /// of the case's or no incident is recorded.
    #[must_use]
    pub fn harm_of(&self, child: crate::ids::PersonId) -> Option<super::model::Harm> {
        let incident = self.incident.as_ref()?;
        self.children
            .iter()
            .find(|c| c.person_id == child)
            .map(|c| c.harm_in(incident))
    }

    /// The partnership that leads, when another partnership leads this case (a child from its
    /// area): this partnership collaborates, and the statutory notification and rapid review
    /// are the lead's, not this partnership's deadlines (issue 15; WT2023 ch.5).
    #[must_use]
    pub const fn collaborates_with(&self) -> Option<&NonEmptyText> {
        match &self.cross_border {
            Some(super::model::CrossBorder::ChildFromAnotherArea {
                other_partnership,
                lead: super::model::Lead::Them,
            }) => Some(other_partnership),
            _ => None,
        }
    }

    /// Contribution requests of one kind.
    pub fn requests(&self, kind: ContributionKind) -> impl Iterator<Item = &ContributionRequest> {
        self.contributions.values().filter(move |r| r.kind == kind)
    }

    /// The latest report draft.
    #[must_use]
    pub fn latest_draft(&self) -> Option<&ReportDraft> {
        self.drafts.last()
    }

    /// The latest version of the overview report (what the reviewer last saved or submitted).
    #[must_use]
    pub fn current_report(&self) -> Option<&crate::report::OverviewReport> {
        self.drafts.last().map(|d| &d.report)
    }

    /// The decision outcome, when decided.
    #[must_use]
    pub fn outcome(&self) -> Option<&ReviewOutcome> {
        self.decision.as_ref().map(|d| &d.1)
    }

    /// The parallel processes still running.
    pub fn running_parallel_processes(&self) -> impl Iterator<Item = &ParallelProcess> {
        self.parallel_processes
            .values()
            .filter(|p| p.ended_on.is_none())
    }

    /// Whether the partners decided to publish the report itself; otherwise what is published
    /// is information about the improvements (PROCESS.md stage 12).
    #[must_use]
    pub fn publishes_full_report(&self) -> bool {
        matches!(
            self.publication_decision,
            Some((PublicationDecision::Publish, _))
        )
    }

    /// Every agency recorded as involved: known to the children, named in the referral,
    /// referring, or asked for a contribution.
    #[must_use]
    pub fn involved_agencies(&self) -> std::collections::BTreeSet<AgencyId> {
        let mut set: std::collections::BTreeSet<AgencyId> = self
            .children
            .iter()
            .flat_map(|c| c.known_to.iter().copied())
            .collect();
        if let Some(r) = &self.referral {
            set.extend(r.other_agencies.iter().copied());
            set.insert(r.referrer_agency);
        }
        set.extend(self.contributions.keys().map(|(_, a)| *a));
        set.extend(self.practitioners.iter().map(|p| p.agency));
        set
    }

    /// Every name recorded as involved (children, carers, referrer, practitioners), with
    /// aliases: the people who may not sit on the panel or review the case.
    #[must_use]
    pub fn involved_names(&self) -> Vec<&PersonName> {
        let mut names: Vec<&PersonName> = Vec::new();
        for c in &self.children {
            names.push(&c.name);
            names.extend(c.aliases.iter());
        }
        if let Some(r) = &self.referral {
            names.push(&r.referrer);
            for p in &r.carers {
                names.push(&p.name);
                names.extend(p.aliases.iter());
            }
        }
        names.extend(self.practitioners.iter().map(|p| &p.name));
        names.extend(self.family_contacts.iter().map(|c| &c.relative));
        names.extend(self.contact_constraints.iter().map(|c| &c.person));
        names
    }

    fn open(&mut self, opening: &CaseOpening) {
        self.partnership_id = Some(opening.partnership_id);
        self.reference = Some(opening.reference.clone());
        self.incident = Some(opening.incident.clone());
        self.children.clone_from(&opening.children);
    }

    /// The stage a closed case reopens at: the action plan when actions were agreed (closure
    /// came from there), else Decided.
    fn stage_when_reopened(&self) -> Stage {
        if self.actions.is_empty() {
            Stage::Decided
        } else {
            Stage::ActionPlan
        }
    }

    /// The stage a decision leads to.
    fn stage_after_decision(&self) -> Stage {
        match self.outcome() {
            Some(ReviewOutcome::LocalReview) => Stage::Commissioning,
            Some(ReviewOutcome::OtherLearning { .. }) => Stage::ActionPlan,
            Some(ReviewOutcome::NoFurtherAction) | None => Stage::Decided,
        }
    }
}

/// Applies one event. Never fails: events are facts.
#[must_use]
#[expect(clippy::too_many_lines, reason = "one arm per event")]
pub fn apply(mut case: Case, event: &Event) -> Case {
    case.version += 1;
    match event {
        e @ crate::documents::document_event!() => crate::documents::apply(&mut case, e),
        e @ super::paths::path_event!() => super::paths::apply(&mut case, e),
        e @ (Event::LegalHoldPlaced { .. } | Event::LegalHoldLifted { .. }) => {
            super::holds::apply(&mut case, e);
        }
        Event::SeriousIncidentRecorded {
            partnership_id,
            reference,
            incident,
            children,
            became_aware_on,
            notifiable_because,
        } => {
            case.open(&CaseOpening {
                partnership_id: *partnership_id,
                reference: reference.clone(),
                incident: incident.clone(),
                children: children.clone(),
            });
            case.became_aware_on = Some(*became_aware_on);
            case.notifiable_because = Some(*notifiable_because);
            case.stage = Stage::Incident;
        }
        Event::ReferralFoundNotifiable {
            became_aware_on,
            notifiable_because,
        } => {
            case.became_aware_on = Some(*became_aware_on);
            case.notifiable_because = Some(*notifiable_because);
        }
        Event::NationalPanelNotified {
            notified_on,
            panel_reference,
        } => {
            case.notified_on = Some(*notified_on);
            case.panel_reference.clone_from(panel_reference);
        }
        Event::ReferralReceived { referral, opening } => {
            if let Some(opening) = opening {
                case.open(opening);
                case.opened_by_referral = true;
            }
            case.referral = Some(referral.clone());
            case.stage = Stage::Referral;
        }
        Event::ReferralApproved {
            approver,
            agency,
            approved_on,
        } => {
            case.referral_approved = Some((approver.clone(), *agency, *approved_on));
            case.stage = Stage::Triage;
        }
        Event::ReferralTriaged {
            outcome,
            reasons,
            triaged_on,
            scoping_meeting_on,
        } => {
            case.triage = Some((outcome.clone(), reasons.clone(), *triaged_on));
            case.scoping_meeting_on = *scoping_meeting_on;
            case.stage = match outcome {
                TriageOutcome::RapidReview => Stage::RapidReview,
                TriageOutcome::Scoping => Stage::Scoping,
                TriageOutcome::NoFurtherAction | TriageOutcome::RapidReviewCriteriaNotMet => {
                    Stage::Decided
                }
            };
        }
        Event::ContributionsRequested {
            kind,
            agencies,
            requested_on,
            due_on,
        } => {
            for agency in agencies {
                case.contributions.insert(
                    (*kind, *agency),
                    ContributionRequest {
                        kind: *kind,
                        agency: *agency,
                        requested_on: *requested_on,
                        due_on: *due_on,
                        status: ContributionStatus::Requested,
                        draft: None,
                        reopened: 0,
                        link_drafts: std::collections::BTreeMap::new(),
                        submissions: std::collections::BTreeMap::new(),
                    },
                );
            }
        }
        Event::ContributionReceived {
            kind,
            agency,
            received_on,
            contribution,
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency)) {
                r.status = ContributionStatus::Received {
                    on: *received_on,
                    contribution: contribution.clone(),
                };
                r.draft = None;
            }
        }
        Event::ContributionDraftSaved {
            kind,
            agency,
            draft,
            link,
            ..
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency)) {
                match link {
                    Some(link) => {
                        r.link_drafts.insert(*link, draft.clone());
                    }
                    None => r.draft = Some(draft.clone()),
                }
            }
        }
        Event::PractitionerAnswersSubmitted {
            kind,
            agency,
            link,
            draft,
            submitted_on,
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency)) {
                r.link_drafts.remove(link);
                r.submissions.insert(
                    *link,
                    super::model::LinkSubmission {
                        submitted_on: *submitted_on,
                        draft: draft.clone(),
                        outcome: super::model::SubmissionOutcome::Pending,
                    },
                );
            }
        }
        Event::PractitionerAnswersAccepted {
            kind,
            agency,
            link,
            accepted_on,
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency))
                && let Some(s) = r.submissions.get_mut(link)
            {
                s.outcome = super::model::SubmissionOutcome::Accepted { on: *accepted_on };
                // The practitioner's answers become the agency's; the agency's files and
                // chronology entries stay with its draft.
                let mut draft = r.draft.take().unwrap_or_default();
                draft.form.answers.clone_from(&s.draft.form.answers);
                draft.form.by = super::model::Responder::Practitioner;
                draft.chronology.extend(s.draft.chronology.iter().cloned());
                r.draft = Some(draft);
            }
        }
        Event::PractitionerAnswersDeclined {
            kind,
            agency,
            link,
            reason,
            declined_on,
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency))
                && let Some(s) = r.submissions.get_mut(link)
            {
                s.outcome = super::model::SubmissionOutcome::Declined {
                    on: *declined_on,
                    reason: reason.clone(),
                };
            }
        }
        Event::ContributionReopened { kind, agency, .. } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency))
                && let ContributionStatus::Received { contribution, .. } = &r.status
            {
                r.draft = Some(super::model::ContributionDraft {
                    form: contribution.form.clone(),
                    chronology: contribution.chronology.clone(),
                });
                r.status = ContributionStatus::Requested;
                r.reopened += 1;
            }
        }
        Event::ContributionDueChanged {
            kind,
            agencies,
            due_on,
            ..
        } => {
            for a in agencies {
                if let Some(r) = case.contributions.get_mut(&(*kind, *a)) {
                    r.due_on = *due_on;
                }
            }
        }
        Event::KeyPracticeEpisodeMarked { entry, key } => {
            if *key {
                case.key_episodes.insert(*entry);
            } else {
                case.key_episodes.remove(entry);
            }
        }
        Event::ContributionWaived {
            kind,
            agency,
            reason,
        } => {
            if let Some(r) = case.contributions.get_mut(&(*kind, *agency)) {
                r.status = ContributionStatus::Waived {
                    reason: reason.clone(),
                };
            }
        }
        Event::RapidReviewMeetingHeld { held_on, notes } => {
            case.rapid_review_meeting = Some((*held_on, notes.clone()));
        }
        Event::SafetyActionRecorded { action } => case.safety_actions.push(action.clone()),
        Event::SafetyActionCompleted {
            action_id,
            completed_on,
        } => {
            case.safety_actions_done.insert(*action_id, *completed_on);
        }
        Event::RapidReviewLearningRecorded { learning, themes } => {
            case.rapid_review_learning = Some((learning.clone(), themes.clone()));
        }
        Event::InequalitiesConsidered { consideration } => {
            case.inequalities = Some(consideration.clone());
        }
        Event::ScopingMeetingHeld { held_on, notes } => {
            case.scoping_meeting = Some((*held_on, notes.clone()));
        }
        Event::LocalReviewDecided {
            criteria,
            outcome,
            reasons,
            decided_on,
        } => {
            case.decision = Some((
                criteria.clone(),
                outcome.clone(),
                reasons.clone(),
                *decided_on,
            ));
            // On the rapid review route the case moves on when the review is submitted; a
            // changed decision needs the partners' sign-off afresh.
            if case.stage == Stage::RapidReview {
                case.rapid_review_sign_offs.clear();
            } else {
                case.stage = case.stage_after_decision();
            }
        }
        Event::RapidReviewSignedOff { partner, signed_on } => {
            case.rapid_review_sign_offs.insert(*partner, *signed_on);
        }
        Event::RapidReviewSubmitted {
            submitted_on,
            resubmission: true,
        } => case.rapid_review_resubmitted.push(*submitted_on),
        Event::RapidReviewSubmitted {
            submitted_on,
            resubmission: false,
        } => {
            case.rapid_review_submitted_on = Some(*submitted_on);
            case.stage = case.stage_after_decision();
        }
        Event::PanelResponded {
            agrees,
            answer,
            comments,
            received_on,
        } => {
            case.panel_response = Some((*agrees, comments.clone(), *received_on));
            case.panel_answer = Some(super::model::PanelAnswer::recorded(*agrees, *answer));
        }
        Event::PanelMemberAppointed { member, .. } => case.panel.push(member.clone()),
        Event::TermsOfReferenceAgreed { terms } => case.terms_of_reference = Some(terms.clone()),
        Event::IndependentReviewerAppointed { reviewer } => case.reviewer = Some(reviewer.clone()),
        Event::CommissioningCompleted { on } => {
            case.commissioned_on = Some(*on);
            case.stage = Stage::Evidence;
        }
        Event::PractitionerRecorded { practitioner } => {
            case.practitioners.push(practitioner.clone());
        }
        Event::LearningEventScheduled {
            id,
            kind,
            on,
            invited,
        } => {
            case.learning_events.insert(
                *id,
                LearningEvent {
                    id: *id,
                    kind: *kind,
                    on: *on,
                    advance_information_sent_on: None,
                    notes: None,
                    invited: invited.clone(),
                },
            );
        }
        Event::AdvanceInformationSent { id, sent_on } => {
            if let Some(e) = case.learning_events.get_mut(id) {
                e.advance_information_sent_on = Some(*sent_on);
            }
        }
        Event::LearningEventHeld { id, notes } => {
            if let Some(e) = case.learning_events.get_mut(id) {
                e.notes = Some(notes.clone());
            }
        }
        Event::FamilyContactRecorded { contact } => case.family_contacts.push(contact.clone()),
        Event::ContactConstraintRecorded { constraint } => {
            case.contact_constraints.push(constraint.clone());
        }
        Event::ParallelProcessStarted {
            id,
            kind,
            started_on,
            stops_clock,
            reason,
        } => {
            case.parallel_processes.insert(
                *id,
                ParallelProcess {
                    id: *id,
                    kind: *kind,
                    started_on: *started_on,
                    ended_on: None,
                    stops_clock: *stops_clock,
                    reason: reason.clone(),
                },
            );
        }
        Event::ParallelProcessEnded { id, ended_on } => {
            if let Some(p) = case.parallel_processes.get_mut(id) {
                p.ended_on = Some(*ended_on);
            }
        }
        Event::ReportDraftSubmitted {
            version,
            submitted_on,
            report,
        } => {
            let previous = case.current_report().cloned();
            crate::documents::record_draft(&mut case, previous.as_ref(), report, *submitted_on);
            case.drafts.push(ReportDraft {
                version: *version,
                submitted_on: *submitted_on,
                report: report.clone(),
            });
            // A new draft needs signing off and checking for factual accuracy afresh.
            case.report_sign_offs.clear();
            case.contributions
                .retain(|(kind, _), _| *kind != ContributionKind::FactualAccuracy);
            case.stage = Stage::Drafting;
        }
        Event::ReportSignedOff { partner, signed_on } => {
            case.report_sign_offs.insert(*partner, *signed_on);
        }
        Event::ReportSent { sent_on } => {
            case.report_sent_on = Some(*sent_on);
            // Whatever the decision, something is published: the report, or information
            // about the improvements instead (PROCESS.md stage 12).
            case.stage = Stage::Publication;
        }
        Event::PublicationDecided {
            decision,
            decided_on,
            reasons,
        } => {
            case.publication_decision = Some((decision.clone(), *decided_on));
            case.publication_reasons.clone_from(reasons);
        }
        Event::PseudonymChosen { person, pseudonym } => {
            case.pseudonyms.insert(*person, pseudonym.clone());
            if let Some(review) = case.anonymisation.as_mut() {
                review.stale = true;
            }
        }
        Event::ReportScanned {
            version,
            scanned_on,
            findings,
        } => {
            case.anonymisation = Some(crate::anonymisation::AnonymisationReview::new(
                *version,
                *scanned_on,
                findings.clone(),
            ));
        }
        Event::FindingReviewed {
            finding, decision, ..
        } => {
            if let Some(review) = case.anonymisation.as_mut() {
                review.decisions.insert(*finding, *decision);
                review.reviews += 1;
            }
        }
        Event::JigsawRiskDecided { key, decision, .. } => {
            if let Some(review) = case.anonymisation.as_mut() {
                match decision {
                    crate::anonymisation::JigsawDecision::AcceptRisk => {
                        review.accepted_risks.insert(key.clone());
                    }
                    crate::anonymisation::JigsawDecision::Generalise { to } => {
                        review.generalised.insert(key.clone(), to.clone());
                    }
                }
            }
        }
        Event::AnonymisationChecked {
            checked_on,
            remaining,
            ..
        } => {
            if let Some(review) = case.anonymisation.as_mut() {
                review.check = Some(crate::anonymisation::AnonymisationCheck {
                    checked_on: *checked_on,
                    after_reviews: review.reviews,
                    remaining: remaining.clone(),
                });
            }
        }
        Event::Published {
            published_on,
            online_until,
            despite_parallel_process,
        } => {
            case.published_on = Some(*published_on);
            case.online_until = *online_until;
            case.published_despite.clone_from(despite_parallel_process);
            case.stage = Stage::ActionPlan;
        }
        Event::Unpublished { removed_on, reason } => {
            case.unpublished_on = Some(*removed_on);
            case.unpublished_because.clone_from(reason);
        }
        Event::ActionAgreed { action } => {
            case.actions.insert(
                action.action_id,
                ActionState {
                    action: action.clone(),
                    progress: Vec::new(),
                    completed: None,
                    attachments: Vec::new(),
                    impact_evidenced: None,
                },
            );
        }
        Event::ActionProgressRecorded {
            action_id,
            on,
            note,
            evidence,
        } => {
            if let Some(a) = case.actions.get_mut(action_id) {
                a.progress.push(ActionProgress {
                    on: *on,
                    note: note.clone(),
                    evidence: evidence.clone(),
                });
            }
        }
        Event::ActionEvidenceAttached {
            action_id,
            on,
            attachment,
        } => {
            if let Some(a) = case.actions.get_mut(action_id) {
                a.attachments.push((*on, attachment.clone()));
            }
        }
        Event::ThemesTagged { themes } => {
            case.themes = themes.iter().cloned().collect();
        }
        Event::LearningDisseminated { dissemination } => {
            case.disseminations.push(dissemination.clone());
        }
        Event::ActionCompleted {
            action_id,
            completed_on,
            evidence_of_impact,
        } => {
            if let Some(a) = case.actions.get_mut(action_id) {
                a.completed = Some((*completed_on, evidence_of_impact.clone()));
            }
        }
        Event::MembershipGranted { user, role, agency } => {
            case.members.insert(
                *user,
                super::model::Membership {
                    role: *role,
                    agency: *agency,
                },
            );
        }
        Event::MembershipRevoked { user } => {
            case.members.remove(user);
        }
        Event::CaseClosed {
            closed_on, reason, ..
        } => {
            case.closed = Some((*closed_on, reason.clone()));
            case.stage = Stage::Closed;
        }
        Event::CaseReopened {
            reopened_on,
            reason,
        } => {
            case.reopenings.push((*reopened_on, reason.clone()));
            case.closed = None;
            case.stage = case.stage_when_reopened();
        }
    }
    case
}
