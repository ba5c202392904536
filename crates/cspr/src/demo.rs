//! Demonstration data, for `cspr demo` and `cspr serve --demo`: synthetic cases at every stage
//! (`cspr_app::demo`) and one account for each role with its second factor already set up
//! (`cspr_app::demo_accounts`). Safe to repeat: cases are seeded only into a partnership that has none,
//! and accounts that exist are left alone. Every name is invented.

use std::{
    ffi::OsString,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use cspr_app::{App, AppError};
use cspr_app::{
    accounts::password::check_new_password,
    demo_accounts::{DEMO_DOMAIN, DemoAccount},
    policy::Role,
};
use cspr_store::{CaseScope, Store};
use rand::{Rng, seq::IndexedRandom};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::{
    exit::{Failure, Kind},
    partnership::Partnership,
    store::store_failure,
};

/// Common, concrete English words that are easy to read and type, one a line. None is a demo
/// account's address or a word of a role's name, which the password check would refuse.
const WORDS: &str = include_str!("demo_words.txt");

/// The words of [`WORDS`].
fn words() -> Vec<&'static str> {
    WORDS.lines().filter(|w| !w.is_empty()).collect()
}

/// The most cases the report lists one by one; beyond it, it counts them by stage.
const LISTED_CASES: usize = 40;

/// The shortest demo password made.
const MIN_PASSWORD_CHARS: usize = 20;

/// What seeding found or made, for printing.
#[derive(Debug)]
pub struct Seeded {
    /// Every case of the partnership: reference and stage, by reference.
    pub cases: Vec<(String, String)>,
    /// Earlier cases seeded with the default demonstration, closed in the two years before:
    /// reference and stage.
    pub history: Vec<(String, String)>,
    /// Whether the cases were seeded by this run (false: they were there already).
    pub cases_seeded: bool,
    /// Every demo account.
    pub accounts: Vec<DemoAccount>,
    /// The addresses of the accounts made by this run, which have `password`.
    pub new_accounts: Vec<String>,
    /// The password of the accounts made by this run.
    pub password: SecretString,
    /// Generated reviews put in the learning library by this run.
    pub library: usize,
}

/// How many demo cases to seed.
#[derive(Debug, Clone, Copy)]
pub enum Cases {
    /// One of every stage, and the earlier closed cases that give the figures a history.
    Default,
    /// Exactly this many (`cspr demo --cases N`).
    Exactly(usize),
}

/// Seeds demo cases (unless the partnership has cases) and the demo accounts (those that do not
/// exist yet). A progress bar shows on a terminal. Under the database's start-up lock, so two
/// servers started with `--demo` at once on one database seed it once.
pub async fn seed(
    store: &Store,
    app: &App,
    partnership: &Partnership,
    now: OffsetDateTime,
    asked: Cases,
) -> Result<Seeded, Failure> {
    crate::store::under_startup_lock(store, async || {
        seed_unlocked(store, app, partnership, now, asked).await
    })
    .await
}

