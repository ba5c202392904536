//! Subject access requests on both databases: every case of the partnership is searched, each
//! read and each export in the access log under the request's reference (never the name);
//! a record with another date of birth is someone else; an erased case holds nothing; only the
//! partnership team may search; bad requests are refused with every problem named.

use std::sync::Arc;

use cspr_app::policy::{Principal, Role};
use cspr_app::reader::Source;
use cspr_app::subject_access::{RequestInput, SubjectAccessError, SubjectAccessRequest};
use cspr_app::{Clock, Services};
use cspr_domain::case::Command;
use cspr_domain::examples::{PARTNERSHIP, local_review_script, no_further_action_script, text};
use cspr_domain::ids::UserId;
use cspr_store::Backend;
use time::OffsetDateTime;
use time::macros::{date, datetime};

use super::workflows::{app, case_after};

#[derive(Debug)]
struct At(OffsetDateTime);

impl Clock for At {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

fn person(role: Role) -> Principal {
    Principal {
        user_id: UserId::random(),
        partnership_id: PARTNERSHIP,
        role,
        agency_id: None,
        display_name: String::new(),
        session: String::new(),
    }
}

fn request(name: &str, dob: Option<time::Date>) -> SubjectAccessRequest {
    SubjectAccessRequest::parse(&RequestInput {
        reference: "SAR-2026-014".to_owned(),
        name: name.to_owned(),
        aliases: "\n".to_owned(),
        date_of_birth: dob,
    })
    .expect("a complete request")
}

async fn every_case_is_searched_and_each_read_and_export_is_logged(backend: Backend) {
    let (_db, app) = app(backend).await;
    // The mother's words, as recorded, name her by her alias on the carer's record.
    let mut review = local_review_script();
    for (_, cmd) in &mut review {
        if let Command::RecordFamilyContact { contact } = cmd {
            contact.what_they_said = Some(text(
                "Bethany Exampel said the school saw the bruising first and told nobody.",
            ));
        }
    }
    let a = case_after(&app, &review, review.len()).await;
    let nfa = no_further_action_script();
    let b = case_after(&app, &nfa, nfa.len()).await;
    let services = Services::new(
        app.clone(),
        PARTNERSHIP,
        "Test partnership",
        Arc::new(At(datetime!(2026-12-07 10:00 UTC))),
    );
    let team = person(Role::PartnershipTeam);
    let source = Source("192.0.2.1".to_owned());

    let mother = request("BETH EXAMPLE", Some(date!(1998 - 06 - 01)));
    let report = cspr_app::subject_access::search(&services, &team, &mother, &source)
        .await
        .expect("search");
    assert_eq!(report.cases_searched, 2);
    assert_eq!(report.searched_on, date!(2026 - 12 - 07));
    let found: Vec<_> = report.cases.iter().map(|c| c.case_id).collect();
    assert_eq!(found.len(), 2, "{report:?}");
    assert!(found.contains(&a.as_uuid()) && found.contains(&b.as_uuid()));
    for case in &report.cases {
        assert!(
            case.records.iter().any(|r| r.kind == "Carer: Mother"),
            "{case:?}"
        );
    }
    let in_a = report
        .cases
        .iter()
        .find(|c| c.case_id == a.as_uuid())
        .expect("a");
    assert_eq!(in_a.passages.len(), 1, "{in_a:?}");
    let held = &in_a.passages[0];
    assert_eq!(held.what, "family contact recorded");
    assert_eq!(held.on, date!(2025 - 05 - 22));
    assert_eq!(held.passage.field, "contact.what_they_said");
    assert!(held.passage.excerpt.starts_with("Bethany Exampel said"));

    // The log: each case read under the search, then the request's line; no name anywhere.
    let store = app.store();
    let log = store.read_access_log(0, 10_000).await.expect("log");
    let searched: Vec<_> = log
        .iter()
        .filter(|e| e.action == "subject-access-search")
        .collect();
    assert_eq!(searched.len(), 3, "{searched:?}");
    assert!(searched.last().is_some_and(|e| e.case_id.is_none()
        && e.detail == "request SAR-2026-014: 2 cases searched, 2 hold information"));
    assert!(
        log.iter()
            .all(|e| !e.detail.to_lowercase().contains("beth"))
    );

    // Someone else of the same name: no carer record, only records without a date of birth.
    let namesake = request("Beth Example", Some(date!(1970 - 01 - 01)));
    let other = cspr_app::subject_access::search(&services, &team, &namesake, &source)
        .await
        .expect("search");
    assert!(
        other
            .cases
            .iter()
            .flat_map(|c| &c.records)
            .all(|r| !r.kind.starts_with("Carer")),
        "{other:?}"
    );

    // The export: the chosen case only, a PDF, and a line per case exported.
    let pdf = cspr_app::subject_access::export(&services, &team, &mother, &[b.as_uuid()], &source)
        .await
        .expect("export");
    assert!(pdf.starts_with(b"%PDF"));
    let log = store.read_access_log(0, 10_000).await.expect("log");
    let exported: Vec<_> = log
        .iter()
        .filter(|e| e.action == "subject-access-export")
        .map(|e| (e.case_id, e.detail.as_str()))
        .collect();
    assert_eq!(exported.len(), 2, "{exported:?}");
    assert_eq!(exported[0].0, Some(b.as_uuid()));
    assert_eq!(
        exported[1],
        (None, "request SAR-2026-014: 1 cases exported")
    );
    let none = cspr_app::subject_access::export(&services, &team, &mother, &[], &source).await;
    assert!(
        matches!(&none, Err(SubjectAccessError::Invalid(e)) if e[0].0 == "cases"),
        "{none:?}"
    );

    // The document names its sources.
    let report = cspr_app::subject_access::search(&services, &team, &mother, &source)
        .await
        .expect("search");
    let doc = cspr_export::subject_access::document(&report, "Test partnership");
    assert_eq!(doc.subtitle.as_deref(), Some("Request SAR-2026-014"));
    let text = doc.plain_text();
    assert!(text.contains("the school saw the bruising first"), "{text}");
    assert!(text.contains("Sources"), "{text}");
    for case in &report.cases {
        assert!(text.contains(&format!("Case {}", case.reference)), "{text}");
    }
    assert!(text.contains("Carer: Mother: Beth Example"), "{text}");

    // An erased case holds nothing any more.
    app.shred_case(a).await.expect("shred");
    let after = cspr_app::subject_access::search(&services, &team, &mother, &source)
        .await
        .expect("search");
    assert_eq!(after.cases_searched, 1);
    assert_eq!(
        after.cases.iter().map(|c| c.case_id).collect::<Vec<_>>(),
        [b.as_uuid()]
    );
}

async fn only_the_team_searches_and_bad_requests_are_refused(backend: Backend) {
    let (_db, app) = app(backend).await;
    let services = Services::new(
        app.clone(),
        PARTNERSHIP,
        "Test partnership",
        Arc::new(At(datetime!(2026-12-07 10:00 UTC))),
    );
    let source = Source("192.0.2.1".to_owned());
    let q = request("Beth Example", None);
    for role in [
        Role::Chair,
        Role::SystemAdministrator,
        Role::AgencyRepresentative,
        Role::IndependentReviewer,
    ] {
        let refused = cspr_app::subject_access::search(&services, &person(role), &q, &source).await;
        assert!(
            matches!(refused, Err(SubjectAccessError::Forbidden)),
            "{role:?}"
        );
        let refused =
            cspr_app::subject_access::export(&services, &person(role), &q, &[], &source).await;
        assert!(
            matches!(refused, Err(SubjectAccessError::Forbidden)),
            "{role:?}"
        );
    }
    let log = app.store().read_access_log(0, 100).await.expect("log");
    assert!(log.is_empty(), "{log:?}");

    let bad = SubjectAccessRequest::parse(&RequestInput {
        reference: "Beth's request".to_owned(),
        name: "  ".to_owned(),
        aliases: "Bethany\n!!\n".to_owned(),
        date_of_birth: None,
    });
    let Err(SubjectAccessError::Invalid(errors)) = bad else {
        panic!("{bad:?}");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.0).collect();
    assert_eq!(fields, ["reference", "name"]);
    let bad_alias = SubjectAccessRequest::parse(&RequestInput {
        reference: "SAR-1".to_owned(),
        name: "Beth Example".to_owned(),
        aliases: "Bethany\n!!\n".to_owned(),
        date_of_birth: None,
    });
    assert!(
        matches!(&bad_alias, Err(SubjectAccessError::Invalid(e)) if e[0].0 == "aliases"),
        "{bad_alias:?}"
    );
}

on_both!(
    every_case_is_searched_and_each_read_and_export_is_logged,
    only_the_team_searches_and_bad_requests_are_refused
);
