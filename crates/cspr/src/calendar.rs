//! `cspr calendar`: working-day arithmetic on the England and Wales calendar plus the
//! partnership's closure days, for checking a deadline by hand.

use cspr_domain::calendar::Calendar;

use crate::{cli::CalendarCommand, config::Settings, dates, exit::Failure};

pub fn run(settings: &Settings, command: &CalendarCommand) -> Result<(), Failure> {
    let calendar =
        Calendar::england_and_wales().with_closure_days(settings.closure_days.iter().copied());
    match command {
        CalendarCommand::Add { date, n } => {
            let start = dates::parse(date).map_err(Failure::config)?;
            let n = parse_count(n)?;
            let due = calendar.add_working_days(start, n);
            let skipped = calendar.skipped_between(start, due);
            println!("{}", dates::iso(due));
            println!("{}", dates::long(due));
            println!(
                "{n} working {} after {}: {}",
                if n == 1 { "day" } else { "days" },
                dates::long(start),
                skipped.describe()
            );
        }
        CalendarCommand::Between { from, to } => {
            let from = dates::parse(from).map_err(Failure::config)?;
            let to = dates::parse(to).map_err(Failure::config)?;
            let count = calendar.working_days_between(from, to);
            let (earlier, later) = if from <= to { (from, to) } else { (to, from) };
            println!("{count}");
            println!(
                "working days after {} up to and including {}: {}",
                dates::long(from),
                dates::long(to),
                calendar.skipped_between(earlier, later).describe()
            );
        }
    }
    Ok(())
}

fn parse_count(text: &str) -> Result<u32, Failure> {
    text.trim().parse::<u32>().map_err(|_| {
        Failure::config(format!(
            "'{}' is not a number of working days: expected a whole number from 0 to {}",
            text.escape_debug(),
            u32::MAX
        ))
    })
}
