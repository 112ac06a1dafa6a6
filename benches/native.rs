//! Native benchmarks for docs/BENCHMARKS.md (issue 8): the crate's own kernels, compiled for the
//! host with the bench profile (= release: LTO, one codegen unit), a baseline for the browser's
//! wasm.
//!
//! ```text
//! CARGO_TARGET_DIR=target/native-bench cargo +stable bench --bench native -- --out PATH.json
//!     [--runs N]          timed runs per measure, after one untimed warm-up (default 7)
//!     [--quick]           tiny sizes: a smoke test of a few seconds (the JSON says "quick": true)
//!     [--max-others F]    contention gate (default 0.05, see below; 1 turns it off)
//!     [--attempts K]      tries per measure under the gate (default 10; --quick: 1)
//!     [--calibrate]       time every table size of each kernel once and exit (to pick sizes)
//!     [--serve]           answer timing requests on stdin, for bench/browser.mjs (see below)
//! ```
//!
//! `--serve`: the browser benchmark takes turns with this process — one run in the page, one
//! here, and so on — so that the machine's drift (these VMs speed up and slow down by 20% over
//! minutes) reaches both sides of a B1 or B2 ratio alike. Each line on stdin asks for one
//! checked run and is answered with its time in ms on a line of its own:
//! `kernel KIND N` (one task on this thread, as B1), `seq KIND N` and `par KIND N` (B2's four
//! tasks one after another, or on the rayon pool of 2). The caller warms up with a first request.
//!
//! Every timed run checks its answer against the kernel's oracle and panics on a wrong one: no
//! number in the file comes from an unchecked run. Each measure reports the median, minimum and
//! maximum of its runs. 1 MB here is 1 MiB (2^20 bytes), as in `bench/python/bench.py`.
//!
//! Contention gate: on a 2-core machine one busy process elsewhere halves a parallel speedup. So
//! each measure (its warm-up and all its runs) is repeated, up to `--attempts` times, while other
//! processes used more than `--max-others` of all cores' time during it (from /proc/stat minus
//! this process's own /proc/self/stat); the attempt with the least contention is kept, and its
//! share is reported in the row as `others_cpu_share`. Rows shorter than a few 10 ms clock ticks
//! read as 0. Each retry first waits (up to 2 minutes) for two consecutive quiet seconds.
//!
//! The JSON written to `--out` (keys in this order):
//!
//! ```text
//! {
//!   "machine": { "cpu": model name from /proc/cpuinfo, "cores": available parallelism,
//!                "rustc": `rustc -V` at run time, "arch": .., "os": ..,
//!                "opt_level": the bench profile's opt-level (it inherits [profile.release]),
//!                "opt_level_source": where that was read: a CARGO_PROFILE_* variable or the
//!                    manifest, read when the bench starts (`cargo bench` has just rebuilt it
//!                    from that manifest; an edit during the run is not seen),
//!                "loadavg_start": /proc/loadavg before, "loadavg_end": .. after,
//!                "others_cpu_share": as in the rows, over the whole run (retries included),
//!                "steal_share": share of all cores' time stolen by the hypervisor },
//!   "runs": N, "quick": bool, "max_others": F,
//!   // B1: one task on one thread: `workloads::run_to_end` of `{kind, n}`.
//!   "kernels": [ {"kind": "count", "n": .., "median_ms": .., "min_ms": .., "max_ms": ..,
//!                 "others_cpu_share": .., "attempts": ..}, .. ],
//!   // B2: 4 tasks of the same `{kind, n}`: one after another on this thread (seq) vs a rayon
//!   // pool of 2 threads running them with `par_iter` (par), timed alternately;
//!   // speedup = median seq / median par.
//!   "rayon2": [ {"kind": .., "n": .., "tasks": 4, "threads": 2,
//!                "seq_ms": median, "seq_min_ms": .., "seq_max_ms": ..,
//!                "par_ms": median, "par_min_ms": .., "par_max_ms": .., "speedup": ..,
//!                "others_cpu_share": .., "attempts": ..}, .. ],
//!   // Serde codec (postcard; the pickle analogue): `protocol::encode_payloads(&[payload])` and
//!   // `protocol::decode_payloads` of one payload of `mb` MiB (`workloads::data::payload`),
//!   // timed separately; mb_per_s = mb / (median encode + median decode, in s).
//!   "codec": [ {"mb": 1, "encode_ms": median, "encode_min_ms": .., "encode_max_ms": ..,
//!               "decode_ms": median, "decode_min_ms": .., "decode_max_ms": .., "mb_per_s": ..,
//!               "others_cpu_share": .., "attempts": ..}, .. ]
//! }
//! ```

