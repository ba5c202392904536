//! An agency's chronology uploaded as CSV: any bytes give entries or reasons, never a panic,
//! and never more than the row limit.
#![no_main]

use cspr_export::import::{ImportError, MAX_ROWS, read_chronology};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_chronology("chronology.csv", data, false) {
        Ok(entries) => assert!(entries.len() <= MAX_ROWS),
        Err(ImportError::Rows(rows)) => assert!(!rows.is_empty() && rows.iter().all(|r| r.0 >= 1)),
        Err(ImportError::File(why)) => assert!(!why.is_empty()),
    }
});
