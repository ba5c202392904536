//! Read models: scoped listings (member, non-member, other partnership) and projection rebuilds.

use cspr_store::CaseScope;
use time::macros::date;
use uuid::Uuid;

use crate::{event, projection};

cspr_store::backend_tests! {
    // Issue 20: a listing kept in memory is served only while the read models' version stands;
    // any write of a projection, by this process or another on the same database, moves it on.
    async fn a_kept_listing_lasts_only_while_no_projection_is_written(db) {
        let store = db.store().await;
        let other_process = db.store().await;
        let p = Uuid::new_v4();
        let scope = CaseScope::Partnership(p);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        store.append(a, p, 0, vec![event("Opened", 1)], Some(projection(a, p, "A", &[])), vec![]).await.unwrap();
        let v1 = store.projection_version().await.unwrap();

        let first = store.case_summaries_kept(scope).await.unwrap();
        let again = store.case_summaries_kept(scope).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again), "read again with nothing written");
        assert_eq!(*first, store.case_summaries(scope).await.unwrap());
        let actions = store.actions_kept(scope).await.unwrap();
        assert!(std::sync::Arc::ptr_eq(&actions, &store.actions_kept(scope).await.unwrap()));
        assert_eq!(actions.len(), 1);

        // An append elsewhere, through another handle on the database.
        other_process.append(b, p, 0, vec![event("Opened", 1)], Some(projection(b, p, "B", &[])), vec![]).await.unwrap();
        assert!(store.projection_version().await.unwrap() > v1);
        let after_append = store.case_summaries_kept(scope).await.unwrap();
        assert_eq!(after_append.len(), 2);
        assert_eq!(store.actions_kept(scope).await.unwrap().len(), 2);

        // A rebuild's replacement, with no event.
        let mut closed = projection(a, p, "A", &[]);
        closed.summary.closed = true;
        other_process.replace_projection(closed).await.unwrap();
        let after_rebuild = store.case_summaries_kept(scope).await.unwrap();
        assert!(after_rebuild.iter().any(|s| s.case_id == a && s.closed));

        // Scopes are kept apart.
        let member = CaseScope::Member { partnership_id: p, user_id: Uuid::new_v4() };
        assert!(store.case_summaries_kept(member).await.unwrap().is_empty());
        assert_eq!(store.case_summaries_kept(scope).await.unwrap().len(), 2);
    }

    // A partnership's agencies are kept with the listings: a change to one, by any process,
    // moves the read models' version on, so the next request reads them again.
    async fn kept_agencies_follow_every_change(db) {
        let store = db.store().await;
        let other_process = db.store().await;
        let p = Uuid::new_v4();
        let agency = |name: &str| cspr_store::AgencyRow {
            id: Uuid::from_u128(7),
            partnership_id: p,
            kind: "health".into(),
            name: name.into(),
            active: true,
        };
        store.upsert_agency(agency("Northshire NHS")).await.unwrap();
        let v1 = store.projection_version().await.unwrap();
        let first = store.agencies_kept_at(p, v1).await.unwrap();
        assert_eq!(first.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Northshire NHS"]);
        assert!(std::sync::Arc::ptr_eq(&first, &store.agencies_kept_at(p, v1).await.unwrap()));

        other_process.upsert_agency(agency("Northshire Health")).await.unwrap();
        let v2 = store.projection_version().await.unwrap();
        assert!(v2 > v1, "an agency's change moves the version on");
        let renamed = store.agencies_kept_at(p, v2).await.unwrap();
        assert_eq!(renamed.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Northshire Health"]);
        // Another partnership's agencies are kept apart.
        assert!(store.agencies_kept_at(Uuid::new_v4(), v2).await.unwrap().is_empty());
        // Asked again at the same version: the same list, not read again.
        assert!(std::sync::Arc::ptr_eq(&renamed, &store.agencies_kept_at(p, v2).await.unwrap()));
    }

    async fn listings_are_scoped_by_partnership_and_membership(db) {
        let store = db.store().await;
        let (p1, p2) = (Uuid::new_v4(), Uuid::new_v4());
        let (alice, bob, carol) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut pa = projection(a, p1, "P1-A", &[(alice, "reviewer"), (alice, "agency-rep")]);
        pa.summary.opened_on = date!(2025 - 01 - 10);
        let mut pb = projection(b, p1, "P1-B", &[(bob, "reviewer")]);
        pb.summary.opened_on = date!(2025 - 02 - 10);
        pb.deadlines[0].due = date!(2025 - 03 - 05);
        let pc = projection(c, p2, "P2-C", &[(alice, "reviewer")]);
        for (case, partnership, p) in [(a, p1, &pa), (b, p1, &pb), (c, p2, &pc)] {
            store.append(case, partnership, 0, vec![event("Opened", 1)], Some(p.clone()), vec![]).await.unwrap();
        }

        let refs = |list: Vec<cspr_store::CaseSummary>| list.into_iter().map(|s| s.reference).collect::<Vec<_>>();
        // Newest opened first.
        assert_eq!(refs(store.case_summaries(CaseScope::Partnership(p1)).await.unwrap()), ["P1-B", "P1-A"]);
        assert_eq!(refs(store.case_summaries(CaseScope::Partnership(p2)).await.unwrap()), ["P2-C"]);
        let member = |partnership_id, user_id| CaseScope::Member { partnership_id, user_id };
        assert_eq!(refs(store.case_summaries(member(p1, alice)).await.unwrap()), ["P1-A"], "one row despite two roles");
        assert_eq!(refs(store.case_summaries(member(p1, bob)).await.unwrap()), ["P1-B"]);
        assert!(store.case_summaries(member(p1, carol)).await.unwrap().is_empty(), "non-member sees nothing");
        assert_eq!(refs(store.case_summaries(member(p2, alice)).await.unwrap()), ["P2-C"]);
        assert!(store.case_summaries(member(p2, bob)).await.unwrap().is_empty(), "other partnership");

        let deadlines = store.all_deadlines(CaseScope::Partnership(p1)).await.unwrap();
        assert_eq!(deadlines.iter().map(|d| d.case_id).collect::<Vec<_>>(), [b, a], "soonest first");
        assert_eq!(store.all_deadlines(member(p1, alice)).await.unwrap().len(), 1);
        assert!(store.all_deadlines(member(p1, carol)).await.unwrap().is_empty());
        assert_eq!(store.actions(CaseScope::Partnership(p1)).await.unwrap().len(), 2);
        assert_eq!(store.actions(member(p1, bob)).await.unwrap()[0].case_id, b);
        assert!(store.actions(member(p2, bob)).await.unwrap().is_empty());
        assert_eq!(store.case_members(a).await.unwrap().len(), 2);

        // What the access check reads, in one statement (issue 20): the summary, and the roles
        // the person holds on the case, sorted; none for someone who is not a member.
        // With them, the stream's version, for the decoded case kept in memory.
        let read = store.case_summary_for(a, alice).await.unwrap().unwrap();
        assert_eq!(Some(read.summary), store.case_summary(a).await.unwrap());
        assert_eq!(read.roles, ["agency-rep", "reviewer"]);
        assert_eq!(read.stream_version, 1);
        assert_eq!(read.stream_version, store.stream_version(a).await.unwrap());
        let read = store.case_summary_for(a, carol).await.unwrap().unwrap();
        assert_eq!(read.summary.reference, "P1-A");
        assert!(read.roles.is_empty());
        assert_eq!(store.case_summary_for(b, bob).await.unwrap().unwrap().roles, ["reviewer"]);
        assert!(store.case_summary_for(Uuid::new_v4(), alice).await.unwrap().is_none());
        // And whether its key has been destroyed (issue 18: no process serves a kept copy of
        // a case another has shredded); the same from `stream_state`.
        assert!(!read.shredded);
        assert_eq!(store.stream_state(a).await.unwrap(), (1, false));
        store.shred_case(a).await.unwrap();
        assert!(store.case_summary_for(a, alice).await.unwrap().unwrap().shredded);
        assert!(!store.case_summary_for(b, bob).await.unwrap().unwrap().shredded);
        assert_eq!(store.stream_state(a).await.unwrap(), (1, true));
        assert_eq!(store.stream_state(Uuid::new_v4()).await.unwrap(), (0, false));
    }

    async fn replace_projection_swaps_the_whole_read_model(db) {
        let store = db.store().await;
        let (p, case, user) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let first = projection(case, p, "REF", &[(user, "reviewer")]);
        store.append(case, p, 0, vec![event("Opened", 1)], Some(first), vec![]).await.unwrap();
        let mut rebuilt = projection(case, p, "REF", &[]);
        rebuilt.deadlines.clear();
        rebuilt.summary.closed = true;
        rebuilt.summary.next_deadline = None;
        rebuilt.summary.next_deadline_label = None;
        store.replace_projection(rebuilt.clone()).await.unwrap();
        assert_eq!(store.case_summary(case).await.unwrap(), Some(rebuilt.summary));
        assert!(store.deadlines(case).await.unwrap().is_empty());
        assert!(store.case_members(case).await.unwrap().is_empty());
        assert_eq!(store.case_actions(case).await.unwrap(), rebuilt.actions);
        assert_eq!(store.case_summary(Uuid::new_v4()).await.unwrap(), None);
    }

    async fn a_rebuild_never_overwrites_a_newer_projection(db) {
        let store = db.store().await;
        let (case, partnership) = (Uuid::new_v4(), Uuid::new_v4());
        let first = projection(case, partnership, "CSPR-1", &[]);
        store.append(case, partnership, 0, vec![event("Opened", 1)], Some(first.clone()), vec![]).await.unwrap();
        // Computed from version 1 ...
        let mut stale = first.clone();
        stale.summary.stage = "stale".to_owned();
        // ... but a command moves the case to version 2 first, with its own projection.
        let mut newer = first.clone();
        newer.summary.stage = "newer".to_owned();
        store.append(case, partnership, 1, vec![event("Moved", 2)], Some(newer), vec![]).await.unwrap();
        assert!(!store.replace_projection_at(stale, 1).await.unwrap(), "refused: the stream moved on");
        assert_eq!(store.case_summary(case).await.unwrap().unwrap().stage, "newer");
        let mut current = first;
        current.summary.stage = "rebuilt".to_owned();
        assert!(store.replace_projection_at(current, 2).await.unwrap());
        assert_eq!(store.case_summary(case).await.unwrap().unwrap().stage, "rebuilt");
    }
}