async fn seed_unlocked(
    store: &Store,
    app: &App,
    partnership: &Partnership,
    now: OffsetDateTime,
    asked: Cases,
) -> Result<Seeded, Failure> {
    let cases = match asked {
        Cases::Default => cspr_app::demo::STAGES as usize,
        Cases::Exactly(n) => n,
    };
    // The agencies first: a case published while seeding names them in its public copy.
    let had: Vec<String> = store
        .users(partnership.id.as_uuid())
        .await
        .map_err(|e| store_failure(e, "cannot list the partnership's accounts"))?
        .into_iter()
        .map(|user| user.email.to_lowercase())
        .filter(|email| cspr_app::demo_accounts::is_demo_email(email))
        .collect();
    let password = new_password()?;
    let accounts =
        cspr_app::demo_accounts::seed(store, partnership.id, password.expose_secret(), now)
            .await
            .map_err(|e| store_failure(e, "cannot create the demo accounts"))?;
    let new_accounts = accounts
        .iter()
        .map(|account| account.email.to_lowercase())
        .filter(|email| !had.contains(email))
        .collect();
    let existing = store
        .case_summaries(CaseScope::Partnership(partnership.id.as_uuid()))
        .await
        .map_err(|e| store_failure(e, "cannot list the partnership's cases"))?;
    let cases_seeded = existing.is_empty();
    let mut cases: Vec<(String, String)> = if cases_seeded {
        let bar = crate::progress::Progress::new(
            cases,
            "seeding {bar:40} {pos}/{len} cases",
            cases > cspr_app::demo::STAGES as usize,
        );
        let made =
            cspr_app::demo::seed_cases(app, cspr_app::date_in_england(now), cases, bar.updater())
                .await;
        bar.finish();
        made.map_err(|e| app_failure(e, "cannot seed the demo cases"))?
            .into_iter()
            .map(|case| (case.reference, case.stage.label().to_owned()))
            .collect()
    } else {
        existing
            .into_iter()
            .map(|case| (case.reference, case.stage_label))
            .collect()
    };
    cases.sort();
    // The default demonstration also has a history, so the figures have years to compare.
    let history = if cases_seeded && matches!(asked, Cases::Default) {
        cspr_app::demo::seed_history(app, cspr_app::date_in_england(now))
            .await
            .map_err(|e| app_failure(e, "cannot seed the earlier demo cases"))?
            .into_iter()
            .map(|case| (case.reference, case.stage.label().to_owned()))
            .collect()
    } else {
        Vec::new()
    };

    let library = cspr_app::library::seed_demo(store)
        .await
        .map_err(|e| app_failure(e, "cannot seed the demo library"))?;
    Ok(Seeded {
        cases,
        history,
        cases_seeded,
        accounts,
        new_accounts,
        password,
        library,
    })
}

/// What to print for the demo: the cases, the accounts, the password (only for accounts made
/// now), how to get an authenticator code, and `open` (where to go next).
pub fn report(
    seeded: &Seeded,
    partnership_name: &str,
    config: Option<&Path>,
    open: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Demonstration data for {partnership_name}");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} cases{}:",
        seeded.cases.len(),
        if seeded.cases_seeded {
            ", seeded now"
        } else {
            ", already there (not seeded again)"
        }
    );
    if seeded.cases.len() > LISTED_CASES {
        // Too many to list: how many stand at each stage.
        let mut by_stage: Vec<(&str, usize)> = Vec::new();
        for (_, stage) in &seeded.cases {
            match by_stage.iter_mut().find(|(s, _)| *s == stage.as_str()) {
                Some((_, n)) => *n += 1,
                None => by_stage.push((stage, 1)),
            }
        }
        let width = by_stage.iter().map(|s| s.0.len()).max().unwrap_or(0);
        for (stage, n) in by_stage {
            let _ = writeln!(out, "  {stage:<width$}  {n}");
        }
    } else {
        let width = seeded.cases.iter().map(|c| c.0.len()).max().unwrap_or(0);
        for (reference, stage) in &seeded.cases {
            let _ = writeln!(out, "  {reference:<width$}  {stage}");
        }
    }
    if !seeded.history.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} earlier cases, closed in the two years before, so the figures compare years:",
            seeded.history.len()
        );
        let width = seeded.history.iter().map(|c| c.0.len()).max().unwrap_or(0);
        for (reference, stage) in &seeded.history {
            let _ = writeln!(out, "  {reference:<width$}  {stage}");
        }
    }
    if seeded.library > 0 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} generated reviews put in the learning library (/library): synthetic, none real.",
            seeded.library
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Demo accounts, one for each role:");
    let width = seeded
        .accounts
        .iter()
        .map(|a| a.email.len())
        .max()
        .unwrap_or(0);
    for account in &seeded.accounts {
        let _ = writeln!(out, "  {:<width$}  {}", account.email, account.role.label());
    }
    let _ = writeln!(out);
    let made_now = seeded.new_accounts.len();
    if made_now == 0 {
        let _ = writeln!(
            out,
            "Password: the one printed when these accounts were made (it is stored only as a hash).\n\
             To start again with a new password, use a new, empty data directory."
        );
    } else {
        let whose = if made_now == seeded.accounts.len() {
            "every demo account".to_owned()
        } else {
            format!("the accounts made now ({})", seeded.new_accounts.join(", "))
        };
        let _ = writeln!(
            out,
            "Password for {whose}:\n\n    {}\n\n\
             It is shown only this once and stored only as a hash: copy it now.",
            seeded.password.expose_secret()
        );
    }
    let example = seeded
        .accounts
        .first()
        .map_or_else(|| format!("team@{DEMO_DOMAIN}"), |a| a.email.clone());
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Second factor: every demo account has an authenticator already set up. When sign-in asks\n\
         for the 6-digit code, run this in another terminal (the code changes every 30 seconds):\n\n    \
         {} demo-code {example}\n",
        invocation(config)
    );
    let _ = write!(out, "{open}");
    out
}

