//! The actions of the report: its drafts, sign-off, sending it to the National Panel, and its
//! publication.

use super::super::spec::{Kind, Opt, Q};
use cspr_domain::case::CommandKind as K;

use super::{
    Action, Ctx, a, agency_checkboxes, area, date, key, partner_radios, radios, theme_checkboxes,
};
use cspr_domain::report::Section;

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

/// The actions of this stage, in the order of the process.
#[allow(clippy::too_many_lines)]
pub(super) fn actions() -> Vec<Action> {
    vec![
        Action {
            prefill: draft_prefill,
            ..a(
                K::SubmitReportDraft,
                "Submit a draft of the overview report",
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
            K::SignOffReport,
            "Sign off the overview report",
            "Sign off",
            "Report signed off",
            |_| vec![partner_radios(), date("signed_on", "Date signed off")],
        ),
        a(
            K::SendReport,
            "Send the report to the National Panel and the Secretary of State",
            "Save",
            "Report sent",
            |_| vec![date("sent_on", "Date sent")],
        ),
        a(
            K::DecidePublication,
            "Decide about publication",
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
            K::Publish,
            "Review anonymisation and publish",
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
            K::Unpublish,
            "Take the published report down",
            "Save",
            "Publication withdrawn",
            |_| vec![date("removed_on", "Date taken down")],
        ),
    ]
}
