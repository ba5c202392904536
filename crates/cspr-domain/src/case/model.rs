//! The facts a case records: the incident, the children, the adults around them, the referral,
//! agency contributions, the review's commissioning, evidence, report and actions. Commands and
//! events share these types so what was asked for is exactly what is recorded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::agency::SafeguardingPartner;
use crate::ids::{
    ActionId, AgencyId, LearningEventId, LinkId, PartnershipId, PersonId, ProcessId,
    RecommendationId, UserId,
};
use crate::report::OverviewReport;
use crate::vocab::{
    AgeOrDateOfBirth, EmailAddress, NhsNumber, NonEmptyText, PersonName, Postcode, Relationship,
    Sex,
};

/// Whether the child died or was seriously harmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Harm {
    /// The child died.
    Death,
    /// Serious or long-term impairment of health or development (WT2023 ch.5, not exhaustive).
    SeriousHarm,
}

/// What is known about abuse or neglect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AbuseOrNeglect {
    /// Abuse or neglect is known.
    Known,
    /// Abuse or neglect is suspected.
    Suspected,
    /// Neither known nor suspected.
    NotSuspected,
}

/// The incident that started the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// When it happened.
    pub occurred_on: Date,
    /// Where it happened (free text, may identify: personal).
    pub place: String,
    /// Death or serious harm.
    pub harm: Harm,
    /// Whether abuse or neglect is known or suspected.
    pub abuse_or_neglect: AbuseOrNeglect,
    /// What happened, briefly.
    pub description: NonEmptyText,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street lines and town.
    pub lines: Vec<String>,
    /// Postcode, when known.
    pub postcode: Option<Postcode>,
}

impl Address {
    /// Whether it says nowhere: no line with any text, and no postcode.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.postcode.is_none() && self.lines.iter().all(|l| l.trim().is_empty())
    }
}

/// A child the case is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDetails {
    /// The person id of the child.
    pub person_id: PersonId,
    /// Name.
    pub name: PersonName,
    /// Known aliases and alternative spellings.
    pub aliases: Vec<PersonName>,
    /// Date of birth or approximate age.
    pub age: AgeOrDateOfBirth,
    /// Sex.
    pub sex: Sex,
    /// Ethnicity, as recorded.
    pub ethnicity: Option<String>,
    /// Disability, as recorded.
    pub disability: Option<String>,
    /// NHS number when known.
    pub nhs_number: Option<NhsNumber>,
    /// Home address.
    pub address: Option<Address>,
    /// Looked after by a local authority at the time.
    pub looked_after: bool,
    /// A care leaver (previously looked after).
    pub care_leaver: bool,
    /// Subject of a child protection plan.
    pub child_protection_plan: bool,
    /// Subject of a child in need plan.
    pub child_in_need_plan: bool,
    /// Agencies that knew the child.
    pub known_to: Vec<AgencyId>,
    /// This child's harm, where an incident harmed several children differently; none means
    /// the incident's harm (children recorded before issue 15 have none).
    #[serde(default)]
    pub harm: Option<Harm>,
}

impl ChildDetails {
    /// This child's harm: its own, or the incident's.
    #[must_use]
    pub fn harm_in(&self, incident: &Incident) -> Harm {
        self.harm.unwrap_or(incident.harm)
    }
}

/// An adult or relative recorded on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// Person id.
    pub person_id: PersonId,
    /// Name.
    pub name: PersonName,
    /// Known aliases and alternative spellings.
    pub aliases: Vec<PersonName>,
    /// Date of birth or approximate age, when known.
    pub age: Option<AgeOrDateOfBirth>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// Relationship to the child.
    pub relationship: Relationship,
}

/// Why an incident must be notified to the National Panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotifiableBecause {
    /// Abuse or neglect known or suspected, and the child died or was seriously harmed
    /// (Children Act 2004 s16C(1)).
    AbuseOrNeglect,
    /// The death of a looked-after child, whatever the cause (WT2023 ch.5; PROCESS.md stage 1).
    /// A rapid review follows unless the case is found, with reasons, not to meet the criteria
    /// ([`TriageOutcome::RapidReviewCriteriaNotMet`]).
    LookedAfterChildDeath,
    /// The death of a care leaver up to and including age 24 (WT2023 ch.5): notified, but no
    /// rapid review is needed.
    CareLeaverDeath,
}

