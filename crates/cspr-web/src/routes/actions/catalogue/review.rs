//! The actions of a local review's commissioning and evidence gathering: the terms of
//! reference, the reviewer, practitioners, learning events, the family, parallel processes.

use super::super::spec::{Kind, Opt, Q};
use cspr_domain::case::CommandKind as K;

use super::{
    Action, Ctx, a, agency_select, area, capital, date, key, radios, relationship_opts, text,
};
use cspr_domain::case::model::{
    ExtensionReason, LearningEventKind, Methodology, ParallelProcessKind,
};
use serde_json::Value;

fn event_opts(ctx: &Ctx, held: Option<bool>) -> Vec<Opt> {
    ctx.case
        .learning_events
        .values()
        .filter(|e| held.is_none_or(|h| e.notes.is_some() == h))
        .map(|e| {
            let kind = match e.kind {
                LearningEventKind::Workshop => "Learning event",
                LearningEventKind::Conversation => "Conversation with practitioners",
            };
            Opt::new(
                e.id.to_string(),
                format!("{kind} on {}", cspr_domain::words::long_date(e.on)),
            )
        })
        .collect()
}

fn process_opts(ctx: &Ctx, open_only: bool) -> Vec<Opt> {
    ctx.case
        .parallel_processes
        .values()
        .filter(|p| !open_only || p.ended_on.is_none())
        .map(|p| {
            Opt::new(
                p.id.to_string(),
                format!(
                    "{} from {}",
                    capital(p.kind.label()),
                    cspr_domain::words::long_date(p.started_on)
                ),
            )
        })
        .collect()
}

