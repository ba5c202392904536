//! The sign-in building blocks on their own: pinned argon2id parameters, equal work for unknown
//! accounts, the new-password rules, TOTP against the RFC 6238 vectors, recovery codes and the
//! throttling schedule.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail loudly, like the tests that call them"
)]

use std::time::Duration;

use crate::common::assert_contains;
use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Params, Version};
use cspr_web::auth::password::{
    self, ARGON2_PARAMS, PasswordProblem, check_new_password, dummy_verify, hash_password,
    needs_rehash, verify_password,
};
use cspr_web::auth::{recovery, throttle, totp};
use secrecy::SecretString;
use time::macros::datetime;

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// Asserts a PHC string is argon2id v1.3 with m = 19456 KiB, t = 2, p = 1.
fn assert_pinned(phc: &str) {
    let parsed = PasswordHash::new(phc).unwrap();
    assert_eq!(parsed.algorithm.as_str(), "argon2id", "{phc}");
    assert_eq!(parsed.version, Some(Version::V0x13 as u32), "{phc}");
    let params = Params::try_from(&parsed).unwrap();
    assert_eq!(
        (params.m_cost(), params.t_cost(), params.p_cost()),
        (19_456, 2, 1),
        "{phc}"
    );
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
}

#[test]
fn argon2id_parameters_are_pinned_at_the_asvs_minimum() {
    assert_eq!(ARGON2_PARAMS.m_cost(), 19_456);
    assert_eq!(ARGON2_PARAMS.t_cost(), 2);
    assert_eq!(ARGON2_PARAMS.p_cost(), 1);
    let hash = hash_password(&secret("a long enough passphrase for testing")).unwrap();
    assert_pinned(&hash);
    // The decoy used for unknown accounts costs exactly the same.
    assert_pinned(password::dummy_hash());
}

#[test]
fn passwords_verify_and_salts_differ() {
    let pw = secret("violet tractor quietly hums 88 mangoes");
    let hash = hash_password(&pw).unwrap();
    assert!(verify_password(&pw, &hash));
    assert!(!verify_password(
        &secret("violet tractor quietly hums 88 mangoe"),
        &hash
    ));
    assert!(!verify_password(&secret(""), &hash));
    assert!(!verify_password(&pw, "not a phc string"));
    assert!(!verify_password(&pw, ""));
    let again = hash_password(&pw).unwrap();
    assert_ne!(hash, again, "each hash has its own salt");
    assert!(verify_password(&pw, &again));
    assert!(!needs_rehash(&hash));
}

#[test]
fn weaker_or_foreign_hashes_need_rehashing() {
    // argon2id with t = 1, and argon2i, as an older configuration might have written them.
    let weak = {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        argon2::Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19_456, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw", &salt)
        .unwrap()
        .to_string()
    };
    assert!(needs_rehash(&weak));
    // A weaker hash still verifies, so the account can sign in and be upgraded.
    let weak_pw = secret("pw");
    assert!(verify_password(&weak_pw, &weak));
    assert!(needs_rehash(
        "$argon2i$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$aGFzaA"
    ));
    assert!(needs_rehash("garbage"));
}

#[test]
fn an_unknown_account_costs_as_much_as_a_known_one() {
    let pw = secret("the password someone typed at sign-in");
    let hash = hash_password(&secret("the account's real password, different")).unwrap();
    assert!(!dummy_verify(&pw));
    assert!(!dummy_verify(&secret("")));
    // Same parameters (asserted above), so the same argon2 work: no timed assertion here, a
    // loaded machine makes timings meaningless (the brief keeps timing out of tests).
    assert!(!verify_password(&pw, &hash));
}

#[test]
fn new_passwords_of_the_wrong_length_are_refused() {
    let ctx = ["jo.bloggs@example.org", "Jo Bloggs"];
    assert_eq!(
        check_new_password(&secret("Tr0ub4dor&3"), &ctx),
        Err(PasswordProblem::TooShort)
    );
    assert_eq!(
        check_new_password(&secret("x7#Kq!m2Zp9@wL4"), &ctx).map_err(|e| e.to_string()),
        Ok(()),
        "15 random characters are enough"
    );
    assert_eq!(
        check_new_password(&secret("x7#Kq!m2Zp9@wL"), &ctx),
        Err(PasswordProblem::TooShort),
        "14 are not"
    );
    // Characters, not bytes: 15 accented letters are 30 bytes but still 15 characters.
    assert_eq!(
        check_new_password(&secret("éàüöñçøåßœæðþłž"), &ctx).map_err(|e| e.to_string()),
        Ok(())
    );
    let long: String = "Gv8!qR2#mZ7$wK4%"
        .chars()
        .cycle()
        .take(128)
        .collect::<String>()
        .chars()
        .enumerate()
        .map(|(i, c)| if i % 17 == 0 { 'x' } else { c })
        .collect();
    assert_eq!(long.chars().count(), 128);
    assert_eq!(
        check_new_password(&secret(&long), &ctx).map_err(|e| e.to_string()),
        Ok(()),
        "128 characters are allowed"
    );
    let too_long = format!("{long}y");
    assert_eq!(
        check_new_password(&secret(&too_long), &ctx),
        Err(PasswordProblem::TooLong)
    );
}

