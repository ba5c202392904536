//! The actions that open a case and carry it through referral and triage: the incident, the
//! referral, the notification to the National Panel, and the agencies' contributions asked for.
//! The questions about the people involved (children, parents and carers) are here.

use super::super::spec::{Kind, Opt, Q};
use cspr_domain::case::CommandKind as K;

use super::{
    Action, Ctx, a, agency_checkboxes, agency_select, area, capital, date, key, radios,
    relationship_opts, text,
};
use cspr_domain::case::model::{ContributionKind, ContributionStatus};
use serde_json::Value;

fn age_question(optional: bool) -> Q {
    let q = radios(
        "age._",
        "Date of birth or age",
        vec![
            Opt::new("dob", "Date of birth known")
                .reveals(vec![date("age.date_of_birth", "Date of birth")]),
            Opt::new("age", "Approximate age only").reveals(vec![
                Q::new("age.approximate_age", "Age in years", Kind::Number)
                    .hint("Enter 0 for a baby under one"),
            ]),
        ],
    );
    if optional { q.optional() } else { q }
}

fn address_questions() -> Vec<Q> {
    vec![
        Q::new("address.lines", "Address", Kind::Lines)
            .optional()
            .hint("One line each: house and street, then town"),
        text("address.postcode", "Postcode").optional(),
    ]
}

fn child_questions(ctx: &Ctx) -> Vec<Q> {
    let mut qs = vec![
        text("name", "Full name"),
        Q::new("person_id", "", Kind::NewId),
        Q::new("aliases", "Other names or spellings", Kind::Lines)
            .optional()
            .hint("One a line"),
        age_question(false),
        radios(
            "sex",
            "Sex",
            vec![
                Opt::new("female", "Female"),
                Opt::new("male", "Male"),
                Opt::new("other", "Other"),
                Opt::new("not_known", "Not known"),
            ],
        ),
        text("ethnicity", "Ethnicity").optional(),
        text("disability", "Disability").optional(),
        text("nhs_number", "NHS number").optional(),
    ];
    qs.extend(address_questions());
    qs.push(
        Q::new(
            "status",
            "The child's circumstances",
            Kind::Flags(vec![
                Opt::new("looked_after", "Looked after by the local authority"),
                Opt::new("care_leaver", "A care leaver"),
                Opt::new("child_protection_plan", "On a child protection plan"),
                Opt::new("child_in_need_plan", "On a child in need plan"),
            ]),
        )
        .optional(),
    );
    qs.push(agency_checkboxes("known_to", "Agencies that knew the child", ctx).optional());
    qs.push(
        radios(
            "harm",
            "What happened to this child?",
            vec![
                Opt::new("death", "The child died"),
                Opt::new("serious-harm", "The child was seriously harmed"),
            ],
        )
        .optional()
        .hint("Only when it differs from the incident as a whole, where several children were involved"),
    );
    qs
}

/// Empties an address with no lines and no postcode, in every child or carer.
fn tidy_people(v: &mut Value) {
    fn tidy_address(a: &mut Value) {
        let empty = a
            .get("lines")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
            && a.get("postcode").is_none_or(Value::is_null);
        if empty {
            *a = Value::Null;
        }
    }
    for list in ["children", "opening.children"] {
        let mut here = Some(&mut *v);
        for part in list.split('.') {
            here = here.and_then(|h| h.get_mut(part));
        }
        if let Some(Value::Array(children)) = here {
            for c in children {
                if let Some(a) = c.get_mut("address") {
                    tidy_address(a);
                }
            }
        }
    }
    if let Some(Value::Array(carers)) = v.pointer_mut("/referral/carers") {
        for c in carers {
            if let Some(Value::Object(o)) = c.get_mut("address").map(Value::take) {
                let mut a = Value::Object(o);
                tidy_address(&mut a);
                c["addresses"] = if a.is_null() {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(vec![a])
                };
            } else {
                c["addresses"] = Value::Array(Vec::new());
            }
            if let Some(o) = c.as_object_mut() {
                o.remove("address");
            }
        }
    }
}

