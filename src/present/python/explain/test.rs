use super::*;
use crate::config::{AsyncMode, Nesting, RunConfig};
use crate::core::error::Error;
use crate::core::metrics::Heartbeat;
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, Segment};
use crate::models::Model;
use crate::models::pool::gil::GilReport;
use crate::models::processes::records::IpcReport;
use crate::present::python::test::*;
use crate::report::Environment;
use crate::report::{ModelResult, Results, Status};
use crate::workloads::WorkloadKind;

fn env(isolated: bool) -> Environment {
    Environment::bare(isolated, 4)
}

fn ok() -> Checked {
    Checked {
        answer: 1,
        expected: Some(1),
        ok: true,
        cpu: None,
    }
}

/// Tasks running back to back in one lane over `wall_ms`.
fn serial(model: Model, c: &RunConfig, wall_ms: f64, beats: &[f64]) -> ModelResult {
    let each = wall_ms / f64::from(c.tasks);
    let tasks = (0..c.tasks)
        .map(|t| {
            let start = f64::from(t) * each;
            TaskRecord::single_run(t, "main".into(), 0.0, start, start + each, ok())
        })
        .collect();
    ModelResult::from_tasks(
        model,
        c,
        wall_ms,
        Heartbeat::from_beats(beats, 0.0, wall_ms),
        tasks,
    )
}

/// Tasks built from their segments, one lane each, with a live heartbeat every 10 ms.
fn parallel(model: Model, c: &RunConfig, wall_ms: f64, segments: Vec<Vec<Segment>>) -> ModelResult {
    let tasks = segments
        .into_iter()
        .enumerate()
        .map(|(t, segs)| {
            TaskRecord::from_segments(t as u32, Lane::Thread(t as u32), 0.0, segs, ok())
        })
        .collect();
    let beats: Vec<f64> = (1..)
        .map(|k| f64::from(k) * 10.0)
        .take_while(|&t| t < wall_ms)
        .collect();
    ModelResult::from_tasks(
        model,
        c,
        wall_ms,
        Heartbeat::from_beats(&beats, 0.0, wall_ms),
        tasks,
    )
}

fn batch(c: &RunConfig, results: Vec<ModelResult>) -> Results {
    let mut doc = Results::new(env(true), c.clone(), vec![]);
    for r in results {
        doc.push(r);
    }
    doc
}

fn run(start: f64, end: f64) -> Segment {
    Segment::new(State::Run, start, end)
}

#[test]
fn blocking_froze_the_page() {
    let c = config(WorkloadKind::Count, 4);
    let doc = batch(&c, vec![serial(Model::Blocking, &c, 400.0, &[])]);
    let text = explain(&doc.models[0], &doc);
    assert!(text.contains("400 ms"), "{text}");
    assert!(
        text.contains("longest gap between heartbeats was 400 ms"),
        "{text}"
    );
    assert!(text.contains("baseline"), "{text}");
}

#[test]
fn the_gil_pool_gets_no_speedup_on_cpu_work() {
    let c = config(WorkloadKind::Count, 2);
    let gil = {
        let mut r = parallel(
            Model::PoolGil,
            &c,
            390.0,
            vec![
                vec![run(0.0, 195.0), Segment::new(State::WaitGil, 195.0, 390.0)],
                vec![Segment::new(State::WaitGil, 0.0, 195.0), run(195.0, 390.0)],
            ],
        );
        r.gil = Some(GilReport {
            switch_interval_ms: 5.0,
            forced_switches: 77,
            holds: vec![],
        });
        r
    };
    let doc = batch(&c, vec![serial(Model::Blocking, &c, 400.0, &[]), gil]);
    let text = explain(&doc.models[1], &doc);
    assert!(text.contains("no speedup over blocking (1.03×)"), "{text}");
    assert!(
        text.contains("only one thread runs Python code at a time"),
        "{text}"
    );
    assert!(text.contains("390 ms in all waiting for the GIL"), "{text}");
    assert!(
        text.contains("77 times on the 5.0 ms switch interval"),
        "{text}"
    );
    assert!(text.contains("stayed responsive"), "{text}");
}