/// The actions of this stage, in the order of the process.
#[allow(clippy::too_many_lines)]
pub(super) fn actions() -> Vec<Action> {
    vec![
        a(
            K::AgreeTermsOfReference,
            "Agree the terms of reference",
            "Agree the terms",
            "Terms of reference agreed",
            |_| {
                vec![
                    date("terms.period_from", "Start of the period under review"),
                    date("terms.period_to", "End of the period under review"),
                    Q::new(
                        "terms.key_lines_of_enquiry",
                        "Key lines of enquiry",
                        Kind::Lines,
                    )
                    .hint("One a line"),
                    Q::new(
                        "terms.methodology",
                        "Methodology",
                        Kind::Checkboxes(
                            [
                                Methodology::LearningEvents,
                                Methodology::AgencyReports,
                                Methodology::PractitionerConversations,
                                Methodology::Other,
                            ]
                            .iter()
                            .map(|m| {
                                let label = match m {
                                    Methodology::LearningEvents => "Learning events",
                                    Methodology::AgencyReports => "Individual agency reports",
                                    Methodology::PractitionerConversations => {
                                        "Conversations with practitioners"
                                    }
                                    Methodology::Other => "Another method",
                                };
                                Opt::new(key(m), label)
                            })
                            .collect(),
                        ),
                    ),
                    area(
                        "terms.family_involvement",
                        "How the family will be involved",
                    ),
                    area(
                        "terms.parallel_processes",
                        "Parallel processes and how they affect the review",
                    ),
                    area("terms.publication", "Plans for publication"),
                    date("terms.report_due_on", "Date the review reports by")
                        .hint("The timescale: when the independent reviewer is to deliver the final report"),
                ]
            },
        ),
        a(
            K::AppointIndependentReviewer,
            "Appoint the independent reviewer",
            "Appoint",
            "Independent reviewer appointed",
            |ctx| {
                vec![
                    text("reviewer.name", "Name"),
                    Q::new("reviewer.user", "", Kind::Fixed(Value::Null)),
                    text("reviewer.email", "Email address").optional(),
                    radios(
                        "reviewer.employer.kind",
                        "Who does the reviewer work for?",
                        vec![
                            Opt::new("outside", "An organisation outside the partnership")
                                .hint("A consultancy, a university, or self-employed")
                                .reveals(vec![text("reviewer.employer.name", "Its name")]),
                            Opt::new("agency", "One of the partnership's agencies")
                                .hint("Only an agency not involved in the case")
                                .reveals(vec![agency_select(
                                    "reviewer.employer.agency",
                                    "Which agency",
                                    ctx,
                                )]),
                        ],
                    ),
                ]
            },
        ),
        a(
            K::RecordPractitioner,
            "Record a practitioner",
            "Save",
            "Practitioner recorded",
            |ctx| {
                vec![
                    Q::new("practitioner.person_id", "", Kind::NewId),
                    text("practitioner.name", "Name"),
                    agency_select("practitioner.agency", "Agency", ctx),
                    text("practitioner.role_title", "Job title"),
                    text("practitioner.email", "Email address").optional(),
                ]
            },
        ),
        a(
            K::ScheduleLearningEvent,
            "Schedule a learning event",
            "Schedule",
            "Learning event scheduled",
            |ctx| {
                vec![
                    Q::new("id", "", Kind::NewId),
                    radios(
                        "kind",
                        "What kind of event?",
                        vec![
                            Opt::new(
                                key(&LearningEventKind::Workshop),
                                "A learning event with practitioners together",
                            ),
                            Opt::new(
                                key(&LearningEventKind::Conversation),
                                "Conversations with practitioners one by one",
                            ),
                        ],
                    ),
                    date("on", "Date of the event"),
                    Q::new(
                        "invited",
                        "Practitioners invited",
                        Kind::Checkboxes(
                            ctx.case
                                .practitioners
                                .iter()
                                .map(|p| {
                                    Opt::new(p.person_id.to_string(), p.name.as_str())
                                        .hint(p.role_title.clone())
                                })
                                .collect(),
                        ),
                    ),
                ]
            },
        ),
        a(
            K::SendAdvanceInformation,
            "Record the advance information sent",
            "Save",
            "Advance information recorded",
            |ctx| {
                vec![
                    radios("id", "Which event?", event_opts(ctx, Some(false))),
                    date("sent_on", "Date sent"),
                ]
            },
        ),
        a(
            K::RecordLearningEventNotes,
            "Record a learning event's notes",
            "Save",
            "Notes recorded",
            |ctx| {
                vec![
                    radios("id", "Which event?", event_opts(ctx, None)),
                    area("notes", "What was learned"),
                ]
            },
        ),
        a(
            K::RecordFamilyContact,
            "Record a contact with the family",
            "Save",
            "Family contact recorded",
            |_| {
                vec![
                    text("contact.relative", "Name of the family member"),
                    radios(
                        "contact.relationship",
                        "Relationship to the child",
                        relationship_opts(),
                    ),
                    date("contact.on", "Date of the contact"),
                    text("contact.through", "Through whom")
                        .optional()
                        .hint("For example, their advocate"),
                    area("contact.what_they_said", "What they said").optional(),
                    area("contact.views_on_publication", "Their views on publication").optional(),
                ]
            },
        ),
        a(
            K::RecordContactConstraint,
            "Record that someone cannot be contacted for now",
            "Save",
            "Contact constraint recorded",
            |ctx| {
                let mut opts = vec![Opt::new("", "Not because of a parallel process")];
                opts.extend(process_opts(ctx, true));
                vec![
                    text("constraint.person", "Who cannot be contacted"),
                    Q::new("constraint.process", "Because of", Kind::Select(opts)).optional(),
                    area("constraint.reason", "Why"),
                ]
            },
        ),
        a(
            K::StartParallelProcess,
            "Record a parallel process",
            "Save",
            "Parallel process recorded",
            |_| {
                vec![
                    Q::new("id", "", Kind::NewId),
                    radios(
                        "kind",
                        "What process?",
                        [
                            ParallelProcessKind::PoliceInvestigation,
                            ParallelProcessKind::CriminalTrial,
                            ParallelProcessKind::Inquest,
                            ParallelProcessKind::FamilyProceedings,
                            ParallelProcessKind::ChildDeathReview,
                            ParallelProcessKind::DomesticHomicideReview,
                            ParallelProcessKind::SafeguardingAdultReview,
                        ]
                        .iter()
                        .map(|k| Opt::new(key(k), capital(k.label())))
                        .collect(),
                    ),
                    date("started_on", "Date it started"),
                    Q::new(
                        "stops_clock",
                        "Does it pause the review's timescale?",
                        Kind::YesNo,
                    ),
                    area("reason", "How it affects the review"),
                ]
            },
        ),
        a(
            K::EndParallelProcess,
            "Record that a parallel process ended",
            "Save",
            "Parallel process ended",
            |ctx| {
                vec![
                    radios("id", "Which process?", process_opts(ctx, true)),
                    date("ended_on", "Date it ended"),
                ]
            },
        ),
        a(
            K::ExtendLocalReview,
            "Extend the local review's timescale",
            "Extend",
            "Timescale extended",
            |_| {
                vec![
                    radios(
                        "reason",
                        "Why is more time needed?",
                        [ExtensionReason::ChangeOfReviewer, ExtensionReason::Other]
                            .iter()
                            .map(|r| Opt::new(key(r), capital(r.label())))
                            .collect(),
                    )
                    .hint("A parallel process that pauses the review is recorded as a parallel process instead"),
                    area("explanation", "Explain the reason"),
                    date("new_due_on", "The new date the review is due"),
                    date("decided_on", "Date the partners decided"),
                ]
            },
        ),
    ]
}