/// Asserts that each of `passwords` is refused for `problem` (a failure names the password).
fn assert_each_refused(context: &[&str], passwords: &[&str], problem: PasswordProblem) {
    for pw in passwords {
        assert_eq!(
            check_new_password(&secret(pw), context),
            Err(problem),
            "{pw}"
        );
    }
}

#[test]
fn common_and_guessable_passwords_are_refused() {
    let ctx = ["jo.bloggs@example.org", "Jo Bloggs"];
    for pw in [
        "password1234567",
        "qwertyuiopasdfgh",
        "aaaaaaaaaaaaaaaaaaaa",
        "123456789012345",
        "passwordpassword",
        "iloveyouiloveyou",
        "abcdefghijklmnop",
    ] {
        let got = check_new_password(&secret(pw), &ctx);
        assert!(
            matches!(
                got,
                Err(PasswordProblem::Common | PasswordProblem::Guessable)
            ),
            "{pw}: {got:?}"
        );
    }
    // Whole entries of zxcvbn's leaked-password list, in any letter case.
    let leaked = ["passwordstandard", "PasswordStandard", "1qaz2wsx3edc4rfv"];
    assert_each_refused(&ctx, &leaked, PasswordProblem::Common);
}

#[test]
fn passwords_must_not_contain_the_email_or_name() {
    let ctx = ["jo.bloggs@example.org", "Josephine Bloggs"];
    let personal = [
        "jo.bloggs-walks-7-dogs-daily",
        "JO.BLOGGS walks seven huskies",
        "walking with josephine 77 umbrellas",
        "umbrella BLOGGS kettle 42 violet",
    ];
    assert_each_refused(&ctx, &personal, PasswordProblem::Personal);
    assert_eq!(
        check_new_password(&secret("violet tractor quietly hums 88 mangoes"), &ctx)
            .map_err(|e| e.to_string()),
        Ok(())
    );
}

#[test]
fn password_messages_follow_the_design_system() {
    assert_eq!(
        PasswordProblem::TooShort.to_string(),
        "Enter a password of at least 15 characters"
    );
    assert_eq!(
        PasswordProblem::TooLong.to_string(),
        "Enter a password of 128 characters or fewer"
    );
    for p in [
        PasswordProblem::TooShort,
        PasswordProblem::TooLong,
        PasswordProblem::Personal,
        PasswordProblem::Common,
        PasswordProblem::Guessable,
    ] {
        assert!(p.to_string().starts_with("Enter a "), "{p}");
        assert!(!p.to_string().ends_with('.'), "{p}");
    }
}

/// RFC 6238 appendix B, SHA-1, secret "12345678901234567890": the 8-digit codes' last 6 digits.
const RFC_SECRET: &[u8] = b"12345678901234567890";
const RFC_VECTORS: &[(u64, &str)] = &[
    (59, "287082"),
    (1_111_111_109, "081804"),
    (1_111_111_111, "050471"),
    (1_234_567_890, "005924"),
    (2_000_000_000, "279037"),
    (20_000_000_000, "353130"),
];

#[test]
fn totp_matches_the_rfc_6238_vectors() {
    for &(t, code) in RFC_VECTORS {
        assert_eq!(totp::code_at(RFC_SECRET, t), code, "T = {t}");
        assert_eq!(totp::verify(RFC_SECRET, code, t), Some(t / 30), "T = {t}");
    }
}

#[test]
fn totp_accepts_one_step_of_drift_either_way() {
    // 287082 belongs to step 1 (T = 30..59).
    assert_eq!(totp::verify(RFC_SECRET, "287082", 30), Some(1));
    assert_eq!(
        totp::verify(RFC_SECRET, "287082", 5),
        Some(1),
        "one step early"
    );
    assert_eq!(
        totp::verify(RFC_SECRET, "287082", 89),
        Some(1),
        "one step late"
    );
    assert_eq!(
        totp::verify(RFC_SECRET, "287082", 90),
        None,
        "two steps late"
    );
    let t = 1_111_111_111;
    assert_eq!(totp::verify(RFC_SECRET, "050471", t + 30), Some(t / 30));
    assert_eq!(totp::verify(RFC_SECRET, "050471", t - 30), Some(t / 30));
    assert_eq!(totp::verify(RFC_SECRET, "050471", t + 60), None);
    assert_eq!(totp::verify(RFC_SECRET, "050471", t - 60), None);
}