/// A random memorable password: four common words and a two-digit number, checked by the same
/// rules as any new password.
pub fn new_password() -> Result<SecretString, Failure> {
    let context: Vec<String> = Role::ALL
        .iter()
        .map(|role| role.label().to_owned())
        .chain([DEMO_DOMAIN.to_owned()])
        .collect();
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let list = words();
    let mut rng = rand::rng();
    for _ in 0..100 {
        let mut words: Vec<&str> = Vec::with_capacity(5);
        for _ in 0..4 {
            words.push(list.choose(&mut rng).copied().unwrap_or("lantern"));
        }
        let number = rng.random_range(10..100).to_string();
        words.push(&number);
        let candidate = SecretString::from(words.join("-"));
        if candidate.expose_secret().chars().count() >= MIN_PASSWORD_CHARS
            && check_new_password(&candidate, &context).is_ok()
        {
            return Ok(candidate);
        }
    }
    Err(Failure::new(
        Kind::Failed,
        anyhow::anyhow!("cannot make a demo password that passes the password rules"),
    ))
}

/// How this binary was started, for a command the operator can paste: the program as invoked,
/// plus `--config FILE` when one was given.
pub fn invocation(config: Option<&Path>) -> String {
    let program = std::env::args_os()
        .next()
        .filter(|p| Path::new(p).components().count() > 1)
        .unwrap_or_else(|| OsString::from("cspr"));
    let mut words = vec![shell_word(&PathBuf::from(program))];
    if let Some(config) = config {
        words.push("--config".to_owned());
        words.push(shell_word(config));
    }
    words.join(" ")
}

/// A path as one shell word: quoted when it holds anything but plain characters.
fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@".contains(c))
    {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// An application error as a failure, keeping a store error's classification (a full disk).
fn app_failure(error: AppError, doing: &str) -> Failure {
    match error {
        AppError::Store(e) => store_failure(e, doing),
        other => Failure::from(anyhow::Error::new(other).context(doing.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_long_random_and_pass_the_rules() {
        let a = new_password().unwrap();
        let b = new_password().unwrap();
        assert_ne!(a.expose_secret(), b.expose_secret());
        for pw in [&a, &b] {
            let text = pw.expose_secret();
            assert!(text.chars().count() >= MIN_PASSWORD_CHARS, "{text}");
            assert_eq!(text.split('-').count(), 5, "{text}");
            assert!(check_new_password(pw, &[]).is_ok(), "{text}");
        }
    }

    #[test]
    fn no_word_is_an_account_or_role_word() {
        for role in Role::ALL {
            for part in role.label().to_lowercase().split(' ') {
                assert!(!words().contains(&part), "{part}");
            }
        }
        for local in [
            "team", "chair", "subgroup", "agency", "reviewer", "panel", "partner", "admin",
        ] {
            assert!(!words().iter().any(|w| w.contains(local)), "{local}");
        }
        let list = words();
        assert!(list.len() >= 200, "{} words", list.len());
        assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert!(
            list.iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase())),
            "plain lower-case words"
        );
    }

    #[test]
    fn paths_become_one_shell_word() {
        assert_eq!(
            shell_word(Path::new("target/release/cspr")),
            "target/release/cspr"
        );
        assert_eq!(shell_word(Path::new("my dir/it's")), r"'my dir/it'\''s'");
    }
}
