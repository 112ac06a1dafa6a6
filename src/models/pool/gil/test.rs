use std::sync::Arc;

use super::*;
use crate::core::metrics::SystemClock;

fn turns(rules: &Rules) -> Vec<(u32, f64, f64)> {
    rules
        .report(0.0)
        .holds
        .iter()
        .map(|h| (h.thread, h.start_ms, h.end_ms))
        .collect()
}

#[test]
fn a_free_lock_is_granted_at_once_and_a_held_one_queues() {
    let mut rules = Rules::new(5.0);
    assert!(rules.request(0, 0.0));
    assert!(!rules.request(1, 1.0));
    assert_eq!(rules.holder(), Some(0));
    // Nobody else waiting when the holder lets go: the waiter gets it at that instant.
    rules.release(0, 3.0);
    assert_eq!(rules.holder(), Some(1));
    assert_eq!(turns(&rules), [(0, 0.0, 3.0), (1, 3.0, 3.0)]);
}

#[test]
fn the_holder_lets_go_one_interval_after_the_longest_waiter_began_waiting() {
    let mut rules = Rules::new(5.0);
    rules.request(0, 0.0);
    assert!(!rules.checkpoint(0, 1.0), "nobody waits: keep computing");
    rules.request(1, 2.0);
    assert_eq!(rules.drop_due_ms(), Some(7.0));
    assert!(!rules.checkpoint(0, 5.0));
    assert!(!rules.checkpoint(0, 6.9));
    assert!(rules.checkpoint(0, 7.0), "due: hand over");
    assert_eq!(rules.holder(), Some(1));
    // The new holder keeps it a full interval even though thread 0 has been waiting since 7.
    assert_eq!(rules.drop_due_ms(), Some(12.0));
    assert!(!rules.checkpoint(1, 11.0));
    assert!(rules.checkpoint(1, 12.0));
    assert_eq!(rules.holder(), Some(0));
}

#[test]
fn forced_switches_go_round_robin() {
    let mut rules = Rules::new(5.0);
    rules.request(0, 0.0);
    rules.request(1, 0.0);
    rules.request(2, 0.0);
    let mut order = Vec::new();
    for t in 1..=30 {
        let holder = rules.holder().unwrap();
        if rules.checkpoint(holder, f64::from(t)) {
            order.push(rules.holder().unwrap());
        }
    }
    assert_eq!(order, [1, 2, 0, 1, 2, 0]);
    assert_eq!(rules.report(0.0).forced_switches, 6);
}

/// A fake-clock simulation of threads that compute (`Cpu(ms)`) or wait (`Io(ms)`), in 1 ms
/// slices, following the same calls `workloads::run_blocking` makes. Returns the lock's turns.
#[derive(Debug, Clone, Copy)]
enum Step {
    Cpu(u32),
    Io(u32),
}

fn simulate(interval_ms: f64, threads: &[&[Step]]) -> (Vec<(u32, f64, f64)>, Vec<f64>) {
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum At {
        /// About to start step `next`.
        Start,
        /// Queued for the lock, with this much CPU work left.
        Waiting(u32),
        /// Holding the lock, with this much CPU work left.
        Running(u32),
        /// In an I/O wait until this tick.
        Sleeping(u32),
        /// Back from I/O, queued to take the lock back.
        Returning,
        Done,
    }
    let mut rules = Rules::new(interval_ms);
    let mut at = vec![At::Start; threads.len()];
    let mut next = vec![0usize; threads.len()];
    let mut finished = vec![0.0; threads.len()];
    for tick in 0..1_000u32 {
        let now = f64::from(tick);
        // Every thread acts until it has computed this tick's slice or must wait; threads woken
        // by another's hand-over in this tick get their turn in the same tick.
        let mut sliced = vec![false; threads.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for (i, steps) in threads.iter().enumerate() {
                if sliced[i] {
                    continue;
                }
                let me = i as u32;
                let before = at[i];
                at[i] = match at[i] {
                    At::Start => match steps.get(next[i]) {
                        None => {
                            finished[i] = now;
                            At::Done
                        }
                        Some(Step::Cpu(ms)) if rules.request(me, now) => At::Running(*ms),
                        Some(Step::Cpu(ms)) => At::Waiting(*ms),
                        Some(Step::Io(ms)) => At::Sleeping(tick + ms),
                    },
                    At::Waiting(left) if rules.holder() == Some(me) => At::Running(left),
                    At::Running(0) => {
                        rules.release(me, now);
                        next[i] += 1;
                        At::Start
                    }
                    At::Running(left) if rules.checkpoint(me, now) => At::Waiting(left),
                    At::Running(left) => {
                        sliced[i] = true;
                        At::Running(left - 1)
                    }
                    At::Sleeping(until) if tick >= until => {
                        if rules.request(me, now) {
                            rules.release(me, now);
                            next[i] += 1;
                            At::Start
                        } else {
                            At::Returning
                        }
                    }
                    At::Returning if rules.holder() == Some(me) => {
                        rules.release(me, now);
                        next[i] += 1;
                        At::Start
                    }
                    other => other,
                };
                changed |= at[i] != before;
            }
        }
        if at.iter().all(|a| *a == At::Done) {
            break;
        }
    }
    (turns(&rules), finished)
}