impl NotifiableBecause {
    /// Whether the notification requires a rapid review.
    #[must_use]
    pub const fn needs_rapid_review(self) -> bool {
        !matches!(self, Self::CareLeaverDeath)
    }
}

/// The analysis of practice a referral carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeAnalysis {
    /// What happened in practice, briefly.
    pub summary: NonEmptyText,
    /// Strengths of practice.
    pub strengths: NonEmptyText,
    /// Areas of challenge.
    pub challenges: NonEmptyText,
}

/// A referral to the review subgroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    /// Who referred (name).
    pub referrer: PersonName,
    /// The referrer's agency.
    pub referrer_agency: AgencyId,
    /// When it arrived.
    pub received_on: Date,
    /// The adults caring for the child: names, dates of birth, addresses, aliases.
    pub carers: Vec<PersonDetails>,
    /// The other agencies working with the family.
    pub other_agencies: Vec<AgencyId>,
    /// Analysis of the practice in the case.
    pub analysis: PracticeAnalysis,
}

/// What opens a case that did not come through a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOpening {
    /// The partnership the case belongs to.
    pub partnership_id: PartnershipId,
    /// The case reference ("CSPR-2025-004"): never the child's name.
    pub reference: String,
    /// The incident.
    pub incident: Incident,
    /// The children (at least one).
    pub children: Vec<ChildDetails>,
}

/// How the chair triaged a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "kebab-case")]
pub enum TriageOutcome {
    /// A rapid review.
    RapidReview,
    /// Scoping at the next scheduled subgroup meeting.
    Scoping,
    /// No further action.
    NoFurtherAction,
    /// A looked-after child's death, abuse or neglect not suspected, that does not meet the
    /// criteria for a rapid review (an expected death from illness, say): determined with the
    /// reasons recorded, after the notification, which stays required (WT2023 ch.5). The case is
    /// decided with no review.
    RapidReviewCriteriaNotMet,
}

/// The kinds of contribution a partnership asks agencies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContributionKind {
    /// Rapid review: individual agency summary (or practitioner scoping form).
    AgencySummary,
    /// Scoping: scoping form.
    ScopingForm,
    /// Local review: individual agency report.
    AgencyReport,
    /// Local review: agency chronology.
    Chronology,
    /// Draft overview report: factual-accuracy response.
    FactualAccuracy,
}

impl ContributionKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::AgencySummary,
        Self::ScopingForm,
        Self::AgencyReport,
        Self::Chronology,
        Self::FactualAccuracy,
    ];

    /// Plain words, singular, with the article, for the start of a sentence.
    #[must_use]
    pub const fn with_article(self) -> &'static str {
        match self {
            Self::AgencySummary => "An agency summary",
            Self::ScopingForm => "A scoping form",
            Self::AgencyReport => "An agency report",
            Self::Chronology => "A chronology",
            Self::FactualAccuracy => "A factual-accuracy response",
        }
    }

    /// The stable name in addresses and keys (`agency-summary`).
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::AgencySummary => "agency-summary",
            Self::ScopingForm => "scoping-form",
            Self::AgencyReport => "agency-report",
            Self::Chronology => "chronology",
            Self::FactualAccuracy => "factual-accuracy",
        }
    }

    /// The kind a slug names.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Plain words, singular.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::AgencySummary => "agency summary",
            Self::ScopingForm => "scoping form",
            Self::AgencyReport => "agency report",
            Self::Chronology => "chronology",
            Self::FactualAccuracy => "factual-accuracy response",
        }
    }
}

/// One entry of an agency chronology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChronologyEntry {
    /// When it happened (the first day of the month or year when only that is known).
    pub date: Date,
    /// What happened and what the agency did.
    pub what: NonEmptyText,
    /// The rest of the entry: how exact the date is, the time, source, who, significance,
    /// analysis and its id (entries recorded before these existed read with the defaults).
    #[serde(default)]
    pub detail: EntryDetail,
}

/// How exactly a chronology entry's date is known.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum DatePrecision {
    /// The day is known.
    #[default]
    Day,
    /// Only the month is known (the date is its first day).
    Month,
    /// Only the year is known (the date is 1 January).
    Year,
}

