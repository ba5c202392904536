//! How long the partnership keeps each kind of record, and when a closed case falls due for
//! erasure. UK GDPR Art 5(1)(e) (storage limitation): the periods are the partnership's own
//! retention schedule, kept in its settings; the defaults are what partnerships commonly
//! publish, stated in docs/OPERATIONS.md. A legal hold keeps a case whatever its period.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::case::DomainError;

/// The partnership's retention schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// Years a case's records are kept after it closes (then crypto-shredded), unless held.
    pub case_years_after_closure: u8,
    /// Years an access-log entry is kept after it was written.
    pub access_log_years: u8,
    /// Years the record of a withdrawn published report (its title and days) is kept after the
    /// withdrawal. A report still online is kept while it is online.
    pub withdrawn_report_years: u8,
    /// Days a practitioner link's record (with the practitioner's sealed email address) is kept
    /// after the link closed: used, or expired.
    pub practitioner_link_days: u16,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            case_years_after_closure: 7,
            access_log_years: 7,
            withdrawn_report_years: 1,
            practitioner_link_days: 90,
        }
    }
}

/// The years any period may be set to.
pub const YEARS: (u8, u8) = (1, 99);
/// The days a practitioner link's record may be kept.
pub const LINK_DAYS: (u16, u16) = (1, 3650);

impl Retention {
    /// Refuses a period outside its range.
    ///
    /// # Errors
    /// [`DomainError::Invalid`] naming the first period at fault.
    pub fn check(&self) -> Result<(), DomainError> {
        let years = [
            (
                "retention.case_years_after_closure",
                self.case_years_after_closure,
            ),
            ("retention.access_log_years", self.access_log_years),
            (
                "retention.withdrawn_report_years",
                self.withdrawn_report_years,
            ),
        ];
        for (field, value) in years {
            if !(YEARS.0..=YEARS.1).contains(&value) {
                return Err(DomainError::invalid(
                    field,
                    format!(
                        "Enter a whole number of years from {} to {}",
                        YEARS.0, YEARS.1
                    ),
                ));
            }
        }
        if !(LINK_DAYS.0..=LINK_DAYS.1).contains(&self.practitioner_link_days) {
            return Err(DomainError::invalid(
                "retention.practitioner_link_days",
                format!(
                    "Enter a whole number of days from {} to {}",
                    LINK_DAYS.0, LINK_DAYS.1
                ),
            ));
        }
        Ok(())
    }

    /// The last day a case closed on `closed_on` is kept.
    #[must_use]
    pub fn case_kept_until(&self, closed_on: Date) -> Date {
        after_years(closed_on, self.case_years_after_closure)
    }

    /// Access-log entries written before this day are past their period on `today`.
    #[must_use]
    pub fn access_log_erased_before(&self, today: Date) -> Date {
        before_years(today, self.access_log_years)
    }

    /// Withdrawn reports withdrawn before this day are past their period on `today`.
    #[must_use]
    pub fn withdrawn_reports_erased_before(&self, today: Date) -> Date {
        before_years(today, self.withdrawn_report_years)
    }

    /// Practitioner links that closed before this day are past their period on `today`.
    #[must_use]
    pub fn links_erased_before(&self, today: Date) -> Date {
        today
            .checked_sub(time::Duration::days(i64::from(self.practitioner_link_days)))
            .unwrap_or(Date::MIN)
    }
}

/// The same day `years` on; 29 February becomes 28 February in a year without it.
#[must_use]
pub fn after_years(day: Date, years: u8) -> Date {
    shift_years(day, i32::from(years))
}

/// The same day `years` before; 29 February becomes 28 February.
#[must_use]
pub fn before_years(day: Date, years: u8) -> Date {
    shift_years(day, -i32::from(years))
}

fn shift_years(day: Date, years: i32) -> Date {
    let year = day.year() + years;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(day)
}

/// Where a case stands against the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRetention {
    /// Not closed: kept.
    Open,
    /// Under a legal hold: kept whatever its period.
    Held,
    /// Closed, and kept until this day (inclusive).
    Kept {
        /// The last day it is kept.
        until: Date,
    },
    /// Closed, its period over: to be erased.
    Due {
        /// The last day it was to be kept.
        kept_until: Date,
    },
}

/// Where a case closed on `closed_on` (`None`: open) stands on `today`.
#[must_use]
pub fn case_retention(
    closed_on: Option<Date>,
    held: bool,
    today: Date,
    retention: &Retention,
) -> CaseRetention {
    match closed_on {
        _ if held => CaseRetention::Held,
        None => CaseRetention::Open,
        Some(closed) => {
            let until = retention.case_kept_until(closed);
            if today > until {
                CaseRetention::Due { kept_until: until }
            } else {
                CaseRetention::Kept { until }
            }
        }
    }
}
