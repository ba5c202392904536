//! The access policy, in one place: who may see a case and for what need (role, partnership,
//! membership, agency), and who may do what on it. Every read of a case goes through
//! [`authorize_case`], which hands back a [`CaseAccess`] capability: the only way to load a
//! case's personal data (`cspr_web::reader`, the API, the CLI).
//!
//! The rules (docs/SECURITY.md): the partnership team and the chair see their partnership's
//! cases; everyone else sees only the cases they are members of; an agency representative sees
//! their own agency's drafts, not another agency's; the access history is the partnership
//! team's; a system administrator runs accounts and settings but sees no case.

use std::fmt;

use cspr_domain::case::{Case, Command, CommandKind, Stage};
use cspr_domain::ids::{AgencyId, CaseId, PartnershipId, UserId};
use cspr_store::{CaseMember, CaseSummary, Store};

/// The roles of accounts (PROCESS.md, "Who takes part").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Staff of the partnership's business unit.
    PartnershipTeam,
    /// Chair of the review subgroup.
    Chair,
    /// A member of the review subgroup.
    SubgroupMember,
    /// An agency's representative or author.
    AgencyRepresentative,
    /// An independent reviewer.
    IndependentReviewer,
    /// A review panel member.
    PanelMember,
    /// A lead or delegated safeguarding partner.
    SafeguardingPartner,
    /// Runs accounts and settings; sees no case.
    SystemAdministrator,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 8] = [
        Self::PartnershipTeam,
        Self::Chair,
        Self::SubgroupMember,
        Self::AgencyRepresentative,
        Self::IndependentReviewer,
        Self::PanelMember,
        Self::SafeguardingPartner,
        Self::SystemAdministrator,
    ];

    /// Stable machine name, as stored.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::PartnershipTeam => "partnership-team",
            Self::Chair => "chair",
            Self::SubgroupMember => "subgroup-member",
            Self::AgencyRepresentative => "agency-representative",
            Self::IndependentReviewer => "independent-reviewer",
            Self::PanelMember => "panel-member",
            Self::SafeguardingPartner => "safeguarding-partner",
            Self::SystemAdministrator => "system-administrator",
        }
    }

    /// Whether the partnership's "passkeys only" setting (`Settings::require_passkeys`) binds
    /// this role: the roles that see every case or change accounts (issue 16).
    #[must_use]
    pub const fn signs_in_with_passkey_when_required(self) -> bool {
        matches!(
            self,
            Self::PartnershipTeam | Self::Chair | Self::SystemAdministrator
        )
    }

    /// Plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::PartnershipTeam => "Partnership team",
            Self::Chair => "Review subgroup chair",
            Self::SubgroupMember => "Subgroup member",
            Self::AgencyRepresentative => "Agency representative",
            Self::IndependentReviewer => "Independent reviewer",
            Self::PanelMember => "Review panel member",
            Self::SafeguardingPartner => "Safeguarding partner",
            Self::SystemAdministrator => "System administrator",
        }
    }

    /// The role with this machine name.
    #[must_use]
    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Whether the role sees every case of its partnership.
    #[must_use]
    pub const fn sees_partnership_cases(self) -> bool {
        matches!(self, Self::PartnershipTeam | Self::Chair)
    }

    /// Whether a first sign-in through the organisation's identity provider may link an
    /// account of this role by its verified address alone. Not the roles that see every case
    /// or run the service: an address at the provider is not enough to take one of those.
    #[must_use]
    pub const fn links_by_address(self) -> bool {
        !matches!(
            self,
            Self::PartnershipTeam | Self::Chair | Self::SystemAdministrator
        )
    }
}

/// A signed-in person who has passed the second factor.
#[derive(Clone)]
pub struct Principal {
    /// Who.
    pub user_id: UserId,
    /// Their partnership.
    pub partnership_id: PartnershipId,
    /// Their role.
    pub role: Role,
    /// Their agency, when they act for one.
    pub agency_id: Option<AgencyId>,
    /// Their name, for the header (personal: never logged).
    pub display_name: String,
    /// Hash of their session token.
    pub session: String,
}

impl fmt::Debug for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Principal")
            .field("user_id", &self.user_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What a route needs of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseNeed {
    /// The case's personal data and its progress.
    Read,
    /// One agency's draft contributions.
    AgencyDraft,
    /// Who looked at the case.
    AccessHistory,
    /// Give and take away case membership.
    ManageMembers,
}

/// Why access was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Not signed in (or the session ended).
    SignedOut,
    /// Signed in, but not allowed.
    Forbidden,
    /// No such case (or not visible: the same answer, so ids cannot be probed).
    NotFound,
}

