//! Time and contention: the host clock, /proc/stat ticks, and the gate that repeats a measure
//! while other processes used the cores.

use std::time::Instant;

use crate::report::{Stats, round};

/// The host's monotonic clock, for a `cpu` step (which times itself); the kernels B1 times are
/// fixed-size and never read it.
pub(crate) struct HostClock(pub(crate) Instant);

impl playground::core::metrics::Clock for HostClock {
    fn now_ms(&self) -> f64 {
        ms_since(self.0)
    }
}

pub(crate) fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Clock ticks so far: all cores busy, all cores total, stolen, and this process's own (user +
/// system, all threads). Both files count in USER_HZ, so only ratios are used.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticks {
    pub(crate) busy: u64,
    pub(crate) total: u64,
    pub(crate) steal: u64,
    pub(crate) own: u64,
}

impl Ticks {
    pub(crate) fn now() -> Option<Ticks> {
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
    pub(crate) fn shares_since(start: Option<Ticks>) -> (f64, f64) {
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
pub(crate) struct Gate {
    pub(crate) max_others: f64,
    pub(crate) attempts: usize,
}

impl Gate {
    /// Runs `measure` until other processes used at most `max_others` of the machine during it
    /// (or `attempts` are spent); returns the least contended result, its share and the attempts.
    pub(crate) fn run<T>(&self, what: &str, mut measure: impl FnMut() -> T) -> (T, f64, usize) {
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
    pub(crate) fn wait_quiet(&self) {
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

/// One warm-up, then `runs` timed runs of `f` (which checks its own answer).
pub(crate) fn time_runs(runs: usize, mut f: impl FnMut()) -> Stats {
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
