//! Synthetic example cases: a partnership with five agencies and three scripts that walk a case
//! through every stage of the process with realistic dates. Used by the tests and by
//! `cspr demo`. Every name here is invented.

use time::Date;
use time::macros::date;
use uuid::Uuid;

use crate::agency::SafeguardingPartner;
use crate::calendar::Calendar;
use crate::case::Command;
use crate::case::model::*;
use crate::ids::*;
use crate::report::{OverviewReport, Recommendation, Section};
use crate::settings::Settings;
use crate::vocab::*;

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub const POLICE: AgencyId = AgencyId(Uuid::from_u128(0xA1));
pub const HEALTH: AgencyId = AgencyId(Uuid::from_u128(0xA2));
pub const CSC: AgencyId = AgencyId(Uuid::from_u128(0xA3));
pub const EDUCATION: AgencyId = AgencyId(Uuid::from_u128(0xA4));
pub const PROBATION: AgencyId = AgencyId(Uuid::from_u128(0xA5));
pub const PARTNERSHIP: PartnershipId = PartnershipId(Uuid::from_u128(0xB1));
pub const CHILD: PersonId = PersonId(Uuid::from_u128(0xC1));
pub const MOTHER: PersonId = PersonId(Uuid::from_u128(0xC2));
pub const PRACTITIONER: PersonId = PersonId(Uuid::from_u128(0xC3));
pub const REC1: RecommendationId = RecommendationId(Uuid::from_u128(0xD1));
pub const REC2: RecommendationId = RecommendationId(Uuid::from_u128(0xD2));
pub const ACTION1: ActionId = ActionId(Uuid::from_u128(0xE1));
/// The chronology entry of the examples.
pub const ENTRY1: Uuid = Uuid::from_u128(0xF7);
pub const ACTION2: ActionId = ActionId(Uuid::from_u128(0xE2));
pub const SAFETY1: ActionId = ActionId(Uuid::from_u128(0xE9));
pub const EVENT1: LearningEventId = LearningEventId(Uuid::from_u128(0xF1));
/// The user account of the example independent reviewer.
pub const REVIEWER_USER: UserId = UserId(Uuid::from_u128(0x5E1));
/// The user account of the example health agency representative.
pub const AGENCY_USER: UserId = UserId(Uuid::from_u128(0x5E2));
pub const INQUEST: ProcessId = ProcessId(Uuid::from_u128(0xF2));

pub fn text(s: &str) -> NonEmptyText {
    NonEmptyText::parse(s).expect("example text is valid")
}

pub fn name(s: &str) -> PersonName {
    PersonName::parse(s).expect("example name is valid")
}

/// The settings of the fixture partnership: default timescales, subgroup meetings on the
/// second Thursday of each month of 2025.
pub fn settings() -> Settings {
    Settings {
        subgroup_meetings: vec![
            date!(2025 - 03 - 13),
            date!(2025 - 04 - 10),
            date!(2025 - 05 - 08),
            date!(2025 - 06 - 12),
        ],
        ..Settings::default()
    }
}

pub fn calendar() -> Calendar {
    Calendar::england_and_wales()
}

pub fn child(looked_after: bool, care_leaver: bool, age: AgeOrDateOfBirth) -> ChildDetails {
    ChildDetails {
        person_id: CHILD,
        name: name("Ada Example"),
        aliases: vec![name("Addie Example")],
        age,
        sex: Sex::Female,
        ethnicity: Some("White British".into()),
        disability: None,
        nhs_number: None,
        address: Some(Address {
            lines: vec!["1 Example Street".into(), "Northtown".into()],
            postcode: Some(Postcode::parse("NT1 1AA").expect("postcode")),
        }),
        looked_after,
        care_leaver,
        child_protection_plan: true,
        child_in_need_plan: false,
        known_to: vec![POLICE, HEALTH, CSC],
        harm: None,
    }
}

pub fn incident(harm: Harm, abuse: AbuseOrNeglect) -> Incident {
    Incident {
        occurred_on: date!(2025 - 02 - 27),
        place: "Family home".into(),
        harm,
        abuse_or_neglect: abuse,
        description: text("Serious injury to an infant; non-accidental injury suspected."),
    }
}

