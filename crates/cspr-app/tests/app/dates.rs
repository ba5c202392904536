//! Issue 15, defect 2: "today" is the date in England (Europe/London), not the UTC date.
//! Between midnight and 01:00 in summer (BST, UTC+1) the UTC date is still yesterday, so
//! notifications, deadlines and "due today" would be a day out.

use std::sync::Arc;

use cspr_app::{Clock, Services, date_in_england};
use cspr_domain::examples::PARTNERSHIP;
use cspr_store::Backend;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use super::workflows::app;

#[derive(Debug)]
struct At(OffsetDateTime);

impl Clock for At {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Given the service's clock at 00:30 on 1 July 2025 in England (23:30 on 30 June, UTC),
/// when anyone acts, then today is 1 July: the date a person in England sees on their wall.
async fn today_is_the_date_in_england_not_in_utc(backend: Backend) {
    let (_db, app) = app(backend).await;
    let services = Services::new(
        app,
        PARTNERSHIP,
        "Test partnership",
        Arc::new(At(datetime!(2025-06-30 23:30 UTC))),
    );
    assert_eq!(services.today(), date!(2025 - 07 - 01));
    let actor = services.actor(cspr_domain::examples::REVIEWER_USER);
    assert_eq!(actor.today, date!(2025 - 07 - 01));
}

on_both!(today_is_the_date_in_england_not_in_utc);

/// Around both clock changes of 2025 (30 March 01:00 UTC, clocks forward; 26 October 01:00
/// UTC, clocks back) and in plain winter and summer. Source: the Summer Time Act 1972 and
/// the Summer Time Order 2002 (last Sundays of March and October, at 01:00 GMT).
#[test]
fn the_date_in_england_across_both_clock_changes() {
    let cases: [(OffsetDateTime, Date); 10] = [
        // Winter: England is on GMT, the dates agree.
        (datetime!(2025-01-15 23:59 UTC), date!(2025 - 01 - 15)),
        (datetime!(2025-03-29 23:30 UTC), date!(2025 - 03 - 29)),
        // The spring change: 00:59 GMT, then 02:00 BST.
        (datetime!(2025-03-30 00:59 UTC), date!(2025 - 03 - 30)),
        (datetime!(2025-03-30 01:00 UTC), date!(2025 - 03 - 30)),
        // The first summer night: 23:30 UTC is 00:30 the next day.
        (datetime!(2025-03-30 23:30 UTC), date!(2025 - 03 - 31)),
        (datetime!(2025-07-31 23:00 UTC), date!(2025 - 08 - 01)),
        // The autumn change: 23:30 UTC on the 25th is 00:30 BST on the 26th...
        (datetime!(2025-10-25 23:30 UTC), date!(2025 - 10 - 26)),
        // ...01:30 BST, and an hour later 01:30 GMT again: the same day twice over.
        (datetime!(2025-10-26 00:30 UTC), date!(2025 - 10 - 26)),
        (datetime!(2025-10-26 01:30 UTC), date!(2025 - 10 - 26)),
        // The first winter night: 23:30 UTC is 23:30 in England.
        (datetime!(2025-10-26 23:30 UTC), date!(2025 - 10 - 26)),
    ];
    for (at, expected) in cases {
        assert_eq!(date_in_england(at), expected, "{at}");
    }
    // Times of day are shown on England's clocks.
    let summer = cspr_app::in_england(datetime!(2025-07-31 23:00 UTC));
    assert_eq!((summer.date(), summer.hour()), (date!(2025 - 08 - 01), 0));
    let winter = cspr_app::in_england(datetime!(2025-12-01 09:15 UTC));
    assert_eq!((winter.hour(), winter.minute()), (9, 15));
}