/// The capability to read one case for one need. Only [`authorize_case`] makes one.
#[derive(Debug, Clone)]
pub struct CaseAccess {
    case_id: CaseId,
    need: CaseNeed,
    agency: Option<AgencyId>,
    principal: Principal,
    summary: CaseSummary,
    stream_version: u64,
    shredded: bool,
}

impl CaseAccess {
    /// Whether the case's key had been destroyed when access was granted (then nothing of it
    /// is served from memory).
    #[must_use]
    pub const fn shredded(&self) -> bool {
        self.shredded
    }

    /// The version of the case's stream when access was granted: a decoded case kept in
    /// memory at it can be served without reading the version again.
    #[must_use]
    pub const fn stream_version(&self) -> u64 {
        self.stream_version
    }

    /// The case.
    #[must_use]
    pub const fn case_id(&self) -> CaseId {
        self.case_id
    }

    /// What it was granted for.
    #[must_use]
    pub const fn need(&self) -> CaseNeed {
        self.need
    }

    /// The agency whose drafts it opens, for [`CaseNeed::AgencyDraft`].
    #[must_use]
    pub const fn agency(&self) -> Option<AgencyId> {
        self.agency
    }

    /// Who holds it.
    #[must_use]
    pub const fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The case's list row (non-personal).
    #[must_use]
    pub const fn summary(&self) -> &CaseSummary {
        &self.summary
    }
}

/// The pure decision: may this principal, related to the case like this, have this need?
#[must_use]
pub fn allows(
    principal: &Principal,
    case_partnership: PartnershipId,
    membership: Option<&CaseMember>,
    need: CaseNeed,
    agency: Option<AgencyId>,
) -> bool {
    // An administrator runs accounts and settings and sees no case, whatever memberships an
    // earlier role left behind.
    if principal.partnership_id != case_partnership || principal.role == Role::SystemAdministrator {
        return false;
    }
    let team = principal.role == Role::PartnershipTeam;
    let partnership_wide = principal.role.sees_partnership_cases();
    match need {
        CaseNeed::Read => partnership_wide || membership.is_some(),
        CaseNeed::AccessHistory | CaseNeed::ManageMembers => team,
        CaseNeed::AgencyDraft => {
            // The agency recorded on the membership and the account's agency must both be the
            // agency whose drafts are asked for.
            let member_agency = membership
                .and_then(|m| m.role.strip_prefix("agency-representative:"))
                .and_then(|a| uuid::Uuid::parse_str(a).ok())
                .map(AgencyId::from_uuid);
            partnership_wide
                || (agency.is_some() && member_agency == agency && principal.agency_id == agency)
        }
    }
}

/// Checks a principal's need of a case against the rules and the case's membership, and hands
/// back the capability.
///
/// # Errors
/// [`Denied::NotFound`] for a case that does not exist, [`Denied::Forbidden`] otherwise;
/// store failures become `Forbidden` too (fail closed) and are logged by the caller.
pub async fn authorize_case(
    store: &Store,
    principal: &Principal,
    case_id: CaseId,
    need: CaseNeed,
    agency: Option<AgencyId>,
) -> Result<CaseAccess, Denied> {
    let cspr_store::CaseRead {
        summary,
        roles,
        stream_version,
        shredded,
    } = store
        .case_summary_for(case_id.as_uuid(), principal.user_id.as_uuid())
        .await
        .map_err(|_| Denied::Forbidden)?
        .ok_or(Denied::NotFound)?;
    // Someone holding more than one role on a case is judged by the first (as they sort).
    let membership = roles.into_iter().next().map(|role| CaseMember {
        user_id: principal.user_id.as_uuid(),
        role,
    });
    let case_partnership = PartnershipId::from_uuid(summary.partnership_id);
    if allows(
        principal,
        case_partnership,
        membership.as_ref(),
        need,
        agency,
    ) {
        Ok(CaseAccess {
            case_id,
            need,
            agency,
            principal: principal.clone(),
            summary,
            stream_version,
            shredded,
        })
    } else if principal.partnership_id != case_partnership {
        // Another partnership's case: do not confirm it exists.
        Err(Denied::NotFound)
    } else {
        Err(Denied::Forbidden)
    }
}

