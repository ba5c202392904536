//! Every action a person can take on a case, as a form: its title, who may take it, its
//! questions (where each answer goes in the command) and what to say when it is done.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use cspr_domain::agency::SafeguardingPartner;
use cspr_domain::case::Case;
use cspr_domain::case::model::{
    ContributionKind, ContributionStatus, DisseminationKind, LearningEventKind, Methodology,
    ParallelProcessKind,
};
use cspr_domain::report::Section;

use super::spec::{Kind, Opt, Q};
use crate::access::Role;

/// What the questions may draw on.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The case (a new, empty one for the actions that open a case).
    pub case: &'a Case,
    /// The partnership's agencies: (id, name).
    pub agencies: Vec<(Uuid, String)>,
    /// The partnership.
    pub partnership_id: Uuid,
    /// A reference for a new case (empty for a case that exists).
    pub new_reference: String,
    /// The partnership's learning themes.
    pub themes: Vec<String>,
    /// The person's role.
    pub role: Role,
    /// Their agency.
    pub agency: Option<Uuid>,
}

/// One action.
#[derive(Debug)]
pub struct Action {
    /// The URL slug.
    pub slug: &'static str,
    /// The command it gives.
    pub command: &'static str,
    /// Page heading.
    pub title: &'static str,
    /// Who may take it (besides having the case in sight).
    pub who: &'static [Role],
    /// The submit button.
    pub button: &'static str,
    /// The banner after it is done.
    pub done: &'static str,
    /// Whether it opens a new case.
    pub opens_case: bool,
    /// Its questions.
    pub questions: fn(&Ctx) -> Vec<Q>,
    /// Paragraphs before the questions (warnings for the case in hand).
    pub notes: fn(&Ctx) -> Vec<String>,
    /// Answers to start with (e.g. the last draft).
    pub prefill: fn(&Ctx) -> Vec<(String, String)>,
    /// Final touches to the assembled command.
    pub tidy: fn(&mut Value),
}

const TEAM: &[Role] = &[Role::PartnershipTeam];
const TEAM_CHAIR: &[Role] = &[Role::PartnershipTeam, Role::Chair];
const SUBGROUP: &[Role] = &[Role::PartnershipTeam, Role::Chair, Role::SubgroupMember];
const PARTNERS: &[Role] = &[Role::PartnershipTeam, Role::SafeguardingPartner];
const REVIEWER: &[Role] = &[Role::PartnershipTeam, Role::IndependentReviewer];
const AGENCY: &[Role] = &[Role::PartnershipTeam, Role::AgencyRepresentative];

fn no_notes(_: &Ctx) -> Vec<String> {
    Vec::new()
}
fn no_prefill(_: &Ctx) -> Vec<(String, String)> {
    Vec::new()
}
const fn no_tidy(_: &mut Value) {}

/// The machine name serde gives a value ("serious-harm").
fn key<T: Serialize>(t: &T) -> String {
    match serde_json::to_value(t) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn text(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Text)
}
fn area(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Textarea)
}
fn date(path: &str, label: &str) -> Q {
    Q::new(path, label, Kind::Date)
}
fn radios(path: &str, label: &str, opts: Vec<Opt>) -> Q {
    Q::new(path, label, Kind::Radios(opts))
}

fn agency_opts(ctx: &Ctx) -> Vec<Opt> {
    ctx.agencies
        .iter()
        .map(|(id, name)| Opt::new(id.to_string(), name.clone()))
        .collect()
}
fn agency_select(path: &str, label: &str, ctx: &Ctx) -> Q {
    let mut opts = vec![Opt::new("", "Choose an agency")];
    opts.extend(agency_opts(ctx));
    Q::new(path, label, Kind::Select(opts))
}
fn agency_checkboxes(path: &str, label: &str, ctx: &Ctx) -> Q {
    Q::new(path, label, Kind::Checkboxes(agency_opts(ctx)))
}
fn theme_checkboxes(path: &str, label: &str, ctx: &Ctx) -> Q {
    Q::new(
        path,
        label,
        Kind::Checkboxes(
            ctx.themes
                .iter()
                .map(|t| Opt::new(t.clone(), t.clone()))
                .collect(),
        ),
    )
    .optional()
}
fn agency_name(ctx: &Ctx, id: Uuid) -> String {
    ctx.agencies
        .iter()
        .find(|a| a.0 == id)
        .map_or_else(|| "An agency".to_owned(), |a| a.1.clone())
}

fn partner_radios() -> Q {
    radios(
        "partner",
        "Which safeguarding partner is signing off?",
        SafeguardingPartner::ALL
            .iter()
            .map(|p| Opt::new(key(p), capital(p.label())))
            .collect(),
    )
}