#[test]
fn the_free_threaded_pool_reports_its_speedup() {
    let c = config(WorkloadKind::Count, 2);
    let pool = parallel(
        Model::Pool,
        &c,
        200.0,
        vec![vec![run(0.0, 200.0)], vec![run(0.0, 200.0)]],
    );
    let doc = batch(&c, vec![serial(Model::Blocking, &c, 400.0, &[]), pool]);
    let text = explain(&doc.models[1], &doc);
    assert!(text.contains("2.00× faster than blocking"), "{text}");
    assert!(text.contains("Without a GIL"), "{text}");
    assert!(
        text.contains("at best about 2× with 2 threads on 4 cores"),
        "{text}"
    );
}

#[test]
fn processes_report_startup_and_messages() {
    let c = config(WorkloadKind::Data, 2);
    let mut processes = parallel(
        Model::Processes,
        &c,
        500.0,
        vec![
            vec![Segment::new(State::Serialize, 0.0, 50.0), run(50.0, 300.0)],
            vec![Segment::new(State::Transfer, 0.0, 30.0), run(30.0, 300.0)],
        ],
    );
    processes.startup_ms = vec![120.0, 130.0];
    processes.ipc = Some(IpcReport {
        messages: 2,
        bytes_out: 2 * 1024 * 1024 + 300,
        bytes_in: 200,
        payload_bytes: 2 * 1024 * 1024,
        ..IpcReport::default()
    });
    let doc = batch(&c, vec![serial(Model::Blocking, &c, 400.0, &[]), processes]);
    let text = explain(&doc.models[1], &doc);
    assert!(text.contains("slower than blocking (0.80×)"), "{text}");
    assert!(
        text.contains("Starting 2 workers took 125 ms each on average"),
        "{text}"
    );
    assert!(
        text.contains(
            "2 messages carried 2.0 MiB out and 200 B back, 2.0 MiB of it payload (copied)"
        ),
        "{text}"
    );
    assert!(text.contains("80 ms in all being serialised"), "{text}");
    assert!(
        text.contains("cost more than computing in parallel saved"),
        "{text}"
    );
}

#[test]
fn async_cpu_work_is_responsive_only_when_cooperative() {
    let c = config(WorkloadKind::Count, 2);
    let beats: Vec<f64> = (1..40).map(|k| f64::from(k) * 10.0).collect();
    let coop = serial(Model::Async, &c, 410.0, &beats);
    let doc = batch(&c, vec![serial(Model::Blocking, &c, 400.0, &[]), coop]);
    let text = explain(&doc.models[1], &doc);
    assert!(text.contains("no speedup over blocking (0.98×)"), "{text}");
    assert!(text.contains("stayed responsive"), "{text}");

    let naive_config = RunConfig {
        async_mode: AsyncMode::Naive,
        ..c
    };
    let naive = serial(Model::Async, &naive_config, 400.0, &[200.0]);
    let doc = batch(
        &naive_config,
        vec![serial(Model::Blocking, &naive_config, 400.0, &[]), naive],
    );
    let text = explain(&doc.models[1], &doc);
    assert!(text.contains("without yielding"), "{text}");
    assert!(text.contains("froze for up to 200 ms"), "{text}");
}