// ------------------------------------------------------------------------------------------
// Who may do what on a case they can read. The pages offer only what these allow, and the
// services and routes refuse the rest: one table, here.
// ------------------------------------------------------------------------------------------

/// Who edits which document: the rapid review report is the subgroup's, the terms of
/// reference the chair's and the reviewer's, the overview report the reviewer's (with the
/// partnership team for all three).
#[must_use]
pub const fn may_edit_document(p: &Principal, kind: cspr_domain::documents::DocumentKind) -> bool {
    use cspr_domain::documents::DocumentKind;
    match kind {
        DocumentKind::RapidReview => matches!(
            p.role,
            Role::PartnershipTeam | Role::Chair | Role::SubgroupMember
        ),
        DocumentKind::TermsOfReference => matches!(
            p.role,
            Role::PartnershipTeam | Role::Chair | Role::IndependentReviewer
        ),
        DocumentKind::OverviewReport => {
            matches!(p.role, Role::PartnershipTeam | Role::IndependentReviewer)
        }
    }
}

/// Who resolves comments on a document and records the family's comments.
#[must_use]
pub const fn may_resolve_comments(p: &Principal) -> bool {
    matches!(p.role, Role::PartnershipTeam | Role::IndependentReviewer)
}

/// Who may export and download a case's documents.
#[must_use]
pub const fn may_export_documents(p: &Principal) -> bool {
    !matches!(p.role, Role::AgencyRepresentative | Role::PanelMember)
}

/// Who may open one agency's drafts and files: the partnership-wide roles, and that agency's
/// own representative.
#[must_use]
pub fn may_open_agency_draft(p: &Principal, agency: AgencyId) -> bool {
    p.role.sees_partnership_cases()
        || (p.role == Role::AgencyRepresentative && p.agency_id == Some(agency))
}

/// Who may answer a request for an agency: the partnership team, and that agency's own
/// representative.
#[must_use]
pub fn may_answer_for_agency(p: &Principal, agency: AgencyId) -> bool {
    p.role == Role::PartnershipTeam
        || (p.role == Role::AgencyRepresentative && p.agency_id == Some(agency))
}

/// The one agency a person acts for: an agency representative's own (an account without one
/// acts for none, so every command naming an agency is refused), `None` for the partnership's
/// roles, who act for the partnership as a whole.
#[must_use]
pub fn acting_for(p: &Principal) -> Option<AgencyId> {
    (p.role == Role::AgencyRepresentative).then(|| {
        p.agency_id
            .unwrap_or(AgencyId::from_uuid(uuid::Uuid::nil()))
    })
}

/// Whether the person may give `command` on `case` for the agencies it names: anyone acting for
/// the partnership may; an agency representative only for their own agency.
#[must_use]
pub fn may_give(p: &Principal, case: &Case, command: &Command) -> bool {
    acting_for(p).is_none_or(|agency| cspr_domain::case::within_agency(agency, case, command))
}

/// Who marks key practice episodes on the integrated chronology.
#[must_use]
pub const fn may_mark_key_episodes(p: &Principal) -> bool {
    matches!(
        p.role,
        Role::PartnershipTeam | Role::Chair | Role::IndependentReviewer
    )
}

/// Who may add evidence to an action owned by `agency`: the subgroup, and the owning
/// agency's representative.
#[must_use]
pub fn may_add_evidence(p: &Principal, agency: AgencyId) -> bool {
    match p.role {
        Role::PartnershipTeam | Role::Chair | Role::SubgroupMember => true,
        Role::AgencyRepresentative => p.agency_id == Some(agency),
        _ => false,
    }
}

/// Who runs the anonymisation review and publishes: the partnership team.
#[must_use]
pub fn may_publish(p: &Principal) -> bool {
    p.role == Role::PartnershipTeam
}

/// Who moves a case on at each stage (by the stage's key), for the dashboard's tasks: the roles
/// that may give one of the commands the stage waits on ([`Stage::awaits`] in the domain,
/// [`runners`] here), so the tasks follow the process and this policy without a table of their
/// own.
#[must_use]
pub fn responsible_for_stage(stage: &str) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|role| moves_case_on(*role, stage))
        .collect()
}

/// Whether someone in `role` moves a case on at `stage` (by its key): one of the commands the
/// stage waits on is theirs to give. Asked once per case on the dashboard, so it allocates
/// nothing.
#[must_use]
pub fn moves_case_on(role: Role, stage: &str) -> bool {
    Stage::from_key(stage).is_some_and(|s| s.awaits().iter().any(|kind| may_run(role, *kind)))
}

