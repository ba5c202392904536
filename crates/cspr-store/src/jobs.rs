//! The job outbox: jobs enqueued with the change that caused them, claimed under a lease by one
//! worker at a time (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite one `UPDATE .. RETURNING` under
//! the write lock), retried with exponential backoff and parked as dead after too many failures.

use time::{Duration, OffsetDateTime};

use crate::codec::{escape_log_field, normalise_time};
use crate::db::{Arg, sql, sql2};
use crate::events::{insert_jobs, prepare_jobs};
use crate::{Job, JobCounts, NewJob, Store, StoreError};

/// Claims a job may have before a failure parks it as dead.
pub const JOB_MAX_ATTEMPTS: u32 = 10;

/// The wait before retrying a job that has failed `attempts` times: 30 s doubling, at most 6 h.
pub fn job_backoff(attempts: u32) -> Duration {
    let exponent = attempts.saturating_sub(1).min(20);
    let seconds = 30i64.saturating_mul(1i64 << exponent);
    Duration::seconds(seconds.min(6 * 60 * 60))
}

/// The longest failure message kept.
const MAX_ERROR_CHARS: usize = 2_000;

impl Store {
    /// Enqueues jobs on their own (most jobs should come with an append instead).
    pub async fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<(), StoreError> {
        let jobs = prepare_jobs(jobs)?;
        let mut tx = self.pool().write().await?;
        insert_jobs(&mut tx.cx(), &jobs).await?;
        tx.commit().await
    }

    /// Claims the next due job (or one whose worker's lease ran out) for `lease`, or `None`.
    /// Two workers never hold the same job at once.
    pub async fn claim_job(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let now = normalise_time(now)?;
        let until = normalise_time(now + lease)?;
        let mut conn = self.pool().conn().await?;
        let row = conn
            .cx()
            .fetch_optional(
                &sql2(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2 \
                     WHERE id = (SELECT id FROM jobs \
                        WHERE (state = 'pending' AND run_at <= $1) \
                           OR (state = 'running' AND locked_until <= $1) \
                        ORDER BY run_at, id LIMIT 1) \
                     RETURNING id, kind, payload, attempts, run_at",
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $2 \
                     WHERE id = (SELECT id FROM jobs \
                        WHERE (state = 'pending' AND run_at <= $1) \
                           OR (state = 'running' AND locked_until <= $1) \
                        ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, kind, payload, attempts, run_at",
                ),
                &[Arg::Time(now), Arg::Time(until)],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id = row.i64("id")?;
        let payload = serde_json::from_str(&row.text("payload")?)
            .map_err(|_| StoreError::Corrupt(format!("job {id} holds unreadable JSON")))?;
        Ok(Some(Job {
            id,
            kind: row.text("kind")?,
            payload,
            attempts: u32::try_from(row.i64("attempts")?).unwrap_or(u32::MAX),
            run_at: row.time("run_at")?,
        }))
    }

    /// Marks a claimed job done.
    pub async fn complete_job(&self, id: i64) -> Result<(), StoreError> {
        let mut conn = self.pool().conn().await?;
        let changed = conn
            .cx()
            .execute(
                &sql(
                    "UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = $2 \
                      WHERE id = $1 AND state = 'running'",
                ),
                &[Arg::I64(id), Arg::Time(crate::codec::now())],
            )
            .await?;
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Records a claimed job's failure: retried after [`job_backoff`], or dead after
    /// [`JOB_MAX_ATTEMPTS`] claims.
    pub async fn fail_job(
        &self,
        id: i64,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        let mut message: String = escape_log_field(error)
            .chars()
            .take(MAX_ERROR_CHARS)
            .collect();
        if message.is_empty() {
            message.push_str("(no message)");
        }
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let row = cx
            .fetch_optional(
                &sql2(
                    "SELECT attempts FROM jobs WHERE id = $1 AND state = 'running'",
                    "SELECT attempts FROM jobs WHERE id = $1 AND state = 'running' FOR UPDATE",
                ),
                &[Arg::I64(id)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let attempts = u32::try_from(row.i64("attempts")?).unwrap_or(u32::MAX);
        if attempts >= JOB_MAX_ATTEMPTS {
            cx.execute(
                &sql(
                    "UPDATE jobs SET state = 'dead', locked_until = NULL, last_error = $2, \
                      finished_at = $3 WHERE id = $1",
                ),
                &[Arg::I64(id), Arg::Text(message), Arg::Time(now)],
            )
            .await?;
            tracing::warn!(
                job = id,
                attempts,
                "job failed for the last time and is parked as dead"
            );
        } else {
            let retry_at = normalise_time(now + job_backoff(attempts))?;
            cx.execute(
                &sql(
                    "UPDATE jobs SET state = 'pending', locked_until = NULL, last_error = $2, \
                      run_at = $3 WHERE id = $1",
                ),
                &[Arg::I64(id), Arg::Text(message), Arg::Time(retry_at)],
            )
            .await?;
        }
        tx.commit().await
    }

    /// Jobs still to run: pending or claimed but not finished.
    pub async fn pending_jobs(&self) -> Result<u64, StoreError> {
        let counts = self.job_counts().await?;
        Ok(counts.pending + counts.running)
    }

    /// How many jobs are in each state.
    pub async fn job_counts(&self) -> Result<JobCounts, StoreError> {
        let mut conn = self.pool().conn().await?;
        let rows = conn
            .cx()
            .fetch_all(
                &sql("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"),
                &[],
            )
            .await?;
        let mut counts = JobCounts::default();
        for row in rows {
            let n = row.u64("n")?;
            match row.text("state")?.as_str() {
                "pending" => counts.pending = n,
                "running" => counts.running = n,
                "done" => counts.done = n,
                "dead" => counts.dead = n,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "a job has the unknown state {other:?}"
                    )));
                }
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(job_backoff(1), Duration::seconds(30));
        assert_eq!(job_backoff(2), Duration::seconds(60));
        assert_eq!(job_backoff(3), Duration::seconds(120));
        assert_eq!(job_backoff(40), Duration::hours(6));
    }
}
