use super::*;
use crate::core::choice::Choice;
use crate::core::error::Error;
use crate::core::metrics::Heartbeat;
use crate::core::record::{Checked, TaskRecord};
use crate::report::{Environment, ModelResult};
use crate::workloads::WorkloadSpec;

fn env() -> Environment {
    Environment::bare(true, 4)
}

fn config(kind: WorkloadKind) -> RunConfig {
    RunConfig {
        workload: kind,
        n: kind.default_size(),
        tasks: 2,
        ..RunConfig::default()
    }
}

fn step(kind: WorkloadKind, n: u64) -> WorkloadSpec {
    WorkloadSpec { kind, n }
}

fn profile(steps: Vec<Vec<WorkloadSpec>>) -> RunConfig {
    RunConfig {
        tasks: steps.len() as u32,
        steps: Some(steps),
        ..RunConfig::default()
    }
}

/// A finished result whose tasks all answered `ok`.
fn result(model: Model, config: &RunConfig, wall_ms: f64, ok: bool) -> ModelResult {
    let tasks = (0..config.tasks)
        .map(|t| {
            let checked = Checked {
                answer: 1,
                ok,
                ..Default::default()
            };
            TaskRecord::single_run(t, "main".into(), 0.0, 0.0, wall_ms, checked)
        })
        .collect();
    let hb = Heartbeat::from_beats(&[], 0.0, wall_ms);
    ModelResult::from_tasks(model, config, wall_ms, hb, tasks)
}

fn run(config: RunConfig, models: &[(Model, f64)]) -> Results {
    let mut results = Results::new(env(), config.clone(), vec![]);
    for &(model, ms) in models {
        results.push(result(model, &config, ms, true));
    }
    results
}

#[test]
fn single_kernels_classify_by_kind() {
    for kind in [
        WorkloadKind::Count,
        WorkloadKind::Cpu,
        WorkloadKind::Primes,
        WorkloadKind::Mandelbrot,
        WorkloadKind::Hash,
    ] {
        assert_eq!(
            WorkloadClass::of(&config(kind)),
            WorkloadClass::CpuBound,
            "{kind:?}"
        );
    }
    assert_eq!(
        WorkloadClass::of(&config(WorkloadKind::Io)),
        WorkloadClass::IoBound
    );
    assert_eq!(
        WorkloadClass::of(&config(WorkloadKind::Fetch)),
        WorkloadClass::IoBound
    );
    assert_eq!(
        WorkloadClass::of(&config(WorkloadKind::Data)),
        WorkloadClass::DataHeavy
    );
}

#[test]
fn steps_classify_by_every_task() {
    use WorkloadKind::*;
    // One profile for every task.
    let waits = profile(vec![vec![step(Io, 10), step(Fetch, 2)]]);
    assert_eq!(WorkloadClass::of(&waits), WorkloadClass::IoBound);
    let kernels = profile(vec![vec![step(Count, 10), step(Hash, 100)]]);
    assert_eq!(WorkloadClass::of(&kernels), WorkloadClass::CpuBound);
    let both = profile(vec![vec![step(Cpu, 10), step(Io, 10)]]);
    assert_eq!(WorkloadClass::of(&both), WorkloadClass::Mixed);
    let data = profile(vec![vec![step(Data, 4), step(Data, 8)]]);
    assert_eq!(WorkloadClass::of(&data), WorkloadClass::DataHeavy);
    // Data beside other kinds is mixed, whether with waits or with kernels.
    let data_io = profile(vec![vec![step(Data, 4), step(Io, 10)]]);
    assert_eq!(WorkloadClass::of(&data_io), WorkloadClass::Mixed);
    let data_cpu = profile(vec![vec![step(Data, 4), step(Count, 10)]]);
    assert_eq!(WorkloadClass::of(&data_cpu), WorkloadClass::Mixed);
    // Per-task profiles: the kinds are mixed across tasks, not within one.
    let split = profile(vec![vec![step(Count, 10)], vec![step(Io, 10)]]);
    assert_eq!(WorkloadClass::of(&split), WorkloadClass::Mixed);
    let all_io = profile(vec![vec![step(Io, 10)], vec![step(Fetch, 1)]]);
    assert_eq!(WorkloadClass::of(&all_io), WorkloadClass::IoBound);
    // The steps override the workload fields.
    let overridden = RunConfig {
        workload: Data,
        ..profile(vec![vec![step(Io, 5)]])
    };
    assert_eq!(WorkloadClass::of(&overridden), WorkloadClass::IoBound);
}

