use super::*;
use crate::config::RunConfig;
use crate::core::metrics::Heartbeat;
use crate::core::record::Checked;
use crate::core::record::TaskRecord;
use crate::core::trace::Lane;
use crate::models::Model;
use crate::report::{Environment, ModelResult, Results};

#[test]
fn names_are_the_documented_ones_and_unique() {
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "tornado-siege",
            "asyncio-gather",
            "threads-vs-processes",
            "ipc-inversion",
            "chunksize-sweep",
            "start-methods",
            "recursive-submit-deadlock",
            "gil-vs-free-threading",
            "decision-table",
        ]
    );
    assert!(find("tornado-siege").is_some() && find("nope").is_none());
}

#[test]
fn every_step_of_every_preset_is_a_valid_run() {
    for preset in PRESETS {
        for cores in [1, 2, 8] {
            for quick in [false, true] {
                let steps = preset.steps(cores, quick);
                assert!(!steps.is_empty(), "{}", preset.name);
                for s in steps {
                    assert_eq!(s.config.validate(), Ok(()), "{} / {}", preset.name, s.label);
                }
            }
        }
    }
}

#[test]
fn the_decision_preset_runs_the_small_versions_of_three_others() {
    let steps = find("decision-table").unwrap().steps(2, false);
    let expected: usize = ["threads-vs-processes", "ipc-inversion", "chunksize-sweep"]
        .iter()
        .map(|n| find(n).unwrap().steps(2, true).len())
        .sum();
    assert_eq!(steps.len(), expected);
    assert!(steps[0].label.starts_with("threads-vs-processes: "));
}

fn result(model: Model, latencies: &[f64]) -> ModelResult {
    let config = RunConfig {
        tasks: latencies.len() as u32,
        ..RunConfig::default()
    };
    let tasks = latencies
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            TaskRecord::single_run(
                i as u32,
                "main".into(),
                0.0,
                0.0,
                l,
                Checked {
                    answer: 1,
                    ok: true,
                    ..Default::default()
                },
            )
        })
        .collect::<Vec<_>>();
    let wall = latencies.iter().copied().fold(0.0, f64::max);
    let mut r = ModelResult::from_tasks(
        model,
        &config,
        wall,
        Heartbeat::from_beats(&[], 0.0, 1.0),
        tasks,
    );
    r.answer_ok = true;
    r
}

/// Gives every task of `r` a `cpu` step that was on a core for `share` of its computing.
fn on_core_for(r: &mut ModelResult, share: f64) {
    for t in &mut r.tasks {
        t.cpu = Some(crate::core::record::CpuTime {
            requested_ms: 50.0,
            measured_ms: 50.0,
            interrupted_ms: 50.0 * (1.0 - share) / share,
        });
    }
}

fn doc(models: Vec<ModelResult>) -> Results {
    Results::of(Environment::bare(true, 2), models)
}

/// `r` as a server-mode run: GET / arrived at 20 ms and was answered at `answered_ms`, after
/// `gil_waits` waits for the GIL.
fn served(mut r: ModelResult, answered_ms: f64, gil_waits: u32) -> ModelResult {
    r.index = Some(crate::models::server::IndexRecord {
        arrived_ms: 20.0,
        answered_ms,
        bytes: crate::models::server::INDEX_BODY.len() as u64,
        gil_waits,
        gil_wait_ms: if gil_waits > 0 {
            answered_ms - 21.0
        } else {
            0.0
        },
        steps: crate::models::server::INDEX_STEPS.len() as u32,
    });
    r
}

