//! Passwords: argon2id hashing with pinned parameters (ASVS 11.4.2), verification that costs
//! the same whether or not the account exists (6.3.8), and the rules for a new password
//! (6.2.1, 6.2.4, 6.2.9) with messages in the GOV.UK style.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use zxcvbn::Score;
use zxcvbn::matching::patterns::MatchPattern;

/// Memory cost in KiB: 19 MiB, the ASVS 11.4.2 / OWASP minimum for argon2id with t = 2, p = 1.
pub const ARGON2_M_KIB: u32 = 19_456;
/// Iterations.
pub const ARGON2_T: u32 = 2;
/// Lanes.
pub const ARGON2_P: u32 = 1;

/// The pinned argon2id parameters every new hash is made with.
pub const ARGON2_PARAMS: Params = match Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None) {
    Ok(p) => p,
    Err(_) => panic!("the pinned argon2 parameters are invalid"),
};

/// Fewest characters in a new password. ASVS allows 8 with MFA; we take 15, the floor without.
pub const MIN_CHARS: usize = 15;
/// Most characters in a new password (ASVS asks that at least 64 be allowed).
pub const MAX_CHARS: usize = 128;
/// Lowest acceptable zxcvbn score (3: about 10^10 guesses or more).
pub const MIN_SCORE: Score = Score::Three;

/// A hash of a random password made with the pinned parameters. Verifying against it costs the
/// same as verifying a real account's password, and nothing can match it.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$hfv3cNq1HN7fu6sV9Ns+0g$PAajoEngB8Z2sbB1LwO13rz5qqjmtNfkXQyQKBcM1AM";

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, ARGON2_PARAMS)
}

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("the password could not be hashed: {0}")]
pub struct HashError(String);

/// Hashes a password with argon2id, the pinned parameters and a random salt (PHC string).
pub fn hash_password(password: &SecretString) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (compared in constant time by argon2).
/// A hash that cannot be read never matches.
pub fn verify_password(password: &SecretString, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    hasher()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok()
}

/// Does the work of [`verify_password`] for a sign-in whose account does not exist (or has no
/// password), so the answer takes as long either way; always fails.
pub fn dummy_verify(password: &SecretString) -> bool {
    // black_box keeps the unused result, and so the work, from being optimised away.
    std::hint::black_box(verify_password(password, DUMMY_HASH));
    false
}

/// Argon2 runs for tens of milliseconds and uses most of a core: never on the async workers,
/// and at most this many at once, so a burst of sign-ins queues here instead of stalling every
/// other request (issue 16, finding 7).
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// Runs argon2 work on the blocking pool, one of at most [`HASHING`]'s permits at a time.
async fn off_the_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    // The semaphore is never closed, so acquiring cannot fail; if it ever did, the work still
    // runs off the workers.
    let _permit = HASHING.acquire().await.ok();
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// [`verify_password`] on the blocking pool.
pub async fn verify_password_off_thread(password: SecretString, hash: String) -> bool {
    off_the_workers(move || verify_password(&password, &hash)).await
}

/// [`dummy_verify`] on the blocking pool.
pub async fn dummy_verify_off_thread(password: SecretString) -> bool {
    off_the_workers(move || dummy_verify(&password)).await
}

/// [`hash_password`] on the blocking pool.
///
/// # Errors
/// As [`hash_password`].
pub async fn hash_password_off_thread(password: SecretString) -> Result<String, HashError> {
    off_the_workers(move || hash_password(&password)).await
}

/// The hash [`dummy_verify`] checks against, for tests to assert it uses the pinned
/// parameters (so both paths cost the same).
pub fn dummy_hash() -> &'static str {
    DUMMY_HASH
}

/// Whether a stored hash was made with weaker parameters than the pinned ones, so it should be
/// replaced at the next successful sign-in.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm != argon2::ARGON2ID_IDENT
        || params.m_cost() < ARGON2_M_KIB
        || params.t_cost() < ARGON2_T
}

/// Why a new password is refused; `Display` is the message to show next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("Enter a password of at least 15 characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("Enter a password of 128 characters or fewer")]
    TooLong,
    /// It contains the person's email address (its part before the @) or their name.
    #[error("Enter a password that does not include your email address or name")]
    Personal,
    /// It is, as a whole, in zxcvbn's list of common passwords.
    #[error("Enter a different password. This one is on a list of common passwords")]
    Common,
    /// zxcvbn estimates it can be guessed in fewer than about 10^10 attempts.
    #[error("Enter a password that is harder to guess, for example 3 or 4 random words")]
    Guessable,
}

/// The lower-cased words of the context a password must not contain: the local part of any
/// email address (and its pieces of 4 or more characters), and the words of names of 4 or more.
fn personal_words(context: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for item in context {
        let item = item.trim().to_lowercase();
        if let Some((local, _domain)) = item.split_once('@') {
            if local.chars().count() >= 3 {
                words.push(local.to_owned());
            }
            words.extend(
                local
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 4)
                    .map(str::to_owned),
            );
        } else {
            words.extend(
                item.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.chars().count() >= 4)
                    .map(str::to_owned),
            );
        }
    }
    words
}

/// Whether a lower-cased password is, as a whole, a plain entry of zxcvbn's `Passwords` list:
/// zxcvbn then explains it as that one dictionary word (its rank is far fewer guesses than any
/// split into pieces).
fn is_common(lower: &str) -> bool {
    match zxcvbn::zxcvbn(lower, &[]).sequence() {
        [only] => match &only.pattern {
            // DictionaryType is not exported by zxcvbn; its Debug name identifies the list.
            MatchPattern::Dictionary(d) => {
                format!("{:?}", d.dictionary_name) == "Passwords" && !d.reversed && !d.l33t
            }
            _ => false,
        },
        _ => false,
    }
}

/// Checks a new password: 15 to 128 characters (Unicode scalar values, spaces count), not
/// containing the email's local part or the person's name, not a common password and not
/// easily guessed.
///
/// "Common" means the whole password, in any letter case, is a plain (not reversed, not l33t)
/// match in zxcvbn's `Passwords` frequency list (about 30,000 leaked passwords); "easily
/// guessed" means a zxcvbn score below 3, which also catches common passwords with a few
/// characters added, keyboard walks, repeats, sequences, dates and dictionary words. zxcvbn
/// weighs only the first 100 characters. `context` holds the person's email address and name,
/// which zxcvbn also treats as known words.
pub fn check_new_password(
    password: &SecretString,
    context: &[&str],
) -> Result<(), PasswordProblem> {
    let pw = password.expose_secret();
    let chars = pw.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = pw.to_lowercase();
    if personal_words(context)
        .iter()
        .any(|w| lower.contains(w.as_str()))
    {
        return Err(PasswordProblem::Personal);
    }
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    let entropy = zxcvbn::zxcvbn(pw, context);
    if entropy.score() < MIN_SCORE {
        return Err(PasswordProblem::Guessable);
    }
    Ok(())
}