/// A time of day, minutes after midnight, written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// Parses `HH:MM` (or `H:MM`, 24-hour clock).
    ///
    /// # Errors
    /// A message in words when the text is not a time of day.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("\"{}\" is not a time like 14:30", text.trim());
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 || text.trim().len() > 5 {
            return Err(bad());
        }
        Ok(Self(h * 60 + m))
    }

    /// Minutes after midnight.
    #[must_use]
    pub const fn minutes(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> Self {
        t.to_string()
    }
}

/// The parts of a chronology entry beyond its date and what happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryDetail {
    /// The entry's id (made at the edge), so the reviewer can mark it as a key practice episode.
    pub id: Option<uuid::Uuid>,
    /// How exactly the date is known.
    pub precision: DatePrecision,
    /// The time of day, when known.
    pub time: Option<TimeOfDay>,
    /// Where the agency found it (case notes, GP record, ...).
    pub source: String,
    /// Who was involved, by role (never by name).
    pub who: String,
    /// Why it matters.
    pub significance: String,
    /// The agency's analysis.
    pub analysis: String,
}

/// An answer to one question of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The question's id in the form definition.
    pub question: String,
    /// The question as it was asked (forms change; the answer keeps its question).
    pub asked: String,
    /// The answer.
    pub answer: String,
}

/// A file sent with a response, stored sealed with the case key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFile {
    /// The stored file.
    pub blob: uuid::Uuid,
    /// Its name as uploaded.
    pub name: String,
    /// Its checked type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Who answered a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Responder {
    /// The agency's representative, signed in.
    #[default]
    Agency,
    /// A named practitioner, through their single-form link.
    Practitioner,
}

/// The answers, files and responder of a response to a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormResponse {
    /// Answers by question, in the form's order.
    pub answers: Vec<Answer>,
    /// Files sent with it.
    pub attachments: Vec<ResponseFile>,
    /// Who answered.
    pub by: Responder,
}

/// A response being written: saved as often as wanted, sent separately.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContributionDraft {
    /// The answers and files so far.
    pub form: FormResponse,
    /// Chronology entries so far.
    pub chronology: Vec<ChronologyEntry>,
}

/// What an agency sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// The text (summary, form answers, report or factual-accuracy comments).
    pub text: NonEmptyText,
    /// Chronology entries, when the kind carries them.
    pub chronology: Vec<ChronologyEntry>,
    /// The answers by question and the files (responses recorded before forms read empty).
    #[serde(default)]
    pub form: FormResponse,
}

/// The state of one request to one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContributionStatus {
    /// Asked for, due on the date.
    Requested,
    /// Received on the date.
    Received {
        /// When.
        on: Date,
        /// What.
        contribution: Contribution,
    },
    /// Not needed any more, with the reason.
    Waived {
        /// Why.
        reason: NonEmptyText,
    },
}

/// One request to one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionRequest {
    /// What was asked for.
    pub kind: ContributionKind,
    /// From whom.
    pub agency: AgencyId,
    /// When it was asked for.
    pub requested_on: Date,
    /// When it is due.
    pub due_on: Date,
    /// Where it stands.
    pub status: ContributionStatus,
    /// The response being written, until it is sent.
    #[serde(default)]
    pub draft: Option<ContributionDraft>,
    /// Times the partnership team reopened a sent response.
    #[serde(default)]
    pub reopened: u32,
    /// Each practitioner's link's own draft, kept apart from the agency's draft and from
    /// every other link's (issue 16, finding 4).
    #[serde(default)]
    pub link_drafts: BTreeMap<LinkId, ContributionDraft>,
    /// What practitioners submitted through their links, by link: nothing of it counts as the
    /// agency's response until the agency's representative or the partnership team accepts it.
    #[serde(default)]
    pub submissions: BTreeMap<LinkId, LinkSubmission>,
}

/// A practitioner's answers submitted through their link, for the agency to accept or decline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSubmission {
    /// When the practitioner submitted them.
    pub submitted_on: Date,
    /// The answers.
    pub draft: ContributionDraft,
    /// Whether the agency has decided on them yet.
    pub outcome: SubmissionOutcome,
}

