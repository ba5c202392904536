//! Whole cases as the people who run them would fill in cspr's forms: one list of steps, driven
//! over HTTP (case_forms.rs) and in Chromium (browser_flows.rs).

use cspr_domain::examples::{CSC, HEALTH, POLICE};

/// Who does a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Team,
    Chair,
    Partner,
    Reviewer,
}

/// One step: who, which form (`new:<slug>` opens a case; `members` grants a membership), the
/// answers, and a phrase the case page shows afterwards.
#[derive(Debug, Clone)]
pub struct Step {
    pub who: Who,
    pub form: &'static str,
    pub answers: Vec<(String, String)>,
    pub expect: &'static str,
}

/// The names of the date questions that say when a step was done (not when something is due).
const DONE_ON: [&str; 18] = [
    "became_aware_on",
    "notified_on",
    "received_on",
    "referral.received_on",
    "approved_on",
    "held_on",
    "completed_on",
    "decided_on",
    "signed_on",
    "submitted_on",
    "started_on",
    "ended_on",
    "sent_on",
    "published_on",
    "closed_on",
    "contact.on",
    "dissemination.on",
    "on",
];

impl Step {
    /// The day the step is done: its latest "done on" date, if it has one.
    pub fn day(&self) -> Option<time::Date> {
        DONE_ON
            .iter()
            .filter_map(|name| {
                let part = |p: &str| {
                    self.answers
                        .iter()
                        .find(|(k, _)| *k == format!("{name}-{p}"))
                        .and_then(|(_, v)| v.parse::<i32>().ok())
                };
                let month = time::Month::try_from(u8::try_from(part("month")?).ok()?).ok()?;
                time::Date::from_calendar_date(
                    part("year")?,
                    month,
                    u8::try_from(part("day")?).ok()?,
                )
                .ok()
            })
            .max()
    }
}