#[test]
fn io_reports_how_much_the_waits_overlapped() {
    let c = RunConfig {
        n: 200,
        ..config(WorkloadKind::Io, 4)
    };
    let waits = (0..4)
        .map(|_| vec![Segment::new(State::WaitIo, 1.0, 201.0)])
        .collect();
    let overlapped = parallel(Model::Async, &c, 205.0, waits);
    let mut spun = serial(Model::Blocking, &c, 800.0, &[]);
    for (k, task) in spun.tasks.iter_mut().enumerate() {
        let start = k as f64 * 200.0;
        task.segments = vec![Segment::new(State::WaitIo, start, start + 200.0)];
    }
    let doc = batch(&c, vec![spun, overlapped]);
    let text = explain(&doc.models[1], &doc);
    assert!(
        text.contains("800 ms on I/O in all within 205 ms"),
        "{text}"
    );
    assert!(
        text.contains("about 3.9 waits in progress at once"),
        "{text}"
    );
    assert!(text.contains("3.90× faster than blocking"), "{text}");
    let text = explain(&doc.models[0], &doc);
    assert!(text.contains("the waits did not overlap"), "{text}");
    assert!(text.contains("spinning"), "{text}");
}

#[test]
fn other_statuses_get_their_own_sentence() {
    let c = RunConfig {
        nested: Nesting::SamePool,
        ..config(WorkloadKind::Count, 4)
    };
    let mut doc = Results::new(env(false), c.clone(), vec![]);
    doc.push(ModelResult::failed(
        Model::Pool,
        &c,
        Error::Unavailable("no SharedArrayBuffer".into()),
    ));
    doc.push(ModelResult {
        status: Status::Deadlocked,
        answer_ok: false,
        ..serial(
            Model::PoolGil,
            &RunConfig {
                tasks: 1,
                ..c.clone()
            },
            50.0,
            &[],
        )
    });
    doc.push(ModelResult {
        status: Status::Cancelled,
        ..serial(Model::Async, &c, 50.0, &[])
    });
    doc.push(ModelResult::failed(
        Model::Processes,
        &c,
        Error::Runtime("the worker crashed".into()),
    ));
    doc.push(ModelResult::from_tasks(
        Model::Blocking,
        &c,
        10.0,
        Heartbeat::from_beats(&[], 0.0, 10.0),
        vec![TaskRecord::single_run(
            0,
            "main".into(),
            0.0,
            0.0,
            10.0,
            Checked {
                answer: 3,
                ok: false,
                ..Default::default()
            },
        )],
    ));
    let texts: Vec<String> = doc.models.iter().map(|m| explain(m, &doc)).collect();
    assert!(
        texts[0].contains("Cross-Origin-Opener-Policy"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("deadlocked after 1 of 4 tasks"),
        "{}",
        texts[1]
    );
    assert!(texts[1].contains("recursive-submit"), "{}", texts[1]);
    assert!(texts[2].contains("You cancelled"), "{}", texts[2]);
    assert!(texts[2].contains("4 of 4"), "{}", texts[2]);
    assert!(
        texts[3].contains("failed after 0 of 4 tasks: the worker crashed."),
        "{}",
        texts[3]
    );
    assert!(
        texts[4].contains("not every task's answer matched its oracle"),
        "{}",
        texts[4]
    );
    assert!(
        texts[4].contains("expected 100000000, the tasks gave 3"),
        "{}",
        texts[4]
    );

    // On an isolated page, an unavailable model gives its own reason.
    let mut doc = Results::new(env(true), c.clone(), vec![]);
    doc.push(ModelResult::failed(
        Model::Pool,
        &c,
        Error::Unavailable("no threads here".into()),
    ));
    let text = explain(&doc.models[0], &doc);
    assert_eq!(
        text,
        "Thread pool, free-threaded could not run here: no threads here."
    );
}

#[test]
fn without_a_blocking_run_there_is_no_speedup_claim() {
    let c = config(WorkloadKind::Count, 2);
    let pool = parallel(
        Model::Pool,
        &c,
        200.0,
        vec![vec![run(0.0, 200.0)], vec![run(0.0, 200.0)]],
    );
    let doc = batch(&c, vec![pool]);
    let text = explain(&doc.models[0], &doc);
    assert!(text.contains("not compared with blocking"), "{text}");
    assert!(!text.contains('×') || text.contains("at best"), "{text}");
}
