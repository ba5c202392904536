//! An agency's chronology uploaded as an Excel workbook: any bytes give entries or reasons,
//! never a panic, and never more than the row limit. A small zip that unpacks to a huge sheet
//! must be refused before calamine allocates it: libFuzzer's memory limits (scripts/fuzz.sh)
//! stop a run that allocates past them.
//!
//! The reader takes a panic inside calamine as a file that is not a workbook (a shared-string
//! cell naming a string the workbook lacks made calamine panic). libfuzzer-sys's hook aborts at
//! any panic, even one the code catches, so the target puts the standard hook back once: a panic
//! the reader does not catch still reaches libfuzzer-sys and stops the run.
#![no_main]

use cspr_export::import::{ImportError, MAX_ROWS, read_chronology};
use libfuzzer_sys::fuzz_target;

static STANDARD_PANIC_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    STANDARD_PANIC_HOOK.call_once(|| drop(std::panic::take_hook()));
    match read_chronology("chronology.xlsx", data, false) {
        Ok(entries) => assert!(entries.len() <= MAX_ROWS),
        Err(ImportError::Rows(rows)) => assert!(!rows.is_empty() && rows.iter().all(|r| r.0 >= 1)),
        Err(ImportError::File(why)) => assert!(!why.is_empty()),
    }
});