/// What became of a practitioner's submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum SubmissionOutcome {
    /// Waiting for the agency's representative or the partnership team.
    Pending,
    /// Taken as the agency's draft, to check and send.
    Accepted {
        /// When.
        on: Date,
    },
    /// Not taken, with why.
    Declined {
        /// When.
        on: Date,
        /// Why.
        reason: NonEmptyText,
    },
}

impl LinkSubmission {
    /// Still waiting for a decision.
    #[must_use]
    pub const fn is_pending(&self) -> bool {
        matches!(self.outcome, SubmissionOutcome::Pending)
    }
}

impl ContributionRequest {
    /// Received or waived.
    #[must_use]
    pub const fn is_settled(&self) -> bool {
        !matches!(self.status, ContributionStatus::Requested)
    }
}

/// An immediate action to keep children safe, decided during a rapid review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyAction {
    /// Id.
    pub action_id: ActionId,
    /// What must be done.
    pub description: NonEmptyText,
    /// Which agency does it.
    pub agency: AgencyId,
    /// By when.
    pub due_on: Date,
}

/// The consideration of racism, other inequalities and disability (WT2023 ch.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InequalitiesConsideration {
    /// How racism, ethnicity and culture shaped experiences and practice.
    pub racism_and_culture: NonEmptyText,
    /// Other inequalities (poverty, gender, sexuality, ...).
    pub other_inequalities: NonEmptyText,
    /// Disability of the child or the parents.
    pub disability: NonEmptyText,
}

/// The criteria of regulation 11 (SI 2018/789) and the circumstances WT2023 asks partners to
/// have regard to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per statutory criterion"
)]
pub struct LocalReviewCriteria {
    /// (a) highlights or may highlight improvements needed, including ones identified before.
    pub improvements_needed: bool,
    /// (b) highlights or may highlight recurrent themes.
    pub recurrent_themes: bool,
    /// (c) concerns about two or more organisations working together.
    pub multi_agency_concerns: bool,
    /// (d) the National Panel concluded a local review may be more appropriate.
    pub panel_suggested_local_review: bool,
    /// Regard: serious concern about a single agency.
    pub single_agency_concern: bool,
    /// Regard: no agency involvement, which worries the partners.
    pub no_agency_involvement: bool,
    /// Regard: more than one local authority, police area or health area involved.
    pub several_areas: bool,
    /// Regard: an institutional setting.
    pub institutional_setting: bool,
}

impl LocalReviewCriteria {
    /// Whether any of the four regulation 11 criteria is met.
    #[must_use]
    pub const fn any_regulation_11(&self) -> bool {
        self.improvements_needed
            || self.recurrent_themes
            || self.multi_agency_concerns
            || self.panel_suggested_local_review
    }
}

/// What the partners decided about a local review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ReviewOutcome {
    /// A local child safeguarding practice review.
    LocalReview,
    /// Another form of learning (single-agency review, learning event, thematic work).
    OtherLearning {
        /// Which form.
        form: NonEmptyText,
    },
    /// No further action.
    NoFurtherAction,
}

/// The part a user plays on one case. Membership is what lets anyone outside the partnership
/// team and the chair see the case (need to know).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseRole {
    /// A member of the review subgroup discussing the case.
    SubgroupMember,
    /// The named representative or author of one agency.
    AgencyRepresentative,
    /// The independent reviewer of the case's local review.
    IndependentReviewer,
    /// A member of the review panel.
    PanelMember,
    /// A lead or delegated safeguarding partner who signs off.
    SafeguardingPartner,
}

impl CaseRole {
    /// Every case role.
    pub const ALL: [Self; 5] = [
        Self::SubgroupMember,
        Self::AgencyRepresentative,
        Self::IndependentReviewer,
        Self::PanelMember,
        Self::SafeguardingPartner,
    ];

    /// A stable machine name.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::SubgroupMember => "subgroup-member",
            Self::AgencyRepresentative => "agency-representative",
            Self::IndependentReviewer => "independent-reviewer",
            Self::PanelMember => "panel-member",
            Self::SafeguardingPartner => "safeguarding-partner",
        }
    }

    /// Plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::SubgroupMember => "Subgroup member",
            Self::AgencyRepresentative => "Agency representative",
            Self::IndependentReviewer => "Independent reviewer",
            Self::PanelMember => "Review panel member",
            Self::SafeguardingPartner => "Safeguarding partner",
        }
    }
}

