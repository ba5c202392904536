//! A realistic overview report shared by the tests and the benchmark.

use std::collections::{BTreeMap, HashMap};

use cspr_domain::ids::{AgencyId, RecommendationId};
use cspr_domain::report::{OverviewReport, Recommendation, Section};
use cspr_export::{Document, TitlePage, overview_report};
use time::macros::date;
use uuid::Uuid;

/// Text no export may interpret: Typst markup, HTML, XML.
pub const HOSTILE: &str = "#set page(width: 1pt) *bold* $x$ <label> @ref _under_ \\ `raw` \
                           = not a heading <script>alert(1)</script> & </w:t>";

fn agency(n: u128) -> AgencyId {
    AgencyId::from_uuid(Uuid::from_u128(n))
}

pub fn agencies() -> HashMap<AgencyId, String> {
    HashMap::from([
        (
            agency(1),
            "Northshire County Council Children's Services".to_owned(),
        ),
        (agency(2), "Northshire Police".to_owned()),
        (agency(3), "Northshire Integrated Care Board".to_owned()),
        (agency(4), "Riverside Primary School".to_owned()),
    ])
}

/// Paragraphs of plausible report prose, `n` of them.
pub fn prose(topic: &str, n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "{topic}, paragraph {i}. Practitioners from health, education and children's \
                 social care each held part of the picture of Child A's life at home, but no \
                 single agency brought that information together. Referrals were made in good \
                 faith and were handled in line with local procedures, yet the thresholds \
                 applied at the front door meant that the cumulative risk was not recognised. \
                 The review heard from practitioners that caseloads were high and that \
                 supervision focused on case management rather than reflection."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub fn report(paragraphs_per_section: usize) -> OverviewReport {
    let mut sections = BTreeMap::new();
    sections.insert(
        Section::Overview,
        format!(
            "{}\n\nThe key circumstances were:\n- the family moved twice in six months\n- \
             Child A was not seen alone by any practitioner\n- school attendance fell to 61%\n\n\
             This text must stay literal: {HOSTILE}",
            prose("What happened", paragraphs_per_section)
        ),
    );
    sections.insert(
        Section::SystemicAnalysis,
        format!(
            "{}\n\nThe review identified three systemic factors:\n1. thresholds applied in \
             isolation\n2. no shared chronology\n3. supervision without reflection",
            prose("Systemic analysis", paragraphs_per_section)
        ),
    );
    sections.insert(
        Section::MultiAgencyCritique,
        prose("Multi-agency working", paragraphs_per_section),
    );
    sections.insert(
        Section::GeneralPractice,
        prose("Practice more widely", paragraphs_per_section),
    );
    sections.insert(
        Section::WhatShouldChange,
        prose("What should change", paragraphs_per_section),
    );
    sections.insert(
        Section::Recommendations,
        "The partnership should act on the following recommendations.".to_owned(),
    );
    let rec = |n: u128, text: &str, agencies: Vec<AgencyId>, due| Recommendation {
        id: RecommendationId::from_uuid(Uuid::from_u128(100 + n)),
        text: text.to_owned(),
        agencies,
        due_on: due,
        themes: Vec::new(),
    };
    OverviewReport {
        sections,
        recommendations: vec![
            rec(
                1,
                "Introduce a shared multi-agency chronology for every child subject to a child \
                 protection plan.",
                vec![agency(1), agency(2), agency(3)],
                Some(date!(2027 - 03 - 31)),
            ),
            rec(
                2,
                "Review the front door threshold guidance so that cumulative concerns are \
                 weighed, not only the latest referral.",
                vec![agency(1)],
                Some(date!(2027 - 01 - 31)),
            ),
            rec(
                3,
                "Provide reflective supervision to designated safeguarding leads in schools.",
                vec![agency(4), agency(3)],
                Some(date!(2027 - 06 - 30)),
            ),
        ],
    }
}

pub fn title() -> TitlePage {
    TitlePage {
        title: "Child Safeguarding Practice Review: Child A".to_owned(),
        subtitle: Some("Overview report, NSCP-2026-014".to_owned()),
        author: "Northshire Safeguarding Children Partnership".to_owned(),
        date: Some(date!(2026 - 11 - 20)),
    }
}

pub fn document(paragraphs_per_section: usize) -> Document {
    overview_report(&report(paragraphs_per_section), &title(), &agencies())
}
