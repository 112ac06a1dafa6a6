//! The JSON rows the benchmark writes, and their statistics.

use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct Report {
    pub(crate) machine: Machine,
    pub(crate) runs: usize,
    pub(crate) quick: bool,
    pub(crate) max_others: f64,
    pub(crate) kernels: Vec<KernelRow>,
    pub(crate) rayon2: Vec<RayonRow>,
    pub(crate) codec: Vec<CodecRow>,
}

#[derive(Serialize)]
pub(crate) struct Machine {
    pub(crate) cpu: String,
    pub(crate) cores: usize,
    pub(crate) rustc: String,
    pub(crate) arch: &'static str,
    pub(crate) os: &'static str,
    pub(crate) opt_level: String,
    pub(crate) opt_level_source: String,
    pub(crate) loadavg_start: String,
    pub(crate) loadavg_end: String,
    pub(crate) others_cpu_share: f64,
    pub(crate) steal_share: f64,
}

#[derive(Serialize)]
pub(crate) struct KernelRow {
    pub(crate) kind: &'static str,
    pub(crate) n: u64,
    pub(crate) median_ms: f64,
    pub(crate) min_ms: f64,
    pub(crate) max_ms: f64,
    pub(crate) others_cpu_share: f64,
    pub(crate) attempts: usize,
}

#[derive(Serialize)]
pub(crate) struct RayonRow {
    pub(crate) kind: &'static str,
    pub(crate) n: u64,
    pub(crate) tasks: usize,
    pub(crate) threads: usize,
    pub(crate) seq_ms: f64,
    pub(crate) seq_min_ms: f64,
    pub(crate) seq_max_ms: f64,
    pub(crate) par_ms: f64,
    pub(crate) par_min_ms: f64,
    pub(crate) par_max_ms: f64,
    pub(crate) speedup: f64,
    pub(crate) others_cpu_share: f64,
    pub(crate) attempts: usize,
}

#[derive(Serialize)]
pub(crate) struct CodecRow {
    pub(crate) mb: u64,
    pub(crate) encode_ms: f64,
    pub(crate) encode_min_ms: f64,
    pub(crate) encode_max_ms: f64,
    pub(crate) decode_ms: f64,
    pub(crate) decode_min_ms: f64,
    pub(crate) decode_max_ms: f64,
    pub(crate) mb_per_s: f64,
    pub(crate) others_cpu_share: f64,
    pub(crate) attempts: usize,
}

/// Median, minimum and maximum of some samples, ms (rounded to the µs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stats {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stats {
    pub(crate) fn of(samples: &[f64]) -> Stats {
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
pub(crate) fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}