/// The three boxes of a date.
fn date(name: &str, iso: &str) -> Vec<(String, String)> {
    let mut parts = iso.split('-');
    let (y, m, d) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    vec![
        (format!("{name}-day"), d.trim_start_matches('0').to_owned()),
        (
            format!("{name}-month"),
            m.trim_start_matches('0').to_owned(),
        ),
        (format!("{name}-year"), y.to_owned()),
    ]
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn step(
    who: Who,
    form: &'static str,
    fields: &[(&str, &str)],
    dates: &[(&str, &str)],
    expect: &'static str,
) -> Step {
    let mut answers = pairs(fields);
    for (name, iso) in dates {
        answers.extend(date(name, iso));
    }
    Step {
        who,
        form,
        answers,
        expect,
    }
}

pub fn police() -> String {
    POLICE.as_uuid().to_string()
}
pub fn health() -> String {
    HEALTH.as_uuid().to_string()
}
pub fn csc() -> String {
    CSC.as_uuid().to_string()
}

pub const SAFETY: &str = "00000000-0000-0000-0000-00000000e009";
pub const PRACTITIONER: &str = "00000000-0000-0000-0000-00000000c003";
pub const EVENT: &str = "00000000-0000-0000-0000-00000000f001";
pub const PROCESS: &str = "00000000-0000-0000-0000-00000000f002";
pub const REC: &str = "00000000-0000-0000-0000-00000000d001";
pub const ACTION: &str = "00000000-0000-0000-0000-00000000e001";

/// A notified serious incident through rapid review, a local review, the report, publication
/// and the action plan, to closure. The clock of the tests stands at 1 September 2025.
#[allow(clippy::too_many_lines)]
pub fn local_review(partner_id: &str, reviewer_id: &str) -> Vec<Step> {
    let (p, h, c) = (police(), health(), csc());
    vec![
        step(
            Who::Team,
            "new:record-serious-incident",
            &[
                ("incident.place", "Family home"),
                ("incident.harm", "serious-harm"),
                ("incident.abuse_or_neglect", "suspected"),
                ("incident.description", "Serious injury to an infant."),
                ("children.0.name", "Ada Example"),
                ("children.0.age._", "age"),
                ("children.0.age.approximate_age", "0"),
                ("children.0.sex", "female"),
                ("children.0.known_to", &p),
                ("children.0.known_to", &h),
            ],
            &[
                ("incident.occurred_on", "2025-03-01"),
                ("became_aware_on", "2025-03-03"),
            ],
            "became aware of a serious incident",
        ),
        step(
            Who::Team,
            "notify-national-panel",
            &[("panel_reference", "NP-123")],
            &[("notified_on", "2025-03-04")],
            "National Panel was notified",
        ),
        step(
            Who::Team,
            "receive-referral",
            &[
                ("referral.referrer", "Ray Referrer"),
                ("referral.referrer_agency", &p),
                ("referral.carers.0.name", "Beth Example"),
                ("referral.carers.0.relationship", "mother"),
                ("referral.carers.0.age._", "age"),
                ("referral.carers.0.age.approximate_age", "30"),
                (
                    "referral.carers.0.address.lines",
                    "1 Example Street\nNorthtown",
                ),
                ("referral.other_agencies", &c),
                (
                    "referral.analysis.summary",
                    "Agencies knew the family for a year.",
                ),
                ("referral.analysis.strengths", "Prompt health visiting."),
                (
                    "referral.analysis.challenges",
                    "A new partner was not known.",
                ),
            ],
            &[("referral.received_on", "2025-03-05")],
            "referral was received",
        ),
        step(
            Who::Chair,
            "approve-referral",
            &[("approver", "Sam Subgroup"), ("agency", &p)],
            &[("approved_on", "2025-03-05")],
            "approved the referral",
        ),
        step(
            Who::Chair,
            "triage-referral",
            &[
                ("outcome.route", "rapid-review"),
                ("reasons", "Notified incident."),
            ],
            &[],
            "rapid review",
        ),
        step(
            Who::Team,
            "request-contributions",
            &[
                ("kind", "agency-summary"),
                ("agencies", &p),
                ("agencies", &h),
            ],
            &[],
            "agency summary",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "agency-summary"),
                ("agency", &p),
                ("contribution.text", "Two call-outs to the address."),
            ],
            &[("received_on", "2025-03-12")],
            "Rapid review",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "agency-summary"),
                ("agency", &h),
                ("contribution.text", "Health visiting from birth."),
            ],
            &[("received_on", "2025-03-13")],
            "Rapid review",
        ),
        step(
            Who::Chair,
            "hold-rapid-review-meeting",
            &[("notes", "Facts gathered; key practice episodes analysed.")],
            &[("held_on", "2025-03-19")],
            "rapid review meeting",
        ),
        step(
            Who::Chair,
            "record-safety-action",
            &[
                ("action.action_id", SAFETY),
                ("action.description", "Check the sibling's safety plan."),
                ("action.agency", &c),
            ],
            &[("action.due_on", "2025-04-01")],
            "safety action",
        ),
        step(
            Who::Chair,
            "complete-safety-action",
            &[("action_id", SAFETY)],
            &[("completed_on", "2025-03-20")],
            "safety action",
        ),
        step(
            Who::Chair,
            "record-rapid-review-learning",
            &[
                ("learning", "Information about new adults was not shared."),
                ("themes", "information sharing"),
            ],
            &[],
            "learning",
        ),
        step(
            Who::Chair,
            "tag-themes",
            &[
                ("themes", "information sharing"),
                ("themes", "voice of the child"),
            ],
            &[],
            "voice of the child",
        ),
        step(
            Who::Chair,
            "record-inequalities-consideration",
            &[
                (
                    "consideration.racism_and_culture",
                    "Considered; no evidence found.",
                ),
                (
                    "consideration.other_inequalities",
                    "Poverty affected the family.",
                ),
                (
                    "consideration.disability",
                    "Mother has a learning disability.",
                ),
            ],
            &[],
            "racism",
        ),
        step(
            Who::Chair,
            "decide-on-local-review",
            &[
                ("criteria", "criteria.multi_agency_concerns"),
                ("outcome.outcome", "local-review"),
                ("reasons", "Concerns about agencies working together."),
            ],
            &[("decided_on", "2025-03-19")],
            "hold a local review",
        ),
        Step {
            who: Who::Team,
            form: "members",
            answers: pairs(&[("user", partner_id), ("role", "safeguarding-partner")]),
            expect: "",
        },
        step(
            Who::Partner,
            "sign-off-rapid-review",
            &[("partner", "local-authority")],
            &[("signed_on", "2025-03-21")],
            "signed off",
        ),
        step(
            Who::Partner,
            "sign-off-rapid-review",
            &[("partner", "police")],
            &[("signed_on", "2025-03-21")],
            "signed off",
        ),
        step(
            Who::Partner,
            "sign-off-rapid-review",
            &[("partner", "integrated-care-board")],
            &[("signed_on", "2025-03-21")],
            "signed off",
        ),
        step(
            Who::Team,
            "submit-rapid-review",
            &[],
            &[("submitted_on", "2025-03-24")],
            "National Panel",
        ),
        step(
            Who::Team,
            "record-panel-response",
            &[("answer", "agrees")],
            &[("received_on", "2025-04-10")],
            "Panel",
        ),
        step(
            Who::Team,
            "appoint-panel-member",
            &[
                ("member.name", "Pat Panel"),
                ("member.agency", &EDUCATION_ID()),
                ("member.role_title", "Head of inclusion"),
            ],
            &[],
            "Pat Panel",
        ),
        step(
            Who::Chair,
            "agree-terms-of-reference",
            &[
                (
                    "terms.key_lines_of_enquiry",
                    "How information about new adults was shared.",
                ),
                ("terms.methodology", "learning-events"),
                ("terms.methodology", "agency-reports"),
                (
                    "terms.family_involvement",
                    "Mother invited through her health visitor.",
                ),
                ("terms.parallel_processes", "Inquest to be opened."),
                ("terms.publication", "Publish, anonymised."),
            ],
            &[
                ("terms.period_from", "2024-01-01"),
                ("terms.period_to", "2025-03-01"),
                ("terms.report_due_on", "2025-09-30"),
            ],
            "terms of reference",
        ),
        Step {
            who: Who::Team,
            form: "members",
            answers: pairs(&[("user", reviewer_id), ("role", "independent-reviewer")]),
            expect: "",
        },
        step(
            Who::Team,
            "appoint-independent-reviewer",
            &[
                ("reviewer.name", "Indy Reviewer"),
                ("reviewer.employer.kind", "outside"),
                ("reviewer.employer.name", "Independent Reviews Ltd"),
            ],
            &[],
            "Indy Reviewer",
        ),
        step(
            Who::Team,
            "request-contributions",
            &[
                ("kind", "agency-report"),
                ("agencies", &p),
                ("agencies", &h),
            ],
            &[],
            "agency report",
        ),
        step(
            Who::Team,
            "start-parallel-process",
            &[
                ("id", PROCESS),
                ("kind", "inquest"),
                ("stops_clock", "yes"),
                (
                    "reason",
                    "Witnesses cannot be seen until the inquest hears them.",
                ),
            ],
            &[("started_on", "2025-05-01")],
            "Pauses the review",
        ),
        step(
            Who::Reviewer,
            "record-practitioner",
            &[
                ("practitioner.person_id", PRACTITIONER),
                ("practitioner.name", "Harper Visitor"),
                ("practitioner.agency", &h),
                ("practitioner.role_title", "Health visitor"),
            ],
            &[],
            "Harper Visitor",
        ),
        step(
            Who::Reviewer,
            "schedule-learning-event",
            &[
                ("id", EVENT),
                ("kind", "workshop"),
                ("invited", PRACTITIONER),
            ],
            &[("on", "2025-05-20")],
            "learning event",
        ),
        step(
            Who::Reviewer,
            "send-advance-information",
            &[("id", EVENT)],
            &[("sent_on", "2025-05-06")],
            "advance information",
        ),
        step(
            Who::Reviewer,
            "record-learning-event-notes",
            &[
                ("id", EVENT),
                (
                    "notes",
                    "Practitioners described the pressure of caseloads.",
                ),
            ],
            &[],
            "learning event",
        ),
        step(
            Who::Reviewer,
            "record-contact-constraint",
            &[
                ("constraint.person", "Uncle Example"),
                ("constraint.process", PROCESS),
                ("constraint.reason", "A witness at the inquest."),
            ],
            &[],
            "Uncle Example",
        ),
        step(
            Who::Reviewer,
            "record-family-contact",
            &[
                ("contact.relative", "Beth Example"),
                ("contact.relationship", "mother"),
                ("contact.what_they_said", "She wanted agencies to listen."),
                (
                    "contact.views_on_publication",
                    "Content to publish with a pseudonym.",
                ),
            ],
            &[("contact.on", "2025-05-22")],
            "Beth Example",
        ),
        step(
            Who::Team,
            "end-parallel-process",
            &[("id", PROCESS)],
            &[("ended_on", "2025-06-02")],
            "Ended",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "agency-report"),
                ("agency", &p),
                ("contribution.text", "Our involvement."),
            ],
            &[("received_on", "2025-06-03")],
            "agency report",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "agency-report"),
                ("agency", &h),
                ("contribution.text", "Our involvement."),
            ],
            &[("received_on", "2025-06-04")],
            "agency report",
        ),
        step(
            Who::Reviewer,
            "submit-report-draft",
            &[
                (
                    "report.sections.overview",
                    "What happened to Child A, seen at home by Dr Lee.",
                ),
                ("report.sections.systemic-analysis", "Why it happened."),
                (
                    "report.sections.multi-agency-critique",
                    "How agencies worked together.",
                ),
                (
                    "report.sections.general-practice",
                    "Whether this is wider practice.",
                ),
                ("report.sections.what-should-change", "What must change."),
                (
                    "report.sections.recommendations",
                    "Two recommendations follow.",
                ),
                ("report.recommendations.0.id", REC),
                (
                    "report.recommendations.0.text",
                    "Share information about new adults.",
                ),
                ("report.recommendations.0.agencies", &p),
                ("report.recommendations.0.agencies", &h),
                ("report.recommendations.0.themes", "information sharing"),
            ],
            &[("report.recommendations.0.due_on", "2025-12-31")],
            "draft",
        ),
        step(
            Who::Team,
            "request-contributions",
            &[
                ("kind", "factual-accuracy"),
                ("agencies", &p),
                ("agencies", &h),
                // Every agency involved sees the draft: children's social care was named in
                // the referral.
                ("agencies", &c),
            ],
            &[],
            "factual-accuracy",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "factual-accuracy"),
                ("agency", &p),
                ("contribution.text", "No corrections."),
            ],
            &[("received_on", "2025-07-09")],
            "factual-accuracy",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "factual-accuracy"),
                ("agency", &h),
                ("contribution.text", "One date corrected."),
            ],
            &[("received_on", "2025-07-10")],
            "factual-accuracy",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "factual-accuracy"),
                ("agency", &c),
                ("contribution.text", "No corrections."),
            ],
            &[("received_on", "2025-07-10")],
            "factual-accuracy",
        ),
        step(
            Who::Partner,
            "sign-off-report",
            &[("partner", "local-authority")],
            &[("signed_on", "2025-07-15")],
            "signed off",
        ),
        step(
            Who::Partner,
            "sign-off-report",
            &[("partner", "police")],
            &[("signed_on", "2025-07-15")],
            "signed off",
        ),
        step(
            Who::Partner,
            "sign-off-report",
            &[("partner", "integrated-care-board")],
            &[("signed_on", "2025-07-15")],
            "signed off",
        ),
        step(
            Who::Partner,
            "decide-publication",
            &[
                ("decision.decision", "publish"),
                (
                    "reasons",
                    "The family agreed and the report can be anonymised.",
                ),
            ],
            &[],
            "publication",
        ),
        step(
            Who::Team,
            "send-report",
            &[],
            &[("sent_on", "2025-07-16")],
            "Secretary of State",
        ),
        step(
            Who::Chair,
            "agree-action",
            &[
                ("action.action_id", ACTION),
                ("action.recommendation", REC),
                ("action.agency", &h),
                (
                    "action.description",
                    "Record new adults in the household at every visit.",
                ),
                ("action.owner", "Named nurse for safeguarding"),
                (
                    "action.measure_of_success",
                    "New adults recorded in nine visits out of ten.",
                ),
                ("action.themes", "information sharing"),
            ],
            &[("action.due_on", "2025-08-29")],
            "Record new adults",
        ),
        // Publication goes through the anonymisation review (routes/publication/): scan,
        // review (the findings shown are accepted), check again for names, publish.
        step(
            Who::Team,
            "publication/scan",
            &[],
            &[],
            "Anonymisation review",
        ),
        step(
            Who::Team,
            "publication/accept-rest",
            &[],
            &[],
            "Every finding is reviewed",
        ),
        step(
            Who::Team,
            "publication/check",
            &[],
            &[],
            "names no one the case records",
        ),
        step(
            Who::Team,
            "publication/publish",
            &[
                ("title", "Child Safeguarding Practice Review: Child A"),
                (
                    "summary",
                    "How agencies worked together before Child A was harmed.",
                ),
                ("confirm", "anonymisation_reviewed"),
            ],
            &[("published_on", "2025-07-28")],
            "published",
        ),
        step(
            Who::Team,
            "record-dissemination",
            &[
                ("dissemination.kind", "briefing"),
                (
                    "dissemination.description",
                    "Seven-minute briefing for health visitors.",
                ),
                ("dissemination.reach", "85"),
            ],
            &[("dissemination.on", "2025-08-01")],
            "Seven-minute briefing",
        ),
        step(
            Who::Team,
            "record-action-progress",
            &[("action_id", ACTION), ("note", "Guidance drafted.")],
            &[("on", "2025-08-15")],
            "progress",
        ),
        step(
            Who::Chair,
            "complete-action",
            &[
                ("action_id", ACTION),
                (
                    "evidence_of_impact",
                    "Audit shows new adults recorded in 95% of cases.",
                ),
            ],
            &[("completed_on", "2025-08-28")],
            "completed",
        ),
        step(
            Who::Team,
            "close-case",
            &[("reason", "All actions complete with evidence of impact.")],
            &[("closed_on", "2025-09-01")],
            "closed",
        ),
    ]
}

