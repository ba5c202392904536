//! `cspr retention run` through the real binary: a dry run lists what would go and changes
//! nothing (the canonical export is the same before and after); a run erases a case past its
//! period, says so, writes the audit record, and the chains still verify.

use cspr_app::settings::StoredSettings;
use cspr_domain::examples::{PARTNERSHIP, no_further_action_script};
use cspr_domain::ids::{CaseId, UserId};
use cspr_domain::settings::Settings;

use crate::common::{Sandbox, with_store};

/// A migrated sandbox serving one partnership whose schedule keeps case records 1 year after
/// closure, with one case closed on 6 March 2025: past its period on any day after 6 March
/// 2026.
fn seeded() -> (Sandbox, CaseId) {
    let sandbox = Sandbox::new();
    sandbox.ok(&["migrate"]);
    let case_id = CaseId::random();
    with_store(&sandbox, |store| async move {
        store
            .upsert_partnership(cspr_store::PartnershipRow {
                id: PARTNERSHIP.as_uuid(),
                name: "Test partnership".to_owned(),
            })
            .await
            .expect("partnership");
        let mut settings = Settings::default();
        settings.retention.case_years_after_closure = 1;
        let stored = StoredSettings::with_closure_days(settings, Vec::new());
        store
            .save_partnership_settings(
                PARTNERSHIP.as_uuid(),
                &serde_json::to_value(&stored).expect("json"),
                time::OffsetDateTime::now_utc(),
            )
            .await
            .expect("settings");
        let app = stored.app(&store);
        for (today, cmd) in no_further_action_script() {
            let actor = cspr_app::Actor {
                user_id: UserId::from_uuid(uuid::Uuid::from_u128(7)),
                now: today.with_time(time::Time::MIDNIGHT).assume_utc(),
                today,
                acting_for: None,
            };
            app.execute(case_id, None, cmd, actor).await.expect("step");
        }
        store.close().await;
    });
    (sandbox, case_id)
}

const CASE_LINE: &str = "  case CSPR-2025-002: closed on 6 March 2025, kept until 6 March 2026 (1 year after closure); no legal hold";

#[test]
fn a_dry_run_lists_what_would_go_and_changes_nothing() {
    let (sandbox, _) = seeded();
    let before = sandbox.export("before.jsonl");
    let out = sandbox.ok(&["retention", "run", "--dry-run"]);
    assert!(out.starts_with("Would erase:\n"), "{out}");
    assert!(out.lines().any(|l| l == CASE_LINE), "{out}");
    assert!(out.ends_with("Dry run: nothing was changed.\n"), "{out}");
    assert_eq!(sandbox.export("after.jsonl"), before);
}

#[test]
fn a_run_erases_the_case_audits_it_and_the_chains_verify() {
    let (sandbox, case_id) = seeded();
    let out = sandbox.ok(&["retention", "run"]);
    assert!(out.starts_with("Erased:\n"), "{out}");
    assert!(out.lines().any(|l| l == CASE_LINE), "{out}");
    let again = sandbox.ok(&["retention", "run"]);
    assert_eq!(again, "Nothing has passed its retention period.\n");
    let verified = sandbox.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
    let (log, shredded) = with_store(&sandbox, |store| async move {
        let log = store
            .access_log_for_case(case_id.as_uuid())
            .await
            .expect("log");
        let shredded = store
            .load_stream(case_id.as_uuid())
            .await
            .expect("stream")
            .iter()
            .all(|e| e.sealed.is_none());
        store.close().await;
        (log, shredded)
    });
    assert!(shredded, "the case key is destroyed");
    let audit = log
        .iter()
        .find(|e| e.action == "retention-erased")
        .expect("audited");
    assert_eq!(audit.actor, "retention-run");
    assert_eq!(audit.source_ip, "cspr retention run");
    assert!(
        audit.detail.starts_with("case: closed on 6 March 2025"),
        "{}",
        audit.detail
    );
}
