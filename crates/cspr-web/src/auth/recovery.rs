//! Recovery codes: ten single-use codes shown once when the second factor is set up, for when
//! the authenticator app is lost. Only their hashes are stored; each code carries about 49 bits
//! of randomness, so a fast unsalted hash is enough (the store deletes a code once used).

use rand::Rng;
use rand::TryRngCore;
use rand::rngs::OsRng;

/// How many codes a set has.
pub const CODE_COUNT: usize = 10;
/// Characters per code, not counting the hyphen.
pub const CODE_LEN: usize = 10;
/// Upper-case letters and digits that cannot be mistaken for one another: no 0/O, 1/I/L, and
/// no U (so no accidental words).
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";

/// Domain separation of the code hash.
const HASH_CONTEXT: &str = "cspr 2025-06 recovery code v1";

/// A fresh set of distinct codes, formatted `XXXXX-XXXXX`.
pub fn generate() -> Vec<String> {
    let mut rng = OsRng.unwrap_err();
    let mut codes: Vec<String> = Vec::with_capacity(CODE_COUNT);
    while codes.len() < CODE_COUNT {
        let raw: String = (0..CODE_LEN)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        let code = format!("{}-{}", &raw[..CODE_LEN / 2], &raw[CODE_LEN / 2..]);
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// The code as typed, reduced to its characters: spaces and hyphens dropped, letters in upper
/// case.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether input has the shape of a recovery code (rather than an authenticator code).
pub fn looks_like_code(input: &str) -> bool {
    let n = normalise(input);
    n.len() == CODE_LEN && n.bytes().all(|b| ALPHABET.contains(&b))
}

/// The stored form of a code: blake3 (in its key-derivation mode, with this module's own
/// context) of the normalised code, in hex. `abcde-fghjk`, `ABCDEFGHJK` and `ABCDE FGHJK`
/// hash alike.
pub fn hash_code(code: &str) -> String {
    let mut hasher = blake3::Hasher::new_derive_key(HASH_CONTEXT);
    hasher.update(normalise(code).as_bytes());
    hasher.finalize().to_hex().to_string()
}
