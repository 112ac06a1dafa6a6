use super::*;

fn details(series: &Series) -> Vec<&str> {
    series.runs.iter().map(|r| r.detail.as_str()).collect()
}

#[test]
fn one_run_per_model_by_default_with_no_label() {
    let config = RunConfig::default();
    let plan = plan(&config, 2);
    assert_eq!(plan.len(), config.models.len());
    for (series, &model) in plan.iter().zip(&config.models) {
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].model, model);
        assert_eq!(series[0].config, config);
        assert!(!series[0].sweep_point);
        assert_eq!(details(&series[0]), [""]);
    }
}

#[test]
fn a_warm_up_comes_first_then_the_repeats_numbered() {
    let config = RunConfig {
        models: vec![Model::Processes],
        warmup: true,
        repeats: 3,
        ..RunConfig::default()
    };
    let plan = plan(&config, 2);
    let runs = &plan[0][0].runs;
    assert_eq!(
        runs.iter().map(|r| r.warmup).collect::<Vec<_>>(),
        [true, false, false, false]
    );
    assert_eq!(
        details(&plan[0][0]),
        [
            " (warm-up)",
            " (run 1 of 3)",
            " (run 2 of 3)",
            " (run 3 of 3)"
        ]
    );
}

#[test]
fn a_sweep_runs_the_pooled_models_at_each_worker_count_and_the_others_once() {
    let config = RunConfig {
        models: vec![Model::Blocking, Model::Pool],
        workers: Some(3),
        sweep: true,
        repeats: 2,
        ..RunConfig::default()
    };
    let plan = plan(&config, 2);
    // The blocking model has no workers: one series, at the run's own setting.
    assert_eq!(plan[0].len(), 1);
    assert!(!plan[0][0].sweep_point);
    assert_eq!(details(&plan[0][0]), [" (run 1 of 2)", " (run 2 of 2)"]);
    let workers: Vec<Option<u32>> = plan[1].iter().map(|s| s.config.workers).collect();
    assert_eq!(workers, [Some(1), Some(2), Some(3)]);
    assert!(plan[1].iter().all(|s| s.sweep_point));
    assert_eq!(
        details(&plan[1][1]),
        [
            " (2 of 3 workers, run 1 of 2)",
            " (2 of 3 workers, run 2 of 2)"
        ]
    );
}
