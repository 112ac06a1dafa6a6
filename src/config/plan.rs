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
mod test;
