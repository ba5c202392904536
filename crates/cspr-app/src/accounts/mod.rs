//! Accounts: how passwords are hashed and judged, the authenticator codes of the second
//! factor (pure functions, used by sign-in on the web and by the demo accounts of the binary),
//! and an administrator's changes to an account ([`change`]).

pub mod activation;
pub mod api;
pub mod change;
pub mod grants;
pub mod notices;
pub mod password;
pub mod tokens;
pub mod totp;
