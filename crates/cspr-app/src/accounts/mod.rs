//! Accounts: how passwords are hashed and judged, and the authenticator codes of the second
//! factor. Pure functions, used by sign-in on the web and by the demo accounts of the binary.

pub mod password;
pub mod totp;