use std::hint::black_box;
use std::time::Instant;

use playground::models::processes::protocol::{decode_payloads, encode_payloads};
use playground::workloads::{self, WorkloadKind, WorkloadSpec, data};
use rayon::prelude::*;
use serde::Serialize;

/// B1/B2 sizes, full run. Count is the seed's 10^8; the others are the table sizes nearest to
/// ~300 ms natively on the 2-core reference machine (`--calibrate` prints every table size; there
/// primes took 50–70 ms at 10^8 and 640–740 ms at 10^9, mandelbrot 185 ms at 1024 and 752 ms at
/// 2048, hash with sha2's portable backend 310–520 ms at 10^6). They are also the page's default
/// sizes.
const FULL_SIZES: [(WorkloadKind, u64); 4] = [
    (WorkloadKind::Count, 100_000_000),
    (WorkloadKind::Primes, 100_000_000),
    (WorkloadKind::Mandelbrot, 1024),
    (WorkloadKind::Hash, 1_000_000),
];

/// `--quick`: table sizes that take a few ms.
const QUICK_SIZES: [(WorkloadKind, u64); 4] = [
    (WorkloadKind::Count, 1_000_000),
    (WorkloadKind::Primes, 1_000_000),
    (WorkloadKind::Mandelbrot, 128),
    (WorkloadKind::Hash, 10_000),
];

/// Codec payload sizes, MiB.
const FULL_CODEC_MB: [u64; 3] = [1, 10, 100];
const QUICK_CODEC_MB: [u64; 2] = [1, 10];

/// Tasks per B2 batch and threads in its pool.
const TASKS: usize = 4;
const THREADS: usize = 2;

#[derive(Serialize)]
struct Report {
    machine: Machine,
    runs: usize,
    quick: bool,
    max_others: f64,
    kernels: Vec<KernelRow>,
    rayon2: Vec<RayonRow>,
    codec: Vec<CodecRow>,
}

#[derive(Serialize)]
struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    arch: &'static str,
    os: &'static str,
    opt_level: String,
    opt_level_source: String,
    loadavg_start: String,
    loadavg_end: String,
    others_cpu_share: f64,
    steal_share: f64,
}

#[derive(Serialize)]
struct KernelRow {
    kind: &'static str,
    n: u64,
    median_ms: f64,
    min_ms: f64,
    max_ms: f64,
    others_cpu_share: f64,
    attempts: usize,
}

#[derive(Serialize)]
struct RayonRow {
    kind: &'static str,
    n: u64,
    tasks: usize,
    threads: usize,
    seq_ms: f64,
    seq_min_ms: f64,
    seq_max_ms: f64,
    par_ms: f64,
    par_min_ms: f64,
    par_max_ms: f64,
    speedup: f64,
    others_cpu_share: f64,
    attempts: usize,
}

#[derive(Serialize)]
struct CodecRow {
    mb: u64,
    encode_ms: f64,
    encode_min_ms: f64,
    encode_max_ms: f64,
    decode_ms: f64,
    decode_min_ms: f64,
    decode_max_ms: f64,
    mb_per_s: f64,
    others_cpu_share: f64,
    attempts: usize,
}