/// Who may give each kind of command on a case they can read, through the case's forms: the
/// one table of the access policy for commands. Kinds given only through pages of their own
/// (documents, requests, the anonymisation review, memberships, exports) have their own rules
/// above and are given by no form (`&[]`).
#[must_use]
pub const fn runners(kind: CommandKind) -> &'static [Role] {
    use CommandKind as K;
    const TEAM: &[Role] = &[Role::PartnershipTeam];
    const TEAM_CHAIR: &[Role] = &[Role::PartnershipTeam, Role::Chair];
    const SUBGROUP: &[Role] = &[Role::PartnershipTeam, Role::Chair, Role::SubgroupMember];
    const PARTNERS: &[Role] = &[Role::PartnershipTeam, Role::SafeguardingPartner];
    const REVIEWER: &[Role] = &[Role::PartnershipTeam, Role::IndependentReviewer];
    const AGENCY: &[Role] = &[Role::PartnershipTeam, Role::AgencyRepresentative];
    match kind {
        K::RecordSeriousIncident
        | K::ReceiveReferral
        | K::NotifyNationalPanel
        | K::FindReferralNotifiable
        | K::RequestContributions
        | K::WaiveContribution
        | K::SubmitRapidReview
        | K::RecordPanelResponse
        | K::AppointPanelMember
        | K::AppointIndependentReviewer
        | K::StartParallelProcess
        | K::EndParallelProcess
        | K::SendReport
        | K::Publish
        | K::Unpublish
        | K::RecordDissemination
        | K::CloseCase
        | K::ReopenCase
        | K::ExplainLateness
        | K::RecordCrossBorder
        | K::PlaceLegalHold
        | K::LiftLegalHold => TEAM,
        K::TriageReferral
        | K::HoldRapidReviewMeeting
        | K::RecordSafetyAction
        | K::CompleteSafetyAction
        | K::RecordRapidReviewLearning
        | K::RecordInequalitiesConsideration
        | K::DecideOnLocalReview
        | K::AgreeTermsOfReference
        | K::ExtendLocalReview => TEAM_CHAIR,
        K::ApproveReferral
        | K::HoldScopingMeeting
        | K::AgreeAction
        | K::CompleteAction
        | K::EvidenceImpact
        | K::TagThemes => SUBGROUP,
        K::SignOffRapidReview | K::SignOffReport | K::DecidePublication => PARTNERS,
        K::SubmitReportDraft
        | K::RecordPractitioner
        | K::ScheduleLearningEvent
        | K::SendAdvanceInformation
        | K::RecordLearningEventNotes
        | K::RecordFamilyContact
        | K::RecordContactConstraint => REVIEWER,
        K::ReceiveContribution | K::RecordActionProgress => AGENCY,
        _ => &[],
    }
}

/// Whether someone in this role may give a kind of command through the case's forms.
#[must_use]
pub fn may_run(role: Role, kind: CommandKind) -> bool {
    runners(kind).contains(&role)
}

/// The capability to edit one document of one case. Only [`document_editor`] makes one, from
/// the capability to read the case and the person's right to edit that document; the document
/// services take it, so no path writes a document without both checks.
#[derive(Debug, Clone)]
pub struct DocumentEditor {
    case_id: CaseId,
    document: cspr_domain::documents::DocumentKind,
    user_id: UserId,
}

impl DocumentEditor {
    /// The case.
    #[must_use]
    pub const fn case_id(&self) -> CaseId {
        self.case_id
    }

    /// The document.
    #[must_use]
    pub const fn document(&self) -> cspr_domain::documents::DocumentKind {
        self.document
    }

    /// Who edits.
    #[must_use]
    pub const fn user_id(&self) -> UserId {
        self.user_id
    }
}

/// The capability to edit `document` of the case `access` opens, if the person may.
#[must_use]
pub fn document_editor(
    access: &CaseAccess,
    document: cspr_domain::documents::DocumentKind,
) -> Option<DocumentEditor> {
    may_edit_document(access.principal(), document).then(|| DocumentEditor {
        case_id: access.case_id(),
        document,
        user_id: access.principal().user_id,
    })
}

/// The capability to answer one request of one case for one agency. Only [`answerer`] makes one,
/// from the capability to read the case (opened for that agency's drafts) and the person's
/// right to answer for the agency; the answering services take it.
#[derive(Debug, Clone)]
pub struct Answerer {
    case_id: CaseId,
    kind: cspr_domain::case::model::ContributionKind,
    agency: AgencyId,
}