/// A user's membership of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Their part in the case.
    pub role: CaseRole,
    /// The agency they act for, when they act for one.
    pub agency: Option<AgencyId>,
}

/// A review panel member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelMember {
    /// Name.
    pub name: PersonName,
    /// Their agency.
    pub agency: AgencyId,
    /// Job title.
    pub role_title: String,
    /// Their account, when they have one.
    pub user: Option<UserId>,
}

/// How the review gathers its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Methodology {
    /// Practitioner workshops or learning events.
    LearningEvents,
    /// Individual agency reports.
    AgencyReports,
    /// Conversations with individual practitioners.
    PractitionerConversations,
    /// Another method, described in the terms of reference.
    Other,
}

/// The terms of reference of a local review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsOfReference {
    /// Start of the period under review.
    pub period_from: Date,
    /// End of the period under review.
    pub period_to: Date,
    /// Key lines of enquiry.
    pub key_lines_of_enquiry: Vec<NonEmptyText>,
    /// Methodology.
    pub methodology: Vec<Methodology>,
    /// How the family will be involved.
    pub family_involvement: NonEmptyText,
    /// How parallel processes will be handled.
    pub parallel_processes: NonEmptyText,
    /// Publication arrangements.
    pub publication: NonEmptyText,
    /// The timescale: the day the review is to report by (WT2023 ch.5; PROCESS.md stage 7).
    /// Terms agreed before it was asked for have none.
    #[serde(default)]
    pub report_due_on: Option<Date>,
}

/// The independent reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndependentReviewer {
    /// Name.
    pub name: PersonName,
    /// Their account, when they have one.
    pub user: Option<UserId>,
    /// Email.
    pub email: Option<EmailAddress>,
    /// The organisation they work for, checked against every agency involved. Reviewers
    /// appointed before it was asked for have none.
    #[serde(default)]
    pub employer: Option<Employer>,
}

/// Who employs an independent reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Employer {
    /// An organisation outside the partnership's agencies (a consultancy, a university, self-employed).
    Outside {
        /// Its name.
        name: NonEmptyText,
    },
    /// One of the partnership's agencies: independent only while that agency is not involved.
    Agency {
        /// Which.
        agency: AgencyId,
    },
}

/// A practitioner who worked with the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practitioner {
    /// Person id.
    pub person_id: PersonId,
    /// Name.
    pub name: PersonName,
    /// Their agency.
    pub agency: AgencyId,
    /// Role.
    pub role_title: String,
    /// Email for the invitation.
    pub email: Option<EmailAddress>,
}

/// The kind of practitioner learning event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LearningEventKind {
    /// A workshop for many practitioners.
    Workshop,
    /// A conversation with one or a few practitioners.
    Conversation,
}

/// A practitioner learning event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningEvent {
    /// Id.
    pub id: LearningEventId,
    /// Kind.
    pub kind: LearningEventKind,
    /// When.
    pub on: Date,
    /// Advance information sent on.
    pub advance_information_sent_on: Option<Date>,
    /// Notes, once held.
    pub notes: Option<NonEmptyText>,
    /// Practitioners invited.
    pub invited: Vec<PersonId>,
}

/// A contact with a family member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyContact {
    /// Who (a person recorded on the case, or a named relative).
    pub relative: PersonName,
    /// Relationship to the child.
    pub relationship: Relationship,
    /// When.
    pub on: Date,
    /// Through which professional they already know.
    pub through: Option<String>,
    /// What they said.
    pub what_they_said: Option<NonEmptyText>,
    /// Their views on publication.
    pub views_on_publication: Option<NonEmptyText>,
}

/// The kinds of process that run beside a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParallelProcessKind {
    /// Police investigation.
    PoliceInvestigation,
    /// Criminal trial.
    CriminalTrial,
    /// Coroner's inquest.
    Inquest,
    /// Family proceedings.
    FamilyProceedings,
    /// Child death review.
    ChildDeathReview,
    /// Domestic homicide review.
    DomesticHomicideReview,
    /// Safeguarding adult review.
    SafeguardingAdultReview,
}