/// Median, minimum and maximum of some samples, ms (rounded to the µs).
#[derive(Debug, Clone, Copy)]
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(samples: &[f64]) -> Stats {
        assert!(!samples.is_empty(), "no samples");
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[mid]
        } else {
            (sorted[mid - 1] + sorted[mid]) / 2.0
        };
        Stats {
            median: round(median, 3),
            min: round(sorted[0], 3),
            max: round(sorted[sorted.len() - 1], 3),
        }
    }
}

/// `x` rounded to `places` decimals.
fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

struct Args {
    out: Option<String>,
    runs: usize,
    quick: bool,
    calibrate: bool,
    serve: bool,
    gate: Gate,
    attempts: Option<usize>,
}

fn parse_args() -> Args {
    let mut args = Args {
        out: None,
        runs: 7,
        quick: false,
        calibrate: false,
        serve: false,
        gate: Gate {
            max_others: 0.05,
            attempts: 10,
        },
        attempts: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |what: &str| it.next().unwrap_or_else(|| panic!("{arg} needs {what}"));
        match arg.as_str() {
            "--out" => args.out = Some(value("a path")),
            "--runs" => {
                args.runs = value("a count")
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .expect("--runs needs a positive integer");
            }
            "--max-others" => {
                args.gate.max_others = value("a share")
                    .parse()
                    .ok()
                    .filter(|f: &f64| (0.0..=1.0).contains(f))
                    .expect("--max-others needs a share from 0 to 1");
            }
            "--attempts" => {
                let attempts: usize = value("a count")
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .expect("--attempts needs a positive integer");
                args.attempts = Some(attempts);
            }
            "--quick" => args.quick = true,
            "--calibrate" => args.calibrate = true,
            "--serve" => args.serve = true,
            // `cargo bench` passes `--bench` to a harness-less bench.
            "--bench" => {}
            other => panic!(
                "unknown argument {other:?} (expected --out PATH, --runs N, --quick, \
                 --max-others F, --attempts K, --calibrate, --serve)"
            ),
        }
    }
    // A smoke test does not wait for a quiet machine.
    args.gate.attempts = args.attempts.unwrap_or(if args.quick { 1 } else { 10 });
    args
}

/// The host's monotonic clock, for a `cpu` step (which times itself); the kernels B1 times are
/// fixed-size and never read it.
struct HostClock(Instant);

impl playground::core::metrics::Clock for HostClock {
    fn now_ms(&self) -> f64 {
        ms_since(self.0)
    }
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Clock ticks so far: all cores busy, all cores total, stolen, and this process's own (user +
/// system, all threads). Both files count in USER_HZ, so only ratios are used.
#[derive(Debug, Clone, Copy)]
struct Ticks {
    busy: u64,
    total: u64,
    steal: u64,
    own: u64,
}

impl Ticks {
    fn now() -> Option<Ticks> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        let get = |i: usize| fields.get(i).copied().unwrap_or(0);
        let busy = get(0) + get(1) + get(2) + get(5) + get(6);
        let own = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let rest: Vec<&str> = own.rsplit_once(')')?.1.split_whitespace().collect();
        let utime: u64 = rest.get(11)?.parse().ok()?;
        let stime: u64 = rest.get(12)?.parse().ok()?;
        Some(Ticks {
            busy,
            total: busy + get(3) + get(4) + get(7),
            steal: get(7),
            own: utime + stime,
        })
    }

    /// (others' share, steal share) of all cores' time since `start`; NaN if unknown.
    fn shares_since(start: Option<Ticks>) -> (f64, f64) {
        match (start, Ticks::now()) {
            (Some(a), Some(b)) if b.total > a.total => {
                let total = (b.total - a.total) as f64;
                let others = (b.busy - a.busy).saturating_sub(b.own - a.own) as f64;
                (
                    round(others / total, 3),
                    round((b.steal - a.steal) as f64 / total, 3),
                )
            }
            (Some(_), Some(_)) => (0.0, 0.0),
            _ => (f64::NAN, f64::NAN),
        }
    }
}

/// The contention gate (see the module docs).
#[derive(Debug, Clone, Copy)]
struct Gate {
    max_others: f64,
    attempts: usize,
}