fn incident_questions(prefix: &str, ctx: &Ctx) -> Vec<Q> {
    let p = |s: &str| format!("{prefix}{s}");
    vec![
        Q::new(
            p("reference"),
            "",
            Kind::Fixed(Value::String(ctx.new_reference.clone())),
        ),
        Q::new(
            p("partnership_id"),
            "",
            Kind::Fixed(Value::String(ctx.partnership_id.to_string())),
        ),
        date(&p("incident.occurred_on"), "Date of the incident"),
        text(&p("incident.place"), "Where it happened").hint("For example, the family home"),
        radios(
            &p("incident.harm"),
            "What happened to the child?",
            vec![
                Opt::new("death", "The child died"),
                Opt::new("serious-harm", "The child was seriously harmed"),
            ],
        ),
        radios(
            &p("incident.abuse_or_neglect"),
            "Is abuse or neglect known or suspected?",
            vec![
                Opt::new("known", "Known"),
                Opt::new("suspected", "Suspected"),
                Opt::new("not-suspected", "Not suspected"),
            ],
        ),
        area(&p("incident.description"), "What happened"),
        Q::new(
            p("children"),
            "Children",
            Kind::Repeat {
                rows: 2,
                min: 1,
                noun: "Child",
                questions: child_questions(ctx),
            },
        ),
    ]
}

fn referral_questions(ctx: &Ctx) -> Vec<Q> {
    let carer = vec![
        text("name", "Full name"),
        Q::new("person_id", "", Kind::NewId),
        Q::new("aliases", "Other names or spellings", Kind::Lines)
            .optional()
            .hint("One a line"),
        age_question(true),
        radios(
            "relationship",
            "Relationship to the child",
            relationship_opts(),
        ),
        Q::new("address.lines", "Address", Kind::Lines)
            .hint("One line each: house and street, then town"),
        text("address.postcode", "Postcode").optional(),
    ];
    vec![
        text("referral.referrer", "Name of the person referring"),
        agency_select("referral.referrer_agency", "Their agency", ctx),
        date("referral.received_on", "Date the referral was received"),
        Q::new(
            "referral.carers",
            "Parents and carers",
            Kind::Repeat {
                rows: 2,
                min: 0,
                noun: "Carer",
                questions: carer,
            },
        ),
        agency_checkboxes("referral.other_agencies", "Other agencies involved", ctx).optional(),
        area(
            "referral.analysis.summary",
            "Summary of agencies' involvement",
        ),
        area("referral.analysis.strengths", "What went well in practice"),
        area(
            "referral.analysis.challenges",
            "What was difficult in practice",
        ),
    ]
}

fn kinds_open(ctx: &Ctx, waiting: bool) -> Vec<Opt> {
    ContributionKind::ALL
        .iter()
        .filter(|k| {
            ctx.case.contributions.values().any(|r| {
                r.kind == **k && (!waiting || matches!(r.status, ContributionStatus::Requested))
            })
        })
        .map(|k| Opt::new(key(k), capital(k.label())))
        .collect()
}

fn requestable_kinds(ctx: &Ctx) -> Vec<Opt> {
    use cspr_domain::case::Stage;
    let now: &[ContributionKind] = match ctx.case.stage {
        Stage::RapidReview => &[ContributionKind::AgencySummary],
        Stage::Scoping => &[ContributionKind::ScopingForm],
        Stage::Commissioning | Stage::Evidence => {
            &[ContributionKind::AgencyReport, ContributionKind::Chronology]
        }
        Stage::Drafting => &[
            ContributionKind::AgencyReport,
            ContributionKind::Chronology,
            ContributionKind::FactualAccuracy,
        ],
        _ => &[],
    };
    now.iter()
        .map(|k| Opt::new(key(k), capital(k.label())))
        .collect()
}

