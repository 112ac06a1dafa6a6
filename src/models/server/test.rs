//! The loop's part in the GIL, on an explicit time line: CPU-bound threads take the lock in
//! turns, checking every 1 ms slice; the loop asks for it at each of its steps.

use super::*;

/// Runs `cpu` CPU-bound threads (ids 0..cpu, thread 0 holding from 0 ms, the others queued at
/// 0 ms) under a switch interval of `interval` ms, and the index request arriving at
/// `arrived` on the loop (thread id `cpu`), visited at every slice boundary and right after
/// each step's work. Returns the record and the loop's lane.
fn serve_under_gil(cpu: u32, interval: f64, arrived: f64) -> (IndexRecord, Vec<Segment>) {
    let mut rules = Rules::new(interval);
    for thread in 0..cpu {
        rules.request(thread, 0.0);
    }
    let mut request = IndexRequest::new(cpu, arrived);
    let mut now = arrived;
    for _ in 0..10_000 {
        // The loop's turn: as many steps as it can take now.
        loop {
            match request.visit(Some(&mut rules), now) {
                Next::Compute(ms) => {
                    now += ms;
                    request.computed();
                }
                Next::Syscall => {}
                Next::Again => break,
                Next::Done => return request.finish(0.0),
            }
        }
        // The next slice boundary: the CPU holder (if it is one) checks for a drop request.
        now = now.floor() + 1.0;
        if let Some(holder) = rules.holder()
            && holder < cpu
        {
            rules.checkpoint(holder, now);
        }
    }
    panic!("the index request was never answered");
}

#[test]
fn without_a_gil_the_loop_answers_in_its_own_work_time() {
    let mut request = IndexRequest::new(0, 20.0);
    let mut now = 20.0;
    let mut computes = 0;
    loop {
        match request.visit(None, now) {
            Next::Compute(ms) => {
                now += ms;
                computes += 1;
                request.computed();
            }
            Next::Syscall => {}
            _ => break,
        }
    }
    assert_eq!(request.visit(None, now), Next::Done);
    let (record, lane) = request.finish(0.0);
    assert_eq!(computes, INDEX_STEPS.len());
    assert!(record.ok());
    assert_eq!(record.gil_waits, 0);
    assert!(
        (record.latency_ms() - 5.0 * STEP_WORK_MS).abs() < 1e-9,
        "{record:?}"
    );
    assert!(lane.iter().all(|s| s.state == State::Run));
}

#[test]
fn under_the_gil_each_step_waits_its_turn_behind_the_cpu_threads() {
    // Two CPU threads, 5 ms interval, the request at 2 ms. Thread 0 holds from 0; thread 1
    // waits from 0, the loop from 2. At 5 the drop is due: 0 hands to 1 (the longest waiter)
    // and queues behind the loop. At 10 (a switch interval after 1 got it) 1 hands to the
    // loop, which has waited 8 ms for its first step.
    let (record, lane) = serve_under_gil(2, 5.0, 2.0);
    assert!(record.ok(), "{record:?}");
    assert_eq!(record.gil_waits, 5, "every step waited: {lane:?}");
    assert_eq!(lane[0], Segment::new(State::WaitGil, 2.0, 10.0));
    assert_eq!(lane[1], Segment::new(State::Run, 10.0, 10.0 + STEP_WORK_MS));
    // The second step asks at 10.05, behind thread 1 (queued at 10); thread 0 got the lock at
    // 10.05, hands to 1 at 16 (its slice boundary after 15.05), and 1 to the loop at 21.
    assert_eq!(
        lane[2],
        Segment::new(State::WaitGil, 10.0 + STEP_WORK_MS, 21.0)
    );
    // Each later step waits two turns of the CPU threads: about 2 intervals.
    let waits: Vec<f64> = lane
        .iter()
        .filter(|s| s.state == State::WaitGil)
        .map(|s| s.end_ms - s.start_ms)
        .collect();
    assert!(
        waits[1..].iter().all(|w| (10.0..=12.0).contains(w)),
        "{waits:?}"
    );
    assert!((record.gil_wait_ms - waits.iter().sum::<f64>()).abs() < 1e-9);
    assert!((record.latency_ms() - (record.gil_wait_ms + 5.0 * STEP_WORK_MS)).abs() < 1e-9);
}

#[test]
fn more_cpu_threads_make_every_step_wait_longer_the_convoy() {
    let per_step = |cpu: u32| {
        let (record, _) = serve_under_gil(cpu, 5.0, 2.0);
        assert!(record.ok());
        record.gil_wait_ms / f64::from(record.gil_waits)
    };
    let (two, three, ten) = (per_step(2), per_step(3), per_step(10));
    // One switch interval per CPU thread queued ahead, give or take the slice boundaries.
    assert!(two < three && three < ten, "{two} {three} {ten}");
    assert!((14.0..=18.0).contains(&three), "{three}");
    assert!((45.0..=56.0).contains(&ten), "{ten}");
}