impl Gate {
    /// Runs `measure` until other processes used at most `max_others` of the machine during it
    /// (or `attempts` are spent); returns the least contended result, its share and the attempts.
    fn run<T>(&self, what: &str, mut measure: impl FnMut() -> T) -> (T, f64, usize) {
        let mut best: Option<(T, f64)> = None;
        for attempt in 1..=self.attempts {
            if attempt > 1 {
                self.wait_quiet();
            }
            let start = Ticks::now();
            let result = measure();
            let (others, _) = Ticks::shares_since(start);
            if others.is_nan() || others <= self.max_others {
                return (result, others, attempt);
            }
            if attempt < self.attempts {
                eprintln!(
                    "  {what}: other processes used {:.0}% of the machine (gate {:.0}%), \
                     attempt {attempt}/{}: again",
                    others * 100.0,
                    self.max_others * 100.0,
                    self.attempts
                );
            }
            if best.as_ref().is_none_or(|(_, b)| others < *b) {
                best = Some((result, others));
            }
        }
        let (result, others) = best.expect("at least one attempt");
        if self.attempts > 1 {
            eprintln!(
                "  {what}: WARNING: kept a contended measure ({:.0}%)",
                others * 100.0
            );
        }
        (result, others, self.attempts)
    }

    /// Waits until other processes used at most `max_others` of the machine for two
    /// consecutive seconds, or 2 minutes have passed.
    fn wait_quiet(&self) {
        let deadline = Instant::now() + std::time::Duration::from_secs(120);
        let mut quiet = 0;
        while quiet < 2 && Instant::now() < deadline {
            let start = Ticks::now();
            std::thread::sleep(std::time::Duration::from_secs(1));
            let (others, _) = Ticks::shares_since(start);
            if others.is_nan() {
                return;
            }
            quiet = if others <= self.max_others {
                quiet + 1
            } else {
                0
            };
        }
    }
}

/// Runs one task to the end and panics unless its answer matches the oracle.
fn checked_run(spec: &WorkloadSpec) {
    let checked = workloads::run_to_end(spec, &HostClock(Instant::now()));
    assert!(
        checked.ok,
        "{} n={}: answer {} but the oracle says {:?}",
        spec.kind.id(),
        spec.n,
        checked.answer,
        spec.expected()
    );
    black_box(checked);
}

/// One warm-up, then `runs` timed runs of `f` (which checks its own answer).
fn time_runs(runs: usize, mut f: impl FnMut()) -> Stats {
    f();
    let samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            ms_since(start)
        })
        .collect();
    Stats::of(&samples)
}

fn spec(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    let spec = WorkloadSpec { kind, n };
    assert!(
        spec.expected().is_some(),
        "{} n={n} has no oracle",
        kind.id()
    );
    spec
}

/// B1: one task on this thread.
fn bench_kernel(kind: WorkloadKind, n: u64, runs: usize, gate: Gate) -> KernelRow {
    let spec = spec(kind, n);
    let what = format!("B1 {}", kind.id());
    let (stats, others, attempts) = gate.run(&what, || time_runs(runs, || checked_run(&spec)));
    eprintln!(
        "B1 {:<10} n={n:<11} median {:9.2} ms  (min {:.2}, max {:.2})  others {:.0}%",
        kind.id(),
        stats.median,
        stats.min,
        stats.max,
        others * 100.0
    );
    KernelRow {
        kind: kind.id(),
        n,
        median_ms: stats.median,
        min_ms: stats.min,
        max_ms: stats.max,
        others_cpu_share: others,
        attempts,
    }
}