fn relationship_opts() -> Vec<Opt> {
    [
        ("mother", "Mother"),
        ("father", "Father"),
        ("stepparent", "Stepparent"),
        ("carer", "Carer"),
        ("grandparent", "Grandparent"),
        ("sibling", "Sibling"),
        ("partner_of_parent", "Partner of a parent"),
    ]
    .into_iter()
    .map(|(v, l)| Opt::new(v, l))
    .collect()
}

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

fn safety_action_opts(ctx: &Ctx) -> Vec<Opt> {
    ctx.case
        .safety_actions
        .iter()
        .filter(|a| !ctx.case.safety_actions_done.contains_key(&a.action_id))
        .map(|a| {
            Opt::new(a.action_id.to_string(), a.description.as_str())
                .hint(agency_name(ctx, a.agency.as_uuid()))
        })
        .collect()
}

fn action_opts(ctx: &Ctx) -> Vec<Opt> {
    ctx.case
        .actions
        .values()
        .filter(|a| a.completed.is_none())
        .filter(|a| {
            ctx.role != Role::AgencyRepresentative || ctx.agency == Some(a.action.agency.as_uuid())
        })
        .map(|a| {
            Opt::new(
                a.action.action_id.to_string(),
                a.action.description.as_str(),
            )
            .hint(format!(
                "{}, due {}",
                agency_name(ctx, a.action.agency.as_uuid()),
                cspr_domain::words::long_date(a.action.due_on)
            ))
        })
        .collect()
}

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

fn involved_warning(ctx: &Ctx) -> Vec<String> {
    let involved: Vec<String> = ctx
        .case
        .involved_agencies()
        .into_iter()
        .map(|a| agency_name(ctx, a.as_uuid()))
        .collect();
    if involved.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "These agencies were involved with the child: {}. A panel member from one of them needs a reason why they may still sit on the panel.",
            involved.join(", ")
        )]
    }
}

fn draft_prefill(ctx: &Ctx) -> Vec<(String, String)> {
    let Some(draft) = ctx.case.latest_draft() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = draft
        .report
        .sections
        .iter()
        .map(|(s, t)| (format!("report.sections.{}", key(s)), t.clone()))
        .collect();
    for (i, r) in draft.report.recommendations.iter().enumerate() {
        let p = format!("report.recommendations.{i}");
        out.push((format!("{p}.id"), r.id.to_string()));
        out.push((format!("{p}.text"), r.text.clone()));
        for a in &r.agencies {
            out.push((format!("{p}.agencies"), a.to_string()));
        }
        for t in &r.themes {
            out.push((format!("{p}.themes"), t.clone()));
        }
        if let Some(d) = r.due_on {
            out.push((format!("{p}.due_on-day"), d.day().to_string()));
            out.push((format!("{p}.due_on-month"), u8::from(d.month()).to_string()));
            out.push((format!("{p}.due_on-year"), d.year().to_string()));
        }
    }
    out
}

fn recommendation_opts(ctx: &Ctx) -> Vec<Opt> {
    let mut opts = vec![Opt::new("", "Not from a recommendation")];
    if let Some(d) = ctx.case.latest_draft() {
        opts.extend(
            d.report
                .recommendations
                .iter()
                .map(|r| Opt::new(r.id.to_string(), r.text.clone())),
        );
    }
    opts
}