pub fn mother() -> PersonDetails {
    PersonDetails {
        person_id: MOTHER,
        name: name("Beth Example"),
        aliases: vec![name("Bethany Exampel")],
        age: Some(AgeOrDateOfBirth::DateOfBirth(date!(1998 - 06 - 01))),
        addresses: vec![Address {
            lines: vec!["1 Example Street".into()],
            postcode: None,
        }],
        relationship: Relationship::Mother,
    }
}

pub fn referral(received_on: Date) -> Referral {
    Referral {
        referrer: name("Ray Referrer"),
        referrer_agency: POLICE,
        received_on,
        carers: vec![mother()],
        other_agencies: vec![HEALTH, CSC],
        analysis: PracticeAnalysis {
            summary: text("Agencies knew the family for a year."),
            strengths: text("Prompt health visiting."),
            challenges: text("Information was not shared about a new partner."),
        },
    }
}

pub fn opening() -> CaseOpening {
    CaseOpening {
        partnership_id: PARTNERSHIP,
        reference: "CSPR-2025-002".into(),
        incident: incident(Harm::SeriousHarm, AbuseOrNeglect::Suspected),
        children: vec![child(false, false, AgeOrDateOfBirth::ApproximateAge(7))],
    }
}

pub fn contribution() -> Contribution {
    Contribution {
        text: text("Our involvement with the family."),
        chronology: vec![],
        form: crate::case::model::FormResponse::default(),
    }
}

pub fn complete_report() -> OverviewReport {
    let mut report = OverviewReport::default();
    for s in Section::ALL {
        report
            .sections
            .insert(s, format!("Text of {}", s.heading()));
    }
    report.recommendations = vec![
        Recommendation {
            id: REC1,
            text: "Share information about new adults in the household.".into(),
            agencies: vec![POLICE, HEALTH],
            due_on: Some(date!(2025 - 12 - 31)),
            themes: vec!["information sharing".into()],
        },
        Recommendation {
            id: REC2,
            text: "Train staff on safe sleep.".into(),
            agencies: vec![HEALTH],
            due_on: Some(date!(2025 - 12 - 31)),
            themes: vec!["safe sleep".into()],
        },
    ];
    report
}

pub fn terms() -> TermsOfReference {
    TermsOfReference {
        period_from: date!(2024 - 01 - 01),
        period_to: date!(2025 - 02 - 27),
        key_lines_of_enquiry: vec![text("How information about new adults was shared.")],
        methodology: vec![Methodology::LearningEvents, Methodology::AgencyReports],
        family_involvement: text("Mother invited through her health visitor."),
        parallel_processes: text("Inquest to be opened."),
        publication: text("Publish, anonymised."),
        report_due_on: Some(date!(2025 - 09 - 30)),
    }
}

pub fn action(id: ActionId, rec: Option<RecommendationId>, due_on: Date) -> PlannedAction {
    PlannedAction {
        action_id: id,
        recommendation: rec,
        agency: HEALTH,
        description: text("Update the safe sleep guidance and train staff."),
        due_on,
        owner: Some("Named nurse for safeguarding".into()),
        measure_of_success: Some("Safe sleep advice recorded at every new birth visit.".into()),
        themes: vec!["safe sleep".into()],
    }
}

fn request(kind: ContributionKind, agencies: &[AgencyId]) -> Command {
    Command::RequestContributions {
        kind,
        agencies: agencies.to_vec(),
        due_on: None,
    }
}

/// The step in which `agency` sends its contribution of `kind` on `on`.
fn receive(kind: ContributionKind, agency: AgencyId, on: Date) -> (Date, Command) {
    let mut c = contribution();
    if kind == ContributionKind::Chronology {
        c.chronology = vec![ChronologyEntry {
            date: date!(2024 - 05 - 01),
            what: text("Home visit."),
            detail: crate::case::model::EntryDetail {
                id: Some(ENTRY1),
                ..crate::case::model::EntryDetail::default()
            },
        }];
    }
    (
        on,
        Command::ReceiveContribution {
            kind,
            agency,
            received_on: on,
            contribution: c,
        },
    )
}

