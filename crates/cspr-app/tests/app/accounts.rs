//! Accounts' expensive work stays off the async workers.

use cspr_app::accounts::password::{hash_password, verify_password_off_thread};
use secrecy::SecretString;

/// Issue 16, finding 7: argon2 ran on the async workers, so each sign-in held a worker for its
/// whole hash and a burst of sign-ins stalled every page. Checking a password now yields: on a
/// one-thread runtime another task runs while the password is checked (inline, it could not
/// run until the check was over).
#[test]
fn checking_a_password_lets_other_tasks_run() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let other_ran = AtomicBool::new(false);
    let phrase = "a long enough passphrase";
    let hash = hash_password(&SecretString::from(phrase)).expect("hash");
    let (seen, ()) = runtime.block_on(async {
        tokio::join!(
            async {
                let ok = verify_password_off_thread(SecretString::from(phrase), hash).await;
                assert!(ok, "the right password matches");
                other_ran.load(Ordering::SeqCst)
            },
            async { other_ran.store(true, Ordering::SeqCst) },
        )
    });
    assert!(seen, "the other task ran while the password was checked");
}
