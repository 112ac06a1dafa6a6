use futures::executor::block_on;

use super::*;
use crate::core::control::RunControl;
use crate::core::metrics::SystemClock;
use crate::core::metrics::fake::ManualClock;
use crate::workloads::gate::FreeThreading;
use crate::workloads::io::HostIo;

fn count_with(limit: u64) -> u64 {
    let mut counter = primes::PrimeCounter::new(limit);
    while !counter.step() {}
    counter.answer()
}

fn naive_prime_count(limit: u64) -> u64 {
    (2..limit)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count() as u64
}

#[test]
fn count_loop_counts_every_iteration() {
    for n in [
        1,
        2,
        1000,
        count_loop::SLICE - 1,
        count_loop::SLICE,
        3 * count_loop::SLICE + 7,
    ] {
        let spec = WorkloadSpec {
            kind: WorkloadKind::Count,
            n,
        };
        assert_eq!(
            run_to_end(&spec, &SystemClock),
            Checked {
                answer: n,
                ok: true,
                expected: Some(n),
                cpu: None
            },
            "n = {n}"
        );
    }
}

#[test]
fn prime_counter_matches_trial_division_for_every_small_limit() {
    for limit in 0..3_000 {
        assert_eq!(
            count_with(limit),
            naive_prime_count(limit),
            "limit = {limit}"
        );
    }
}

#[test]
fn prime_counter_crosses_segment_boundaries_correctly() {
    // Limits straddling the first few segment ends, where an off-by-one would hide.
    let span = 2 * primes::SEGMENT as u64;
    for limit in [
        span,
        span + 1,
        span + 2,
        span + 3,
        3 * span - 1,
        3 * span + 1,
    ] {
        assert_eq!(
            count_with(limit),
            naive_prime_count(limit),
            "limit = {limit}"
        );
    }
}

#[test]
fn prime_counter_matches_the_oracle_table_up_to_ten_million() {
    for (k, &count) in primes::PRIMES_BELOW_POW10
        .iter()
        .enumerate()
        .take(8)
        .skip(1)
    {
        let n = 10u64.pow(k as u32);
        let spec = WorkloadSpec {
            kind: WorkloadKind::Primes,
            n,
        };
        assert_eq!(spec.expected(), Some(count));
        assert_eq!(
            run_to_end(&spec, &SystemClock),
            Checked {
                answer: count,
                ok: true,
                expected: Some(count),
                cpu: None
            },
            "n = 10^{k}"
        );
    }
}

#[test]
fn oracle_only_knows_powers_of_ten() {
    assert_eq!(primes::expected(10), Some(4));
    assert_eq!(primes::expected(1_000_000_000), Some(50_847_534));
    assert_eq!(primes::expected(1), None);
    assert_eq!(primes::expected(999), None);
    assert_eq!(primes::expected(10_000_000_000), None);
}

#[test]
fn a_wrong_answer_is_reported_not_hidden() {
    // `Checked::of` compares with the oracle; a kernel bug must surface as `ok: false`.
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 100,
    };
    assert_eq!(
        Checked::of(&spec, 24),
        Checked {
            answer: 24,
            ok: false,
            expected: Some(25),
            cpu: None
        }
    );
}

#[test]
fn cooperative_run_gives_the_same_answer_in_as_many_slices_as_steps() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 5 * count_loop::SLICE + 1,
    };
    let mut slices = 0;
    let mut pauses = 0;
    let checked = block_on(run_async(
        &spec,
        &RunControl::default(),
        &SystemClock,
        || {
            pauses += 1;
            std::future::ready(())
        },
        &HostIo::default(),
        || slices += 1,
    ));
    assert_eq!(checked, Some(run_to_end(&spec, &SystemClock)));
    assert_eq!(slices, 6);
    assert_eq!(pauses, 5, "no pause after the last slice");
}

#[test]
fn cancelling_stops_a_task_at_the_next_slice() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 100 * count_loop::SLICE,
    };
    let control = RunControl::default();
    let mut slices = 0;
    let checked = block_on(run_async(
        &spec,
        &control,
        &SystemClock,
        || std::future::ready(()),
        &HostIo::default(),
        || {
            slices += 1;
            if slices == 3 {
                control.cancel();
            }
        },
    ));
    assert_eq!((checked, slices), (None, 3));
    assert_eq!(
        run_blocking(
            &spec,
            &control,
            &SystemClock,
            &mut HostIo::default(),
            &FreeThreading,
            || (),
            &mut |_, _, _| ()
        ),
        None
    );
    assert_eq!(control.done(), 0);
}

