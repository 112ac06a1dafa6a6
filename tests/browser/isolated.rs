//! Isolated workers: the typed protocol, isolation, payloads, chunks and start methods, staging, the hybrid.

use std::sync::atomic::Ordering;

use playground::config::{PayloadMode, RunConfig, StartMethod};
use playground::core::control::RunControl;
use playground::core::trace::{Lane, State};
use playground::models::Model;
use playground::models::processes::protocol::{
    FromWorker, ISOLATION_CELL, Payloads, TaskRun, ToWorker,
};
use playground::report::Status;
use playground::web;
use playground::workloads::{WorkloadKind, WorkloadSpec};
use wasm_bindgen_test::*;

use crate::support::{small, spawn_worker, test_bundle, time_in};

#[wasm_bindgen_test]
async fn an_isolated_worker_answers_over_the_typed_protocol() {
    let mut worker = spawn_worker().await;
    let spec = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 100_000,
    };
    match worker
        .request(&ToWorker::Run {
            tasks: vec![TaskRun {
                id: 7,
                steps: vec![spec],
            }],
            payloads: Payloads::None,
            gil_threads: None,
        })
        .await
        .expect("reply")
    {
        FromWorker::Done {
            received_ms,
            decoded_ms,
            tasks,
        } => {
            assert_eq!(tasks.len(), 1);
            let task = &tasks[0];
            assert_eq!(task.steps.len(), 1);
            assert_eq!(task.steps[0].state, State::Run);
            assert!(received_ms <= decoded_ms && decoded_ms <= task.start_ms);
            assert_eq!(task.id, 7);
            assert_eq!((task.checked.answer, task.checked.ok), (9_592, true));
            assert!(task.start_ms <= task.end_ms);
        }
        other => panic!("unexpected reply {other:?}"),
    }
    // Invalid input is refused by the worker with a message, and the worker stays usable.
    let bad = WorkloadSpec {
        kind: WorkloadKind::Primes,
        n: 123,
    };
    assert!(
        worker
            .request(&ToWorker::Run {
                tasks: vec![TaskRun {
                    id: 8,
                    steps: vec![bad],
                }],
                payloads: Payloads::None,
                gil_threads: None,
            })
            .await
            .is_err()
    );
    assert_eq!(
        worker.request(&ToWorker::GetCell).await,
        Ok(FromWorker::Cell { value: 0 })
    );
}

#[wasm_bindgen_test]
async fn isolated_workers_do_not_share_memory_with_each_other_or_the_page() {
    let mut workers = vec![spawn_worker().await, spawn_worker().await];
    let probe = web::processes::probe_isolation(&mut workers)
        .await
        .expect("probe runs");
    assert_eq!(
        probe.worker_reads[0], probe.written,
        "worker 0 keeps its own write"
    );
    assert_ne!(
        probe.worker_reads[1], probe.written,
        "worker 1 must not see it"
    );
    assert_ne!(
        ISOLATION_CELL.load(Ordering::SeqCst),
        probe.written,
        "nor the page"
    );
    assert!(probe.isolated());
}

