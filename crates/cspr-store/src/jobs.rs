//! The job outbox: jobs enqueued with the change that caused them, claimed under a lease by one
//! worker at a time (PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite one `UPDATE .. RETURNING` under
//! the write lock), retried with exponential backoff and parked as dead after too many failures.

use time::{Duration, OffsetDateTime};

use crate::codec::{canonical_json, escape_log_field, normalise_time};
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
        let mut conn = self.pool().write_conn().await?;
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
        let mut conn = self.pool().write_conn().await?;
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
        let dead = attempts >= JOB_MAX_ATTEMPTS;
        // Parked as dead (finished now), or pending again until its retry time.
        let (q, at) = if dead {
            (
                sql(
                    "UPDATE jobs SET state = 'dead', locked_until = NULL, last_error = $2, \
                     finished_at = $3 WHERE id = $1",
                ),
                now,
            )
        } else {
            (
                sql(
                    "UPDATE jobs SET state = 'pending', locked_until = NULL, last_error = $2, \
                     run_at = $3 WHERE id = $1",
                ),
                normalise_time(now + job_backoff(attempts))?,
            )
        };
        cx.execute(&q, &[Arg::I64(id), Arg::Text(message), Arg::Time(at)])
            .await?;
        if dead {
            tracing::warn!(
                job = id,
                attempts,
                "job failed for the last time and is parked as dead"
            );
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

/// What became of a keyed job's work, recorded with its completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// The work was done (the email went).
    Done,
    /// The work was found unnecessary when the job ran (the action was completed meanwhile).
    Skipped,
}

impl JobOutcome {
    const fn key(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }
}

/// Idempotency keys: planners enqueue work under a stable key (`reminder/<action>/<kind>/...`)
/// as often as they like and it is enqueued once; the key is marked done in the transaction
/// that completes its job, and workers check it before acting.
impl Store {
    /// Enqueues each job whose key has never been enqueued, in one transaction; returns how
    /// many were enqueued. A key is taken for good: a finished, skipped or dead job's key is
    /// not enqueued again.
    pub async fn enqueue_keyed_jobs(&self, jobs: Vec<(String, NewJob)>) -> Result<u64, StoreError> {
        if jobs.iter().any(|(key, _)| key.trim().is_empty()) {
            return Err(StoreError::Invalid("a keyed job needs a key".into()));
        }
        let jobs = jobs
            .into_iter()
            .map(|(key, job)| {
                if job.kind.trim().is_empty() {
                    return Err(StoreError::Invalid("a job needs a kind".into()));
                }
                Ok((
                    key,
                    job.kind,
                    canonical_json(&job.payload),
                    normalise_time(job.run_at)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let now = crate::codec::now();
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let mut enqueued = 0;
        for (key, kind, payload, run_at) in jobs {
            // ON CONFLICT: a concurrent planner's insert of the same key waits, then does nothing.
            let taken = cx
                .execute(
                    &sql("INSERT INTO job_keys (key, created_at) VALUES ($1, $2) \
                          ON CONFLICT (key) DO NOTHING"),
                    &[Arg::Text(key.clone()), Arg::Time(now)],
                )
                .await?;
            if taken == 0 {
                continue;
            }
            let id = cx
                .fetch_one(
                    &sql(
                        "INSERT INTO jobs (kind, payload, state, attempts, run_at, created_at) \
                          VALUES ($1, $2, 'pending', 0, $3, $4) RETURNING id",
                    ),
                    &[
                        Arg::Text(kind),
                        Arg::Text(payload),
                        Arg::Time(run_at),
                        Arg::Time(now),
                    ],
                )
                .await?
                .i64("id")?;
            cx.execute(
                &sql("UPDATE job_keys SET job_id = $2 WHERE key = $1"),
                &[Arg::Text(key), Arg::I64(id)],
            )
            .await?;
            enqueued += 1;
        }
        tx.commit().await?;
        Ok(enqueued)
    }

    /// Whether a key's job has finished its work (done or skipped): a worker handed the job
    /// again checks this before acting.
    pub async fn job_key_done(&self, key: &str) -> Result<bool, StoreError> {
        let q = sql("SELECT done_at FROM job_keys WHERE key = $1");
        let done = self
            .pool()
            .fetch_optional(&q, &[Arg::Text(key.to_owned())], |row| {
                Ok(row.opt_time("done_at")?.is_some())
            })
            .await?;
        Ok(done.unwrap_or(false))
    }

    /// Records work done under `key` with no job behind it (the daily retention run): from now
    /// on [`Store::job_key_done`] says so. Returns whether the key was new.
    pub async fn mark_key_done(&self, key: &str) -> Result<bool, StoreError> {
        let now = crate::codec::now();
        let q = sql("INSERT INTO job_keys (key, created_at, done_at, outcome) \
                     VALUES ($1, $2, $2, 'done') ON CONFLICT (key) DO NOTHING");
        Ok(self
            .pool()
            .write_one(&q, &[Arg::Text(key.to_owned()), Arg::Time(now)])
            .await?
            == 1)
    }

    /// Marks a claimed job done and its key's work finished with `outcome`, in one transaction:
    /// after this, neither the job nor any other under the key acts again.
    pub async fn complete_keyed_job(
        &self,
        id: i64,
        key: &str,
        outcome: JobOutcome,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = normalise_time(now)?;
        let mut tx = self.pool().write().await?;
        let mut cx = tx.cx();
        let changed = cx
            .execute(
                &sql(
                    "UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = $2 \
                      WHERE id = $1 AND state = 'running'",
                ),
                &[Arg::I64(id), Arg::Time(now)],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::NotFound);
        }
        let marked = cx
            .execute(
                &sql("UPDATE job_keys SET done_at = $2, outcome = $3 \
                      WHERE key = $1 AND done_at IS NULL"),
                &[
                    Arg::Text(key.to_owned()),
                    Arg::Time(now),
                    Arg::Text(outcome.key().to_owned()),
                ],
            )
            .await?;
        if marked != 1 {
            // Unknown key, or its work was already finished by another job: nothing is written.
            return Err(StoreError::NotFound);
        }
        tx.commit().await
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
