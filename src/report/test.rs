use super::*;
use crate::core::error::Error;
use crate::core::record::Checked;
use crate::workloads::WorkloadKind;

fn record(task: u32, lane: &str, answer: u64) -> TaskRecord {
    let checked = Checked {
        answer,
        ok: answer == 25,
        ..Default::default()
    };
    TaskRecord::single_run(
        task,
        lane.into(),
        0.0,
        f64::from(task),
        f64::from(task) + 1.0,
        checked,
    )
}

#[test]
fn a_task_that_ran_within_one_clock_tick_started_when_it_ran_not_when_it_was_queued() {
    let checked = Checked {
        answer: 1,
        ok: true,
        ..Default::default()
    };
    let t = TaskRecord::single_run(5, "thread 1".into(), 0.0, 60.09, 60.09, checked);
    assert_eq!((t.enqueue_ms, t.start_ms, t.end_ms), (0.0, 60.09, 60.09));
    // The empty run is not kept; the wait before it is.
    assert_eq!(t.segments, [Segment::new(State::Ready, 0.0, 60.09)]);
    assert!((t.latency_ms() - 60.09).abs() < 1e-12);
}

#[test]
fn answers_and_lanes_are_derived_from_the_records() {
    let config = |tasks| RunConfig {
        workload: WorkloadKind::Primes,
        n: 100,
        tasks,
        ..RunConfig::default()
    };
    let hb = Heartbeat::from_beats(&[1.0, 2.0], 0.0, 4.0);
    let tasks = vec![
        record(0, "thread 1", 25),
        record(1, "thread 0", 25),
        record(2, "thread 1", 25),
    ];
    let r = ModelResult::from_tasks(Model::Pool, &config(3), 9.0, hb, tasks);
    assert_eq!(r.answer, Some(25));
    assert!(r.answer_ok);
    assert_eq!(r.threads_used, ["thread 0", "thread 1"]);

    let wrong = vec![record(0, "main", 25), record(1, "main", 24)];
    let r = ModelResult::from_tasks(Model::Blocking, &config(2), 9.0, hb, wrong);
    assert_eq!(r.answer, None);
    assert!(!r.answer_ok);

    let missing = vec![record(0, "main", 25)];
    assert!(!ModelResult::from_tasks(Model::Blocking, &config(2), 9.0, hb, missing).answer_ok);
}

#[test]
fn the_summary_has_throughput_latency_busy_lanes_and_speedup() {
    let config = |tasks| RunConfig {
        workload: WorkloadKind::Primes,
        n: 100,
        tasks,
        ..RunConfig::default()
    };
    let hb = Heartbeat::from_beats(&[], 0.0, 0.0);
    // Blocking: 4 tasks back to back on main, 1 ms each, 4 ms wall.
    let serial: Vec<_> = (0..4).map(|t| record(t, "main", 25)).collect();
    let blocking = ModelResult::from_tasks(Model::Blocking, &config(4), 4.0, hb, serial);
    assert_eq!(blocking.summary.throughput_per_s, 1000.0);
    let latency = blocking.summary.latency_ms.unwrap();
    assert_eq!((latency.min, latency.median, latency.max), (1.0, 2.5, 4.0));
    assert_eq!(blocking.summary.busy_fraction, [(Lane::Main, 1.0)]);

    // Pool: 2 lanes, 2 ms wall, each lane busy 2 ms.
    let parallel = vec![
        TaskRecord::single_run(
            0,
            "thread 0".into(),
            0.0,
            0.0,
            1.0,
            Checked {
                answer: 25,
                ok: true,
                ..Default::default()
            },
        ),
        TaskRecord::single_run(
            1,
            "thread 1".into(),
            0.0,
            0.0,
            1.0,
            Checked {
                answer: 25,
                ok: true,
                ..Default::default()
            },
        ),
        TaskRecord::single_run(
            2,
            "thread 0".into(),
            0.0,
            1.0,
            2.0,
            Checked {
                answer: 25,
                ok: true,
                ..Default::default()
            },
        ),
        TaskRecord::single_run(
            3,
            "thread 1".into(),
            0.0,
            1.0,
            2.0,
            Checked {
                answer: 25,
                ok: true,
                ..Default::default()
            },
        ),
    ];
    let pool = ModelResult::from_tasks(Model::Pool, &config(4), 2.0, hb, parallel);
    assert!(
        pool.lanes.iter().all(|l| l.segments.is_empty()),
        "both threads busy throughout"
    );
    assert_eq!(
        pool.summary
            .busy_fraction
            .iter()
            .map(|b| b.1)
            .collect::<Vec<_>>(),
        [1.0, 1.0]
    );

    let failed = ModelResult::failed(Model::Processes, &config(4), Error::Runtime("x".into()));
    let doc = Results::of(Environment::bare(true, 2), vec![blocking, pool, failed]);
    let speedups: Vec<_> = doc
        .models
        .iter()
        .map(|m| m.summary.speedup_vs_blocking)
        .collect();
    assert_eq!(speedups, [Some(1.0), Some(2.0), None]);
}

#[test]
fn lane_segments_take_their_time_out_of_idle() {
    let hb = Heartbeat::from_beats(&[], 0.0, 10.0);
    let config = RunConfig {
        tasks: 1,
        ..RunConfig::default()
    };
    let checked = Checked {
        answer: config.n,
        ok: true,
        ..Default::default()
    };
    let task = TaskRecord::single_run(0, "worker 0".into(), 0.0, 6.0, 8.0, checked);
    let mut r = ModelResult::from_tasks(Model::Processes, &config, 10.0, hb, vec![task]);
    let idle = |r: &ModelResult| -> Vec<(f64, f64)> {
        r.lanes[0]
            .segments
            .iter()
            .filter(|s| s.state == State::Idle)
            .map(|s| (s.start_ms, s.end_ms))
            .collect()
    };
    assert_eq!(idle(&r), [(0.0, 6.0), (8.0, 10.0)]);
    r.add_lane_segments(Lane::worker(0), &[Segment::new(State::Startup, 0.0, 5.0)]);
    assert_eq!(idle(&r), [(5.0, 6.0), (8.0, 10.0)]);
    assert_eq!(
        r.lanes[0].segments[0],
        Segment::new(State::Startup, 0.0, 5.0)
    );
}

#[test]
fn isolation_holds_only_when_nobody_else_saw_the_write() {
    let probe = |reads: Vec<u64>, page| IsolationProbe {
        written: 7,
        worker_reads: reads,
        page_read: page,
    };
    assert!(probe(vec![7, 0, 0], 0).isolated());
    assert!(!probe(vec![7, 7], 0).isolated());
    assert!(!probe(vec![7, 0], 7).isolated());
    assert!(!probe(vec![0, 0], 0).isolated());
}

#[test]
fn the_document_carries_schema_and_version() {
    let env = Environment {
        cross_origin_isolated: true,
        hardware_concurrency: 2,
        timer_resolution_ms: Some(0.005),
        user_agent: "test".into(),
        count_per_ms: Some(300_000),
    };
    let doc = Results::new(env, RunConfig::default(), vec![]);
    let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(json["schema"], RESULTS_SCHEMA);
    assert_eq!(json["version"], RESULTS_VERSION);
    assert_eq!(json["config"]["workload"], "cpu");
    let back: Results = serde_json::from_str(&doc.to_json()).unwrap();
    assert_eq!(back, doc);
}