impl Answerer {
    /// The case.
    #[must_use]
    pub const fn case_id(&self) -> CaseId {
        self.case_id
    }

    /// What was asked for.
    #[must_use]
    pub const fn kind(&self) -> cspr_domain::case::model::ContributionKind {
        self.kind
    }

    /// The agency answered for.
    #[must_use]
    pub const fn agency(&self) -> AgencyId {
        self.agency
    }
}

/// The capability to answer the request of `kind` to the agency whose drafts `access` opens, if
/// the person may answer for that agency ([`may_answer_for_agency`]).
#[must_use]
pub fn answerer(
    access: &CaseAccess,
    kind: cspr_domain::case::model::ContributionKind,
) -> Option<Answerer> {
    let agency = access.agency()?;
    may_answer_for_agency(access.principal(), agency).then(|| Answerer {
        case_id: access.case_id(),
        kind,
        agency,
    })
}

/// The scope of what a person may list: in the query, never filtered after.
#[must_use]
pub fn listing_scope(p: &Principal) -> cspr_store::CaseScope {
    if p.role.sees_partnership_cases() {
        cspr_store::CaseScope::Partnership(p.partnership_id.as_uuid())
    } else {
        cspr_store::CaseScope::Member {
            partnership_id: p.partnership_id.as_uuid(),
            user_id: p.user_id.as_uuid(),
        }
    }
}

/// Who may use the pages that are not about one case: the route table's role lists, here with
/// the rest of the policy.
pub mod pages {
    use super::Role;

    /// Opening a case (a serious incident or a referral): the partnership team, who alone give
    /// the first command of a case (see [`super::runners`]).
    pub const OPEN_CASES: &[Role] = &[Role::PartnershipTeam];
    /// Subject access requests: searching every case for a named person.
    pub const SUBJECT_ACCESS: &[Role] = &[Role::PartnershipTeam];
    /// The partnership's settings and its forms for agencies.
    pub const SETTINGS: &[Role] = &[Role::PartnershipTeam];
    /// User accounts: the system administrator.
    pub const ACCOUNTS: &[Role] = &[Role::SystemAdministrator];
    /// Deciding requests for roles that see every case (the two-person rule): another
    /// administrator or the partnership team (`accounts::grants::may_approve`).
    pub const APPROVERS: &[Role] = &[Role::SystemAdministrator, Role::PartnershipTeam];
    /// The administration start page and the partnership's agencies.
    pub const PARTNERSHIP_SETUP: &[Role] = &[Role::SystemAdministrator, Role::PartnershipTeam];
    /// The subgroup's meetings and their agendas.
    pub const MEETINGS: &[Role] = &[Role::PartnershipTeam, Role::Chair, Role::SubgroupMember];
    /// The partnership's yearly figures: the people who answer for the partnership.
    pub const FIGURES: &[Role] = &[
        Role::PartnershipTeam,
        Role::Chair,
        Role::SubgroupMember,
        Role::SafeguardingPartner,
    ];
    /// Thematic briefings: those who answer for the partnership's learning, and agencies'
    /// representatives (who see only the briefings sent to their agency:
    /// `briefings::may_read`).
    pub const BRIEFINGS: &[Role] = &[
        Role::PartnershipTeam,
        Role::Chair,
        Role::SubgroupMember,
        Role::SafeguardingPartner,
        Role::AgencyRepresentative,
    ];
    /// Writing, sending and closing briefings, and agreeing actions from the answers.
    pub const BRIEFING_WRITERS: &[Role] = &[Role::PartnershipTeam, Role::Chair];
    /// Answering a briefing for an agency: its representatives (their own agency only) and the
    /// partnership team on an agency's behalf (`briefings::may_answer_for`).
    pub const BRIEFING_ANSWERS: &[Role] = &[Role::PartnershipTeam, Role::AgencyRepresentative];
    /// The lists of cases, the action tracker, the themes and the chronology template: everyone
    /// who works on cases (not the system administrator, who sees no case).
    pub const CASEWORK: &[Role] = &[
        Role::PartnershipTeam,
        Role::Chair,
        Role::SubgroupMember,
        Role::AgencyRepresentative,
        Role::IndependentReviewer,
        Role::PanelMember,
        Role::SafeguardingPartner,
    ];
}