#[test]
fn two_cpu_bound_threads_take_turns_of_one_interval() {
    let (turns, finished) = simulate(5.0, &[&[Step::Cpu(12)], &[Step::Cpu(12)]]);
    // Exact hand-overs for this input: round-robin, 5 ms each, until each has had 12 ms.
    assert_eq!(
        turns,
        [
            (0, 0.0, 5.0),
            (1, 5.0, 10.0),
            (0, 10.0, 15.0),
            (1, 15.0, 20.0),
            (0, 20.0, 22.0),
            (1, 22.0, 24.0),
        ]
    );
    // No speed-up: both finish near 2 × 12 ms, as one thread running both would.
    assert_eq!(finished, [22.0, 24.0]);
}

#[test]
fn io_waits_release_the_lock_so_they_overlap() {
    // Two I/O-bound threads: 10 ms waits each, 1 ms of "Python" around them.
    let (_, finished) = simulate(
        5.0,
        &[
            &[Step::Cpu(1), Step::Io(10), Step::Cpu(1)],
            &[Step::Cpu(1), Step::Io(10), Step::Cpu(1)],
        ],
    );
    // Overlapped: ~12 ms each, far below the 24 ms a serialised run would take.
    assert!(finished.iter().all(|&f| f <= 14.0), "{finished:?}");
}

#[test]
fn a_thread_back_from_io_waits_behind_a_cpu_bound_holder() {
    // Thread 1 returns from a 2 ms wait while thread 0 computes: it must wait for the drop
    // request to be due — the convoy effect.
    let (turns, _) = simulate(5.0, &[&[Step::Cpu(20)], &[Step::Io(2)]]);
    assert_eq!(turns[0], (0, 0.0, 7.0), "held until 2 + 5 ms");
    assert_eq!(turns[1], (1, 7.0, 7.0));
}

#[test]
fn real_threads_never_compute_at_the_same_time() {
    let gil = Arc::new(Gil::new(1.0));
    let clock = SystemClock;
    let t0 = clock.now_ms();
    let handles: Vec<_> = (0..3u32)
        .map(|thread| {
            let gil = gil.clone();
            std::thread::spawn(move || {
                let gate = gil.thread(thread, &SystemClock);
                let mut runs = Vec::new();
                let mut mark = gate.acquire().map_or(SystemClock.now_ms(), |(_, end)| end);
                for _ in 0..40 {
                    let until = SystemClock.now_ms() + 0.25;
                    while SystemClock.now_ms() < until {
                        std::hint::spin_loop();
                    }
                    if let Some((start, end)) = gate.checkpoint() {
                        runs.push((mark, start));
                        mark = end;
                    }
                }
                runs.push((mark, SystemClock.now_ms()));
                gate.release();
                runs
            })
        })
        .collect();
    let mut runs: Vec<(f64, f64)> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in runs.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "overlapping turns: {pair:?}");
    }
    let report = gil.report(t0);
    assert!(
        report.forced_switches > 0,
        "1 ms interval, 10 ms of work each"
    );
    for pair in report.holds.windows(2) {
        assert!(pair[0].end_ms <= pair[1].start_ms);
    }
}
