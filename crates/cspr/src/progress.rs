//! A progress bar on standard error for the long commands (importing the library, seeding a
//! large demo), shown only when standard error is a terminal, so scripts and tests see none.

use std::io::IsTerminal as _;

/// A bar counting to a total, or nothing off a terminal.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar to `total` with `template` (indicatif's, e.g. "seeding {bar:40} {pos}/{len}
    /// cases"); `show` false or standard error not a terminal gives none.
    pub fn new(total: usize, template: &str, show: bool) -> Progress {
        Progress((show && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(u64::MAX));
            bar.set_style(
                indicatif::ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    /// What to call with how many are done.
    pub fn updater(&self) -> impl Fn(usize) + Send + Sync + 'static {
        let bar = self.0.clone();
        move |n| {
            if let Some(bar) = &bar {
                bar.set_position(u64::try_from(n).unwrap_or(u64::MAX));
            }
        }
    }

    /// Takes the bar off the terminal.
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