#[test]
fn validation_names_the_setting_and_the_range() {
    let bad = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 12_345,
    };
    let err = bad.validate().unwrap_err();
    assert!(
        err.to_string().starts_with("`n`: must be a power of ten"),
        "{err}"
    );
    let zero = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 0,
    };
    assert_eq!(
        zero.validate().unwrap_err().to_string(),
        "`n`: must be at least 1"
    );
    let huge = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: count_loop::MAX_N + 1,
    };
    assert!(huge.validate().is_err());
    for &kind in WorkloadKind::ALL {
        let default = WorkloadSpec {
            kind,
            n: kind.default_size(),
        };
        assert!(default.validate().is_ok(), "{kind:?}");
        assert_eq!(WorkloadKind::from_id(kind.id()), Some(kind));
    }
}

/// Real sleeps, counted, each at most one poll long.
#[derive(Default)]
struct CountingIo {
    sleeps: u64,
}

impl io::BlockingIo for CountingIo {
    fn sleep(&mut self, ms: f64) {
        assert!(ms <= io::POLL_MS);
        self.sleeps += 1;
        std::thread::sleep(std::time::Duration::from_secs_f64(ms / 1e3));
    }
    fn fetch(&mut self, _: &str) -> std::result::Result<u64, String> {
        Err("no network in this test".into())
    }
}

/// I/O that cancels the run at its first use.
struct CancellingIo<'a>(&'a RunControl);

impl io::BlockingIo for CancellingIo<'_> {
    fn sleep(&mut self, _: f64) {
        self.0.cancel();
    }
    fn fetch(&mut self, _: &str) -> std::result::Result<u64, String> {
        self.0.cancel();
        Ok(0)
    }
}

impl io::AsyncIo for CancellingIo<'_> {
    fn sleep(&self, _: f64) -> impl std::future::Future<Output = ()> {
        self.0.cancel();
        std::future::ready(())
    }
    fn fetch(
        &self,
        _: &str,
    ) -> impl std::future::Future<Output = std::result::Result<u64, String>> {
        self.0.cancel();
        std::future::ready(Ok(0))
    }
}

#[test]
fn a_cpu_step_takes_its_time_in_naive_and_cooperative_async_alike() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: 20,
    };
    let control = RunControl::default();
    // Each pause is a 2 ms stall: a cooperative task's time between slices is not its own.
    let mut pauses = 0;
    let stalled = block_on(run_async(
        &spec,
        &control,
        &SystemClock,
        || {
            pauses += 1;
            std::thread::sleep(std::time::Duration::from_millis(2));
            std::future::ready(())
        },
        &HostIo::default(),
        || (),
    ))
    .unwrap();
    let naive = block_on(run_async(
        &spec,
        &control,
        &SystemClock,
        || std::future::ready(()),
        &HostIo::default(),
        || (),
    ))
    .unwrap();
    assert!(pauses >= 10, "{pauses} pauses");
    for checked in [stalled, naive] {
        assert!(checked.ok, "{checked:?}");
        let cpu = checked.cpu.unwrap();
        assert!((20.0..=22.0).contains(&cpu.measured_ms), "{cpu:?}");
    }
}

#[test]
fn mandelbrot_matches_the_cpython_checksums() {
    for &(n, sum) in &mandelbrot::CHECKSUMS {
        let spec = WorkloadSpec {
            kind: WorkloadKind::Mandelbrot,
            n,
        };
        assert_eq!(
            run_to_end(&spec, &SystemClock),
            Checked {
                answer: sum,
                ok: true,
                expected: Some(sum),
                cpu: None
            },
            "n = {n}"
        );
    }
}

#[test]
fn mandelbrot_slices_cover_every_row_once() {
    // A size that is not a multiple of the rows per slice: the last slice is short.
    let n = 300;
    let mut m = mandelbrot::Mandelbrot::new(n);
    let mut steps = 0;
    while !m.step() {
        steps += 1;
    }
    let by_rows: u64 = (0..n).map(|y| mandelbrot::row(n, y)).sum();
    assert_eq!(m.answer(), by_rows);
    assert!(steps > 1, "several slices");
}