#[test]
fn the_siege_verdict_reads_the_staircase_the_flat_top_the_processes_and_get_index() {
    let siege = find("tornado-siege").unwrap();
    let ladder: Vec<f64> = (1..=10).map(|i| 100.0 * f64::from(i)).collect();
    let flat: Vec<f64> = (0..10).map(|i| 1000.0 + f64::from(i)).collect();
    let mut processes = served(result(Model::Processes, &[600.0; 10]), 21.0, 0);
    processes.workers = 2;
    // The hybrid: worker 0 serves the even tasks, worker 1 the odd; each worker's handlers
    // finish together.
    let hybrid = |long: f64| {
        let latencies: Vec<f64> = (0..10)
            .map(|i| match i {
                i if i % 2 == 0 => long + f64::from(i),
                i => long - 50.0 + f64::from(i),
            })
            .collect();
        let mut r = served(result(Model::Hybrid, &latencies), 22.0, 0);
        r.workers = 2;
        for t in &mut r.tasks {
            t.lane = Lane::Worker {
                worker: t.task % 2,
                thread: Some(t.task / 2),
            };
        }
        r
    };
    // Blocking answers / after its last handler (1000 ms); GIL threads at 300 ms, during the
    // load, after 5 waits.
    let first = |gil_answered: f64, gil: &[f64]| {
        doc(vec![
            served(result(Model::Blocking, &ladder), 1000.5, 0),
            served(result(Model::PoolGil, gil), gil_answered, 5),
        ])
    };
    let runs = [
        first(300.0, &flat),
        doc(vec![processes.clone(), hybrid(640.0)]),
    ];
    let v = siege.verdict(&runs);
    assert_eq!(v.agrees, Some(true), "{}", v.text);
    assert!(v.text.contains("staircase"), "{}", v.text);
    assert!(v.text.contains("GET / came back in 280 ms, during the load — the loop waited 279 ms for the GIL at 5 of its steps"), "{}", v.text);
    assert!(
        v.text.contains("GET / in 1.0 ms") && v.text.contains("Real Tornado"),
        "{}",
        v.text
    );
    assert!(
        v.text.contains("groups (5 at 640–648 ms, 5 at 591–599 ms)"),
        "{}",
        v.text
    );
    // GIL threads that answer / only after the load disagree with the article.
    let late = [first(1500.0, &flat), runs[1].clone()];
    let v = siege.verdict(&late);
    assert_eq!(v.agrees, Some(false), "{}", v.text);
    assert!(v.text.contains("only after the load"), "{}", v.text);
    // So do processes that keep / waiting (the loop was not free).
    let mut busy = processes.clone();
    busy.index.as_mut().unwrap().answered_ms = 200.0;
    let v = siege.verdict(&[runs[0].clone(), doc(vec![busy, hybrid(640.0)])]);
    assert_eq!(v.agrees, Some(false), "{}", v.text);
    // A run without GET / (not server mode) decides nothing.
    let bare = [
        doc(vec![
            result(Model::Blocking, &ladder),
            result(Model::PoolGil, &flat),
        ]),
        runs[1].clone(),
    ];
    assert_eq!(siege.verdict(&bare).agrees, None);
    // A hybrid far behind the processes disagrees.
    let processes_ok = processes.clone();
    let slow = [runs[0].clone(), doc(vec![processes, hybrid(1200.0)])];
    assert_eq!(siege.verdict(&slow).agrees, Some(false));
    // A GIL pool whose threads finish far apart disagrees with the article.
    let spread: Vec<f64> = (0..10).map(|i| 100.0 + 100.0 * f64::from(i)).collect();
    let runs = [first(300.0, &spread), runs[1].clone()];
    assert_eq!(siege.verdict(&runs).agrees, Some(false));
    // Missing models: undecided, not a wrong verdict.
    assert_eq!(siege.verdict::<Results>(&[]).agrees, None);
    // Processes as slow as one thread because they got one core's worth (two workers each on a
    // core half the time, beside a CPU hog): undecided, and the page says why.
    let mut starved = served(result(Model::Processes, &ladder), 21.0, 0);
    starved.workers = 2;
    starved.threads_used = vec!["worker 0".into(), "worker 1".into()];
    on_core_for(&mut starved, 0.5);
    let runs = [first(300.0, &flat), doc(vec![starved, hybrid(640.0)])];
    let v = siege.verdict(&runs);
    assert_eq!(v.agrees, None, "{}", v.text);
    assert!(v.text.contains("1.0 cores' worth"), "{}", v.text);
    // So is a hybrid whose two workers got one core's worth: its ten threads take turns on two
    // threads, so they are two lanes that could compute at once, not ten.
    let mut starved = hybrid(1200.0);
    starved.threads_used = starved.tasks.iter().map(|t| t.lane).collect();
    starved.threads_used.sort();
    starved.threads_used.dedup();
    on_core_for(&mut starved, 0.5);
    let runs = [runs[0].clone(), doc(vec![processes_ok, starved])];
    let v = siege.verdict(&runs);
    assert_eq!(v.agrees, None, "{}", v.text);
    assert!(
        v.text
            .contains("processes × threads got only 1.0 cores' worth"),
        "{}",
        v.text
    );
}

#[test]
fn threads_vs_processes_ranks_both_runs_and_is_undecided_when_the_processes_got_one_core() {
    let tvp = find("threads-vs-processes").unwrap();
    // Wall times (async, GIL threads, free threads, processes) in the CPU and the I/O run.
    let run = |walls: [f64; 4], share: f64| {
        let models = [Model::Async, Model::PoolGil, Model::Pool, Model::Processes]
            .into_iter()
            .zip(walls)
            .map(|(m, wall)| {
                let mut r = result(m, &[wall; 4]);
                r.threads_used = vec!["worker 0".into(), "worker 1".into()];
                on_core_for(&mut r, share);
                r
            })
            .collect();
        doc(models)
    };
    let io = run([110.0, 120.0, 115.0, 180.0], 1.0);
    let cases = [
        ([600.0, 610.0, 320.0, 350.0], 1.0, Some(true)), // an idle machine
        ([600.0, 610.0, 620.0, 650.0], 1.0, Some(false)), // two cores, and no gain
        ([600.0, 610.0, 620.0, 650.0], 0.5, None),       // one core's worth: undecided
    ];
    for (cpu, share, agrees) in cases {
        let v = tvp.verdict(&[run(cpu, share), io.clone()]);
        assert_eq!(v.agrees, agrees, "{cpu:?} {share}: {}", v.text);
    }
}

