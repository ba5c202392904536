//! A full disk through the real binary: the data directory on a small tmpfs is filled, every
//! command that would write says so in one line (exit 4) and writes nothing partial, and once
//! space is freed the store verifies clean with every acknowledged write present.
//! Needs root (it mounts a tmpfs); CI runs as root. It fails rather than skips without it.

use std::{
    fs::{self, File, OpenOptions},
    io::{ErrorKind, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use crate::common::{Ack, Sandbox, check_acks, collect_acks, one_error_line};

/// A tmpfs mounted for the test's lifetime.
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Self {
        fs::create_dir_all(path).expect("create the mount point");
        let output = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(path)
            .output()
            .expect("run mount");
        assert!(
            output.status.success(),
            "the full-disk test must mount a {size} tmpfs at {} and could not \
             (it needs root, as CI has): {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Self {
            path: path.to_path_buf(),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// Writes zeros until the file system refuses, then returns the filler's path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .expect("create the filler");
    for chunk in [64 * 1024, 4096, 512, 1] {
        let block = vec![0u8; chunk];
        loop {
            match file.write_all(&block) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }
    let _ = file.sync_all();
    path
}

fn shrink(path: &Path, by: u64) {
    let file = File::options()
        .write(true)
        .open(path)
        .expect("open the filler");
    let len = file.metadata().expect("filler size").len();
    file.set_len(len.saturating_sub(by))
        .expect("shrink the filler");
}

#[test]
fn a_full_disk_gives_one_clear_line_and_loses_nothing() {
    let work = tempfile::tempdir().unwrap();
    // Room for a fresh database with every migration and its first events (1 MiB no longer
    // was once the store had its activation, approval and chain-key tables).
    let mount = Tmpfs::mount(&work.path().join("mnt"), "4m");
    let data_dir = mount.path.join("data");
    let sandbox = Sandbox::with_data_dir(tempfile::tempdir().unwrap(), data_dir);

    let mut acks: Vec<Ack> = sandbox.write_events(10);
    let filler = fill(&mount.path);

    // Completely full: nothing that writes gets started.
    for command in [
        &["migrate"][..],
        &["crash-writer", "--count", "5"],
        &["serve"],
    ] {
        let output = sandbox.run(command);
        let line = one_error_line(&output, 4);
        assert!(line.contains("disk is full"), "{line}");
        assert!(line.contains("free some space"), "{line}");
        assert!(output.stdout.is_empty());
    }

    // Nearly full: appends run until the database itself cannot grow, then stop cleanly.
    shrink(&filler, 96 * 1024);
    let mut child = sandbox
        .command(&["crash-writer", "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let reader = collect_acks(&mut child);
    let output = child.wait_with_output().unwrap();
    let (more, other) = reader.join().unwrap();
    assert!(other.is_empty(), "unexpected output: {other:?}");
    let line = one_error_line(&output, 4);
    assert!(line.contains("disk is full"), "{line}");
    let acked_while_nearly_full = more.len();
    acks.extend(more);

    // Space returns: everything acknowledged is there once, the store verifies, writes resume.
    fs::remove_file(&filler).unwrap();
    let verified = sandbox.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
    let check = check_acks(&sandbox, &acks);
    assert_eq!(check.unacknowledged, 0, "{check:?}");
    acks.extend(sandbox.write_events(5));
    let check = check_acks(&sandbox, &acks);
    println!(
        "disk full: {} writes acknowledged while nearly full before the disk filled; \
         {} events stored after recovery, all {} acknowledged writes present once",
        acked_while_nearly_full, check.events_found, check.acked
    );
}
