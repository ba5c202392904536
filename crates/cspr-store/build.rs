//! Embeds the migrations (`migrations/sqlite`, `migrations/postgres`) in the binary as a list of
//! (version, description, SQL), read by `store.rs` into sqlx's `Migrator` at start. This does what
//! `sqlx::migrate!` does without sqlx's `macros` feature, which would compile a second copy of
//! both database drivers and of SQLite's C source for the compiler's own use (issue 21: a
//! shorter build). Names are `<version>_<description>.sql`; the description is the rest of the
//! name with `_` as a space, as sqlx reads it, so databases migrated before see the same rows.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let mut out = String::new();
    for (name, dir) in [("SQLITE", "sqlite"), ("POSTGRES", "postgres")] {
        let dir = Path::new(&root).join("migrations").join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<(i64, String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| {
                let file = p
                    .file_name()
                    .expect("a name")
                    .to_string_lossy()
                    .into_owned();
                let (version, rest) = file
                    .split_once('_')
                    .unwrap_or_else(|| panic!("{file}: expected <version>_<description>.sql"));
                let version: i64 = version
                    .parse()
                    .unwrap_or_else(|_| panic!("{file}: the version is not a number"));
                let description = rest.trim_end_matches(".sql").replace('_', " ");
                (version, description, p.display().to_string())
            })
            .collect();
        files.sort();
        let _ = writeln!(out, "pub(crate) const {name}: &[(i64, &str, &str)] = &[");
        for (version, description, path) in files {
            let _ = writeln!(
                out,
                "    ({version}, {description:?}, include_str!({path:?})),"
            );
        }
        let _ = writeln!(out, "];");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