#[allow(non_snake_case)]
fn EDUCATION_ID() -> String {
    cspr_domain::examples::EDUCATION.as_uuid().to_string()
}

/// A referral (not notified) that goes to scoping and ends in no further action.
pub fn scoping_no_further_action() -> Vec<Step> {
    let (h, c) = (health(), csc());
    vec![
        step(
            Who::Team,
            "new:open-with-referral",
            &[
                ("referral.referrer", "Ray Referrer"),
                ("referral.referrer_agency", &h),
                (
                    "referral.analysis.summary",
                    "Agencies knew the family for a year.",
                ),
                ("referral.analysis.strengths", "Prompt health visiting."),
                ("referral.analysis.challenges", "Neglect was not named."),
                ("referral.carers.0.name", "Cara Example"),
                ("referral.carers.0.relationship", "mother"),
                ("referral.carers.0.age._", "age"),
                ("referral.carers.0.age.approximate_age", "30"),
                (
                    "referral.carers.0.address.lines",
                    "1 Example Street\nNorthtown",
                ),
                ("opening.incident.place", "Family home"),
                ("opening.incident.harm", "serious-harm"),
                ("opening.incident.abuse_or_neglect", "not-suspected"),
                ("opening.incident.description", "An injury at home."),
                ("opening.children.0.name", "Ben Example"),
                ("opening.children.0.age._", "dob"),
                ("opening.children.0.sex", "male"),
            ],
            &[
                ("referral.received_on", "2025-08-01"),
                ("opening.incident.occurred_on", "2025-07-28"),
                ("opening.children.0.age.date_of_birth", "2021-06-01"),
            ],
            "referral was received",
        ),
        step(
            Who::Chair,
            "approve-referral",
            &[("approver", "Sam Subgroup"), ("agency", &h)],
            &[("approved_on", "2025-08-04")],
            "approved the referral",
        ),
        step(
            Who::Chair,
            "triage-referral",
            &[
                ("outcome.route", "scoping"),
                ("reasons", "Possible learning about neglect."),
            ],
            &[],
            "scoping",
        ),
        step(
            Who::Team,
            "request-contributions",
            &[("kind", "scoping-form"), ("agencies", &h), ("agencies", &c)],
            &[],
            "scoping form",
        ),
        step(
            Who::Team,
            "receive-contribution",
            &[
                ("kind", "scoping-form"),
                ("agency", &h),
                ("contribution.text", "Our involvement."),
            ],
            &[("received_on", "2025-08-20")],
            "scoping form",
        ),
        step(
            Who::Team,
            "waive-contribution",
            &[
                ("kind", "scoping-form"),
                ("agency", &c),
                ("reason", "Not known to the service."),
            ],
            &[],
            "scoping form",
        ),
        step(
            Who::Chair,
            "hold-scoping-meeting",
            &[("notes", "Learning is already known and being acted on.")],
            &[("held_on", "2025-08-28")],
            "scoping meeting",
        ),
        step(
            Who::Chair,
            "decide-on-local-review",
            &[
                ("outcome.outcome", "no-further-action"),
                ("reasons", "The learning is known and in hand."),
            ],
            &[("decided_on", "2025-08-28")],
            "no further action",
        ),
        step(
            Who::Team,
            "close-case",
            &[("reason", "No further action decided.")],
            &[("closed_on", "2025-09-01")],
            "closed",
        ),
    ]
}