#[test]
fn hash_chain_matches_cpython_hashlib() {
    for &(n, digest) in hash_chain::DIGESTS.iter().take(6) {
        let spec = WorkloadSpec {
            kind: WorkloadKind::Hash,
            n,
        };
        assert_eq!(
            run_to_end(&spec, &SystemClock),
            Checked {
                answer: digest,
                ok: true,
                expected: Some(digest),
                cpu: None
            },
            "n = {n}"
        );
    }
}

#[test]
fn table_checked_kinds_name_their_sizes() {
    let err = WorkloadSpec {
        kind: WorkloadKind::Mandelbrot,
        n: 1000,
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`n`: must be one of 64, 128, 256, 512, 1024, 2048 (the answers are checked against a table)"
    );
    let err = WorkloadSpec {
        kind: WorkloadKind::Hash,
        n: 5,
    }
    .validate()
    .unwrap_err();
    assert!(err.to_string().contains("10, 100, 1000"), "{err}");
    for &kind in WorkloadKind::ALL {
        for n in kind.table_sizes().unwrap_or_default() {
            assert!(WorkloadSpec { kind, n }.validate().is_ok(), "{kind:?} {n}");
        }
    }
}

#[test]
fn every_answer_survives_json_parse_in_javascript() {
    // Readers of #results-json parse it with JSON.parse: integers above 2^53 would round.
    const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
    for &kind in WorkloadKind::ALL {
        let sizes = kind.table_sizes().unwrap_or(vec![kind.max_size()]);
        for n in sizes {
            // A `cpu` step's answer is its iterations: at most 10 s at even 10^6 per µs, 10^13.
            let expected = WorkloadSpec { kind, n }
                .expected()
                .unwrap_or(n * 1_000_000_000);
            assert!(expected <= MAX_SAFE_INTEGER, "{kind:?} {n}: {expected}");
        }
    }
}

#[test]
fn an_io_wait_sleeps_until_the_clock_confirms_it() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Io,
        n: 30,
    };
    let control = RunControl::default();
    let mut io = CountingIo::default();
    let start = SystemClock.now_ms();
    let checked = run_blocking(
        &spec,
        &control,
        &SystemClock,
        &mut io,
        &FreeThreading,
        || (),
        &mut |_, _, _| (),
    );
    assert!(io.sleeps >= 1);
    assert!(control.ticks() >= io.sleeps, "every poll is progress");
    assert_eq!(
        checked,
        Some(Checked {
            answer: 30,
            ok: true,
            expected: Some(30),
            cpu: None
        })
    );
    assert!(SystemClock.now_ms() - start >= 30.0);
}

#[test]
fn an_io_wait_that_returns_early_is_a_wrong_answer() {
    // A frozen clock: no time passes, so the confirmation reports the 0 ms really waited, which
    // the oracle rejects.
    let frozen = ManualClock::at(5.0);
    let deadline = io::Deadline::start(30, &frozen);
    assert_eq!(deadline.remaining(&frozen), Some(30.0));
    assert_eq!(deadline.confirmed(&frozen), 0);
    let spec = WorkloadSpec {
        kind: WorkloadKind::Io,
        n: 30,
    };
    assert_eq!(
        Checked::of(&spec, deadline.confirmed(&frozen)),
        Checked {
            answer: 0,
            ok: false,
            expected: Some(30),
            cpu: None
        }
    );
}

#[test]
fn an_io_wait_is_cancelled_between_sleeps_and_awaits() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Io,
        n: 10_000,
    };
    let control = RunControl::default();
    let mut io = CancellingIo(&control);
    let checked = run_blocking(
        &spec,
        &control,
        &SystemClock,
        &mut io,
        &FreeThreading,
        || (),
        &mut |_, _, _| (),
    );
    assert_eq!(checked, None);
    let control = RunControl::default();
    let awaited = block_on(run_async(
        &spec,
        &control,
        &SystemClock,
        || std::future::ready(()),
        &CancellingIo(&control),
        || (),
    ));
    assert_eq!(awaited, None);
}

