//! The measures: B1 (one kernel on one thread), B2 (four tasks on a rayon pool of two), the
//! codec, `--serve` and `--calibrate`.

use std::hint::black_box;
use std::time::Instant;

use playground::core::choice::Choice;
use playground::models::processes::protocol::{decode_payloads, encode_payloads};
use playground::workloads::{self, WorkloadKind, WorkloadSpec, data};
use rayon::prelude::*;

use crate::gate::{Gate, HostClock, ms_since, time_runs};
use crate::report::{CodecRow, KernelRow, RayonRow, Stats, round};
use crate::{FULL_SIZES, TASKS, THREADS};

/// Runs one task to the end and panics unless its answer matches the oracle.
pub(crate) fn checked_run(spec: &WorkloadSpec) {
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

pub(crate) fn spec(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    let spec = WorkloadSpec { kind, n };
    assert!(
        spec.expected().is_some(),
        "{} n={n} has no oracle",
        kind.id()
    );
    spec
}

/// B1: one task on this thread.
pub(crate) fn bench_kernel(kind: WorkloadKind, n: u64, runs: usize, gate: Gate) -> KernelRow {
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
pub(crate) fn serve() {
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
pub(crate) fn bench_rayon(
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
pub(crate) fn bench_codec(mb: u64, runs: usize, gate: Gate) -> CodecRow {
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
pub(crate) fn calibrate() {
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
