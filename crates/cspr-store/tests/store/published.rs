//! Published reports on both backends: stored once per case, listed for the public page newest
//! first without withdrawn ones, the PDF served only while online, bad rows refused.

use cspr_store::{Improvement, ImprovementAction, Improvements, NewPublishedReport, StoreError};
use time::macros::date;
use uuid::Uuid;

use crate::T0;

const PARTNERSHIP: Uuid = Uuid::from_u128(0xB1);

pub(crate) fn report(case_id: Uuid, title: &str, published_on: time::Date) -> NewPublishedReport {
    NewPublishedReport {
        id: Uuid::new_v4(),
        partnership_id: PARTNERSHIP,
        case_id,
        title: title.to_owned(),
        summary: "How agencies worked together for Child A.".to_owned(),
        themes: vec!["information sharing".to_owned(), "safe sleep".to_owned()],
        published_on,
        online_until: date!(2026 - 07 - 28),
        pdf: b"%PDF-1.7 test".to_vec(),
        improvements: None,
        body_text: None,
        age_group: None,
        created_at: T0,
    }
}

fn improvements() -> Improvements {
    Improvements {
        items: vec![Improvement {
            recommendation: "Share information about new adults in the household.".to_owned(),
            actions: vec![ImprovementAction {
                what: "Update the safe sleep guidance and train staff.".to_owned(),
                by: "Northshire Health".to_owned(),
                due: "30 September 2025".to_owned(),
            }],
        }],
    }
}

