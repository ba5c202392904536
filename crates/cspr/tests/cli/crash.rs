//! The crash test: `cspr crash-writer` is started again and again and killed with SIGKILL at a
//! random moment each time, 50 times. Every write it acknowledged must then be in the store
//! exactly once, with no duplicates and no gaps, and `cspr verify` must pass.
//! The seed is printed; set CRASH_TEST_SEED to replay a run.

use std::{
    process::Stdio,
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use crate::common::{Ack, Sandbox, check_acks, collect_acks};

const KILLS: usize = 50;
/// Longest a writer lives before it is killed; the mean is half this.
const MAX_LIFE_MS: u64 = 1500;

/// xorshift64*: enough randomness for kill timings, with a seed that can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_write() {
    let seed = std::env::var("CRASH_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            (nanos as u64) | 1
        });
    println!("crash test seed: {seed}");
    let mut rng = Rng(seed);
    let sandbox = Sandbox::new();
    sandbox.ok(&["migrate"]);

    let started = Instant::now();
    let mut acks: Vec<Ack> = Vec::new();
    let mut kills = 0;
    let mut killed_before_first_ack = 0;
    let mut finished_on_their_own = 0;
    for _ in 0..KILLS {
        let streams = 1 + rng.below(4);
        let mut child = sandbox
            .command(&[
                "crash-writer",
                "--count",
                "1000000",
                "--streams",
                &streams.to_string(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn crash-writer");
        let reader = collect_acks(&mut child);
        thread::sleep(Duration::from_millis(rng.below(MAX_LIFE_MS)));
        match child.try_wait().expect("poll crash-writer") {
            None => {
                // std's kill sends SIGKILL on Unix.
                child.kill().expect("SIGKILL crash-writer");
                kills += 1;
            }
            Some(_) => finished_on_their_own += 1,
        }
        let status = child.wait().expect("reap crash-writer");
        let (run_acks, other) = reader.join().expect("ack reader");
        assert!(
            status.code().is_none() || status.success(),
            "a crash-writer failed on its own: {status:?}"
        );
        // Only the last line can have been cut short by the kill.
        assert!(other.len() <= 1, "unexpected output: {other:?}");
        if run_acks.is_empty() {
            killed_before_first_ack += 1;
        }
        acks.extend(run_acks);
    }
    let writing_time = started.elapsed();

    let verified = sandbox.ok(&["verify"]);
    assert!(verified.contains("integrity check ok"), "{verified}");
    let check = check_acks(&sandbox, &acks);
    assert!(check.acked > 0, "no write was ever acknowledged");
    assert_eq!(kills + finished_on_their_own, KILLS);
    assert_eq!(
        finished_on_their_own, 0,
        "raise --count: a writer finished before its kill"
    );
    // A kill can catch at most one write between its commit and its acknowledgement.
    assert!(
        check.unacknowledged <= kills,
        "{check:?}: more unacknowledged writes than kills"
    );

    println!(
        "crash test figures: {kills} SIGKILLs ({killed_before_first_ack} before the first \
         acknowledgement) in {:.1} s; {} writes acknowledged; {} events found; every \
         acknowledged write present exactly once; {} committed but killed before the \
         acknowledgement was printed; cspr verify: {}",
        writing_time.as_secs_f64(),
        check.acked,
        check.events_found,
        check.unacknowledged,
        verified.trim()
    );
}
