//! Encrypted backups: restore gives an identical canonical export; a wrong secret, a truncated
//! or an altered file fails with a clear error and leaves the target empty.

use std::path::Path;

use cspr_store::testing::TestDb;
use cspr_store::{BackupSecret, Store, StoreError};

use crate::{export_text, populate};

/// Restoring must have failed without leaving anything behind: a good restore still works.
async fn assert_still_empty(target: &Store, empty_export: &str) {
    assert_eq!(
        export_text(target).await,
        empty_export,
        "the failed restore changed the target"
    );
}

fn key_file(dir: &Path) -> BackupSecret {
    let path = dir.join("backup.key");
    std::fs::write(&path, format!("{}\n", "5a".repeat(32))).unwrap();
    BackupSecret::key_file(&path).unwrap()
}

cspr_store::backend_tests! {
    async fn backup_and_restore_with_a_passphrase(db) {
        let source = db.store().await;
        populate(&source).await;
        let before = export_text(&source).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("backups/cspr.backup");
        let secret = BackupSecret::passphrase("correct horse battery staple").unwrap();
        source.backup_to(&file, &secret).await.unwrap();
        let raw = std::fs::read(&file).unwrap();
        assert!(raw.starts_with(b"CSPRBAK1"));
        assert!(!String::from_utf8_lossy(&raw).contains("NotificationRecorded"), "the backup is encrypted");
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }

        let target_db = TestDb::new(db.backend()).await;
        let target = target_db.store().await;
        let empty = export_text(&target).await;
        let wrong = BackupSecret::passphrase("incorrect horse battery staple").unwrap();
        let err = target.restore_from(&file, &wrong).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongBackupSecret), "{err:?}");
        assert_still_empty(&target, &empty).await;
        let err = target.restore_from(&file, &key_file(dir.path())).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongBackupSecret), "{err:?}");

        target.restore_from(&file, &secret).await.unwrap();
        assert_eq!(export_text(&target).await, before);
        assert!(target.verify().await.unwrap().is_ok());
    }

    async fn damaged_backups_are_refused_and_change_nothing(db) {
        let source = db.store().await;
        populate(&source).await;
        // Enough data for several chunks.
        let case = uuid::Uuid::new_v4();
        let big: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        source.put_blob(case, "application/octet-stream", "big.bin", &big).await.unwrap();
        let before = export_text(&source).await;
        let dir = tempfile::tempdir().unwrap();
        let secret = key_file(dir.path());
        let file = dir.path().join("cspr.backup");
        source.backup_to(&file, &secret).await.unwrap();
        let good = std::fs::read(&file).unwrap();
        assert!(good.len() > 3 * 65_536, "several chunks");

        let target_db = TestDb::new(db.backend()).await;
        let target = target_db.store().await;
        let empty = export_text(&target).await;
        let damaged = dir.path().join("damaged.backup");
        let header = 8 + 1 + 1 + 12 + 16 + 19 + 4 + 32;
        let chunk = 65_536 + 16;
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("cut in the middle", good[..good.len() / 2].to_vec()),
            ("last bytes missing", good[..good.len() - 10].to_vec()),
            ("cut at a chunk boundary", good[..header + 2 * chunk].to_vec()),
            ("header only", good[..header].to_vec()),
            ("half a header", good[..40].to_vec()),
            ("a flipped bit", {
                let mut g = good.clone();
                g[header + chunk + 100] ^= 0x01;
                g
            }),
            ("a flipped header bit", {
                let mut g = good.clone();
                g[30] ^= 0x01;
                g
            }),
            ("chunks swapped", {
                let mut g = good.clone();
                let (a, b) = (header, header + chunk);
                let first: Vec<u8> = g[a..b].to_vec();
                let second: Vec<u8> = g[b..b + chunk].to_vec();
                g[a..b].copy_from_slice(&second);
                g[b..b + chunk].copy_from_slice(&first);
                g
            }),
            ("not a backup", b"hello, this is not a backup file at all, not even close to one...........................".to_vec()),
        ];
        for (what, bytes) in cases {
            std::fs::write(&damaged, &bytes).unwrap();
            let err = target.restore_from(&damaged, &secret).await.unwrap_err();
            assert!(
                matches!(err, StoreError::Corrupt(_) | StoreError::Invalid(_) | StoreError::WrongBackupSecret),
                "{what}: {err:?}"
            );
            assert!(!err.to_string().is_empty());
            assert_still_empty(&target, &empty).await;
        }
        target.restore_from(&file, &secret).await.unwrap();
        assert_eq!(export_text(&target).await, before);
        let err = target.restore_from(&file, &secret).await.unwrap_err();
        assert!(matches!(err, StoreError::NotEmpty(_)), "{err:?}");
    }
}
