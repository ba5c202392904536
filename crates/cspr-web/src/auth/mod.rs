//! Sign-in building blocks: password hashing and rules, TOTP, recovery codes, throttling.
//! Pure functions with no web types, so each rule is tested on its own; the sign-in routes
//! combine them with the store's accounts, sessions and counters.

pub use cspr_app::accounts::{password, totp};

pub mod oidc;
pub mod passkey;
pub mod pending;
pub mod recovery;
pub mod throttle;