cspr_store::backend_tests! {
    // Issue 15, item 10: a decision not to publish leads to information about the improvements
    // on a public page of its own, which is served until withdrawn and then erased.
    async fn information_about_the_improvements_is_published_and_withdrawn(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        let mut page = report(case, "Improvements after a review", date!(2025 - 07 - 28));
        page.pdf = Vec::new();
        page.improvements = Some(improvements());
        store.publish_report(page.clone()).await.unwrap();
        let listed = store.published_reports(PARTNERSHIP).await.unwrap();
        assert_eq!(listed[0].improvements, Some(improvements()));
        assert_eq!(listed[0].pdf_size, 0);
        let shown = store.published_improvements(PARTNERSHIP, page.id).await.unwrap().unwrap();
        assert_eq!(shown.improvements, Some(improvements()));
        assert!(store.published_pdf(PARTNERSHIP, page.id).await.unwrap().is_none(), "no PDF");
        assert!(store.published_improvements(Uuid::from_u128(0xB2), page.id).await.unwrap().is_none());

        // A page with a PDF too, or with no action, is refused.
        let mut both = report(Uuid::new_v4(), "Both", date!(2025 - 07 - 28));
        both.improvements = Some(improvements());
        assert!(matches!(store.publish_report(both).await, Err(StoreError::Invalid(_))));
        let mut empty = report(Uuid::new_v4(), "Empty", date!(2025 - 07 - 28));
        empty.pdf = Vec::new();
        empty.improvements = Some(Improvements { items: Vec::new() });
        assert!(matches!(store.publish_report(empty).await, Err(StoreError::Invalid(_))));

        assert!(store.withdraw_published_report(case, date!(2025 - 07 - 29)).await.unwrap());
        assert!(store.published_improvements(PARTNERSHIP, page.id).await.unwrap().is_none());
        let kept = store.published_report_for_case(case).await.unwrap().unwrap();
        assert_eq!(kept.improvements, None, "erased when withdrawn");
    }

    async fn published_reports_are_listed_served_and_withdrawn(db) {
        let store = db.store().await;
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut first = report(a, "Review: Child A", date!(2025 - 07 - 28));
        first.summary = "What agencies learned from Child A's review.".to_owned();
        first.body_text = Some("The public words of Child A's report.".to_owned());
        first.age_group = Some("under_1".to_owned());
        let second = report(b, "Review: Child B", date!(2025 - 09 - 01));
        store.publish_report(first.clone()).await.unwrap();
        store.publish_report(second.clone()).await.unwrap();
        let mut elsewhere = report(Uuid::new_v4(), "Another partnership", date!(2025 - 09 - 02));
        elsewhere.partnership_id = Uuid::from_u128(0xB2);
        store.publish_report(elsewhere.clone()).await.unwrap();

        let listed = store.published_reports(PARTNERSHIP).await.unwrap();
        assert_eq!(
            listed.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
            ["Review: Child B", "Review: Child A"],
            "newest first, this partnership only"
        );
        assert_eq!(listed[1].themes, first.themes);
        assert_eq!(listed[1].online_until, date!(2026 - 07 - 28));
        assert_eq!(listed[1].pdf_size, first.pdf.len() as u64);
        let (title, pdf) = store.published_pdf(PARTNERSHIP, first.id).await.unwrap().unwrap();
        assert_eq!((title.as_str(), pdf), ("Review: Child A", first.pdf.clone()));
        assert!(store.published_pdf(PARTNERSHIP, elsewhere.id).await.unwrap().is_none());
        // The public words and the age band, for the library's index.
        assert_eq!(listed[1].age_group.as_deref(), Some("under_1"));
        assert_eq!(
            store.published_text(PARTNERSHIP, first.id).await.unwrap().as_deref(),
            Some("The public words of Child A's report.")
        );
        assert!(store.published_text(Uuid::from_u128(0xB2), first.id).await.unwrap().is_none());

        // Withdrawn: off the list, the PDF gone, the row kept with its day.
        assert!(store.withdraw_published_report(a, date!(2026 - 08 - 01)).await.unwrap());
        assert!(!store.withdraw_published_report(a, date!(2026 - 08 - 02)).await.unwrap());
        let listed = store.published_reports(PARTNERSHIP).await.unwrap();
        assert_eq!(listed.iter().map(|r| r.id).collect::<Vec<_>>(), [second.id]);
        assert!(store.published_pdf(PARTNERSHIP, first.id).await.unwrap().is_none());
        let kept = store.published_report_for_case(a).await.unwrap().unwrap();
        assert_eq!(kept.withdrawn_on, Some(date!(2026 - 08 - 01)));
        // Issue 16, finding 12: a withdrawn report (it may identify someone) does not stay in
        // the clear in the database, nor in any backup taken after: its PDF and summary are
        // erased, and only the record that it was published and withdrawn is kept.
        assert_eq!(kept.pdf_size, 0, "the PDF is erased");
        assert!(kept.summary.is_empty(), "the summary is erased");
        assert_eq!(kept.title, "Review: Child A");
        let mut export = Vec::new();
        store.export_canonical(&mut export).await.unwrap();
        let export = String::from_utf8(export).unwrap();
        assert!(!export.contains("learned from Child A"), "not in a backup either");
        assert!(!export.contains("public words of Child A"), "nor its words");
        assert!(store.published_text(PARTNERSHIP, first.id).await.unwrap().is_none());
    }

    async fn bad_published_reports_are_refused(db) {
        let store = db.store().await;
        let case = Uuid::new_v4();
        store.publish_report(report(case, "Review", date!(2025 - 07 - 28))).await.unwrap();
        assert!(matches!(
            store.publish_report(report(case, "Again", date!(2025 - 07 - 28))).await,
            Err(StoreError::Duplicate(_))
        ));
        let mut no_pdf = report(Uuid::new_v4(), "Review", date!(2025 - 07 - 28));
        no_pdf.pdf = b"not a pdf".to_vec();
        assert!(matches!(store.publish_report(no_pdf).await, Err(StoreError::Invalid(_))));
        let mut no_title = report(Uuid::new_v4(), "  ", date!(2025 - 07 - 28));
        no_title.title = " ".into();
        assert!(matches!(store.publish_report(no_title).await, Err(StoreError::Invalid(_))));
        let mut too_short = report(Uuid::new_v4(), "Review", date!(2025 - 07 - 28));
        too_short.online_until = date!(2025 - 07 - 28);
        assert!(matches!(store.publish_report(too_short).await, Err(StoreError::Invalid(_))));
        assert_eq!(store.published_reports(PARTNERSHIP).await.unwrap().len(), 1);
    }
}
