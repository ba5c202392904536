//! The audited reader of cases lives in the application layer (`cspr_app::reader`): every read
//! of a case is written to the access log first, and a failed write refuses the read. The web
//! names it here for its handlers.

pub use cspr_app::reader::{
    Source, audit, load_case, load_case_shared, load_if_readable, log_event,
};
