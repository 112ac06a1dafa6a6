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

mod gate;
mod machine;
mod measure;
mod report;

use gate::{Gate, Ticks};
use machine::{cpu_model, loadavg, opt_level, rustc_version};
use measure::{bench_codec, bench_kernel, bench_rayon, calibrate, serve};
use playground::workloads::WorkloadKind;
use report::{Machine, Report};

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