#[test]
fn totp_refuses_malformed_codes_and_weak_secrets() {
    assert_eq!(
        totp::verify(RFC_SECRET, "287 082", 59),
        Some(1),
        "spaces are ignored"
    );
    for bad in [
        "",
        "28708",
        "2870820",
        "+28708",
        "28708a",
        "２８７０８２",
        "287-082",
    ] {
        assert_eq!(totp::verify(RFC_SECRET, bad, 59), None, "{bad:?}");
    }
    assert_eq!(totp::verify(RFC_SECRET, "287083", 59), None);
    // Under 128 bits is refused (RFC 4226 section 4).
    let short = b"0123456789";
    assert_eq!(totp::verify(short, &totp::code_at(short, 59), 59), None);
    assert_eq!(
        totp::qr_png(short, "jo@example.org", "cspr"),
        Err(totp::TotpProblem::BadSecret)
    );
}

#[test]
fn totp_secrets_are_random_and_160_bits() {
    let a = totp::new_secret();
    let b = totp::new_secret();
    assert_eq!(a.len(), 20);
    assert_eq!(b.len(), 20);
    assert_ne!(a, b);
    assert_eq!(
        totp::secret_base32(RFC_SECRET),
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    );
}

#[test]
fn enrolment_link_and_qr_code() {
    let url = totp::otpauth_url(RFC_SECRET, "jo@example.org", "Northshire: SCP").unwrap();
    assert!(url.starts_with("otpauth://totp/"), "{url}");
    assert_contains(&url, "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_contains(&url, "jo%40example.org");
    assert_contains(&url, "issuer=Northshire");
    assert!(
        !url.contains("Northshire:"),
        "colons in labels are replaced: {url}"
    );
    assert_eq!(
        totp::otpauth_url(RFC_SECRET, "  ", "cspr"),
        Err(totp::TotpProblem::BadLabel)
    );
    let png = totp::qr_png(RFC_SECRET, "jo@example.org", "cspr").unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // The problem type never carries the secret.
    assert!(!format!("{:?}", totp::TotpProblem::Qr).contains("GEZDG"));
}

#[test]
fn recovery_codes_are_unique_and_well_formed() {
    for _ in 0..20 {
        let codes = recovery::generate();
        assert_eq!(codes.len(), 10);
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 10, "{codes:?}");
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(&code[5..6], "-", "{code}");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| recovery::ALPHABET.contains(&b)),
                "{code}"
            );
            assert!(recovery::looks_like_code(code));
        }
    }
    for ambiguous in b"01ILOU" {
        assert!(!recovery::ALPHABET.contains(ambiguous));
    }
    assert_ne!(recovery::generate(), recovery::generate());
}

#[test]
fn recovery_code_hashes_ignore_case_spaces_and_hyphens() {
    let h = recovery::hash_code("ABCDE-FGHJK");
    assert_eq!(recovery::hash_code("abcde-fghjk"), h);
    assert_eq!(recovery::hash_code("ABCDEFGHJK"), h);
    assert_eq!(recovery::hash_code(" abcde fghjk "), h);
    assert_ne!(recovery::hash_code("ABCDE-FGHJM"), h);
    assert_eq!(h.len(), 64);
    assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!h.contains("ABCDE"));
    assert!(recovery::looks_like_code("abcde fghjk"));
    assert!(!recovery::looks_like_code("287082"));
    assert!(!recovery::looks_like_code("ABCDE-FGHJ0"));
}

#[test]
fn throttling_escalates_after_three_failures() {
    let s = Duration::from_secs;
    let schedule = [
        (0, s(0)),
        (1, s(0)),
        (2, s(0)),
        (3, s(0)),
        (4, s(1)),
        (5, s(2)),
        (6, s(4)),
        (7, s(8)),
        (10, s(64)),
        (13, s(512)),
        (14, s(900)),
        (40, s(900)),
        (u32::MAX, s(900)),
    ];
    for (failures, delay) in schedule {
        assert_eq!(throttle::delay_for(failures), delay, "{failures} failures");
    }
    let mut last = Duration::ZERO;
    for n in 0..200 {
        let d = throttle::delay_for(n);
        assert!(d >= last && d <= throttle::MAX_DELAY, "{n}");
        last = d;
    }
}

#[test]
fn throttling_holds_back_until_the_delay_has_passed() {
    let at = datetime!(2025-03-03 09:00:00 UTC);
    assert_eq!(throttle::locked_until(at, 3), None);
    assert_eq!(
        throttle::locked_until(at, 4),
        Some(at + time::Duration::seconds(1))
    );
    assert_eq!(
        throttle::locked_until(at, 30),
        Some(at + time::Duration::minutes(15))
    );
    assert_eq!(throttle::wait_at(at, at, 3), None);
    assert_eq!(throttle::wait_at(at, at, 6), Some(Duration::from_secs(4)));
    assert_eq!(
        throttle::wait_at(at + time::Duration::seconds(3), at, 6),
        Some(Duration::from_secs(1))
    );
    assert_eq!(
        throttle::wait_at(at + time::Duration::seconds(4), at, 6),
        None
    );
}