impl ParallelProcessKind {
    /// Plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::PoliceInvestigation => "police investigation",
            Self::CriminalTrial => "criminal trial",
            Self::Inquest => "coroner's inquest",
            Self::FamilyProceedings => "family proceedings",
            Self::ChildDeathReview => "child death review",
            Self::DomesticHomicideReview => "domestic homicide review",
            Self::SafeguardingAdultReview => "safeguarding adult review",
        }
    }
}

/// A process beside the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParallelProcess {
    /// Id.
    pub id: ProcessId,
    /// Kind.
    pub kind: ParallelProcessKind,
    /// Started on.
    pub started_on: Date,
    /// Ended on.
    pub ended_on: Option<Date>,
    /// Whether it stops the local review clock while it runs.
    pub stops_clock: bool,
    /// Why it delays the review (recorded, not hidden).
    pub reason: NonEmptyText,
}

/// A constraint on contacting a witness or relative (for example during criminal proceedings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactConstraint {
    /// Who cannot be contacted.
    pub person: PersonName,
    /// Because of which process, when one is recorded.
    pub process: Option<ProcessId>,
    /// Why.
    pub reason: NonEmptyText,
}

/// What the partners decided about publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum PublicationDecision {
    /// Publish the report.
    Publish,
    /// Do not publish: it would harm other children or cannot be anonymised.
    DoNotPublish {
        /// Why.
        reason: NonEmptyText,
    },
    /// Publish information about the improvements instead.
    PublishImprovementsOnly {
        /// Why.
        reason: NonEmptyText,
    },
}

/// One action of the action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAction {
    /// Id.
    pub action_id: ActionId,
    /// The recommendation it answers, when there is a report.
    pub recommendation: Option<RecommendationId>,
    /// Which agency does it.
    pub agency: AgencyId,
    /// What.
    pub description: NonEmptyText,
    /// By when.
    pub due_on: Date,
    /// Who in the agency owns it (a job title or a name).
    #[serde(default)]
    pub owner: Option<String>,
    /// How the agency will know it made a difference.
    #[serde(default)]
    pub measure_of_success: Option<String>,
    /// Learning themes (from the partnership's taxonomy).
    #[serde(default)]
    pub themes: Vec<String>,
}

/// A file kept as evidence (the bytes are a sealed blob of the case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The blob's id in the store.
    pub blob_id: uuid::Uuid,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Its checked media type.
    pub content_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// How the learning of a case was shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DisseminationKind {
    /// A written or spoken briefing.
    Briefing,
    /// A learning event.
    LearningEvent,
    /// Training.
    Training,
    /// A newsletter.
    Newsletter,
    /// Another way.
    Other,
}

impl DisseminationKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::Briefing,
        Self::LearningEvent,
        Self::Training,
        Self::Newsletter,
        Self::Other,
    ];

    /// Plain words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Briefing => "briefing",
            Self::LearningEvent => "learning event",
            Self::Training => "training",
            Self::Newsletter => "newsletter",
            Self::Other => "other",
        }
    }
}

/// One sharing of a case's learning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dissemination {
    /// When.
    pub on: Date,
    /// How.
    pub kind: DisseminationKind,
    /// Who it was for and what was shared.
    pub description: NonEmptyText,
    /// How many people it reached, when known.
    pub reach: Option<u32>,
}

/// Progress on an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProgress {
    /// When.
    pub on: Date,
    /// What was done.
    pub note: NonEmptyText,
    /// Evidence, when there is some.
    pub evidence: Option<NonEmptyText>,
}

/// An action and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionState {
    /// What was agreed.
    pub action: PlannedAction,
    /// Progress, oldest first.
    pub progress: Vec<ActionProgress>,
    /// Completed on, with the evidence of impact when it was given with the completion (old
    /// state always has it: completion once required it).
    pub completed: Option<(Date, Option<NonEmptyText>)>,
    /// Files of evidence: (the day attached, the file).
    #[serde(default)]
    pub attachments: Vec<(Date, Attachment)>,
    /// Impact evidenced after the completion: when, and the evidence.
    #[serde(default)]
    pub impact_evidenced: Option<(Date, NonEmptyText)>,
}

