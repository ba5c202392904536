//! The actions of the rapid review and the scoping: the meeting, safety actions, learning,
//! the decision on a local review, sign-off and the National Panel's response, the panel.

use super::super::spec::{Kind, Opt, Q};
use cspr_domain::case::CommandKind as K;

use super::{Action, Ctx, a, agency_name, agency_select, area, date, partner_radios, radios, text};
use serde_json::Value;

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

/// The actions of this stage, in the order of the process.
#[allow(clippy::too_many_lines)]
pub(super) fn actions() -> Vec<Action> {
    vec![
        a(
            K::HoldRapidReviewMeeting,
            "Record the rapid review meeting",
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
            K::RecordSafetyAction,
            "Record an immediate safety action",
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
            K::CompleteSafetyAction,
            "Record a safety action as done",
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
            K::RecordRapidReviewLearning,
            "Record the rapid review's learning",
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
            K::RecordInequalitiesConsideration,
            "Record the consideration of racism, inequalities and disability",
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
            K::HoldScopingMeeting,
            "Record the scoping meeting",
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
            K::DecideOnLocalReview,
            "Decide whether to hold a local review",
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
            K::SignOffRapidReview,
            "Sign off the rapid review",
            "Sign off",
            "Rapid review signed off",
            |_| vec![partner_radios(), date("signed_on", "Date signed off")],
        ),
        a(
            K::SubmitRapidReview,
            "Send the rapid review to the National Panel",
            "Save",
            "Rapid review sent",
            |_| vec![date("submitted_on", "Date sent")],
        ),
        a(
            K::RecordPanelResponse,
            "Record the National Panel's response",
            "Save",
            "Panel response recorded",
            |_| {
                vec![
                    radios(
                        "answer",
                        "What did the Panel answer?",
                        vec![
                            Opt::new("agrees", "It agrees with the decision"),
                            Opt::new("disagrees", "It disagrees with the decision")
                                .hint("Put its reasons below; the partners may revise the decision"),
                            Opt::new("more-information", "It asks for more information")
                                .hint("Say what below; the rapid review is then sent again"),
                            Opt::new(
                                "national-review",
                                "It takes the case as a national review",
                            )
                            .hint("The partnership contributes; the local review's six-month aim no longer applies"),
                        ],
                    ),
                    area("comments", "What the Panel said")
                        .optional()
                        .hint("Needed when the Panel asks for more information"),
                    date("received_on", "Date received"),
                ]
            },
        ),
        Action {
            notes: involved_warning,
            ..a(
                K::AppointPanelMember,
                "Appoint a review panel member",
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
    ]
}
