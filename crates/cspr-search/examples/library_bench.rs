//! Measures the library at scale: import time, search and similar-review latency, index size.
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo run --release -p cspr-search --example library_bench -- --records 10000
//! ```
//!
//! Options: `--records N` (10000), `--text-percent P` (30: the share of records with a full
//! text), `--text-words W` (3000), `--searches N` (1000), `--similar N` (500), `--limit N`
//! (10, hits per search page), `--noise-percent P` (50: the share of full-text sentences of
//! made-up words from a large vocabulary, so the index has realistic numbers of terms),
//! `--dir PATH`
//! (a fresh directory under the system's temporary directory, removed afterwards).

use cspr_search::sample as corpus;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cspr_search::{AgeGroup, Library, Query, ReviewType};

use corpus::{Options, Rng, THEMES, generate};

const TEXTS: &[&str] = &[
    "neglect",
    "NAI",
    "domestic violence",
    "SUDI",
    "CSE",
    "county lines",
    "did not attend",
    "pediatrician",
    "harmful sexual behavior",
    "neglcet",
    "exploitaton",
    "exploit*",
    "\"missed appointments\"",
    "radicalization",
    "parental mental health",
    "CAMHS self-harm",
    "fabricated illness",
    "co-sleeping alcohol",
    "home educated",
    "LADO allegation",
    "hematoma fractures",
    "FGM",
    "homeless*",
    "drug and alcohol misuse",
    "\"safer sleep\" advice",
    "information sharing between agencies",
    "professional curiosity",
    "voice of the child",
    "strategy discussion health",
    "fathers assessment -housing",
    "",
];

struct Args {
    records: usize,
    text_percent: u64,
    text_words: usize,
    noise_percent: u64,
    searches: usize,
    similar: usize,
    limit: usize,
    dir: Option<PathBuf>,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut a = Args {
        records: 10_000,
        text_percent: 30,
        text_words: 3_000,
        noise_percent: 50,
        searches: 1_000,
        similar: 500,
        limit: 10,
        dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--records" => a.records = value.parse()?,
            "--text-percent" => a.text_percent = value.parse()?,
            "--text-words" => a.text_words = value.parse()?,
            "--noise-percent" => a.noise_percent = value.parse()?,
            "--searches" => a.searches = value.parse()?,
            "--similar" => a.similar = value.parse()?,
            "--limit" => a.limit = value.parse()?,
            "--dir" => a.dir = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(a)
}

fn dir_size(path: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len().max(1)).unwrap_or(1);
    println!(
        "{name}: n={} p50={:.2} ms p90={:.2} ms p99={:.2} ms max={:.2} ms mean={:.2} ms",
        times.len(),
        percentile(&times, 50.0).as_secs_f64() * 1e3,
        percentile(&times, 90.0).as_secs_f64() * 1e3,
        percentile(&times, 99.0).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    let a = args()?;
    let (dir, remove_after) = match &a.dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("cspr-library-bench-{}", std::process::id())),
            true,
        ),
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }

    let started = Instant::now();
    let generated = generate(&Options {
        count: a.records,
        seed: 2026,
        text_percent: a.text_percent,
        text_words: a.text_words,
        noise_percent: a.noise_percent,
    });
    let records: Vec<_> = generated.into_iter().map(|g| g.record).collect();
    let with_text = records.iter().filter(|r| r.text.is_some()).count();
    let text_bytes: usize = records
        .iter()
        .map(|r| r.summary.len() + r.text.as_ref().map_or(0, String::len))
        .sum();
    println!(
        "generated {} records ({} with full text, {:.1} MiB of text) in {:.2} s",
        records.len(),
        with_text,
        text_bytes as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    );

    let library = Library::open(&dir)?;
    let started = Instant::now();
    let mut last = 0;
    library.upsert_with_progress(&records, &mut |n| last = n)?;
    let import = started.elapsed();
    println!(
        "import: {} records in {:.2} s (target < 30 s)",
        last,
        import.as_secs_f64()
    );
    let size = dir_size(&dir)?;
    println!(
        "index size on disk: {:.1} MiB (target < 200 MiB)",
        size as f64 / 1_048_576.0
    );

    // Varied searches: text from the list, with filters on a share of them, some later pages.
    let mut rng = Rng::new(7);
    let mut times = Vec::with_capacity(a.searches);
    let mut total_hits = 0usize;
    let mut by_text: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    for _ in 0..a.searches {
        let text = *rng.pick(TEXTS);
        let mut q = Query::text(text);
        q.limit = a.limit;
        if rng.chance(30) {
            q.themes = vec![rng.pick(THEMES).name.to_owned()];
        }
        if rng.chance(20) {
            q.review_types = vec![*rng.pick(&ReviewType::ALL)];
        }
        if rng.chance(15) {
            q.age_groups = vec![*rng.pick(&AgeGroup::ALL), *rng.pick(&AgeGroup::ALL)];
        }
        if rng.chance(20) {
            let from = 2014 + rng.below(8) as i32;
            q.from_year = Some(from);
            q.to_year = Some(from + rng.below(5) as i32);
        }
        if rng.chance(20) {
            q.offset = 10 * (1 + rng.below(3));
        }
        let t = Instant::now();
        let r = library.search(&q)?;
        times.push(t.elapsed());
        by_text.entry(text).or_default().push(t.elapsed());
        total_hits += r.total;
    }
    report("search (with facets and snippets)", times);
    let mut slowest: Vec<(Duration, &str)> = by_text
        .iter()
        .map(|(text, t)| {
            (
                t.iter().sum::<Duration>() / u32::try_from(t.len()).unwrap_or(1),
                *text,
            )
        })
        .collect();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    for (mean, text) in slowest.iter().take(5) {
        println!(
            "  slowest on average: {text:?} {:.2} ms",
            mean.as_secs_f64() * 1e3
        );
    }
    println!(
        "  mean matching reviews per search: {}",
        total_hits / a.searches.max(1)
    );

    let mut times = Vec::with_capacity(a.similar);
    for _ in 0..a.similar {
        let id = &records[rng.below(records.len())].id;
        let t = Instant::now();
        let hits = library.similar(id, 10)?;
        times.push(t.elapsed());
        if hits.is_empty() {
            return Err(format!("no similar reviews for {id}").into());
        }
    }
    report("similar (10 per review)", times);

    drop(library);
    println!(
        "index size on disk at the end (background merges settled): {:.1} MiB",
        dir_size(&dir)? as f64 / 1_048_576.0
    );
    if remove_after {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
