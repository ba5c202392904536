//! Commands: what a person asks the case to do, in the imperative. Each is decided against the
//! case's state in [`super::decide`].

use serde::{Deserialize, Serialize};
use time::Date;

use super::model::{
    CaseOpening, ChildDetails, ContactConstraint, Contribution, ContributionDraft,
    ContributionKind, FamilyContact, Incident, IndependentReviewer, InequalitiesConsideration,
    LearningEventKind, LocalReviewCriteria, PanelMember, ParallelProcessKind, PlannedAction,
    Practitioner, PublicationDecision, Referral, ReviewOutcome, SafetyAction, TermsOfReference,
    TriageOutcome,
};
use crate::agency::SafeguardingPartner;
use crate::ids::{ActionId, AgencyId, LearningEventId, LinkId, PartnershipId, ProcessId};
use crate::report::OverviewReport;
use crate::vocab::{NonEmptyText, PersonName};

/// Everything that can be asked of a case. Its kinds, without their data, are [`CommandKind`]:
/// the transition table ([`CommandKind::permitted_stages`]), the access policy and the pages'
/// catalogue of actions are written in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[serde(tag = "command", rename_all = "kebab-case")]
#[strum_discriminants(
    name(CommandKind),
    vis(pub),
    derive(
        Hash,
        PartialOrd,
        Ord,
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::EnumString
    ),
    strum(serialize_all = "kebab-case"),
    doc = "The kind of a [`Command`]: its name without its data (`record-serious-incident`)."
)]
pub enum Command {
    /// Stage 1: record a serious incident the local authority became aware of.
    RecordSeriousIncident {
        /// Partnership.
        partnership_id: PartnershipId,
        /// Case reference.
        reference: String,
        /// The incident.
        incident: Incident,
        /// The children (the national form takes four, with free text for more).
        children: Vec<ChildDetails>,
        /// The day the local authority became aware.
        became_aware_on: Date,
    },
    /// Stage 1: record that the National Panel was notified.
    NotifyNationalPanel {
        /// Day the notification was sent.
        notified_on: Date,
        /// The Panel's reference, when given.
        panel_reference: Option<String>,
    },
    /// A case opened by referral proves notifiable (a serious incident: abuse or neglect known or
    /// suspected and a child died or was seriously harmed): it joins the notified route, and the
    /// 5 working days to notify the National Panel run from the day the local authority became
    /// aware.
    FindReferralNotifiable {
        /// The day the local authority became aware of the serious incident.
        became_aware_on: Date,
    },
    /// Stage 2: receive a referral. A case not notified to the Panel opens with its referral.
    ReceiveReferral {
        /// The referral.
        referral: Referral,
        /// The case details, when the referral opens the case.
        opening: Option<CaseOpening>,
    },
    /// Stage 2: the referrer's agency subgroup representative approves the referral.
    ApproveReferral {
        /// Who approved.
        approver: PersonName,
        /// Their agency.
        agency: AgencyId,
        /// When.
        approved_on: Date,
    },
    /// Stage 3: the chair triages the referral.
    TriageReferral {
        /// Where it goes.
        outcome: TriageOutcome,
        /// Why.
        reasons: NonEmptyText,
    },
    /// Ask agencies for a contribution (summary, scoping form, report, chronology, factual
    /// accuracy). The due date comes from the settings when not given.
    RequestContributions {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agencies: Vec<AgencyId>,
        /// Due date, overriding the local timescale.
        due_on: Option<Date>,
    },
    /// An agency's contribution arrives.
    ReceiveContribution {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// When.
        received_on: Date,
        /// The content.
        contribution: Contribution,
    },
    /// A requested contribution is no longer needed.
    WaiveContribution {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// Why.
        reason: NonEmptyText,
    },
    /// Save an agency's response so far (answers, files, chronology entries) without sending it;
    /// with a link, that practitioner's link's own draft instead of the agency's.
    SaveContributionDraft {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// The response so far.
        draft: ContributionDraft,
        /// The practitioner's link whose draft this is; `None` for the agency's own.
        #[serde(default)]
        link: Option<LinkId>,
    },
    /// A practitioner submits their link's answers: kept for the agency to accept or decline,
    /// not the agency's response (issue 16, finding 4).
    SubmitPractitionerAnswers {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
        /// The answers.
        draft: ContributionDraft,
    },
    /// The agency (its representative or the partnership team) takes a practitioner's
    /// submitted answers as its draft, to check and send.
    AcceptPractitionerAnswers {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
    },
    /// The agency declines a practitioner's submitted answers, with why.
    DeclinePractitionerAnswers {
        /// What.
        kind: ContributionKind,
        /// For which agency.
        agency: AgencyId,
        /// The practitioner's link.
        link: LinkId,
        /// Why.
        reason: NonEmptyText,
    },
    /// The partnership team reopens a sent response so the agency can change it.
    ReopenContribution {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agency: AgencyId,
        /// Why.
        reason: NonEmptyText,
    },
    /// Move the due date of open requests, with the reason.
    ChangeContributionDue {
        /// What.
        kind: ContributionKind,
        /// From whom.
        agencies: Vec<AgencyId>,
        /// The new due date.
        due_on: Date,
        /// Why.
        reason: NonEmptyText,
    },
    /// Mark (or unmark) an entry of the integrated chronology as a key practice episode.
    MarkKeyPracticeEpisode {
        /// The entry's id.
        entry: uuid::Uuid,
        /// Whether it is a key practice episode.
        key: bool,
    },
    /// Stage 4: the rapid review meeting took place.
    HoldRapidReviewMeeting {
        /// When.
        held_on: Date,
        /// The facts gathered and key practice episodes.
        notes: NonEmptyText,
    },
    /// Stage 4: an immediate action to keep children safe.
    RecordSafetyAction {
        /// The action.
        action: SafetyAction,
    },
    /// An immediate safety action was carried out.
    CompleteSafetyAction {
        /// Which.
        action_id: ActionId,
        /// When.
        completed_on: Date,
    },
    /// Stage 4: the potential for improvement and learning.
    RecordRapidReviewLearning {
        /// The learning.
        learning: NonEmptyText,
        /// Learning themes (from the partnership's taxonomy).
        themes: Vec<String>,
    },
    /// Stage 4: how racism, other inequalities and disability shaped experiences and practice.
    RecordInequalitiesConsideration {
        /// The consideration.
        consideration: InequalitiesConsideration,
    },
    /// Stage 5: the scoping meeting took place.
    HoldScopingMeeting {
        /// When.
        held_on: Date,
        /// How learning will be identified and shared.
        notes: NonEmptyText,
    },
    /// Stage 6: decide whether to hold a local review.
    DecideOnLocalReview {
        /// The criteria considered.
        criteria: LocalReviewCriteria,
        /// The outcome.
        outcome: ReviewOutcome,
        /// Why.
        reasons: NonEmptyText,
        /// When.
        decided_on: Date,
    },
    /// Stage 4: a safeguarding partner signs off the rapid review.
    SignOffRapidReview {
        /// Which partner.
        partner: SafeguardingPartner,
        /// When.
        signed_on: Date,
    },
    /// Stage 4: the rapid review report goes to the National Panel.
    SubmitRapidReview {
        /// When.
        submitted_on: Date,
    },
    /// Stage 4: the Panel's response.
    RecordPanelResponse {
        /// The Panel's answer (issue 15: agrees, disagrees, more information, national review).
        answer: super::model::PanelAnswer,
        /// What it said.
        comments: Option<NonEmptyText>,
        /// When.
        received_on: Date,
    },
    /// Stage 7: appoint a panel member, checked for conflicts.
    AppointPanelMember {
        /// The member.
        member: PanelMember,
        /// When the member's agency is involved in the case, the reason they may still sit.
        conflict_accepted_because: Option<NonEmptyText>,
    },
    /// Stage 7: agree the terms of reference.
    AgreeTermsOfReference {
        /// The terms.
        terms: TermsOfReference,
    },
    /// Stage 7: appoint the independent reviewer.
    AppointIndependentReviewer {
        /// The reviewer.
        reviewer: IndependentReviewer,
    },
    /// Stage 8: record a practitioner involved during the period under review.
    RecordPractitioner {
        /// The practitioner.
        practitioner: Practitioner,
    },
    /// Stage 8: schedule a learning event and invite practitioners.
    ScheduleLearningEvent {
        /// Id.
        id: LearningEventId,
        /// Kind.
        kind: LearningEventKind,
        /// When.
        on: Date,
        /// Practitioners invited (their person ids).
        invited: Vec<crate::ids::PersonId>,
    },
    /// Stage 8: advance information went to the invited practitioners.
    SendAdvanceInformation {
        /// Which event.
        id: LearningEventId,
        /// When.
        sent_on: Date,
    },
    /// Stage 8: the learning event took place.
    RecordLearningEventNotes {
        /// Which event.
        id: LearningEventId,
        /// Notes.
        notes: NonEmptyText,
    },
    /// Stage 8: a contact with a family member.
    RecordFamilyContact {
        /// The contact.
        contact: FamilyContact,
    },
    /// Stage 8: someone cannot be contacted for now.
    RecordContactConstraint {
        /// The constraint.
        constraint: ContactConstraint,
    },
    /// Stage 9: a parallel process starts.
    StartParallelProcess {
        /// Id.
        id: ProcessId,
        /// Kind.
        kind: ParallelProcessKind,
        /// When.
        started_on: Date,
        /// Whether it stops the local review clock.
        stops_clock: bool,
        /// How it affects the review.
        reason: NonEmptyText,
    },
    /// Stage 9: a parallel process ends.
    EndParallelProcess {
        /// Which.
        id: ProcessId,
        /// When.
        ended_on: Date,
    },
    /// Stage 10: the independent reviewer submits a draft overview report.
    SubmitReportDraft {
        /// The draft.
        report: OverviewReport,
    },
    /// Stage 11: a safeguarding partner signs off the final report.
    SignOffReport {
        /// Which partner.
        partner: SafeguardingPartner,
        /// When.
        signed_on: Date,
    },
    /// Stage 11: the final report goes to the National Panel and the Secretary of State.
    SendReport {
        /// When.
        sent_on: Date,
    },
    /// Stage 12: decide about publication.
    DecidePublication {
        /// The decision.
        decision: PublicationDecision,
        /// Why the partners decided so (required for a decision to publish the report).
        #[serde(default)]
        reasons: Option<NonEmptyText>,
    },
    /// A pseudonym the family chose for a child or an adult, used instead of "Child A" or
    /// "Mother" in the published report.
    ChoosePseudonym {
        /// Who.
        person: crate::ids::PersonId,
        /// The pseudonym.
        pseudonym: String,
    },
    /// Stage 12: the redaction engine's findings in the latest version of the report.
    ScanReport {
        /// The report version scanned.
        version: u32,
        /// What the engine found.
        findings: Vec<crate::anonymisation::ScanFinding>,
    },
    /// Stage 12: the partnership team's decision on one finding of the anonymisation scan.
    ReviewFinding {
        /// Which finding (its index in the scan).
        finding: u32,
        /// Accept, reject or widen.
        decision: crate::anonymisation::FindingDecision,
    },
    /// Stage 12: the partnership team's decision on a detail, or a combination of details, of
    /// the redacted report that could identify the family once put together.
    DecideJigsawRisk {
        /// The risk's key (to keep a combination) or the detail's key (to generalise it).
        key: String,
        /// Keep the combination, or generalise the detail.
        decision: crate::anonymisation::JigsawDecision,
    },
    /// Stage 12: the redacted text after the review, scanned again for known names.
    CheckAnonymisation {
        /// Names of known people still in the redacted text (where and whose, never the name).
        remaining: Vec<crate::anonymisation::RemainingName>,
    },
    /// Stage 12: publish (the report, or information about improvements).
    Publish {
        /// When.
        published_on: Date,
        /// Confirms the published text passed the anonymisation review.
        anonymisation_reviewed: bool,
        /// Until when it stays online at least (one year or more); a year when not given.
        #[serde(default)]
        online_until: Option<Date>,
        /// Why the partners publish while a parallel process is still running (needed then).
        #[serde(default)]
        despite_parallel_process: Option<NonEmptyText>,
    },
    /// Stage 12: take the published report down.
    Unpublish {
        /// When.
        removed_on: Date,
        /// Why.
        #[serde(default)]
        reason: Option<NonEmptyText>,
    },
    /// Stage 13: agree an action.
    AgreeAction {
        /// The action.
        action: PlannedAction,
    },
    /// Stage 13: progress on an action.
    RecordActionProgress {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// What was done.
        note: NonEmptyText,
        /// Evidence.
        evidence: Option<NonEmptyText>,
    },
    /// Stage 13: a file of evidence for an action.
    AttachActionEvidence {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// The file (already stored, sealed with the case key).
        attachment: super::model::Attachment,
    },
    /// Tag the case with learning themes (replacing its tags).
    TagThemes {
        /// The themes (from the partnership's taxonomy).
        themes: Vec<String>,
    },
    /// Record how the case's learning was shared.
    RecordDissemination {
        /// How, when and to whom.
        dissemination: super::model::Dissemination,
    },
    /// Stage 13: an action is complete, with evidence of its impact when there is some yet.
    CompleteAction {
        /// Which.
        action_id: ActionId,
        /// When.
        completed_on: Date,
        /// The evidence of impact, when already known (else [`Command::EvidenceImpact`] later).
        #[serde(default)]
        evidence_of_impact: Option<NonEmptyText>,
    },
    /// Stage 13: the impact of a completed action is evidenced (PROCESS.md stage 13).
    EvidenceImpact {
        /// Which.
        action_id: ActionId,
        /// When.
        on: Date,
        /// The evidence of impact.
        evidence: NonEmptyText,
    },
    /// Give a user access to the case in a role.
    GrantMembership {
        /// Who.
        user: crate::ids::UserId,
        /// Their part in the case.
        role: super::model::CaseRole,
        /// The agency they act for (required for an agency representative).
        agency: Option<AgencyId>,
    },
    /// Take a user's access to the case away.
    RevokeMembership {
        /// Who.
        user: crate::ids::UserId,
    },
    /// Close the case.
    CloseCase {
        /// When.
        closed_on: Date,
        /// Why now.
        reason: NonEmptyText,
        /// Why the case closes before the National Panel replied to its rapid review, when it
        /// does (otherwise closing waits for the reply).
        #[serde(default)]
        without_panel_response: Option<NonEmptyText>,
    },
    /// Record why a statutory deadline (or the local review's timescale) was missed; a later
    /// reason replaces an earlier one (issue 15).
    ExplainLateness {
        /// Which deadline.
        deadline: super::model::LateDeadline,
        /// Why it was missed.
        reason: NonEmptyText,
    },
    /// Extend a running local review's timescale for a reason other than a parallel process
    /// (a change of reviewer), to a later date (PROCESS.md stage 14; issue 15).
    ExtendLocalReview {
        /// The new due date.
        new_due_on: Date,
        /// Why.
        reason: super::model::ExtensionReason,
        /// The reason explained.
        explanation: NonEmptyText,
        /// When the partners decided it.
        decided_on: Date,
    },
    /// Record a cross-border arrangement (replacing any earlier one; issue 15).
    RecordCrossBorder {
        /// The arrangement.
        arrangement: super::model::CrossBorder,
    },
    /// Reopen a closed case: new information, a trial's outcome (issue 15).
    ReopenCase {
        /// When.
        reopened_on: Date,
        /// Why.
        reason: NonEmptyText,
    },
    /// Save one section of a document (a new version).
    SaveDocumentSection {
        /// Which document.
        document: crate::documents::DocumentKind,
        /// Which section (its key).
        section: String,
        /// The text (sanitised rich text).
        text: String,
        /// When (the author is the actor).
        saved_at: time::OffsetDateTime,
    },
    /// Add or change one recommendation of the overview report (a new version).
    SaveRecommendation {
        /// The recommendation (a new id adds one).
        recommendation: crate::report::Recommendation,
        /// When.
        saved_at: time::OffsetDateTime,
    },
    /// Take a recommendation out of the overview report (a new version).
    WithdrawRecommendation {
        /// Which.
        id: crate::ids::RecommendationId,
        /// When.
        saved_at: time::OffsetDateTime,
    },
    /// Comment on a section for factual accuracy, or reply in a comment's thread.
    CommentOnSection {
        /// The comment (its author is the actor).
        comment: crate::documents::SectionComment,
    },
    /// The reviewer resolves a comment's thread.
    ResolveSectionComment {
        /// Which comment.
        comment_id: uuid::Uuid,
        /// What was done about it.
        note: Option<NonEmptyText>,
        /// When.
        at: time::OffsetDateTime,
    },
    /// Record the family's comments on the report before publication.
    RecordFamilyComment {
        /// The comments.
        comment: crate::documents::FamilyComment,
    },
    /// Record an export of a document and the sealed file that holds it.
    RecordDocumentExport {
        /// The export.
        export: crate::documents::DocumentExport,
    },
    /// Keep the case from erasure, whatever its retention period, while litigation, an inquest
    /// or a later review needs it.
    PlaceLegalHold {
        /// Why.
        reason: NonEmptyText,
    },
    /// End the case's legal hold: its retention period applies again.
    LiftLegalHold {
        /// Why.
        reason: NonEmptyText,
    },
}

impl CommandKind {
    /// Every kind.
    pub fn all() -> impl Iterator<Item = Self> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// The kind's name, as in a command's JSON and in addresses (`record-serious-incident`).
    #[must_use]
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The kind a name names.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        name.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind's name is the command's tag in its JSON, for every command of the worked
    /// examples, and every kind's name reads back as that kind.
    #[test]
    fn kind_names_are_the_commands_tags() {
        let examples = crate::examples::local_review_script()
            .into_iter()
            .chain(crate::examples::scoping_script())
            .chain(crate::examples::no_further_action_script());
        for (_, command) in examples {
            let json = serde_json::to_value(&command).expect("json");
            let tag = json["command"].as_str().expect("tagged");
            assert_eq!(CommandKind::from(&command).name(), tag);
        }
        let kinds: Vec<CommandKind> = CommandKind::all().collect();
        assert!(kinds.len() > 50, "{}", kinds.len());
        for kind in kinds {
            assert_eq!(CommandKind::parse(kind.name()), Some(kind));
            assert!(
                !kind.permitted_stages().is_empty(),
                "{} is permitted somewhere",
                kind.name()
            );
        }
        assert_eq!(CommandKind::parse("no-such-command"), None);
    }
}