#[wasm_bindgen_test]
async fn payloads_reach_the_workers_copied_transferred_or_shared_and_verify() {
    let env = web::probe();
    // The copy way twice: payloads of 1 MiB go as buffers for the structured clone, of 64 KiB
    // serialised together (protocol::copy_way).
    for (mode, kib) in [
        (PayloadMode::Copy, 1024),
        (PayloadMode::Copy, 64),
        (PayloadMode::Transfer, 1024),
        (PayloadMode::Shared, 1024),
    ] {
        let payload = 4 * kib * 1024;
        let config = RunConfig {
            payload: mode,
            ..small(WorkloadKind::Data, kib, 4, Some(2))
        };
        let control = RunControl::default();
        let r =
            web::processes::run_bundle(Model::Processes, &config, &env, &control, &test_bundle())
                .await;
        assert_eq!(r.status, Status::Ok, "{mode:?}: {:?}", r.message);
        assert!(r.answer_ok, "{mode:?}: {r:?}");
        let ipc = r.ipc.as_ref().expect("the worker model reports its IPC");
        assert_eq!(ipc.payload_mode, mode);
        assert_eq!(ipc.payload_bytes, payload, "{mode:?}");
        match mode {
            // Serialised: the payload bytes travel in the messages, with the request's JSON.
            PayloadMode::Copy => {
                assert!(ipc.bytes_out > payload, "{ipc:?}");
                assert_eq!(ipc.messages, 4);
                assert_eq!(ipc.source_detached, None);
            }
            // Moved: in the messages too, and the page's buffers were detached.
            PayloadMode::Transfer => {
                assert!(ipc.bytes_out >= payload, "{ipc:?}");
                assert_eq!(ipc.source_detached, Some(true));
            }
            // Written in place beforehand: the messages carry JSON only, and each task needed
            // a reservation first.
            PayloadMode::Shared => {
                assert!(ipc.bytes_out < 64 * 1024, "{ipc:?}");
                assert_eq!(ipc.messages, 8);
            }
        }
        assert!(
            r.tasks
                .iter()
                .all(|t| t.segments.iter().any(|s| s.state == State::Serialize))
        );
    }
}

#[wasm_bindgen_test]
async fn chunks_batch_tasks_per_message_and_start_methods_cost_what_they_say() {
    let env = web::probe();
    let base = small(WorkloadKind::Count, 1_000, 16, Some(2));
    let control = RunControl::default();
    let mut messages = Vec::new();
    for chunksize in [1, 4, 16] {
        let config = RunConfig {
            chunksize,
            ..base.clone()
        };
        let r =
            web::processes::run_bundle(Model::Processes, &config, &env, &control, &test_bundle())
                .await;
        assert_eq!(r.status, Status::Ok, "{:?}", r.message);
        assert!(r.answer_ok && r.tasks.len() == 16, "{r:?}");
        messages.push(r.ipc.unwrap().messages);
        // With one chunk of 16, one worker gets everything: the tail imbalance.
        if chunksize == 16 {
            assert_eq!(r.threads_used.len(), 1, "{:?}", r.threads_used);
        }
    }
    assert_eq!(messages, [16, 4, 1]);

    // Forkserver-like: the page compiles once, workers only instantiate; warm: no start-up.
    let forkserver = RunConfig {
        start: StartMethod::Forkserver,
        ..base.clone()
    };
    let r = web::processes::run_bundle(
        Model::Processes,
        &forkserver,
        &env,
        &control,
        &test_bundle(),
    )
    .await;
    assert!(r.answer_ok, "{r:?}");
    assert_eq!(r.startup_ms.len(), 2);
    let warm = RunConfig {
        start: StartMethod::Warm,
        ..base.clone()
    };
    let first =
        web::processes::run_bundle(Model::Processes, &warm, &env, &control, &test_bundle()).await;
    assert!(first.answer_ok);
    assert_eq!(first.ipc.as_ref().unwrap().reused_workers, 0);
    assert_eq!(
        first.startup_ms.len(),
        2,
        "the first warm run starts its workers"
    );
    let second =
        web::processes::run_bundle(Model::Processes, &warm, &env, &control, &test_bundle()).await;
    assert!(second.answer_ok, "{second:?}");
    assert_eq!(second.ipc.as_ref().unwrap().reused_workers, 2);
    assert!(second.startup_ms.is_empty(), "{:?}", second.startup_ms);
    assert!(second.isolation.unwrap().isolated());
}

