//! The actions of the action plan and the close of a case: agreeing actions, their progress
//! and completion, learning themes, dissemination, closing.

use super::super::spec::{Kind, Opt, Q};
use cspr_domain::case::CommandKind as K;

use super::{
    Action, Ctx, a, agency_name, agency_select, area, capital, date, key, radios, text,
    theme_checkboxes,
};
use crate::access::Role;
use cspr_domain::case::model::DisseminationKind;

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

/// Actions completed whose impact is not evidenced yet.
fn completed_opts(ctx: &Ctx) -> Vec<Opt> {
    ctx.case
        .actions
        .values()
        .filter(|a| a.completed.is_some() && a.impact().is_none())
        .map(|a| {
            Opt::new(
                a.action.action_id.to_string(),
                a.action.description.as_str(),
            )
            .hint(agency_name(ctx, a.action.agency.as_uuid()))
        })
        .collect()
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

/// The actions of this stage, in the order of the process.
#[allow(clippy::too_many_lines)]
pub(super) fn actions() -> Vec<Action> {
    vec![
        a(
            K::AgreeAction,
            "Agree an action",
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
            K::RecordActionProgress,
            "Record progress on an action",
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
            K::CompleteAction,
            "Complete an action",
            "Complete the action",
            "Action completed",
            |ctx| {
                vec![
                    radios("action_id", "Which action?", action_opts(ctx)),
                    date("completed_on", "Date completed"),
                    area("evidence_of_impact", "Evidence of impact (optional)")
                        .optional()
                        .hint("What difference the action made for children. If it is too soon to tell, leave this empty and record the impact when it is evidenced"),
                ]
            },
        ),
        a(
            K::EvidenceImpact,
            "Record the evidence of an action's impact",
            "Save the evidence",
            "Impact evidenced",
            |ctx| {
                vec![
                    radios("action_id", "Which completed action?", completed_opts(ctx)),
                    date("on", "Date evidenced"),
                    area("evidence", "Evidence of impact")
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
                K::TagThemes,
                "Tag the case with learning themes",
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
            K::RecordDissemination,
            "Record how the learning was shared",
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
            K::CloseCase,
            "Close the case",
            "Close the case",
            "Case closed",
            |_| {
                vec![
                    date("closed_on", "Date closed"),
                    area("reason", "Why the case can close now"),
                    area(
                        "without_panel_response",
                        "Why the case closes before the National Panel replied",
                    )
                    .optional()
                    .hint("Only when the Panel has not yet replied to the rapid review"),
                ]
            },
        ),
        a(
            K::ReopenCase,
            "Reopen the case",
            "Reopen the case",
            "Case reopened",
            |_| {
                vec![
                    date("reopened_on", "Date reopened"),
                    area("reason", "Why the case is reopened")
                        .hint("For example, new information, or the outcome of a criminal trial"),
                ]
            },
        ),
        a(
            K::ExplainLateness,
            "Record why a deadline was missed",
            "Save the reason",
            "Reason for the missed deadline recorded",
            |ctx| {
                vec![
                    radios(
                        "deadline",
                        "Which deadline was missed?",
                        ctx.missed
                            .iter()
                            .map(|(which, due)| {
                                Opt::new(key(which), capital(which.label()))
                                    .hint(format!("Due {due}"))
                            })
                            .collect(),
                    ),
                    area("reason", "Why it was missed")
                        .hint("The reason is shown on the case and in the yearly figures"),
                ]
            },
        ),
        a(
            K::PlaceLegalHold,
            "Place a legal hold",
            "Place the legal hold",
            "Legal hold placed: the case will not be erased while it lasts",
            |_| {
                vec![area("reason", "Why the case must be kept").hint(
                    "For example, a civil claim, an inquest or a later review. Do not name anyone.",
                )]
            },
        ),
        a(
            K::LiftLegalHold,
            "Lift the legal hold",
            "Lift the legal hold",
            "Legal hold lifted: the retention schedule applies again",
            |_| {
                vec![
                    area("reason", "Why the case no longer needs to be kept")
                        .hint("Once lifted, a closed case past its retention period is erased at the next daily run."),
                ]
            },
        ),
    ]
}
