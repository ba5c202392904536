//! Events: what happened to a case, in the past tense. A case is the fold of its events; the
//! store keeps them for ever (who and when travel in the store's envelope).

use serde::{Deserialize, Serialize};
use time::Date;

use super::model::{
    CaseOpening, ChildDetails, ContactConstraint, Contribution, ContributionDraft,
    ContributionKind, FamilyContact, Incident, IndependentReviewer, InequalitiesConsideration,
    LearningEventKind, LocalReviewCriteria, NotifiableBecause, PanelMember, ParallelProcessKind,
    PlannedAction, Practitioner, PublicationDecision, Referral, ReviewOutcome, SafetyAction,
    TermsOfReference, TriageOutcome,
};
use crate::agency::SafeguardingPartner;
use crate::ids::{ActionId, AgencyId, LearningEventId, LinkId, PartnershipId, PersonId, ProcessId};
use crate::report::OverviewReport;
use crate::vocab::{NonEmptyText, PersonName};

/// Everything that can happen to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A serious incident was recorded.
    SeriousIncidentRecorded {
        /// Partnership.
        partnership_id: PartnershipId,
        /// Case reference.
        reference: String,
        /// The incident.
        incident: Incident,
        /// The children.
        children: Vec<ChildDetails>,
        /// When the local authority became aware.
        became_aware_on: Date,
        /// Why it must be notified.
        notifiable_because: NotifiableBecause,
    },
    /// A case opened by referral proved notifiable: it is on the notified route from now on.
    ReferralFoundNotifiable {
        /// When the local authority became aware of the serious incident.
        became_aware_on: Date,
        /// Why it must be notified.
        notifiable_because: NotifiableBecause,
    },
    /// The National Panel was notified.
    NationalPanelNotified {
        /// When.
        notified_on: Date,
        /// The Panel's reference.
        panel_reference: Option<String>,
    },
    /// A referral arrived.
    ReferralReceived {
        /// The referral.
        referral: Referral,
        /// The case details, when the referral opened the case.
        opening: Option<CaseOpening>,
    },
    /// The subgroup representative approved the referral.
    ReferralApproved {
        /// Who.
        approver: PersonName,
        /// Their agency.
        agency: AgencyId,
        /// When.
        approved_on: Date,
    },
    /// The chair triaged the referral.
    ReferralTriaged {
        /// Where it goes.
        outcome: TriageOutcome,
        /// Why.
        reasons: NonEmptyText,
        /// The day of the triage.
        triaged_on: Date,
        /// For scoping: the scheduled meeting it goes to.
        scoping_meeting_on: Option<Date>,
    },
    /// Contributions were asked for.
    ContributionsRequested {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agencies: Vec<AgencyId>,
        /// When asked.
        requested_on: Date,
        /// When due.
        due_on: Date,
    },
    /// A contribution arrived.
    ContributionReceived {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// When.
        received_on: Date,
        /// The content.
        contribution: Contribution,
    },
    /// A contribution is no longer needed.
    ContributionWaived {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// Why.
        reason: NonEmptyText,
    },
    /// An agency's response so far was saved.
    ContributionDraftSaved {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// The response so far.
        draft: ContributionDraft,
        /// When.
        saved_on: Date,
        /// The practitioner's link that saved its own draft; `None` for the agency's draft
        /// (and in events written before links had drafts of their own).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<LinkId>,
    },
    /// A practitioner submitted their link's answers, for the agency to accept or decline.
    PractitionerAnswersSubmitted {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
        /// The answers.
        draft: ContributionDraft,
        /// When.
        submitted_on: Date,
    },
    /// The agency took a practitioner's answers as its draft.
    PractitionerAnswersAccepted {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
        /// When.
        accepted_on: Date,
    },
    /// The agency declined a practitioner's answers.
    PractitionerAnswersDeclined {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
        /// Why.
        reason: NonEmptyText,
        /// When.
        declined_on: Date,
    },
    /// A sent response was reopened by the partnership team.
    ContributionReopened {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// Why.
        reason: NonEmptyText,
        /// When.
        reopened_on: Date,
    },
    /// Open requests got a new due date.
    ContributionDueChanged {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agencies: Vec<AgencyId>,
        /// The new due date.
        due_on: Date,
        /// Why.
        reason: NonEmptyText,
    },
    /// An entry of the integrated chronology was marked (or unmarked) as a key practice episode.
    KeyPracticeEpisodeMarked {
        /// The entry's id.
        entry: uuid::Uuid,
        /// Whether it is one.
        key: bool,
    },
    /// The rapid review meeting took place.
    RapidReviewMeetingHeld {
        /// When.
        held_on: Date,
        /// Notes.
        notes: NonEmptyText,
    },
    /// An immediate safety action was agreed.
    SafetyActionRecorded {
        /// The action.
        action: SafetyAction,
    },
    /// An immediate safety action was carried out.
    SafetyActionCompleted {
        /// Which.
        action_id: ActionId,
        /// When.
        completed_on: Date,
    },
    /// The rapid review's learning was recorded.
    RapidReviewLearningRecorded {
        /// The learning.
        learning: NonEmptyText,
        /// Themes.
        themes: Vec<String>,
    },
    /// The inequalities consideration was recorded.
    InequalitiesConsidered {
        /// The consideration.
        consideration: InequalitiesConsideration,
    },
    /// The scoping meeting took place.
    ScopingMeetingHeld {
        /// When.
        held_on: Date,
        /// Notes.
        notes: NonEmptyText,
    },
    /// The decision on a local review was made.
    LocalReviewDecided {
        /// The criteria.
        criteria: LocalReviewCriteria,
        /// The outcome.
        outcome: ReviewOutcome,
        /// Why.
        reasons: NonEmptyText,
        /// When.
        decided_on: Date,
    },
    /// A partner signed off the rapid review.
    RapidReviewSignedOff {
        /// Which.
        partner: SafeguardingPartner,
        /// When.
        signed_on: Date,
    },
    /// The rapid review went to the Panel.
    RapidReviewSubmitted {
        /// When.
        submitted_on: Date,
        /// Sent again after the Panel asked for more information (the first date stays the
        /// one timeliness counts).
        #[serde(default)]
        resubmission: bool,
    },
    /// The Panel responded.
    PanelResponded {
        /// Agrees with the decision (true exactly when `answer` is `Agrees`; the whole answer
        /// of events written before issue 15).
        agrees: bool,
        /// The answer; none in events written before issue 15 ([`PanelAnswer::recorded`]
        /// reads `agrees` then).
        ///
        /// [`PanelAnswer::recorded`]: super::model::PanelAnswer::recorded
        #[serde(default)]
        answer: Option<super::model::PanelAnswer>,
        /// Comments.
        comments: Option<NonEmptyText>,
        /// When.
        received_on: Date,
    },
    /// A panel member was appointed.
    PanelMemberAppointed {
        /// The member.
        member: PanelMember,
        /// When their agency is involved, why they may still sit.
        conflict_accepted_because: Option<NonEmptyText>,
    },
    /// The terms of reference were agreed.
    TermsOfReferenceAgreed {
        /// The terms.
        terms: TermsOfReference,
    },
    /// The independent reviewer was appointed.
    IndependentReviewerAppointed {
        /// The reviewer.
        reviewer: IndependentReviewer,
    },
    /// Panel, terms of reference and reviewer are all in place: the review begins.
    CommissioningCompleted {
        /// When.
        on: Date,
    },
    /// A practitioner was recorded.
    PractitionerRecorded {
        /// The practitioner.
        practitioner: Practitioner,
    },
    /// A learning event was scheduled.
    LearningEventScheduled {
        /// Id.
        id: LearningEventId,
        /// Kind.
        kind: LearningEventKind,
        /// When.
        on: Date,
        /// Invited practitioners.
        invited: Vec<PersonId>,
    },
    /// Advance information was sent.
    AdvanceInformationSent {
        /// Which event.
        id: LearningEventId,
        /// When.
        sent_on: Date,
    },
    /// A learning event took place.
    LearningEventHeld {
        /// Which.
        id: LearningEventId,
        /// Notes.
        notes: NonEmptyText,
    },
    /// A family contact was recorded.
    FamilyContactRecorded {
        /// The contact.
        contact: FamilyContact,
    },
    /// A contact constraint was recorded.
    ContactConstraintRecorded {
        /// The constraint.
        constraint: ContactConstraint,
    },
    /// A parallel process started.
    ParallelProcessStarted {
        /// Id.
        id: ProcessId,
        /// Kind.
        kind: ParallelProcessKind,
        /// When.
        started_on: Date,
        /// Whether it stops the clock.
        stops_clock: bool,
        /// Why it affects the review.
        reason: NonEmptyText,
    },
    /// A parallel process ended.
    ParallelProcessEnded {
        /// Which.
        id: ProcessId,
        /// When.
        ended_on: Date,
    },
    /// A draft overview report was submitted.
    ReportDraftSubmitted {
        /// Version number.
        version: u32,
        /// When.
        submitted_on: Date,
        /// The draft.
        report: OverviewReport,
    },
    /// A partner signed off the final report.
    ReportSignedOff {
        /// Which.
        partner: SafeguardingPartner,
        /// When.
        signed_on: Date,
    },
    /// The final report went to the Panel and the Secretary of State (and Ofsted).
    ReportSent {
        /// When.
        sent_on: Date,
    },
    /// The publication decision was made.
    PublicationDecided {
        /// The decision.
        decision: PublicationDecision,
        /// When.
        decided_on: Date,
        /// Why.
        #[serde(default)]
        reasons: Option<NonEmptyText>,
    },
    /// A pseudonym was chosen for someone.
    PseudonymChosen {
        /// Who.
        person: crate::ids::PersonId,
        /// The pseudonym.
        pseudonym: String,
    },
    /// The report was scanned for personal data before publication.
    ReportScanned {
        /// The report version scanned.
        version: u32,
        /// When.
        scanned_on: Date,
        /// What the redaction engine found.
        findings: Vec<crate::anonymisation::ScanFinding>,
    },
    /// The partnership team decided about one finding of the scan.
    FindingReviewed {
        /// The report version of the scan.
        version: u32,
        /// Which finding.
        finding: u32,
        /// Accept, reject or widen.
        decision: crate::anonymisation::FindingDecision,
        /// When.
        reviewed_on: Date,
    },
    /// The partnership team decided about a jigsaw risk (kept) or a detail (generalised).
    JigsawRiskDecided {
        /// The report version of the scan.
        version: u32,
        /// The risk's or the detail's key.
        key: String,
        /// What was decided.
        decision: crate::anonymisation::JigsawDecision,
        /// When.
        decided_on: Date,
    },
    /// The redacted text was scanned again for known names.
    AnonymisationChecked {
        /// The report version.
        version: u32,
        /// When.
        checked_on: Date,
        /// Known names still in it.
        remaining: Vec<crate::anonymisation::RemainingName>,
    },
    /// The report (or the improvements) was published.
    Published {
        /// When.
        published_on: Date,
        /// It stays online at least until then.
        #[serde(default)]
        online_until: Option<Date>,
        /// Why the partners published while a parallel process was still running.
        #[serde(default)]
        despite_parallel_process: Option<NonEmptyText>,
    },
    /// The published report was taken down.
    Unpublished {
        /// When.
        removed_on: Date,
        /// Why.
        #[serde(default)]
        reason: Option<NonEmptyText>,
    },
    /// An action was agreed.
    ActionAgreed {
        /// The action.
        action: PlannedAction,
    },
    /// Progress on an action.
    ActionProgressRecorded {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// What.
        note: NonEmptyText,
        /// Evidence.
        evidence: Option<NonEmptyText>,
    },
    /// A file of evidence was attached to an action.
    ActionEvidenceAttached {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// The file.
        attachment: super::model::Attachment,
    },
    /// The case was tagged with learning themes.
    ThemesTagged {
        /// The themes, replacing any before.
        themes: Vec<String>,
    },
    /// The case's learning was shared.
    LearningDisseminated {
        /// How, when and to whom.
        dissemination: super::model::Dissemination,
    },
    /// An action was completed (with evidence of impact, when given: events written before
    /// issue 15 always have it).
    ActionCompleted {
        /// Which.
        action_id: ActionId,
        /// When.
        completed_on: Date,
        /// Evidence of impact.
        #[serde(default)]
        evidence_of_impact: Option<NonEmptyText>,
    },
    /// The impact of a completed action was evidenced.
    ImpactEvidenced {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// The evidence.
        evidence: NonEmptyText,
    },
    /// A user was given access to the case.
    MembershipGranted {
        /// Who.
        user: crate::ids::UserId,
        /// Their part in the case.
        role: super::model::CaseRole,
        /// The agency they act for.
        agency: Option<AgencyId>,
    },
    /// A user's access to the case was taken away.
    MembershipRevoked {
        /// Who.
        user: crate::ids::UserId,
    },
    /// The case was closed.
    CaseClosed {
        /// When.
        closed_on: Date,
        /// Why.
        reason: NonEmptyText,
        /// Why it closed before the National Panel replied to its rapid review, when it did.
        #[serde(default)]
        without_panel_response: Option<NonEmptyText>,
    },
    /// A closed case is open again (at Decided, or at the action plan when actions were
    /// agreed): the National Panel disagreed with the decision after the case was closed (no
    /// reason), or the partnership reopened it with a reason (new information, a trial's
    /// outcome).
    CaseReopened {
        /// When.
        reopened_on: Date,
        /// Why, when the partnership reopened it (events before issue 15 have none).
        #[serde(default)]
        reason: Option<NonEmptyText>,
    },
    /// Why a deadline was missed was recorded (replacing any earlier reason).
    LatenessExplained {
        /// Which deadline.
        deadline: super::model::LateDeadline,
        /// Why.
        reason: NonEmptyText,
        /// When the reason was recorded.
        explained_on: Date,
    },
    /// A running local review's timescale was extended.
    LocalReviewExtended {
        /// The extension.
        extension: super::model::LocalReviewExtension,
    },
    /// A cross-border arrangement was recorded (replacing any earlier one).
    CrossBorderRecorded {
        /// The arrangement.
        arrangement: super::model::CrossBorder,
    },
    /// A section of a document was saved: a new version.
    DocumentSectionSaved {
        /// Which document.
        document: crate::documents::DocumentKind,
        /// Which section.
        section: String,
        /// The text.
        text: String,
        /// Who saved it.
        saved_by: crate::ids::UserId,
        /// When.
        saved_at: time::OffsetDateTime,
    },
    /// A recommendation of the overview report was added or changed.
    RecommendationSaved {
        /// The recommendation.
        recommendation: crate::report::Recommendation,
        /// Who saved it.
        saved_by: crate::ids::UserId,
        /// When.
        saved_at: time::OffsetDateTime,
    },
    /// A recommendation was taken out of the overview report.
    RecommendationWithdrawn {
        /// Which.
        id: crate::ids::RecommendationId,
        /// Who.
        saved_by: crate::ids::UserId,
        /// When.
        saved_at: time::OffsetDateTime,
    },
    /// A comment on a section, or a reply.
    SectionCommented {
        /// The comment.
        comment: crate::documents::SectionComment,
    },
    /// The reviewer resolved a comment's thread.
    SectionCommentResolved {
        /// Which comment.
        comment_id: uuid::Uuid,
        /// The resolution.
        resolution: crate::documents::Resolution,
    },
    /// The family's comments on the report were recorded.
    FamilyCommentRecorded {
        /// The comments.
        comment: crate::documents::FamilyComment,
    },
    /// A document was exported.
    DocumentExported {
        /// The export.
        export: crate::documents::DocumentExport,
    },
    /// A legal hold was placed on the case: it is not erased while the hold lasts.
    LegalHoldPlaced {
        /// Why.
        reason: NonEmptyText,
        /// When.
        placed_on: Date,
    },
    /// The case's legal hold was lifted.
    LegalHoldLifted {
        /// Why.
        reason: NonEmptyText,
        /// When.
        lifted_on: Date,
    },
}