#[test]
fn a_task_of_several_steps_checks_every_step_and_traces_each() {
    let steps = [
        WorkloadSpec {
            kind: WorkloadKind::Primes,
            n: 1_000,
        },
        WorkloadSpec {
            kind: WorkloadKind::Io,
            n: 5,
        },
        WorkloadSpec {
            kind: WorkloadKind::Count,
            n: 10,
        },
    ];
    assert_eq!(expected_of(&steps), Some(168 + 5 + 10));
    let mut spans = Vec::new();
    let checked = run_steps_blocking(
        &steps,
        &RunControl::default(),
        &SystemClock,
        &mut HostIo::default(),
        &FreeThreading,
        || (),
        |state, start, end| spans.push((state, end - start)),
    );
    assert_eq!(
        checked,
        Some(Checked {
            answer: 183,
            ok: true,
            expected: Some(183),
            cpu: None
        })
    );
    let states: Vec<_> = spans.iter().map(|s| s.0).collect();
    assert_eq!(states, [State::Run, State::WaitIo, State::Run]);
    assert!(spans[1].1 >= 5.0, "the wait step waited: {spans:?}");
    let awaited = block_on(run_steps_async(
        &steps,
        &RunControl::default(),
        &SystemClock,
        || std::future::ready(()),
        &HostIo::default(),
        || (),
    ));
    assert_eq!(awaited, checked);
    // One wrong step makes the task wrong even if the sum happened to match.
    assert!(
        !combine(&[
            Checked {
                answer: 1,
                ok: false,
                ..Default::default()
            },
            Checked {
                answer: 2,
                ok: true,
                expected: Some(2),
                cpu: None
            }
        ])
        .ok
    );
    assert_eq!(expected_of(&[]), Some(0));
    assert!(!combine(&[]).ok, "a task with no steps proved nothing");
}

#[test]
fn a_fetch_task_counts_the_bytes_and_a_failed_request_is_a_wrong_answer() {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Fetch,
        n: 3,
    };
    let sample = io::SAMPLE.len() as u64;
    assert_eq!(spec.expected(), Some(3 * sample));
    let control = RunControl::default();
    let ok = run_blocking(
        &spec,
        &control,
        &SystemClock,
        &mut HostIo::default(),
        &FreeThreading,
        || (),
        &mut |_, _, _| (),
    );
    assert_eq!(
        ok,
        Some(Checked {
            answer: 3 * sample,
            ok: true,
            expected: Some(3 * sample),
            cpu: None
        })
    );
    assert_eq!(control.ticks(), 3, "one tick per request");
    let failing = HostIo { fail_fetches: true };
    let bad = block_on(run_async(
        &spec,
        &control,
        &SystemClock,
        || std::future::ready(()),
        &failing,
        || (),
    ));
    assert_eq!(
        bad,
        Some(Checked {
            answer: 0,
            ok: false,
            expected: Some(3 * sample),
            cpu: None,
        })
    );
    assert!(
        WorkloadSpec {
            kind: WorkloadKind::Fetch,
            n: 0
        }
        .validate()
        .is_err()
    );
    assert!(
        WorkloadSpec {
            kind: WorkloadKind::Fetch,
            n: io::MAX_FETCHES + 1
        }
        .validate()
        .is_err()
    );
}

#[test]
fn the_data_transform_matches_its_periodic_oracle() {
    for kib in [1, 3, 1024, 1025] {
        let spec = WorkloadSpec {
            kind: WorkloadKind::Data,
            n: kib,
        };
        // The oracle never runs the loop; compare with a plain one-pass reference too.
        let reference: u64 = data::payload(kib)
            .iter()
            .step_by(data::STRIDE)
            .map(|&b| u64::from(data::transform(b)))
            .sum();
        assert_eq!(
            data::payload(kib),
            (0..kib as usize * 1024)
                .map(data::pattern)
                .collect::<Vec<_>>()
        );
        assert_eq!(spec.expected(), Some(reference), "{kib} KiB");
        assert_eq!(
            run_to_end(&spec, &SystemClock),
            Checked {
                answer: reference,
                ok: true,
                expected: Some(reference),
                cpu: None
            },
            "{kib} KiB"
        );
    }
    assert!(
        WorkloadSpec {
            kind: WorkloadKind::Data,
            n: data::MAX_KIB + 1
        }
        .validate()
        .is_err()
    );
}
