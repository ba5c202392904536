//! What the page benchmarks share: a clock that runs from a fixed start, the actor scripts run
//! as, and a signed-in session cookie.

use std::error::Error;
use std::time::Instant;

use cspr_app::Actor;
use cspr_domain::ids::UserId;
use cspr_store::Store;
use cspr_web::Clock;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// A clock that starts at `start` and runs in real time, so sessions stay live and the access
/// log's times increase.
#[derive(Debug)]
pub struct BenchClock {
    start: OffsetDateTime,
    began: Instant,
}

impl BenchClock {
    pub fn from(start: OffsetDateTime) -> Self {
        Self {
            start,
            began: Instant::now(),
        }
    }
}

impl Clock for BenchClock {
    fn now(&self) -> OffsetDateTime {
        self.start + self.began.elapsed()
    }
}

/// `user_id` acting at ten in the morning of `today`.
pub fn actor(user_id: UserId, today: Date) -> Actor {
    Actor {
        user_id,
        now: OffsetDateTime::new_utc(today, time::macros::time!(10:00)),
        today,
        acting_for: None,
    }
}

/// A session for `user` with both factors done, from `now`; the cookie header's value.
pub async fn signed_in(store: &Store, user: Uuid, now: OffsetDateTime) -> Result<String> {
    let token = cspr_web::session::open(store, user, now, true).await?;
    Ok(format!("{}={token}", cspr_web::session::COOKIE_NAME))
}
