use super::*;
use crate::core::metrics::fake::ManualClock;
use crate::core::record::Checked;
use crate::workloads::{WorkloadKind, WorkloadSpec};

#[test]
fn an_io_step_sleeps_in_polls_until_its_deadline_and_confirms_it_by_the_clock() {
    let clock = ManualClock::at(100.0);
    let spec = WorkloadSpec {
        kind: WorkloadKind::Io,
        n: 120,
    };
    let step = spec.io_step(&clock).expect("an I/O step");
    assert_eq!(step.next(&clock), IoNext::Sleep(POLL_MS));
    clock.advance(100.0);
    assert_eq!(step.next(&clock), IoNext::Sleep(20.0));
    clock.advance(20.0);
    assert_eq!(step.next(&clock), IoNext::Done(120));
    let count = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 10,
    };
    assert!(count.io_step(&clock).is_none());
}

#[test]
fn a_fetch_step_makes_n_requests_and_a_failed_one_leaves_the_count_short() {
    let clock = ManualClock::at(0.0);
    let spec = WorkloadSpec {
        kind: WorkloadKind::Fetch,
        n: 3,
    };
    let mut step = spec.io_step(&clock).expect("an I/O step");
    let mut requests = 0;
    while let IoNext::Fetch(path) = step.next(&clock) {
        assert_eq!(path, SAMPLE_PATH);
        requests += 1;
        step.fetched(if requests == 2 {
            Err("refused".into())
        } else {
            Ok(10)
        });
    }
    assert_eq!(requests, 2, "the step stops at the first failure");
    assert_eq!(step.next(&clock), IoNext::Done(10));
    assert!(
        !Checked::of(&spec, 10).ok,
        "the oracle catches the short count"
    );
}