/// Every action, in the order of the process.
#[allow(clippy::too_many_lines)]
pub fn all() -> Vec<Action> {
    let a = |slug: &'static str,
             title: &'static str,
             who: &'static [Role],
             button: &'static str,
             done: &'static str,
             questions: fn(&Ctx) -> Vec<Q>| Action {
        slug,
        command: slug,
        title,
        who,
        button,
        done,
        opens_case: false,
        questions,
        notes: no_notes,
        prefill: no_prefill,
        tidy: no_tidy,
    };
    vec![
        Action {
            opens_case: true,
            tidy: tidy_people,
            ..a(
                "record-serious-incident",
                "Record a serious incident",
                TEAM,
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
                "receive-referral",
                "Open a case with a referral",
                TEAM,
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
            "notify-national-panel",
            "Record the notification to the National Panel",
            TEAM,
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
                "receive-referral",
                "Record the referral",
                TEAM,
                "Record the referral",
                "Referral recorded",
                referral_questions,
            )
        },
        a(
            "approve-referral",
            "Record the approval of the referral",
            SUBGROUP,
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
            "triage-referral",
            "Triage the referral",
            TEAM_CHAIR,
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
                        ],
                    ),
                    area("reasons", "Reasons"),
                ]
            },
        ),
        a(
            "request-contributions",
            "Ask agencies for information",
            TEAM,
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
            "receive-contribution",
            "Record an agency's contribution",
            AGENCY,
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
            "waive-contribution",
            "Waive a contribution",
            TEAM,
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
            "hold-rapid-review-meeting",
            "Record the rapid review meeting",
            TEAM_CHAIR,
            "Save",
            "Rapid review meeting recorded",
            |_| {
                vec![
                    date("held_on", "Date of the meeting"),
                    area("notes", "Facts gathered and key practice episodes"),
                ]
            },
        ),
        a(
            "record-safety-action",
            "Record an immediate safety action",
            TEAM_CHAIR,
            "Save the action",
            "Safety action recorded",
            |ctx| {
                vec![
                    Q::new("action.action_id", "", Kind::NewId),
                    area(
                        "action.description",
                        "What must be done to keep children safe",
                    ),
                    agency_select("action.agency", "Which agency will do it?", ctx),
                    date("action.due_on", "By when"),
                ]
            },
        ),
        a(
            "complete-safety-action",
            "Record a safety action as done",
            TEAM_CHAIR,
            "Save",
            "Safety action recorded as done",
            |ctx| {
                vec![
                    radios("action_id", "Which action?", safety_action_opts(ctx)),
                    date("completed_on", "Date done"),
                ]
            },
        ),
        a(
            "record-rapid-review-learning",
            "Record the rapid review's learning",
            TEAM_CHAIR,
            "Save",
            "Learning recorded",
            |_| {
                vec![
                    area("learning", "Potential for improvement and learning"),
                    Q::new("themes", "Learning themes", Kind::Lines)
                        .optional()
                        .hint("One a line, for example: information sharing"),
                ]
            },
        ),
        a(
            "record-inequalities-consideration",
            "Record the consideration of racism, inequalities and disability",
            TEAM_CHAIR,
            "Save",
            "Consideration recorded",
            |_| {
                vec![
                    area(
                        "consideration.racism_and_culture",
                        "How racism, ethnicity and culture shaped the child's experience and practice",
                    ),
                    area(
                        "consideration.other_inequalities",
                        "How other inequalities (such as poverty) did",
                    ),
                    area("consideration.disability", "How disability did"),
                ]
            },
        ),
        a(
            "hold-scoping-meeting",
            "Record the scoping meeting",
            SUBGROUP,
            "Save",
            "Scoping meeting recorded",
            |_| {
                vec![
                    date("held_on", "Date of the meeting"),
                    area("notes", "How learning will be identified and shared"),
                ]
            },
        ),
        a(
            "decide-on-local-review",
            "Decide whether to hold a local review",
            TEAM_CHAIR,
            "Record the decision",
            "Decision recorded",
            |_| {
                vec![
                    Q::new(
                        "criteria",
                        "Which criteria apply?",
                        Kind::Flags(vec![
                            Opt::new(
                                "criteria.improvements_needed",
                                "Improvements are needed to safeguard children",
                            ),
                            Opt::new(
                                "criteria.recurrent_themes",
                                "It highlights recurrent themes",
                            ),
                            Opt::new(
                                "criteria.multi_agency_concerns",
                                "Concerns about agencies working together",
                            ),
                            Opt::new(
                                "criteria.panel_suggested_local_review",
                                "The National Panel suggested a local review",
                            ),
                            Opt::new(
                                "criteria.single_agency_concern",
                                "A concern about one agency",
                            ),
                            Opt::new(
                                "criteria.no_agency_involvement",
                                "No agency was involved with the child",
                            ),
                            Opt::new("criteria.several_areas", "Several local areas are involved"),
                            Opt::new(
                                "criteria.institutional_setting",
                                "It happened in an institutional setting",
                            ),
                        ]),
                    )
                    .optional(),
                    radios(
                        "outcome.outcome",
                        "The decision",
                        vec![
                            Opt::new(
                                "local-review",
                                "Hold a local child safeguarding practice review",
                            ),
                            Opt::new("other-learning", "Learn in another way").reveals(vec![text(
                                "outcome.form",
                                "How the learning will be taken forward",
                            )]),
                            Opt::new("no-further-action", "No further action"),
                        ],
                    ),
                    area("reasons", "Reasons"),
                    date("decided_on", "Date of the decision"),
                ]
            },
        ),
        a(
            "sign-off-rapid-review",
            "Sign off the rapid review",
            PARTNERS,
            "Sign off",
            "Rapid review signed off",
            |_| vec![partner_radios(), date("signed_on", "Date signed off")],
        ),
        a(
            "submit-rapid-review",
            "Send the rapid review to the National Panel",
            TEAM,
            "Save",
            "Rapid review sent",
            |_| vec![date("submitted_on", "Date sent")],
        ),
        a(
            "record-panel-response",
            "Record the National Panel's response",
            TEAM,
            "Save",
            "Panel response recorded",
            |_| {
                vec![
                    Q::new(
                        "agrees",
                        "Does the Panel agree with the decision?",
                        Kind::YesNo,
                    ),
                    area("comments", "What the Panel said").optional(),
                    date("received_on", "Date received"),
                ]
            },
        ),
        Action {
            notes: involved_warning,
            ..a(
                "appoint-panel-member",
                "Appoint a review panel member",
                TEAM,
                "Appoint",
                "Panel member appointed",
                |ctx| {
                    vec![
                        text("member.name", "Name"),
                        agency_select("member.agency", "Agency", ctx),
                        text("member.role_title", "Job title"),
                        Q::new("member.user", "", Kind::Fixed(Value::Null)),
                        area(
                            "conflict_accepted_because",
                            "If their agency was involved with the child, why may they still sit?",
                        )
                        .optional(),
                    ]
                },
            )
        },
        a(
            "agree-terms-of-reference",
            "Agree the terms of reference",
            TEAM_CHAIR,
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
                ]
            },
        ),
        a(
            "appoint-independent-reviewer",
            "Appoint the independent reviewer",
            TEAM,
            "Appoint",
            "Independent reviewer appointed",
            |_| {
                vec![
                    text("reviewer.name", "Name"),
                    Q::new("reviewer.user", "", Kind::Fixed(Value::Null)),
                    text("reviewer.email", "Email address").optional(),
                ]
            },
        ),
        a(
            "record-practitioner",
            "Record a practitioner",
            REVIEWER,
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
            "schedule-learning-event",
            "Schedule a learning event",
            REVIEWER,
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
            "send-advance-information",
            "Record the advance information sent",
            REVIEWER,
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
            "record-learning-event-notes",
            "Record a learning event's notes",
            REVIEWER,
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
            "record-family-contact",
            "Record a contact with the family",
            REVIEWER,
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
            "record-contact-constraint",
            "Record that someone cannot be contacted for now",
            REVIEWER,
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
            "start-parallel-process",
            "Record a parallel process",
            TEAM,
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
            "end-parallel-process",
            "Record that a parallel process ended",
            TEAM,
            "Save",
            "Parallel process ended",
            |ctx| {
                vec![
                    radios("id", "Which process?", process_opts(ctx, true)),
                    date("ended_on", "Date it ended"),
                ]
            },
        ),
        Action {
            prefill: draft_prefill,
            ..a(
                "submit-report-draft",
                "Submit a draft of the overview report",
                REVIEWER,
                "Submit the draft",
                "Draft submitted",
                |ctx| {
                    let mut qs: Vec<Q> = Section::ALL
                        .iter()
                        .map(|s| {
                            area(&format!("report.sections.{}", key(s)), s.heading()).optional()
                        })
                        .collect();
                    qs.push(Q::new(
                        "report.recommendations",
                        "Recommendations",
                        Kind::Repeat {
                            rows: 4,
                            min: 0,
                            noun: "Recommendation",
                            questions: vec![
                                area("text", "What must be done"),
                                Q::new("id", "", Kind::NewId),
                                agency_checkboxes("agencies", "Which agencies must act", ctx)
                                    .optional(),
                                date("due_on", "By when").optional(),
                                theme_checkboxes("themes", "Learning themes", ctx),
                            ],
                        },
                    ));
                    qs
                },
            )
        },
        a(
            "sign-off-report",
            "Sign off the overview report",
            PARTNERS,
            "Sign off",
            "Report signed off",
            |_| vec![partner_radios(), date("signed_on", "Date signed off")],
        ),
        a(
            "send-report",
            "Send the report to the National Panel and the Secretary of State",
            TEAM,
            "Save",
            "Report sent",
            |_| vec![date("sent_on", "Date sent")],
        ),
        a(
            "decide-publication",
            "Decide about publication",
            PARTNERS,
            "Record the decision",
            "Publication decision recorded",
            |_| {
                vec![
                    radios(
                        "decision.decision",
                        "What did the safeguarding partners decide?",
                        vec![
                            Opt::new("publish", "Publish the report"),
                            Opt::new(
                                "publish-improvements-only",
                                "Publish information about the improvements only",
                            )
                            .reveals(vec![area("decision.reason", "Why not the full report")]),
                            Opt::new("do-not-publish", "Do not publish")
                                .reveals(vec![area("decision.reason", "Why")]),
                        ],
                    ),
                    area("reasons", "The partners' reasons")
                        .hint("Needed for a decision to publish the report.")
                        .optional(),
                ]
            },
        ),
        a(
            "publish",
            "Review anonymisation and publish",
            TEAM,
            "Record the publication",
            "Publication recorded",
            |_| {
                vec![
                    date("published_on", "Date published"),
                    Q::new(
                        "confirm",
                        "Anonymisation",
                        Kind::Flags(vec![Opt::new(
                            "anonymisation_reviewed",
                            "The text passed the anonymisation review",
                        )]),
                    )
                    .optional(),
                ]
            },
        ),
        a(
            "unpublish",
            "Take the published report down",
            TEAM,
            "Save",
            "Publication withdrawn",
            |_| vec![date("removed_on", "Date taken down")],
        ),
        a(
            "agree-action",
            "Agree an action",
            SUBGROUP,
            "Agree the action",
            "Action agreed",
            |ctx| {
                vec![
                    Q::new("action.action_id", "", Kind::NewId),
                    Q::new(
                        "action.recommendation",
                        "Which recommendation it answers",
                        Kind::Select(recommendation_opts(ctx)),
                    )
                    .optional(),
                    agency_select("action.agency", "Which agency owns it", ctx),
                    area("action.description", "What will be done"),
                    date("action.due_on", "Due date"),
                    text("action.owner", "Who in the agency owns it")
                        .optional()
                        .hint("A job title is enough, for example: head of safeguarding"),
                    area(
                        "action.measure_of_success",
                        "How the agency will know it made a difference",
                    )
                    .optional(),
                    theme_checkboxes("action.themes", "Learning themes", ctx),
                ]
            },
        ),
        a(
            "record-action-progress",
            "Record progress on an action",
            AGENCY,
            "Save",
            "Progress recorded",
            |ctx| {
                vec![
                    radios("action_id", "Which action?", action_opts(ctx)),
                    date("on", "Date"),
                    area("note", "What was done"),
                    area("evidence", "Evidence").optional(),
                ]
            },
        ),
        a(
            "complete-action",
            "Complete an action",
            SUBGROUP,
            "Complete the action",
            "Action completed",
            |ctx| {
                vec![
                    radios("action_id", "Which action?", action_opts(ctx)),
                    date("completed_on", "Date completed"),
                    area("evidence_of_impact", "Evidence of impact")
                        .hint("What difference the action made for children"),
                ]
            },
        ),
        Action {
            prefill: |ctx| {
                ctx.case
                    .themes
                    .iter()
                    .map(|t| ("themes".to_owned(), t.clone()))
                    .collect()
            },
            ..a(
                "tag-themes",
                "Tag the case with learning themes",
                SUBGROUP,
                "Save the themes",
                "Learning themes saved",
                |ctx| {
                    let mut themes = ctx.themes.clone();
                    themes.extend(ctx.case.themes.iter().cloned());
                    themes.sort();
                    themes.dedup();
                    vec![Q::new(
                        "themes",
                        "Which themes does the learning of this case touch?",
                        Kind::Checkboxes(themes.into_iter().map(|t| Opt::new(t.clone(), t)).collect()),
                    )
                    .optional()
                    .hint("The partnership team keeps the list of themes in the partnership settings")]
                },
            )
        },
        a(
            "record-dissemination",
            "Record how the learning was shared",
            TEAM,
            "Save",
            "Sharing of the learning recorded",
            |_| {
                vec![
                    radios(
                        "dissemination.kind",
                        "How was it shared?",
                        DisseminationKind::ALL
                            .iter()
                            .map(|k| Opt::new(key(k), capital(k.label())))
                            .collect(),
                    ),
                    date("dissemination.on", "Date"),
                    area(
                        "dissemination.description",
                        "Who it was for and what was shared",
                    ),
                    Q::new(
                        "dissemination.reach",
                        "How many people it reached",
                        Kind::Number,
                    )
                    .optional(),
                ]
            },
        ),
        a(
            "close-case",
            "Close the case",
            TEAM,
            "Close the case",
            "Case closed",
            |_| {
                vec![
                    date("closed_on", "Date closed"),
                    area("reason", "Why the case can close now"),
                ]
            },
        ),
    ]
}

/// The action with this slug.
#[must_use]
pub fn find(slug: &str) -> Option<Action> {
    all().into_iter().find(|a| a.slug == slug)
}