/// The actions of this stage, in the order of the process.
#[allow(clippy::too_many_lines)]
pub(super) fn actions() -> Vec<Action> {
    vec![
        Action {
            opens_case: true,
            tidy: tidy_people,
            ..a(
                K::RecordSeriousIncident,
                "Record a serious incident",
                "Record the incident",
                "Serious incident recorded",
                |ctx| {
                    let mut qs = incident_questions("", ctx);
                    qs.push(date(
                        "became_aware_on",
                        "Date the local authority became aware",
                    ));
                    qs
                },
            )
        },
        Action {
            slug: "open-with-referral",
            opens_case: true,
            tidy: tidy_people,
            ..a(
                K::ReceiveReferral,
                "Open a case with a referral",
                "Record the referral",
                "Referral recorded",
                |ctx| {
                    let mut qs = referral_questions(ctx);
                    qs.extend(incident_questions("opening.", ctx));
                    qs
                },
            )
        },
        a(
            K::FindReferralNotifiable,
            "Record that the referral is a notifiable serious incident",
            "Save",
            "The case is now on the notified route",
            |_| {
                vec![
                    date(
                        "became_aware_on",
                        "Date the local authority became aware of the serious incident",
                    )
                    .hint("The 5 working days to notify the National Panel run from this day"),
                ]
            },
        ),
        a(
            K::NotifyNationalPanel,
            "Record the notification to the National Panel",
            "Save",
            "Notification recorded",
            |_| {
                vec![
                    date("notified_on", "Date the notification was sent"),
                    text("panel_reference", "The Panel's reference").optional(),
                ]
            },
        ),
        Action {
            tidy: |v| {
                tidy_people(v);
                v["opening"] = Value::Null;
            },
            ..a(
                K::ReceiveReferral,
                "Record the referral",
                "Record the referral",
                "Referral recorded",
                referral_questions,
            )
        },
        a(
            K::ApproveReferral,
            "Record the approval of the referral",
            "Save",
            "Referral approved",
            |ctx| {
                vec![
                    text("approver", "Name of the subgroup member who approved it"),
                    agency_select("agency", "Their agency", ctx),
                    date("approved_on", "Date approved"),
                ]
            },
        ),
        a(
            K::TriageReferral,
            "Triage the referral",
            "Save the triage",
            "Referral triaged",
            |_| {
                vec![
                    radios(
                        "outcome.route",
                        "Where does the referral go?",
                        vec![
                            Opt::new("rapid-review", "Rapid review")
                                .hint("A notifiable incident: 15 working days from notification"),
                            Opt::new("scoping", "Scoping at the next subgroup meeting"),
                            Opt::new("no-further-action", "No further action"),
                            Opt::new(
                                "rapid-review-criteria-not-met",
                                "Does not meet the criteria for a rapid review",
                            )
                            .hint("A looked-after child's death where abuse or neglect is not suspected, once notified: give the reasons"),
                        ],
                    ),
                    area("reasons", "Reasons"),
                ]
            },
        ),
        a(
            K::RequestContributions,
            "Ask agencies for information",
            "Send the requests",
            "Requests sent",
            |ctx| {
                vec![
                    radios("kind", "What do you need?", requestable_kinds(ctx)),
                    agency_checkboxes("agencies", "From which agencies?", ctx),
                    date("due_on", "Due date")
                        .optional()
                        .hint("Leave empty to use the partnership's timescale"),
                ]
            },
        ),
        a(
            K::ReceiveContribution,
            "Record an agency's contribution",
            "Save the contribution",
            "Contribution recorded",
            |ctx| {
                vec![
                    radios("kind", "What is it?", kinds_open(ctx, true)),
                    agency_select("agency", "From which agency?", ctx),
                    date("received_on", "Date received"),
                    area("contribution.text", "What the agency said"),
                    Q::new(
                        "contribution.chronology",
                        "",
                        Kind::Fixed(Value::Array(Vec::new())),
                    ),
                ]
            },
        ),
        a(
            K::WaiveContribution,
            "Waive a contribution",
            "Waive it",
            "Contribution waived",
            |ctx| {
                vec![
                    radios("kind", "Which contribution?", kinds_open(ctx, true)),
                    agency_select("agency", "From which agency?", ctx),
                    area("reason", "Why is it no longer needed?"),
                ]
            },
        ),
        a(
            K::RecordCrossBorder,
            "Record a cross-border arrangement",
            "Save",
            "Cross-border arrangement recorded",
            |_| {
                vec![radios(
                    "arrangement.kind",
                    "How does the case cross a border?",
                    vec![
                        Opt::new(
                            "child-from-another-area",
                            "The child is from another partnership's area",
                        )
                        .reveals(vec![
                            text("arrangement.other_partnership", "Which partnership?"),
                            radios(
                                "arrangement.lead",
                                "Which partnership leads?",
                                vec![
                                    Opt::new("us", "This partnership leads"),
                                    Opt::new("them", "The other partnership leads")
                                        .hint("Its notification and rapid review deadlines are then its own"),
                                ],
                            ),
                        ]),
                        Opt::new(
                            "harmed-outside-england",
                            "A child normally living here was harmed outside England",
                        )
                        .reveals(vec![text("arrangement.country", "Where?")]),
                    ],
                )]
            },
        ),
    ]
}
