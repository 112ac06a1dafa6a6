use super::*;
use crate::core::metrics::fake::SteppingClock;
use crate::core::trace::State;
use crate::models::processes::records::{RoundTrip, chunk_records};
use crate::models::processes::worker::{handle, handle_message, take_reserved};
use crate::workloads::WorkloadKind;
use crate::workloads::io::HostIo;

fn every_message() -> (Vec<ToWorker>, Vec<FromWorker>) {
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1000,
    };
    (
        vec![
            ToWorker::Run {
                tasks: vec![
                    TaskRun {
                        id: 3,
                        steps: vec![
                            spec,
                            WorkloadSpec {
                                kind: WorkloadKind::Io,
                                n: 5,
                            },
                        ],
                    },
                    TaskRun {
                        id: 4,
                        steps: vec![spec],
                    },
                ],
                payloads: Payloads::Shared { slots: vec![0, 7] },
                gil_threads: None,
            },
            ToWorker::Run {
                tasks: vec![],
                payloads: Payloads::Serialized,
                gil_threads: Some(5.0),
            },
            ToWorker::Reserve {
                sizes: vec![1 << 20],
            },
            ToWorker::SetCell { value: 42 },
            ToWorker::GetCell,
        ],
        vec![
            FromWorker::Ready {
                protocol: PROTOCOL_VERSION,
                boot: None,
            },
            FromWorker::Ready {
                protocol: PROTOCOL_VERSION,
                boot: Some(BootTimes {
                    started_ms: 10.0,
                    imported_ms: 12.5,
                    instantiated_ms: 20.0,
                }),
            },
            FromWorker::Done {
                received_ms: 1.25,
                decoded_ms: 1.4,
                tasks: vec![TaskDone {
                    id: 3,
                    checked: Checked {
                        answer: 168,
                        ok: true,
                        expected: Some(168),
                        cpu: None,
                    },
                    start_ms: 1.5,
                    end_ms: 2.5,
                    steps: vec![Segment::new(crate::core::trace::State::Run, 1.5, 2.5)],
                }],
            },
            FromWorker::Reserved {
                slots: vec![Reservation {
                    slot: 0,
                    ptr: 1024,
                    len: 4096,
                }],
            },
            FromWorker::Cell { value: 42 },
            FromWorker::Tick,
            FromWorker::Responded { id: 3 },
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
        encode(&FromWorker::Ready {
            protocol: 1,
            boot: None
        }),
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
            protocol: PROTOCOL_VERSION,
            boot: None
        }),
        Ok(None)
    );
    assert_eq!(
        expect_ready(FromWorker::Ready {
            protocol: PROTOCOL_VERSION + 1,
            boot: None
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
    let clock = SteppingClock::default();
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1000,
    };
    // The wire in, the wire out: received at tick 1, decoded at 2; each task starts, runs its
    // step and ends on the next readings.
    let reply = handle_message(
        &encode(&ToWorker::Run {
            tasks: vec![
                TaskRun {
                    id: 9,
                    steps: vec![spec],
                },
                TaskRun {
                    id: 10,
                    steps: vec![spec],
                },
            ],
            payloads: Payloads::None,
            gil_threads: None,
        }),
        &clock,
        &mut HostIo::default(),
        || (),
        |_| (),
    );
    let done = |id, at: f64| TaskDone {
        id,
        checked: Checked {
            answer: 168,
            ok: true,
            expected: Some(168),
            cpu: None,
        },
        start_ms: at,
        end_ms: at + 3.0,
        steps: vec![Segment::new(
            crate::core::trace::State::Run,
            at + 1.0,
            at + 2.0,
        )],
    };
    assert_eq!(
        decode::<FromWorker>(&reply),
        Ok(FromWorker::Done {
            received_ms: 1.0,
            decoded_ms: 2.0,
            tasks: vec![done(9, 3.0), done(10, 7.0)],
        })
    );
}

#[test]
fn the_worker_body_refuses_an_invalid_task() {
    let clock = SteppingClock::default();
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 1001,
    };
    assert!(matches!(
        handle(
            ToWorker::Run {
                tasks: vec![TaskRun {
                    id: 0,
                    steps: vec![spec]
                }],
                payloads: Payloads::None,
                gil_threads: None,
            },
            0.0,
            &clock,
            &mut HostIo::default(),
            || (),
            |_| ()
        ),
        FromWorker::Failed { .. }
    ));
    let garbage = handle_message(
        r#"{"type":"cp_fly"}"#,
        &clock,
        &mut HostIo::default(),
        || (),
        |_| (),
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
    let clock = SteppingClock::default();
    assert_eq!(
        handle(
            ToWorker::SetCell { value: 77 },
            0.0,
            &clock,
            &mut HostIo::default(),
            || (),
            |_| ()
        ),
        FromWorker::Cell { value: 77 }
    );
    assert_eq!(
        handle(
            ToWorker::GetCell,
            0.0,
            &clock,
            &mut HostIo::default(),
            || (),
            |_| ()
        ),
        FromWorker::Cell { value: 77 }
    );
}

#[test]
fn a_long_task_reports_every_slice() {
    let clock = SteppingClock::default();
    let spec = WorkloadSpec {
        kind: WorkloadKind::Count,
        n: 3 * crate::workloads::count_loop::SLICE,
    };
    let mut slices = 0;
    let reply = handle(
        ToWorker::Run {
            tasks: vec![TaskRun {
                id: 1,
                steps: vec![spec],
            }],
            payloads: Payloads::None,
            gil_threads: None,
        },
        0.0,
        &clock,
        &mut HostIo::default(),
        || slices += 1,
        |_| (),
    );
    assert!(matches!(reply, FromWorker::Done { .. }));
    assert_eq!(slices, 2, "after each slice but the last");
}

#[test]
fn serialised_payloads_round_trip_with_little_framing() {
    let payloads = vec![vec![], vec![7u8; 3], crate::workloads::data::payload(64)];
    let bytes = encode_payloads(&payloads);
    let raw: usize = payloads.iter().map(Vec::len).sum();
    assert!(bytes.len() <= raw + 8, "{} bytes for {raw}", bytes.len());
    assert_eq!(decode_payloads(&bytes), Ok(payloads));
    assert!(matches!(decode_payloads(&[9, 9]), Err(Error::Protocol(_))));
}

#[test]
fn the_copy_way_clones_large_payloads_and_serialises_small_ones() {
    let mib = CLONE_FROM_BYTES;
    assert_eq!(copy_way([]), Payloads::None);
    assert_eq!(copy_way([mib]), Payloads::Cloned);
    assert_eq!(copy_way([100 * mib, mib]), Payloads::Cloned);
    assert_eq!(copy_way([mib - 1]), Payloads::Serialized);
    // A chunk of many small payloads is one byte string, even beside a large one.
    assert_eq!(copy_way([1024; 256]), Payloads::Serialized);
    assert_eq!(copy_way([10 * mib, 1024]), Payloads::Serialized);
}

#[test]
fn reserved_buffers_are_taken_once_in_place() {
    let clock = SteppingClock::default();
    let FromWorker::Reserved { slots } = handle(
        ToWorker::Reserve {
            sizes: vec![16, 32],
        },
        0.0,
        &clock,
        &mut HostIo::default(),
        || (),
        |_| (),
    ) else {
        panic!("expected a reservation")
    };
    assert_eq!(slots.iter().map(|r| r.len).collect::<Vec<_>>(), [16, 32]);
    let ids: Vec<u32> = slots.iter().map(|r| r.slot).collect();
    let taken = take_reserved(&ids).unwrap();
    // The very blocks the page was told to write into: no copy on the way in.
    assert_eq!(taken[0].as_ptr() as u64, slots[0].ptr);
    assert_eq!(taken[1].len(), 32);
    assert!(
        matches!(take_reserved(&ids), Err(Error::Protocol(_))),
        "a slot is used once"
    );
    assert!(matches!(
        handle(
            ToWorker::Reserve {
                sizes: vec![u64::MAX]
            },
            0.0,
            &clock,
            &mut HostIo::default(),
            || (),
            |_| ()
        ),
        FromWorker::Failed { .. }
    ));
}

/// A finished task with a right answer that ran from `start` to `end`.
fn ran(id: u32, start: f64, end: f64) -> TaskDone {
    TaskDone {
        id,
        checked: Checked {
            answer: 1,
            ok: true,
            expected: Some(1),
            cpu: None,
        },
        start_ms: start,
        end_ms: end,
        steps: vec![Segment::new(State::Run, start, end)],
    }
}

#[test]
fn a_chunks_legs_go_to_its_first_and_last_tasks_and_every_result_ends_with_the_reply() {
    let trip = RoundTrip {
        sent_ms: 100.0,
        posted_ms: 102.0,
        arrived_ms: 135.0,
        decoded_ms: 136.0,
    };
    // Received at 103, decoded at 104; tasks run 104–114 and 114–124; the reply lands at 135.
    let records = chunk_records(
        &trip,
        103.0,
        104.0,
        &[ran(5, 104.0, 114.0), ran(6, 114.0, 124.0)],
        &[],
        1,
        100.0,
        |_| Some(1),
    );
    let states = |i: usize| {
        records[i]
            .segments
            .iter()
            .map(|s| (s.state, s.start_ms, s.end_ms))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        states(0),
        [
            (State::Serialize, 0.0, 2.0),
            (State::Transfer, 2.0, 3.0),
            (State::Deserialize, 3.0, 4.0),
            (State::Run, 4.0, 14.0),
        ]
    );
    assert_eq!(
        states(1),
        [
            (State::Ready, 0.0, 14.0),
            (State::Run, 14.0, 24.0),
            (State::Transfer, 24.0, 35.0),
            (State::Deserialize, 35.0, 36.0),
        ]
    );
    // Both results reached the page with the reply.
    assert_eq!((records[0].end_ms, records[1].end_ms), (36.0, 36.0));
    assert!(records.iter().all(|r| r.ok && r.lane == "worker 1"));
}

#[test]
fn threads_of_a_worker_end_when_their_own_responses_arrive() {
    let trip = RoundTrip {
        sent_ms: 100.0,
        posted_ms: 102.0,
        arrived_ms: 160.0,
        decoded_ms: 161.0,
    };
    // Two threads started together at 104: the short one answered at 111, the long one at 155.
    let records = chunk_records(
        &trip,
        103.0,
        104.0,
        &[ran(5, 104.0, 150.0), ran(6, 104.0, 110.0)],
        &[(6, 111.0), (5, 155.0)],
        1,
        100.0,
        |_| Some(1),
    );
    assert_eq!((records[0].end_ms, records[1].end_ms), (55.0, 11.0));
    assert_eq!(records[0].lane, "worker 1 · thread 0");
    assert_eq!(records[1].lane, "worker 1 · thread 1");
    let last = records[1].segments.last().unwrap();
    assert_eq!(
        (last.state, last.start_ms, last.end_ms),
        (State::Transfer, 10.0, 11.0)
    );
}

#[test]
fn a_start_up_splits_into_its_legs() {
    let boot = BootTimes {
        started_ms: 140.0,
        imported_ms: 152.0,
        instantiated_ms: 190.0,
    };
    let legs = boot.legs(100.0, 193.0);
    assert_eq!(
        (
            legs.thread_ms,
            legs.import_ms,
            legs.instantiate_ms,
            legs.handshake_ms
        ),
        (40.0, 12.0, 38.0, 3.0)
    );
}