#[wasm_bindgen_test]
fn staged_buffers_are_reused_for_the_same_sizes_and_hold_the_new_bytes() {
    let mut staging = Vec::new();
    let first = web::processes::stage(&mut staging, &[vec![1u8; 8], vec![2u8; 4]]).to_vec();
    assert_eq!(first[0].to_vec(), [1u8; 8]);
    // Same sizes, new bytes: the same buffers, refreshed.
    let second = web::processes::stage(&mut staging, &[vec![3u8; 8], vec![4u8; 4]]).to_vec();
    assert!(js_sys::Object::is(&first[0], &second[0]) && js_sys::Object::is(&first[1], &second[1]));
    assert_eq!(
        (second[0].to_vec(), second[1].to_vec()),
        (vec![3u8; 8], vec![4u8; 4])
    );
    // Other sizes: new buffers.
    let third = web::processes::stage(&mut staging, &[vec![5u8; 6]]).to_vec();
    assert_eq!(third.len(), 1);
    assert!(!js_sys::Object::is(&first[0], &third[0]));
    assert_eq!(third[0].to_vec(), [5u8; 6]);
}

/// A `cpu` step computes its n ms on the page's first run, before the engine's optimising tier
/// has compiled the loop, as on its hundredth: the time is the step's own, whatever its speed.

#[wasm_bindgen_test]
async fn the_hybrid_runs_each_workers_share_as_threads_under_its_own_gil() {
    // Seed 002's last siege in small: five long requests and a short one on two processes. The
    // long ones compute for 20 GIL switch intervals each, so every thread takes many turns and
    // the comparison below is between times of this run, not two switch intervals against a
    // guess at this machine's speed.
    let switch_ms = RunConfig::default().switch_ms;
    let long = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: u64::from(20 * switch_ms),
    };
    let short = WorkloadSpec {
        kind: WorkloadKind::Cpu,
        n: 1,
    };
    let mut profiles = vec![vec![long]; 5];
    profiles.push(vec![short]);
    let config = RunConfig {
        steps: Some(profiles),
        tasks: 6,
        workers: Some(2),
        models: vec![Model::Hybrid],
        ..RunConfig::default()
    };
    let env = web::probe();
    let control = RunControl::default();
    let r =
        web::processes::run_bundle(Model::Hybrid, &config, &env, &control, &test_bundle()).await;
    assert_eq!(r.status, Status::Ok, "{:?}", r.message);
    assert!(r.answer_ok, "{r:?}");
    // Dealt round-robin: worker 0 serves tasks 0, 2, 4; worker 1 tasks 1, 3, 5.
    for t in &r.tasks {
        let expected = Lane::Worker {
            worker: t.task % 2,
            thread: Some(t.task / 2),
        };
        assert_eq!(t.lane, expected);
        assert_eq!(
            t.lane.to_string(),
            format!("worker {} · thread {}", t.task % 2, t.task / 2)
        );
    }
    // In one worker, one thread computes at a time; the threads waited for the lock.
    for worker in 0..2 {
        let mut turns: Vec<(f64, f64)> = r
            .tasks
            .iter()
            .filter(|t| t.task % 2 == worker)
            .flat_map(|t| &t.segments)
            .filter(|s| s.state == State::Run)
            .map(|s| (s.start_ms, s.end_ms))
            .collect();
        turns.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            turns.windows(2).all(|w| w[1].0 >= w[0].1 - 0.01),
            "worker {worker}: {turns:?}"
        );
    }
    assert!(
        r.tasks
            .iter()
            .any(|t| t.segments.iter().any(|s| s.state == State::WaitGil))
    );
    // The short request answered on its own, long before its worker's long ones: it took less
    // than half the time one long request on its worker spent computing, both measured in this
    // run (task times from when the worker began its share, after its start-up).
    let task = |id: u32| r.tasks.iter().find(|t| t.task == id).unwrap();
    let took = |id: u32| task(id).end_ms - task(id).start_ms;
    let long_ran = time_in(task(1), State::Run);
    assert!(
        took(5) < 0.5 * long_ran,
        "short took {} ms; long computed {long_ran} ms of {} ms",
        took(5),
        took(1)
    );
}