/// `--serve` (see the module docs): one checked, timed run per line of stdin.
fn serve() {
    use std::io::{BufRead, Write};
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("a rayon pool");
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("reading stdin");
        let words: Vec<&str> = line.split_whitespace().collect();
        let [what, kind, n] = words[..] else {
            panic!("--serve: expected `kernel|seq|par KIND N`, got {line:?}");
        };
        let kind = WorkloadKind::from_id(kind).unwrap_or_else(|| panic!("no kernel {kind:?}"));
        let n: u64 = n
            .parse()
            .unwrap_or_else(|_| panic!("N must be an integer: {line:?}"));
        let specs = vec![spec(kind, n); TASKS];
        let start = Instant::now();
        match what {
            "kernel" => checked_run(&specs[0]),
            "seq" => specs.iter().for_each(checked_run),
            "par" => pool.install(|| specs.par_iter().for_each(checked_run)),
            other => panic!("--serve: unknown request {other:?}"),
        }
        let ms = ms_since(start);
        writeln!(out, "{ms:.3}").expect("writing stdout");
        out.flush().expect("flushing stdout");
    }
}

/// B2: `TASKS` tasks sequentially vs on a pool of `THREADS`, measured alternately.
fn bench_rayon(
    kind: WorkloadKind,
    n: u64,
    runs: usize,
    gate: Gate,
    pool: &rayon::ThreadPool,
) -> RayonRow {
    let specs = vec![spec(kind, n); TASKS];
    let seq = || specs.iter().for_each(checked_run);
    let par = || pool.install(|| specs.par_iter().for_each(checked_run));
    let what = format!("B2 {}", kind.id());
    let ((s, p), others, attempts) = gate.run(&what, || {
        seq();
        par();
        let (mut seq_ms, mut par_ms) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        for _ in 0..runs {
            let start = Instant::now();
            seq();
            seq_ms.push(ms_since(start));
            let start = Instant::now();
            par();
            par_ms.push(ms_since(start));
        }
        (Stats::of(&seq_ms), Stats::of(&par_ms))
    });
    let row = RayonRow {
        kind: kind.id(),
        n,
        tasks: TASKS,
        threads: THREADS,
        seq_ms: s.median,
        seq_min_ms: s.min,
        seq_max_ms: s.max,
        par_ms: p.median,
        par_min_ms: p.min,
        par_max_ms: p.max,
        speedup: round(s.median / p.median, 3),
        others_cpu_share: others,
        attempts,
    };
    eprintln!(
        "B2 {:<10} n={n:<11} seq {:9.2} ms  par {:9.2} ms  speedup {:.2}x  others {:.0}%",
        kind.id(),
        row.seq_ms,
        row.par_ms,
        row.speedup,
        others * 100.0
    );
    row
}

/// The serde codec on one payload of `mb` MiB: encode and decode timed separately, the round
/// trip compared with the input (untimed) after every run.
fn bench_codec(mb: u64, runs: usize, gate: Gate) -> CodecRow {
    let input = vec![data::payload(mb * 1024)];
    assert_eq!(input[0].len() as u64, mb << 20);
    let what = format!("codec {mb} MiB");
    let ((e, d), others, attempts) = gate.run(&what, || {
        let (mut enc_ms, mut dec_ms) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        // Run 0 is the warm-up.
        for run in 0..=runs {
            let start = Instant::now();
            let encoded = encode_payloads(black_box(&input));
            let enc = ms_since(start);
            let start = Instant::now();
            let decoded = decode_payloads(black_box(&encoded)).expect("decodes");
            let dec = ms_since(start);
            assert!(
                decoded == input,
                "{mb} MiB: the round trip changed the payload"
            );
            if run > 0 {
                enc_ms.push(enc);
                dec_ms.push(dec);
            }
        }
        (Stats::of(&enc_ms), Stats::of(&dec_ms))
    });
    let row = CodecRow {
        mb,
        encode_ms: e.median,
        encode_min_ms: e.min,
        encode_max_ms: e.max,
        decode_ms: d.median,
        decode_min_ms: d.min,
        decode_max_ms: d.max,
        mb_per_s: round(mb as f64 / ((e.median + d.median) / 1e3), 1),
        others_cpu_share: others,
        attempts,
    };
    eprintln!(
        "codec {mb:>4} MiB  encode {:8.2} ms  decode {:8.2} ms  {:8.0} MiB/s  others {:.0}%",
        row.encode_ms,
        row.decode_ms,
        row.mb_per_s,
        others * 100.0
    );
    row
}

