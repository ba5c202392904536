//! Text given to the anonymisation engine: the properties of `cspr_redact::testing::check`
//! (offsets on character boundaries and in step, findings sorted and apart, redacting twice
//! changes nothing more) hold for any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    cspr_redact::testing::check(text);
});
