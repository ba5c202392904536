//! The random tokens of sessions and one-time links: 32 bytes from the operating system's
//! generator, written as hex; the store keeps only their blake3 hash.

use rand::RngCore;

/// A new random token (hex of 32 bytes).
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a token.
#[must_use]
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}