impl ActionState {
    /// When the action's impact was evidenced, with the evidence: with its completion, or
    /// later ([`crate::case::Command::EvidenceImpact`]).
    #[must_use]
    pub fn impact(&self) -> Option<(Date, &NonEmptyText)> {
        self.impact_evidenced
            .as_ref()
            .map(|(on, e)| (*on, e))
            .or_else(|| {
                self.completed
                    .as_ref()
                    .and_then(|(on, e)| e.as_ref().map(|e| (*on, e)))
            })
    }
}

/// The signatures a decision or report collects.
pub type SignOffs = std::collections::BTreeMap<SafeguardingPartner, Date>;

/// A draft of the overview report with its version number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// 1, 2, ...
    pub version: u32,
    /// Submitted on.
    pub submitted_on: Date,
    /// The report.
    pub report: OverviewReport,
}

/// A deadline whose lateness must be explained (issue 15): the statutory notification and rapid
/// review, and the local review's timescale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LateDeadline {
    /// The notification to the National Panel: 5 working days (Children Act 2004 s16C; WT2023
    /// ch.5).
    Notification,
    /// The rapid review: 15 working days from the notification (WT2023 ch.5).
    RapidReview,
    /// The local review: six months from the decision, extended by clock stops and extensions
    /// (local aim, WT2023 ch.5).
    LocalReview,
}

impl LateDeadline {
    /// Every one, in process order.
    pub const ALL: [Self; 3] = [Self::Notification, Self::RapidReview, Self::LocalReview];

    /// The key of its deadline in [`crate::deadlines::deadlines`].
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::RapidReview => "rapid-review",
            Self::LocalReview => "local-review",
        }
    }

    /// The deadline a key names, when it is one of these.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key)
    }

    /// What was late, in words ("the notification to the National Panel").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Notification => "the notification to the National Panel",
            Self::RapidReview => "the rapid review",
            Self::LocalReview => "the local review",
        }
    }
}

/// Why a local review's timescale is extended, other than a parallel process's clock stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtensionReason {
    /// The independent reviewer changed.
    ChangeOfReviewer,
    /// Another reason, in the explanation.
    Other,
}

impl ExtensionReason {
    /// In words ("a change of reviewer").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::ChangeOfReviewer => "a change of reviewer",
            Self::Other => "another reason",
        }
    }
}

/// An extension of a running local review's timescale (PROCESS.md stage 14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalReviewExtension {
    /// The new date the review is due.
    pub new_due_on: Date,
    /// Why.
    pub reason: ExtensionReason,
    /// The reason explained.
    pub explanation: NonEmptyText,
    /// When the partners decided it.
    pub decided_on: Date,
}

/// The National Panel's answer to a rapid review (PROCESS.md stage 4; WT2023 ch.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PanelAnswer {
    /// It agrees with the partners' decision.
    Agrees,
    /// It disagrees (its reasons in the comments): the decision may be revised.
    Disagrees,
    /// It asks for more information (said in the comments): the rapid review is resubmitted.
    MoreInformation,
    /// It takes the case as a national review: the partnership contributes, and the local
    /// review's six-month aim no longer applies.
    NationalReview,
}

impl PanelAnswer {
    /// The answer an event records: its `answer`, or for events written before the Panel's
    /// other answers, agrees or disagrees by `agrees`.
    #[must_use]
    pub const fn recorded(agrees: bool, answer: Option<Self>) -> Self {
        match answer {
            Some(a) => a,
            None if agrees => Self::Agrees,
            None => Self::Disagrees,
        }
    }

    /// In words ("asked for more information").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Agrees => "agreed with the decision",
            Self::Disagrees => "did not agree with the decision",
            Self::MoreInformation => "asked for more information",
            Self::NationalReview => "took the case as a national review",
        }
    }
}

/// Which partnership leads a cross-border case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lead {
    /// This partnership leads; the other collaborates.
    Us,
    /// The other partnership leads; this one collaborates.
    Them,
}

/// A case that crosses a border (issue 15; WT2023 ch.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CrossBorder {
    /// The child is from another partnership's area: the partnerships agree which leads.
    ChildFromAnotherArea {
        /// The other partnership.
        other_partnership: NonEmptyText,
        /// Which leads.
        lead: Lead,
    },
    /// A child normally resident in England was harmed outside England: still notifiable
    /// (Children Act 2004 s16C(1)(b)).
    HarmedOutsideEngland {
        /// Where.
        country: NonEmptyText,
    },
}
