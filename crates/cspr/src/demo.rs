//! Demonstration data. The seeding itself belongs to the application layer (`cspr-app`); until
//! it is wired in, this build says so plainly instead of pretending.

use anyhow::bail;

/// What seeding made, for printing where to sign in and which cases to look at.
#[derive(Debug, Default)]
pub struct DemoSummary {
    /// Lines to print for the operator (sign-in names, case references).
    pub lines: Vec<String>,
}

/// Seeds synthetic cases at every stage, plus users. Placeholder until `cspr-app` provides it.
pub async fn seed_demo_data(_store: &cspr_store::Store) -> anyhow::Result<DemoSummary> {
    bail!("demo data is not available in this build yet")
}
