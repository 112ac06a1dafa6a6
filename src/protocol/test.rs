use std::cell::Cell;

use super::*;
use crate::workloads::WorkloadKind;
use crate::workloads::io::HostIo;

/// A clock that advances one millisecond per reading.
struct Ticking(Cell<f64>);

impl Clock for Ticking {
    fn now_ms(&self) -> f64 {
        let t = self.0.get() + 1.0;
        self.0.set(t);
        t
    }
}

fn every_message() -> (Vec<ToWorker>, Vec<FromWorker>) {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1000,
    };
    (
        vec![
            ToWorker::Run {
                id: 3,
                steps: vec![
                    spec,
                    WorkloadSpec {
                        kind: WorkloadKind::Io,
                        n: 5,
                    },
                ],
            },
            ToWorker::SetCell { value: 42 },
            ToWorker::GetCell,
        ],
        vec![
            FromWorker::Ready {
                protocol: PROTOCOL_VERSION,
            },
            FromWorker::Done {
                id: 3,
                checked: Checked {
                    answer: 168,
                    ok: true,
                },
                received_ms: 1.25,
                start_ms: 1.5,
                end_ms: 2.5,
                steps: vec![Segment::new(crate::trace::State::Run, 1.5, 2.5)],
            },
            FromWorker::Cell { value: 42 },
            FromWorker::Tick,
            FromWorker::Failed {
                message: "boom".into(),
            },
        ],
    )
}

#[test]
fn every_message_round_trips_through_the_wire_format() {
    let (to, from) = every_message();
    for m in to {
        assert_eq!(decode::<ToWorker>(&encode(&m)), Ok(m));
    }
    for m in from {
        assert_eq!(decode::<FromWorker>(&encode(&m)), Ok(m));
    }
}

#[test]
fn type_tags_are_namespaced() {
    assert_eq!(encode(&ToWorker::GetCell), r#"{"type":"cp_get_cell"}"#);
    assert_eq!(
        encode(&FromWorker::Ready { protocol: 1 }),
        r#"{"type":"cp_ready","protocol":1}"#
    );
    // The JS loader posts this literal when the wasm instance cannot start.
    assert_eq!(
        decode::<FromWorker>(r#"{"type":"cp_failed","message":"404"}"#),
        Ok(FromWorker::Failed {
            message: "404".into()
        })
    );
}

#[test]
fn garbage_is_a_protocol_error() {
    assert!(matches!(
        decode::<FromWorker>("{\"type\":\"wasm_bindgen_worker_ready\"}"),
        Err(Error::Protocol(_))
    ));
    assert!(matches!(
        decode::<ToWorker>("not json"),
        Err(Error::Protocol(_))
    ));
}

#[test]
fn the_handshake_checks_the_version() {
    assert_eq!(
        expect_ready(FromWorker::Ready {
            protocol: PROTOCOL_VERSION
        }),
        Ok(())
    );
    assert_eq!(
        expect_ready(FromWorker::Ready {
            protocol: PROTOCOL_VERSION + 1
        }),
        Err(Error::ProtocolMismatch {
            expected: PROTOCOL_VERSION,
            found: PROTOCOL_VERSION + 1
        })
    );
    assert!(matches!(
        expect_ready(FromWorker::Failed {
            message: "x".into()
        }),
        Err(Error::Runtime(_))
    ));
    assert!(matches!(
        expect_ready(FromWorker::Cell { value: 0 }),
        Err(Error::Protocol(_))
    ));
}

#[test]
fn the_worker_body_runs_and_times_a_task() {
    let clock = Ticking(Cell::new(0.0));
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1000,
    };
    // The wire in, the wire out: received at tick 1, decoded and started at 2, the step ran
    // from 3 to 4, done at 5.
    let reply = handle_message(
        &encode(&ToWorker::Run {
            id: 9,
            steps: vec![spec],
        }),
        &clock,
        &mut HostIo::default(),
        || (),
    );
    assert_eq!(
        decode::<FromWorker>(&reply),
        Ok(FromWorker::Done {
            id: 9,
            checked: Checked {
                answer: 168,
                ok: true
            },
            received_ms: 1.0,
            start_ms: 2.0,
            end_ms: 5.0,
            steps: vec![Segment::new(crate::trace::State::Run, 3.0, 4.0)],
        })
    );
}

#[test]
fn the_worker_body_refuses_an_invalid_task() {
    let clock = Ticking(Cell::new(0.0));
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1001,
    };
    assert!(matches!(
        handle(
            ToWorker::Run {
                id: 0,
                steps: vec![spec]
            },
            0.0,
            &clock,
            &mut HostIo::default(),
            || ()
        ),
        FromWorker::Failed { .. }
    ));
    let garbage = handle_message(
        r#"{"type":"cp_fly"}"#,
        &clock,
        &mut HostIo::default(),
        || (),
    );
    assert!(matches!(
        decode::<FromWorker>(&garbage),
        Ok(FromWorker::Failed { .. })
    ));
}

#[test]
fn the_cell_is_per_instance_state() {
    // On the host there is one instance, so a write is visible to the next read; the browser
    // test shows that a second worker does *not* see it.
    let clock = Ticking(Cell::new(0.0));
    assert_eq!(
        handle(
            ToWorker::SetCell { value: 77 },
            0.0,
            &clock,
            &mut HostIo::default(),
            || ()
        ),
        FromWorker::Cell { value: 77 }
    );
    assert_eq!(
        handle(
            ToWorker::GetCell,
            0.0,
            &clock,
            &mut HostIo::default(),
            || ()
        ),
        FromWorker::Cell { value: 77 }
    );
}

#[test]
fn a_long_task_reports_every_slice() {
    let clock = Ticking(Cell::new(0.0));
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 3 * crate::workloads::count_loop::SLICE,
    };
    let mut slices = 0;
    let reply = handle(
        ToWorker::Run {
            id: 1,
            steps: vec![spec],
        },
        0.0,
        &clock,
        &mut HostIo::default(),
        || slices += 1,
    );
    assert!(matches!(reply, FromWorker::Done { .. }));
    assert_eq!(slices, 2, "after each slice but the last");
}