#[test]
fn start_methods_ask_for_a_warm_pool_first_and_allow_spawn_and_forkserver_to_tie() {
    let sm = find("start-methods").unwrap();
    let run = |startup: &[f64]| {
        let mut r = result(Model::Processes, &[1.0, 1.0]);
        r.startup_ms = startup.to_vec();
        doc(vec![r])
    };
    let cases: [(&[f64], &[f64], Option<bool>); 4] = [
        (&[60.0, 64.0], &[40.0, 42.0], Some(true)), // forkserver-like faster
        (&[49.0, 49.0], &[50.0, 50.0], Some(true)), // a tie (beside a CPU hog)
        (&[40.0, 44.0], &[70.0, 71.0], Some(false)), // forkserver-like clearly slower
        (&[], &[40.0, 42.0], Some(false)),          // spawn starting nothing is no spawn
    ];
    for (spawn, fork, agrees) in cases {
        let v = sm.verdict(&[run(spawn), run(fork), run(&[])]);
        assert_eq!(v.agrees, agrees, "{spawn:?} {fork:?}: {}", v.text);
    }
    assert!(
        sm.verdict(&[run(&[49.0]), run(&[50.0]), run(&[])])
            .text
            .contains("tie")
    );
}

#[test]
fn free_threads_agree_when_they_use_the_cores_they_got_and_the_gil_does_not_scale() {
    // Speed-ups at 4 threads on 2 cores, and the share of their computing time the free threads
    // were on a core (None: no cpu records) -> agrees.
    let cases = [
        ((0.97, 1.86), None, Some(true)),       // an idle machine here
        ((0.98, 1.39), Some(0.35), Some(true)), // a DevTools-throttled page: 1.4 cores' worth
        ((0.98, 1.10), Some(0.5), Some(false)), // 2 cores' worth, and the threads did not scale
        ((1.60, 1.90), None, Some(false)),      // a GIL that let threads run at once
        ((1.07, 1.00), Some(0.25), None),       // beside a CPU hog: one core's worth, undecided
    ];
    for ((gil, free), on_core, agrees) in cases {
        let mut pool = result(Model::Pool, &[1.0; 8]);
        pool.threads_used = (0..4).map(Lane::Thread).collect();
        if let Some(share) = on_core {
            on_core_for(&mut pool, share);
        }
        let mut run = doc(vec![pool]);
        for (model, speedup) in [(Model::PoolGil, gil), (Model::Pool, free)] {
            for (workers, wall_ms) in [(1, 400.0), (4, 400.0 / speedup)] {
                run.scaling.push(crate::report::ScalingPoint {
                    model,
                    workers,
                    wall_ms,
                    answer_ok: true,
                });
            }
        }
        let verdict = find("gil-vs-free-threading").unwrap().verdict(&[run]);
        assert_eq!(verdict.agrees, agrees, "{gil} {free}: {}", verdict.text);
    }
}

#[test]
fn the_inversion_needs_the_copies_to_cost_three_times_the_work_and_the_other_ways_to_cut_it() {
    let inversion = find("ipc-inversion").unwrap();
    let run = |copy: f64, transfer: f64, cpu_processes: f64| {
        [
            doc(vec![
                result(Model::Blocking, &[30.0]),
                result(Model::Processes, &[copy]),
            ]),
            doc(vec![result(Model::Processes, &[transfer])]),
            doc(vec![result(Model::Processes, &[transfer])]),
            doc(vec![
                result(Model::Blocking, &[400.0]),
                result(Model::Processes, &[cpu_processes]),
            ]),
        ]
    };
    let v = inversion.verdict(&run(200.0, 110.0, 250.0));
    assert_eq!(v.agrees, Some(true), "{}", v.text);
    assert!(
        v.text.contains("(6.7× slower)") && v.text.contains("In CPython"),
        "{}",
        v.text
    );
    // A copy that loses by less than 3× teaches too little.
    let v = inversion.verdict(&run(60.0, 40.0, 250.0));
    assert_eq!(v.agrees, Some(false), "{}", v.text);
    assert!(v.text.contains("less than the 3×"), "{}", v.text);
    // Transferring must cut the loss.
    assert_eq!(
        inversion.verdict(&run(200.0, 210.0, 250.0)).agrees,
        Some(false)
    );
    // And the CPU-heavy counterpart must win in processes.
    assert_eq!(
        inversion.verdict(&run(200.0, 110.0, 450.0)).agrees,
        Some(false)
    );
    // Without it, nothing is decided.
    let mut partial = run(200.0, 110.0, 250.0).to_vec();
    partial.truncate(3);
    assert_eq!(inversion.verdict(&partial).agrees, None);
}
