//! How one run's settings become the runs the page makes: each model in turn; for a scaling
//! sweep, each pooled model at 1, 2, … workers; at each, a warm-up first when asked, then the
//! repeats. Pure, so the host tests pin the order and the labels; `ui::run` walks the plan and
//! `report::series` folds each series' results.

use super::{Model, RunConfig};

/// One model at one worker count: the settings its runs use, and the runs, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The model.
    pub model: Model,
    /// The settings, with this series' worker count.
    pub config: RunConfig,
    /// Whether it is a point of a scaling sweep (its typical wall time goes to the chart).
    pub sweep_point: bool,
    /// Its runs.
    pub runs: Vec<Run>,
}

/// One run of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// A warm-up: run first, and its result dropped if it succeeded.
    pub warmup: bool,
    /// What the page says beside the model's name while it runs: `""`, `" (warm-up)"`,
    /// `" (run 2 of 3)"`, `" (2 of 4 workers, run 1 of 3)"`.
    pub detail: String,
}

/// Every model's series, in the order the models run, on a machine of `cores` logical cores
/// (a sweep goes up to the run's worker count there).
pub fn plan(config: &RunConfig, cores: u32) -> Vec<Vec<Series>> {
    let most_workers = config.workers_for(cores);
    config
        .models
        .iter()
        .map(|&model| {
            let sweep = config.sweep && model.has_workers();
            let counts: Vec<Option<u32>> = if sweep {
                (1..=most_workers).map(Some).collect()
            } else {
                vec![config.workers]
            };
            counts
                .into_iter()
                .map(|workers| Series {
                    model,
                    config: RunConfig {
                        workers,
                        ..config.clone()
                    },
                    sweep_point: sweep,
                    runs: runs(config, workers.filter(|_| sweep), most_workers),
                })
                .collect()
        })
        .collect()
}

/// A series' runs: the warm-up, then the repeats; `swept` is its worker count in a sweep.
fn runs(config: &RunConfig, swept: Option<u32>, most_workers: u32) -> Vec<Run> {
    let warmup = config.warmup.then(|| Run {
        warmup: true,
        detail: " (warm-up)".to_string(),
    });
    let repeats = (1..=config.repeats).map(|repeat| Run {
        warmup: false,
        detail: match (config.repeats, swept) {
            (1, None) => String::new(),
            (total, None) => format!(" (run {repeat} of {total})"),
            (total, Some(w)) => {
                format!(" ({w} of {most_workers} workers, run {repeat} of {total})")
            }
        },
    });
    warmup.into_iter().chain(repeats).collect()
}

#[cfg(test)]
mod tests {
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
}