/// Times every table size of each kernel once (a checked run), stopping a kernel's sizes after
/// the first that takes over 3 s; and the count loop at the seed's 10^8.
fn calibrate() {
    let count = spec(WorkloadKind::Count, FULL_SIZES[0].1);
    let start = Instant::now();
    checked_run(&count);
    eprintln!(
        "calibrate count      n={:<11} {:10.2} ms",
        count.n,
        ms_since(start)
    );
    for kind in [
        WorkloadKind::Primes,
        WorkloadKind::Mandelbrot,
        WorkloadKind::Hash,
    ] {
        for n in kind.table_sizes().expect("a table kind") {
            let spec = spec(kind, n);
            let start = Instant::now();
            checked_run(&spec);
            let ms = ms_since(start);
            eprintln!("calibrate {:<10} n={n:<11} {ms:10.2} ms", kind.id());
            if ms > 3000.0 {
                break;
            }
        }
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}

/// The bench profile's opt-level and where it was found: an environment override, else
/// `[profile.bench]` or `[profile.release]` in the manifest, else Cargo's default for release.
fn opt_level() -> (String, String) {
    for var in [
        "CARGO_PROFILE_BENCH_OPT_LEVEL",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL",
    ] {
        if let Ok(level) = std::env::var(var) {
            return (level, var.to_string());
        }
    }
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap_or_default();
    let mut section = "";
    let (mut bench, mut release) = (None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if let Some(value) = line
            .strip_prefix("opt-level")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            let value = value
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            match section {
                "[profile.bench]" => bench = Some(value.to_string()),
                "[profile.release]" => release = Some(value.to_string()),
                _ => {}
            }
        }
    }
    match (bench, release) {
        (Some(level), _) => (level, "[profile.bench] in Cargo.toml".to_string()),
        (None, Some(level)) => (level, "[profile.release] in Cargo.toml".to_string()),
        (None, None) => ("3".to_string(), "Cargo's default".to_string()),
    }
}

fn rustc_version() -> String {
    std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() {
    let args = parse_args();
    if cfg!(debug_assertions) {
        panic!("run with `cargo bench` (the optimised bench profile), not a debug build");
    }
    if args.calibrate {
        calibrate();
        return;
    }
    if args.serve {
        serve();
        return;
    }
    let out = args
        .out
        .expect("--out PATH.json is required (or --calibrate)");
    let (opt_level, opt_level_source) = opt_level();
    let loadavg_start = loadavg();
    let ticks_start = Ticks::now();
    let (sizes, codec_mb): (&[(WorkloadKind, u64)], &[u64]) = if args.quick {
        (&QUICK_SIZES, &QUICK_CODEC_MB)
    } else {
        (&FULL_SIZES, &FULL_CODEC_MB)
    };
    let (runs, gate) = (args.runs, args.gate);

    let kernels = sizes
        .iter()
        .map(|&(kind, n)| bench_kernel(kind, n, runs, gate))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .expect("a rayon pool");
    let rayon2 = sizes
        .iter()
        .map(|&(kind, n)| bench_rayon(kind, n, runs, gate, &pool))
        .collect();
    let codec = codec_mb
        .iter()
        .map(|&mb| bench_codec(mb, runs, gate))
        .collect();

    let (others_cpu_share, steal_share) = Ticks::shares_since(ticks_start);
    let report = Report {
        machine: Machine {
            cpu: cpu_model(),
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            rustc: rustc_version(),
            arch: std::env::consts::ARCH,
            os: std::env::consts::OS,
            opt_level,
            opt_level_source,
            loadavg_start,
            loadavg_end: loadavg(),
            others_cpu_share,
            steal_share,
        },
        runs,
        quick: args.quick,
        max_others: gate.max_others,
        kernels,
        rayon2,
        codec,
    };
    let json = serde_json::to_string_pretty(&report).expect("serialises");
    std::fs::write(&out, json + "\n").unwrap_or_else(|e| panic!("writing {out}: {e}"));
    eprintln!("wrote {out}");
}