#[test]
fn every_class_has_a_label_and_the_seeds_advice() {
    for class in WorkloadClass::ALL {
        assert!(!class.label().is_empty());
    }
    assert!(WorkloadClass::IoBound.seed_says().contains("asyncio"));
    assert!(WorkloadClass::CpuBound.seed_says().contains("processes"));
    assert!(WorkloadClass::DataHeavy.seed_says().contains("pickling"));
    assert!(
        WorkloadClass::Mixed
            .seed_says()
            .starts_with("depends on the ratio")
    );
}

#[test]
fn the_fastest_best_time_wins_with_runner_up_and_margin() {
    let cpu = config(WorkloadKind::Count);
    let history = [
        run(
            cpu.clone(),
            &[
                (Model::Blocking, 400.0),
                (Model::PoolGil, 420.0),
                (Model::Processes, 260.0),
            ],
        ),
        // A second run: processes got faster, the free-threaded pool beat them both.
        run(
            cpu.clone(),
            &[(Model::Processes, 240.0), (Model::Pool, 200.0)],
        ),
    ];
    let table = decision_table(&history);
    assert_eq!(table.len(), 1);
    let row = table[0];
    assert_eq!(row.class, WorkloadClass::CpuBound);
    assert_eq!(row.runs, 2);
    assert_eq!((row.winner, row.winner_ms), (Model::Pool, 200.0));
    assert_eq!(row.runner_up, Some((Model::Processes, 240.0)));
    assert_eq!(row.margin, Some(1.2));
    assert_eq!(row.seed_says, WorkloadClass::CpuBound.seed_says());
    assert_eq!(row.agrees, Some(true));
}

#[test]
fn repeats_count_with_their_fastest_and_ties_go_to_page_order() {
    let io = config(WorkloadKind::Io);
    let mut results = run(io.clone(), &[(Model::Pool, 100.0)]);
    let mut repeated = result(Model::Async, &io, 120.0, true);
    repeated.repeats_ms = vec![130.0, 100.0, 120.0];
    results.push(repeated);
    let row = decision_table(&[results])[0];
    assert_eq!((row.winner, row.winner_ms), (Model::Async, 100.0));
    assert_eq!(row.runner_up, Some((Model::Pool, 100.0)));
    assert_eq!(row.margin, Some(1.0));
}

#[test]
fn failed_wrong_and_stopped_results_are_ignored() {
    let cpu = config(WorkloadKind::Count);
    let mut results = run(cpu.clone(), &[(Model::Blocking, 400.0)]);
    // Fast but wrong.
    results.push(result(Model::Pool, &cpu, 10.0, false));
    // Fast but stopped.
    for status in [Status::Cancelled, Status::Deadlocked, Status::Error] {
        results.push(ModelResult {
            status,
            ..result(Model::PoolGil, &cpu, 20.0, true)
        });
    }
    results.push(ModelResult::failed(
        Model::Processes,
        &cpu,
        Error::Unavailable("no".into()),
    ));
    let table = decision_table(&[results]);
    assert_eq!(table.len(), 1);
    assert_eq!(
        (table[0].winner, table[0].winner_ms),
        (Model::Blocking, 400.0)
    );
    assert_eq!(table[0].runner_up, None);
    assert_eq!(table[0].margin, None);

    // A run with nothing counted adds no row and no run.
    let mut empty = Results::new(env(), config(WorkloadKind::Io), vec![]);
    empty.push(result(Model::Async, &config(WorkloadKind::Io), 5.0, false));
    assert!(decision_table(&[empty.clone()]).is_empty());
    let cpu_run = run(cpu, &[(Model::Blocking, 400.0)]);
    assert_eq!(decision_table(&[empty, cpu_run])[0].runs, 1);
    assert!(decision_table::<Results>(&[]).is_empty());
}

