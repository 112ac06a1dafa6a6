use super::*;
use crate::core::choice::Choice;

#[test]
fn the_page_says_what_the_milliseconds_are_here() {
    let config = RunConfig::default();
    assert_eq!(
        config.work_here(300_000),
        " — here cpu:250 ≈ 75 M iterations of heavy_func (machines differ tenfold)"
    );
    let fixed = RunConfig {
        workload: WorkloadKind::Count,
        n: 1_000,
        ..config
    };
    assert_eq!(fixed.work_here(300_000), "");
}

#[test]
fn a_batch_of_payloads_over_the_memory_cap_is_refused_in_mib() {
    let too_much = RunConfig {
        workload: WorkloadKind::Data,
        n: workloads::data::MAX_KIB,
        tasks: 9,
        ..Default::default()
    };
    let err = too_much.validate().unwrap_err().to_string();
    assert!(err.contains("576 MiB"), "{err}");
}

#[test]
fn every_default_batch_fits_the_work_cap() {
    for &kind in WorkloadKind::ALL {
        let config = RunConfig {
            workload: kind,
            n: kind.default_size(),
            ..Default::default()
        };
        assert_eq!(config.validate(), Ok(()), "{kind:?}");
    }
}

#[test]
fn the_default_is_valid_and_runs_every_model() {
    let config = RunConfig::default();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.models, Model::DEFAULT);
}

#[test]
fn task_t_runs_step_group_t_modulo_their_number() {
    let step = |kind, n| WorkloadSpec { kind, n };
    for config in [
        RunConfig::default(),
        RunConfig {
            tasks: 7,
            steps: Some(vec![
                vec![step(WorkloadKind::Io, 5)],
                vec![step(WorkloadKind::Count, 9), step(WorkloadKind::Io, 2)],
                vec![step(WorkloadKind::Primes, 100)],
            ]),
            ..RunConfig::default()
        },
    ] {
        let groups = config.step_groups();
        for t in 0..config.tasks {
            assert_eq!(
                config.task_steps(t),
                groups[t as usize % groups.len()],
                "task {t}"
            );
        }
    }
}

#[test]
fn cpu_milliseconds_are_known_only_once_run() {
    // A `cpu` step's iterations depend on the machine: no answer is promised in advance,
    // and a task with one has none either, while fixed steps keep theirs.
    let config = RunConfig {
        steps: Some(vec![vec![
            WorkloadSpec {
                kind: WorkloadKind::Cpu,
                n: 20,
            },
            WorkloadSpec {
                kind: WorkloadKind::Io,
                n: 20,
            },
        ]]),
        ..RunConfig::default()
    };
    assert_eq!(config.common_expected(), None);
    let fixed = RunConfig {
        workload: WorkloadKind::Count,
        n: 1_000,
        ..RunConfig::default()
    };
    assert_eq!(fixed.common_expected(), Some(1_000));
}

#[test]
fn the_default_experiment_computes_for_a_quarter_second() {
    let config = RunConfig::default();
    assert_eq!(
        (config.workload, config.n, config.tasks),
        (WorkloadKind::Cpu, 250, 4)
    );
    assert!(config.validate().is_ok());
}

#[test]
fn pythons_default_is_cores_plus_four_capped_at_32() {
    assert_eq!(python_default_workers(2), 6);
    assert_eq!(python_default_workers(64), 32);
}

#[test]
fn automatic_workers_follow_the_cores_but_not_past_the_tasks() {
    let config = RunConfig {
        tasks: 3,
        ..RunConfig::default()
    };
    assert_eq!(config.workers_for(2), 2);
    assert_eq!(config.workers_for(8), 3);
    assert_eq!(config.workers_for(0), 1);
    let explicit = RunConfig {
        workers: Some(5),
        ..config
    };
    assert_eq!(explicit.workers_for(2), 5);
}

#[test]
fn edits_compose_on_the_latest_settings() {
    let mut config = RunConfig::default();
    config.apply(Edit::Workload(WorkloadKind::Primes));
    assert_eq!(config.n, WorkloadKind::Primes.default_size());
    config.apply(Edit::N(1_000));
    config.apply(Edit::Tasks(3));
    config.apply(Edit::Workers(Some(2)));
    config.apply(Edit::Model(Model::Blocking, false));
    config.apply(Edit::Model(Model::Pool, false));
    config.apply(Edit::Model(Model::Blocking, true));
    config.apply(Edit::Model(Model::Blocking, true));
    assert_eq!(
        config,
        RunConfig {
            workload: WorkloadKind::Primes,
            n: 1_000,
            tasks: 3,
            workers: Some(2),
            models: vec![
                Model::Blocking,
                Model::Async,
                Model::PoolGil,
                Model::Processes
            ],
            async_mode: AsyncMode::Cooperative,
            steps: None,
            stall_s: DEFAULT_STALL_S,
            ..RunConfig::default()
        }
    );
}

#[test]
fn each_limit_is_enforced_with_its_name() {
    let base = RunConfig::default();
    let cases = [
        (
            RunConfig {
                tasks: 0,
                ..base.clone()
            },
            "tasks",
        ),
        (
            RunConfig {
                tasks: MAX_TASKS + 1,
                ..base.clone()
            },
            "tasks",
        ),
        (
            RunConfig {
                workers: Some(0),
                ..base.clone()
            },
            "workers",
        ),
        (
            RunConfig {
                workers: Some(MAX_WORKERS + 1),
                ..base.clone()
            },
            "workers",
        ),
        (
            RunConfig {
                workload: WorkloadKind::Count,
                n: 2_000_000_000,
                tasks: 3,
                ..base.clone()
            },
            TOTAL_WORK,
        ),
        (
            RunConfig {
                models: vec![],
                ..base.clone()
            },
            "models",
        ),
        (
            RunConfig {
                stall_s: 0,
                ..base.clone()
            },
            "stall",
        ),
        (
            RunConfig {
                switch_ms: 0,
                ..base.clone()
            },
            "switch",
        ),
        (
            RunConfig {
                chunksize: 0,
                ..base.clone()
            },
            "chunksize",
        ),
        (
            RunConfig {
                workload: WorkloadKind::Data,
                n: 64 * 1024,
                tasks: 8,
                chunksize: 8,
                ..base.clone()
            },
            "chunksize",
        ),
    ];
    for (config, name) in cases {
        match config.validate() {
            Err(Error::InvalidSetting { name: got, .. }) => assert_eq!(got, name, "{config:?}"),
            other => panic!("{config:?} gave {other:?}"),
        }
    }
}