/// The step in which `partner` signs off the rapid review on `on`.
fn sign_rapid_review(partner: SafeguardingPartner, on: Date) -> (Date, Command) {
    (
        on,
        Command::SignOffRapidReview {
            partner,
            signed_on: on,
        },
    )
}

/// The step in which `partner` signs off the overview report on `on`.
fn sign_report(partner: SafeguardingPartner, on: Date) -> (Date, Command) {
    (
        on,
        Command::SignOffReport {
            partner,
            signed_on: on,
        },
    )
}

/// A notified incident that goes all the way: rapid review, local review, publication,
/// action plan, closure, and removal of the report after a year.
#[expect(clippy::too_many_lines, reason = "one step per line of the process")]
pub fn local_review_script() -> Vec<(Date, Command)> {
    use ContributionKind as K;
    let mut script = vec![
        (
            date!(2025 - 03 - 03),
            Command::RecordSeriousIncident {
                partnership_id: PARTNERSHIP,
                reference: "CSPR-2025-001".into(),
                incident: incident(Harm::SeriousHarm, AbuseOrNeglect::Suspected),
                children: vec![child(false, false, AgeOrDateOfBirth::ApproximateAge(0))],
                became_aware_on: date!(2025 - 02 - 28),
            },
        ),
        (
            date!(2025 - 03 - 04),
            Command::NotifyNationalPanel {
                notified_on: date!(2025 - 03 - 04),
                panel_reference: Some("NP-123".into()),
            },
        ),
    ];
    script.extend(referral_steps(
        date!(2025 - 03 - 05),
        None,
        date!(2025 - 03 - 05),
    ));
    script.extend([
        (
            date!(2025 - 03 - 06),
            Command::TriageReferral {
                outcome: TriageOutcome::RapidReview,
                reasons: text("Notified incident."),
            },
        ),
        (
            date!(2025 - 03 - 06),
            request(K::AgencySummary, &[POLICE, HEALTH, CSC]),
        ),
        receive(K::AgencySummary, POLICE, date!(2025 - 03 - 12)),
        receive(K::AgencySummary, HEALTH, date!(2025 - 03 - 13)),
        receive(K::AgencySummary, CSC, date!(2025 - 03 - 14)),
        (
            date!(2025 - 03 - 19),
            Command::HoldRapidReviewMeeting {
                held_on: date!(2025 - 03 - 19),
                notes: text("Facts gathered; key practice episodes analysed."),
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::RecordSafetyAction {
                action: SafetyAction {
                    action_id: SAFETY1,
                    description: text("Check the sibling's safety plan."),
                    agency: CSC,
                    due_on: date!(2025 - 04 - 01),
                },
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::CompleteSafetyAction {
                action_id: SAFETY1,
                completed_on: date!(2025 - 03 - 19),
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::RecordRapidReviewLearning {
                learning: text("Information about new adults was not shared."),
                themes: vec!["information sharing".into()],
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::TagThemes {
                themes: vec!["information sharing".into(), "voice of the child".into()],
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::RecordInequalitiesConsideration {
                consideration: InequalitiesConsideration {
                    racism_and_culture: text("Considered; no evidence found."),
                    other_inequalities: text("Poverty affected the family."),
                    disability: text("Mother has a learning disability."),
                },
            },
        ),
        (
            date!(2025 - 03 - 19),
            Command::DecideOnLocalReview {
                criteria: LocalReviewCriteria {
                    multi_agency_concerns: true,
                    ..Default::default()
                },
                outcome: ReviewOutcome::LocalReview,
                reasons: text("Concerns about agencies working together."),
                decided_on: date!(2025 - 03 - 19),
            },
        ),
        sign_rapid_review(SafeguardingPartner::LocalAuthority, date!(2025 - 03 - 21)),
        sign_rapid_review(SafeguardingPartner::Police, date!(2025 - 03 - 21)),
        sign_rapid_review(
            SafeguardingPartner::IntegratedCareBoard,
            date!(2025 - 03 - 21),
        ),
        (
            date!(2025 - 03 - 24),
            Command::SubmitRapidReview {
                submitted_on: date!(2025 - 03 - 24),
            },
        ),
        (
            date!(2025 - 04 - 10),
            Command::RecordPanelResponse {
                answer: PanelAnswer::Agrees,
                comments: None,
                received_on: date!(2025 - 04 - 10),
            },
        ),
        (
            date!(2025 - 04 - 14),
            Command::AppointPanelMember {
                member: PanelMember {
                    name: name("Pat Panel"),
                    agency: EDUCATION,
                    role_title: "Head of inclusion".into(),
                    user: None,
                },
                conflict_accepted_because: None,
            },
        ),
        (
            date!(2025 - 04 - 14),
            Command::AgreeTermsOfReference { terms: terms() },
        ),
        (
            date!(2025 - 04 - 15),
            Command::GrantMembership {
                user: REVIEWER_USER,
                role: CaseRole::IndependentReviewer,
                agency: None,
            },
        ),
        (
            date!(2025 - 04 - 15),
            Command::GrantMembership {
                user: AGENCY_USER,
                role: CaseRole::AgencyRepresentative,
                agency: Some(HEALTH),
            },
        ),
        (
            date!(2025 - 04 - 15),
            Command::AppointIndependentReviewer {
                reviewer: IndependentReviewer {
                    name: name("Indy Reviewer"),
                    user: None,
                    email: None,
                    employer: Some(Employer::Outside {
                        name: text("Independent Reviews Ltd"),
                    }),
                },
            },
        ),
        (
            date!(2025 - 04 - 16),
            request(K::AgencyReport, &[POLICE, HEALTH]),
        ),
        (date!(2025 - 04 - 16), request(K::Chronology, &[POLICE])),
        (
            date!(2025 - 04 - 17),
            Command::ChangeContributionDue {
                kind: K::Chronology,
                agencies: vec![POLICE],
                due_on: date!(2025 - 05 - 30),
                reason: text("Records are archived off site."),
            },
        ),
        (
            date!(2025 - 04 - 22),
            Command::SaveContributionDraft {
                kind: K::Chronology,
                agency: POLICE,
                draft: crate::case::model::ContributionDraft::default(),
                link: None,
            },
        ),
        receive(K::AgencyReport, POLICE, date!(2025 - 04 - 30)),
        receive(K::AgencyReport, HEALTH, date!(2025 - 04 - 30)),
        receive(K::Chronology, POLICE, date!(2025 - 04 - 30)),
        (
            date!(2025 - 04 - 30),
            Command::ReopenContribution {
                kind: K::Chronology,
                agency: POLICE,
                reason: text("One visit is missing."),
            },
        ),
        receive(K::Chronology, POLICE, date!(2025 - 04 - 30)),
        (
            date!(2025 - 04 - 30),
            Command::MarkKeyPracticeEpisode {
                entry: ENTRY1,
                key: true,
            },
        ),
        (
            date!(2025 - 05 - 01),
            Command::StartParallelProcess {
                id: INQUEST,
                kind: ParallelProcessKind::Inquest,
                started_on: date!(2025 - 05 - 01),
                stops_clock: true,
                reason: text("Witnesses cannot be seen until the inquest hears their evidence."),
            },
        ),
        (
            date!(2025 - 05 - 02),
            Command::RecordPractitioner {
                practitioner: Practitioner {
                    person_id: PRACTITIONER,
                    name: name("Harper Visitor"),
                    agency: HEALTH,
                    role_title: "Health visitor".into(),
                    email: Some(EmailAddress::parse("harper@example.org").expect("email")),
                },
            },
        ),
        (
            date!(2025 - 05 - 02),
            Command::ScheduleLearningEvent {
                id: EVENT1,
                kind: LearningEventKind::Workshop,
                on: date!(2025 - 05 - 20),
                invited: vec![PRACTITIONER],
            },
        ),
        (
            date!(2025 - 05 - 06),
            Command::SendAdvanceInformation {
                id: EVENT1,
                sent_on: date!(2025 - 05 - 06),
            },
        ),
        (
            date!(2025 - 05 - 20),
            Command::RecordLearningEventNotes {
                id: EVENT1,
                notes: text("Practitioners described the pressure of caseloads."),
            },
        ),
        (
            date!(2025 - 05 - 21),
            Command::RecordContactConstraint {
                constraint: ContactConstraint {
                    person: name("Uncle Example"),
                    process: Some(INQUEST),
                    reason: text("A witness at the inquest."),
                },
            },
        ),
        (
            date!(2025 - 05 - 22),
            Command::RecordFamilyContact {
                contact: FamilyContact {
                    relative: name("Beth Example"),
                    relationship: Relationship::Mother,
                    on: date!(2025 - 05 - 22),
                    through: Some("Health visitor".into()),
                    what_they_said: Some(text("She wanted agencies to listen.")),
                    views_on_publication: Some(text("Content to publish with a pseudonym.")),
                },
            },
        ),
        (
            date!(2025 - 06 - 02),
            Command::EndParallelProcess {
                id: INQUEST,
                ended_on: date!(2025 - 06 - 02),
            },
        ),
        (
            date!(2025 - 07 - 01),
            Command::SubmitReportDraft {
                report: complete_report(),
            },
        ),
        (
            date!(2025 - 07 - 01),
            Command::SaveDocumentSection {
                document: crate::documents::DocumentKind::OverviewReport,
                section: "overview".into(),
                text: "<p>What happened, <em>told plainly</em>.</p>".into(),
                saved_at: date!(2025 - 07 - 01).midnight().assume_utc(),
            },
        ),
        (
            date!(2025 - 07 - 01),
            Command::SaveRecommendation {
                recommendation: Recommendation {
                    id: RecommendationId(Uuid::from_u128(0xD9)),
                    text: "A recommendation written in error.".into(),
                    agencies: vec![POLICE],
                    due_on: Some(date!(2025 - 12 - 31)),
                    themes: Vec::new(),
                },
                saved_at: date!(2025 - 07 - 01).midnight().assume_utc(),
            },
        ),
        (
            date!(2025 - 07 - 01),
            Command::WithdrawRecommendation {
                id: RecommendationId(Uuid::from_u128(0xD9)),
                saved_at: date!(2025 - 07 - 01).midnight().assume_utc(),
            },
        ),
        (
            date!(2025 - 07 - 02),
            request(K::FactualAccuracy, &[POLICE, HEALTH, CSC]),
        ),
        (
            date!(2025 - 07 - 03),
            Command::CommentOnSection {
                comment: crate::documents::SectionComment {
                    id: Uuid::from_u128(0xC01),
                    document: crate::documents::DocumentKind::OverviewReport,
                    section: "overview".into(),
                    agency: Some(POLICE),
                    reply_to: None,
                    author: REVIEWER_USER,
                    at: date!(2025 - 07 - 03).midnight().assume_utc(),
                    text: text("The arrest was on the 4th, not the 5th."),
                    resolved: None,
                },
            },
        ),
        (
            date!(2025 - 07 - 04),
            Command::ResolveSectionComment {
                comment_id: Uuid::from_u128(0xC01),
                note: Some(text("Date corrected.")),
                at: date!(2025 - 07 - 04).midnight().assume_utc(),
            },
        ),
        (
            date!(2025 - 07 - 04),
            Command::RecordFamilyComment {
                comment: crate::documents::FamilyComment {
                    from: text("The child's mother"),
                    received_on: date!(2025 - 07 - 04),
                    section: Some("overview".into()),
                    text: text("She asked that her son's love of football be mentioned."),
                    response: None,
                },
            },
        ),
        (
            date!(2025 - 07 - 04),
            Command::RecordDocumentExport {
                export: crate::documents::DocumentExport {
                    export_id: Uuid::from_u128(0xE01),
                    document: crate::documents::DocumentKind::OverviewReport,
                    format: crate::documents::ExportFormat::Pdf,
                    blob_id: Uuid::from_u128(0xB01),
                    size: 1000,
                    requested_by: REVIEWER_USER,
                    made_at: date!(2025 - 07 - 04).midnight().assume_utc(),
                },
            },
        ),
        receive(K::FactualAccuracy, POLICE, date!(2025 - 07 - 09)),
        receive(K::FactualAccuracy, HEALTH, date!(2025 - 07 - 09)),
        (
            date!(2025 - 07 - 10),
            Command::WaiveContribution {
                kind: K::FactualAccuracy,
                agency: CSC,
                reason: text("Agency confirmed by phone it has no comments."),
            },
        ),
        sign_report(SafeguardingPartner::LocalAuthority, date!(2025 - 07 - 15)),
        sign_report(SafeguardingPartner::Police, date!(2025 - 07 - 15)),
        sign_report(
            SafeguardingPartner::IntegratedCareBoard,
            date!(2025 - 07 - 15),
        ),
        (
            date!(2025 - 07 - 15),
            Command::DecidePublication {
                decision: PublicationDecision::Publish,
                reasons: Some(text("The family agreed and the report can be anonymised.")),
            },
        ),
        (
            date!(2025 - 07 - 16),
            Command::SendReport {
                sent_on: date!(2025 - 07 - 16),
            },
        ),
        (
            date!(2025 - 07 - 16),
            Command::AgreeAction {
                action: action(ACTION1, Some(REC1), date!(2025 - 09 - 30)),
            },
        ),
        (
            date!(2025 - 07 - 17),
            Command::ChoosePseudonym {
                person: CHILD,
                pseudonym: "Child A".into(),
            },
        ),
        (
            date!(2025 - 07 - 17),
            Command::ScanReport {
                // Draft 1, then a section saved and a recommendation added and withdrawn
                // (each save is a version of the report).
                version: 4,
                findings: vec![anonymisation_finding()],
            },
        ),
        (
            date!(2025 - 07 - 17),
            Command::ReviewFinding {
                finding: 0,
                decision: crate::anonymisation::FindingDecision::Accept,
            },
        ),
        (
            date!(2025 - 07 - 17),
            Command::CheckAnonymisation {
                remaining: Vec::new(),
            },
        ),
        (
            date!(2025 - 07 - 28),
            Command::Publish {
                published_on: date!(2025 - 07 - 28),
                anonymisation_reviewed: true,
                online_until: None,
                despite_parallel_process: None,
            },
        ),
        (
            date!(2025 - 07 - 29),
            Command::AgreeAction {
                action: action(ACTION2, Some(REC2), date!(2025 - 09 - 30)),
            },
        ),
        (
            date!(2025 - 08 - 15),
            Command::RecordActionProgress {
                action_id: ACTION1,
                on: date!(2025 - 08 - 15),
                note: text("Guidance drafted."),
                evidence: None,
            },
        ),
        (
            date!(2025 - 08 - 15),
            Command::AttachActionEvidence {
                action_id: ACTION1,
                on: date!(2025 - 08 - 15),
                attachment: Attachment {
                    blob_id: Uuid::from_u128(0xB10B),
                    file_name: "guidance-draft.pdf".into(),
                    content_type: "application/pdf".into(),
                    size: 2048,
                },
            },
        ),
        (
            date!(2025 - 09 - 15),
            Command::CompleteAction {
                action_id: ACTION1,
                completed_on: date!(2025 - 09 - 15),
                evidence_of_impact: Some(text("Audit shows new adults recorded in 95% of cases.")),
            },
        ),
        (
            date!(2025 - 09 - 16),
            Command::CompleteAction {
                action_id: ACTION2,
                completed_on: date!(2025 - 09 - 16),
                evidence_of_impact: Some(text("Safe sleep audit improved.")),
            },
        ),
        (
            date!(2025 - 09 - 20),
            Command::RecordDissemination {
                dissemination: Dissemination {
                    on: date!(2025 - 09 - 20),
                    kind: DisseminationKind::Briefing,
                    description: text(
                        "Seven-minute briefing for health visitors and social workers.",
                    ),
                    reach: Some(120),
                },
            },
        ),
        (
            date!(2025 - 09 - 30),
            Command::RevokeMembership { user: AGENCY_USER },
        ),
        (
            date!(2025 - 09 - 30),
            Command::CloseCase {
                closed_on: date!(2025 - 09 - 30),
                reason: text("All actions complete with evidence of impact."),
                without_panel_response: None,
            },
        ),
        (
            date!(2026 - 07 - 28),
            Command::Unpublish {
                removed_on: date!(2026 - 07 - 28),
                reason: Some(text("A year online; the learning is in the yearly report.")),
            },
        ),
    ]);
    script
}

/// What the redaction engine finds in the worked example's report: the first word of its first
/// section, standing for a name.
#[must_use]
pub fn anonymisation_finding() -> crate::anonymisation::ScanFinding {
    crate::anonymisation::ScanFinding {
        part: crate::anonymisation::ReportPart::Section(Section::Overview),
        start: 3,
        end: 7,
        label: "PERSON".into(),
        reason: "case_knowledge".into(),
        confidence: 99,
        known_person: true,
        replacement: "Child A".into(),
    }
}

/// The first steps of a case opened by a referral rather than a notification: the referral
/// received on 3 March 2025 with what opens the case, and approved the next day.
fn referral_received_and_approved() -> Vec<(Date, Command)> {
    referral_steps(
        date!(2025 - 03 - 03),
        Some(opening()),
        date!(2025 - 03 - 04),
    )
    .to_vec()
}

/// Two steps of a script: a referral received on `received` (with what opens the case, when
/// it opens one) and approved by the police's subgroup member on `approved`.
#[must_use]
pub fn referral_steps(
    received: Date,
    opening: Option<CaseOpening>,
    approved: Date,
) -> [(Date, Command); 2] {
    [
        (
            received,
            Command::ReceiveReferral {
                referral: referral(received),
                opening,
            },
        ),
        (
            approved,
            Command::ApproveReferral {
                approver: name("Sam Subgroup"),
                agency: POLICE,
                approved_on: approved,
            },
        ),
    ]
}

/// A referral that did not come through a notification: scoping, other learning, closure.
pub fn scoping_script() -> Vec<(Date, Command)> {
    use ContributionKind as K;
    let mut script = referral_received_and_approved();
    script.extend([
        (
            date!(2025 - 03 - 14),
            Command::TriageReferral {
                outcome: TriageOutcome::Scoping,
                reasons: text("Possible learning about neglect."),
            },
        ),
        (
            date!(2025 - 03 - 14),
            request(K::ScopingForm, &[HEALTH, CSC]),
        ),
        receive(K::ScopingForm, HEALTH, date!(2025 - 03 - 28)),
        receive(K::ScopingForm, CSC, date!(2025 - 03 - 28)),
        (
            date!(2025 - 04 - 10),
            Command::HoldScopingMeeting {
                held_on: date!(2025 - 04 - 10),
                notes: text("Learning to be shared through a practitioner event."),
            },
        ),
        (
            date!(2025 - 04 - 10),
            Command::DecideOnLocalReview {
                criteria: LocalReviewCriteria {
                    recurrent_themes: true,
                    ..Default::default()
                },
                outcome: ReviewOutcome::OtherLearning {
                    form: text("Learning event on neglect."),
                },
                reasons: text("Learning is known; a local review would add little."),
                decided_on: date!(2025 - 04 - 10),
            },
        ),
        (
            date!(2025 - 04 - 11),
            Command::AgreeAction {
                action: action(ACTION1, None, date!(2025 - 06 - 30)),
            },
        ),
        (
            date!(2025 - 06 - 20),
            Command::CompleteAction {
                action_id: ACTION1,
                completed_on: date!(2025 - 06 - 20),
                evidence_of_impact: Some(text("Practitioners report using the neglect toolkit.")),
            },
        ),
        (
            date!(2025 - 06 - 30),
            Command::CloseCase {
                closed_on: date!(2025 - 06 - 30),
                reason: text("Learning shared and embedded."),
                without_panel_response: None,
            },
        ),
    ]);
    script
}

/// A referral triaged to no further action, then closed.
pub fn no_further_action_script() -> Vec<(Date, Command)> {
    let mut script = referral_received_and_approved();
    script.extend([
        (
            date!(2025 - 03 - 05),
            Command::TriageReferral {
                outcome: TriageOutcome::NoFurtherAction,
                reasons: text("Single-agency matter, already reviewed."),
            },
        ),
        (
            date!(2025 - 03 - 06),
            Command::CloseCase {
                closed_on: date!(2025 - 03 - 06),
                reason: text("No further action."),
                without_panel_response: None,
            },
        ),
    ]);
    script
}