#[test]
fn rows_follow_the_class_order_and_agreement_follows_the_seed() {
    let history = [
        run(
            profile(vec![vec![
                step(WorkloadKind::Count, 1000),
                step(WorkloadKind::Io, 5),
            ]]),
            &[(Model::Blocking, 50.0), (Model::Async, 60.0)],
        ),
        run(
            config(WorkloadKind::Data),
            &[(Model::Processes, 80.0), (Model::Pool, 90.0)],
        ),
        run(
            config(WorkloadKind::Io),
            &[(Model::Blocking, 400.0), (Model::Async, 205.0)],
        ),
        run(
            config(WorkloadKind::Primes),
            &[(Model::Blocking, 300.0), (Model::PoolGil, 310.0)],
        ),
    ];
    let table = decision_table(&history);
    let summary: Vec<_> = table
        .iter()
        .map(|r| (r.class, r.winner, r.agrees))
        .collect();
    assert_eq!(
        summary,
        [
            (WorkloadClass::CpuBound, Model::Blocking, Some(false)),
            (WorkloadClass::IoBound, Model::Async, Some(true)),
            (WorkloadClass::DataHeavy, Model::Processes, Some(false)),
            (WorkloadClass::Mixed, Model::Blocking, None),
        ]
    );
}

#[test]
fn agreement_per_class() {
    use Model::*;
    let agreeing = |class: WorkloadClass| -> Vec<Model> {
        Model::ALL
            .iter()
            .copied()
            .filter(|&m| class.agrees_with(m) == Some(true))
            .collect()
    };
    assert_eq!(agreeing(WorkloadClass::IoBound), [Async, PoolGil, Pool]);
    assert_eq!(agreeing(WorkloadClass::CpuBound), [Pool, Processes, Hybrid]);
    assert_eq!(
        agreeing(WorkloadClass::DataHeavy),
        [Blocking, Async, PoolGil, Pool]
    );
    assert!(
        Model::ALL
            .iter()
            .copied()
            .all(|m| WorkloadClass::Mixed.agrees_with(m).is_none())
    );
}

#[test]
fn cpu_rows_decide_nothing_when_the_parallel_models_got_one_core() {
    let cpu = config(WorkloadKind::Cpu);
    // The GIL threads won because the processes' two workers were each on a core half of their
    // computing (beside a CPU hog): one core's worth.
    let history = |share: f64| {
        let mut results = run(cpu.clone(), &[(Model::PoolGil, 600.0)]);
        let mut processes = result(Model::Processes, &cpu, 650.0, true);
        processes.threads_used = vec!["worker 0".into(), "worker 1".into()];
        for t in &mut processes.tasks {
            t.cpu = Some(crate::core::record::CpuTime {
                requested_ms: 100.0,
                measured_ms: 100.0,
                interrupted_ms: 100.0 * (1.0 - share) / share,
            });
        }
        results.push(processes);
        [results]
    };
    let row = decision_table(&history(0.5))[0];
    assert_eq!((row.winner, row.agrees), (Model::PoolGil, None));
    assert_eq!(row.parallel_cores, Some(1.0));
    // With both cores theirs, the same times disagree with the seed.
    let row = decision_table(&history(1.0))[0];
    assert_eq!((row.agrees, row.parallel_cores), (Some(false), None));
}
