//! Running a plan — the controls' settings or a preset — from start to end: every step's
//! models, progress, the watchdog, a preset's verdict and the final document.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::state::{Action, PageState, Shared};
use crate::config::RunConfig;
use crate::core::control::{RunControl, Watchdog};
use crate::core::metrics::Clock;
use crate::models::Model;
use crate::present::presets::{Preset, PresetStep};
use crate::report::PresetReport;
use crate::report::{Environment, ModelResult, Results, ScalingPoint, Status};
use crate::web::{self, location};

/// How often the page shows the running model's progress.
pub(super) const PROGRESS_POLL_MS: i32 = 100;

/// What to run: the controls' settings, or a preset.
#[derive(Debug, Clone)]
pub(super) enum Plan {
    Config(RunConfig),
    Preset(&'static Preset, bool),
}

/// Runs a plan from start to end: the run state, progress and the watchdog, every step's
/// models, the verdict of a preset, and the final document.
pub(super) async fn run_plan(
    plan: Plan,
    mut env: Environment,
    notices: Vec<String>,
    control: Arc<RunControl>,
    dispatch: UseReducerDispatcher<PageState>,
) {
    location::set_run_state("running");
    dispatch.dispatch(Action::Start);
    env.count_per_ms = web::count_per_ms().await;
    // Progress is counted in atomics by whoever runs the tasks (pool threads included) and
    // shown from here, on the UI thread, a few times a second. The same loop is the watchdog:
    // a model whose slices, waits and worker ticks all stop for `stall_s` is stopped.
    let finished = Rc::new(Cell::new(false));
    let stall_s = match &plan {
        Plan::Config(config) => config.stall_s,
        Plan::Preset(..) => crate::config::DEFAULT_STALL_S,
    };
    {
        let (finished, control, dispatch) = (finished.clone(), control.clone(), dispatch.clone());
        let stall_ms = f64::from(stall_s) * 1e3;
        spawn_local(async move {
            let clock = web::clock::PerformanceClock;
            let mut watchdog = Watchdog::new(stall_ms, control.ticks(), clock.now_ms());
            let mut shown = None;
            while !finished.get() {
                // Only a change re-renders the page: while workers start, or tasks take long,
                // nothing needs painting (a render would take the CPU from the model).
                let done = control.done();
                if shown != Some(done) {
                    shown = Some(done);
                    dispatch.dispatch(Action::Progress(done));
                }
                web::clock::sleep_ms(PROGRESS_POLL_MS).await;
                if watchdog.stalled(control.ticks(), clock.now_ms()) && !control.is_cancelled() {
                    control.stop_stalled_at(clock.now_ms());
                }
            }
        });
    }
    let steps = match &plan {
        Plan::Config(config) => vec![PresetStep {
            label: String::new(),
            config: config.clone(),
        }],
        Plan::Preset(preset, quick) => preset.steps(env.hardware_concurrency, *quick),
    };
    let mut failed = false;
    let mut done: Vec<(String, Results)> = Vec::new();
    for (at, step) in steps.iter().enumerate() {
        if control.is_cancelled() {
            break;
        }
        if let Plan::Preset(..) = plan {
            dispatch.dispatch(Action::PresetStep(at, steps.len(), step.label.clone()));
        }
        let mut doc = Results::new(env.clone(), step.config.clone(), notices.clone());
        dispatch.dispatch(Action::Results(Shared::new(doc.clone())));
        failed |= run_models(&step.config, &env, &control, &dispatch, &mut doc).await;
        done.push((step.label.clone(), doc));
    }
    finished.set(true);
    let cancelled = control.is_cancelled() && !control.is_stalled();
    failed |= control.is_stalled();
    // The steps go to the history as they are; a preset's last step is shown with its report.
    let (history, last): (Vec<Shared<Results>>, _) = match plan {
        Plan::Config(_) => {
            let history: Vec<_> = done.into_iter().map(|(_, doc)| Shared::new(doc)).collect();
            let last = history.last().cloned();
            (history, last)
        }
        Plan::Preset(preset, quick) => {
            let history: Vec<_> = done
                .iter()
                .map(|(_, doc)| Shared::new(doc.clone()))
                .collect();
            let verdict = if cancelled {
                crate::report::Verdict {
                    agrees: None,
                    text: "Cancelled before every run finished.".into(),
                }
            } else {
                preset.verdict(&history)
            };
            let last = done.last().cloned().map(move |(_, mut last)| {
                last.preset = Some(PresetReport {
                    name: preset.name.to_string(),
                    quick,
                    verdict,
                    steps: done,
                });
                Shared::new(last)
            });
            (history, last)
        }
    };
    let json = match last {
        Some(last) => {
            dispatch.dispatch(Action::Results(last.clone()));
            // The JSON in a task of its own: after 1024 tasks × 3 models it is 1.1 MB and takes
            // 10–30 ms to write, and the page's final render comes on top. Zero-delay timers, not
            // `yield_now`: measured, the wake-up after the message posted behind the JSON came in
            // the JSON's own task (wake-ups may share a task: see `views::Later`), and the two
            // made one long task of 50–65 ms in a page's first run (docs/BENCHMARKS.md, B6).
            web::clock::sleep_ms(0).await;
            let json = last.to_json_compact();
            web::clock::sleep_ms(0).await;
            Some(json)
        }
        None => None,
    };
    let shown = json.is_some();
    let before = location::results_run();
    dispatch.dispatch(Action::Done(cancelled, history, json));
    // Flag completion only once the final document is in the DOM and every view is drawn
    // (some draw a turn after the rest of the page): automation reads them as soon as the flag
    // is up. Yew renders in a microtask, so a few turns are normally enough.
    for _ in 0..100 {
        web::clock::yield_now().await;
        if !shown || (location::results_run() != before && !location::drawing()) {
            break;
        }
    }
    location::set_run_state(match (cancelled, failed) {
        (true, _) => "cancelled",
        (false, true) => "error",
        (false, false) => "done",
    });
}

/// Runs every model of `config` in turn (with its repeats, warm-up and sweep) into `doc`,
/// showing the document after each model. Returns whether anything failed.
async fn run_models(
    config: &RunConfig,
    env: &Environment,
    control: &Arc<RunControl>,
    dispatch: &UseReducerDispatcher<PageState>,
    doc: &mut Results,
) -> bool {
    let mut failed = false;
    let most_workers = config.workers_for(env.hardware_concurrency);
    'models: for &model in &config.models {
        // A sweep runs the pooled models at 1, 2, … workers; the table shows the last.
        let counts: Vec<Option<u32>> = if config.sweep && model.has_workers() {
            (1..=most_workers).map(Some).collect()
        } else {
            vec![config.workers]
        };
        let mut shown = None;
        for workers in counts {
            let config = RunConfig {
                workers,
                ..config.clone()
            };
            let runs = u32::from(config.warmup) + config.repeats;
            let mut walls = Vec::new();
            for run in 0..runs {
                if control.is_cancelled() {
                    break 'models;
                }
                let warmup = config.warmup && run == 0;
                let repeat = run + 1 - u32::from(config.warmup);
                let detail = match (warmup, config.repeats, workers.filter(|_| config.sweep)) {
                    (true, _, _) => " (warm-up)".to_string(),
                    (false, 1, None) => String::new(),
                    (false, total, None) => format!(" (run {repeat} of {total})"),
                    (false, total, Some(w)) => {
                        format!(" ({w} of {most_workers} workers, run {repeat} of {total})")
                    }
                };
                control.reset_progress();
                dispatch.dispatch(Action::Running(model, detail));
                // Let the page show which model is running before it starts — painted, not just
                // rendered: a frame painted while the model starts would take the CPU from it
                // (two starting workers each took ~40% longer to start while it painted), and
                // the blocking model freezes the page from its first task on.
                web::clock::next_paint().await;
                let result = run_model(model, &config, env, control).await;
                control.clear_deadlock();
                if let Some(ms) = control.since_cancel(web::clock::PerformanceClock.now_ms()) {
                    doc.cancel_ms.get_or_insert(ms);
                }
                if warmup && result.status == Status::Ok {
                    continue;
                }
                let ok = result.status == Status::Ok;
                if ok {
                    walls.push(result.wall_ms);
                }
                shown = Some(result);
                if !ok {
                    break;
                }
            }
            let Some(result) = shown.as_mut() else {
                continue;
            };
            if config.repeats > 1 {
                result.repeats_ms = walls;
            }
            if config.sweep && model.has_workers() && result.status == Status::Ok {
                doc.scaling.push(ScalingPoint {
                    model,
                    workers: result.workers,
                    wall_ms: result.typical_wall_ms(),
                    answer_ok: result.answer_ok,
                });
            }
        }
        if let Some(result) = shown {
            failed |= result.status == Status::Error
                || (result.status == Status::Ok && !result.answer_ok);
            doc.push(result);
            dispatch.dispatch(Action::Results(Shared::new(doc.clone())));
        }
    }
    failed
}

/// Runs one model once.
async fn run_model(
    model: Model,
    config: &RunConfig,
    env: &Environment,
    control: &Arc<RunControl>,
) -> ModelResult {
    match model {
        Model::Blocking => web::blocking::run(config, control).await,
        Model::Async => web::event_loop::run(config, control).await,
        Model::PoolGil | Model::Pool => web::thread_pool::run(model, config, env, control).await,
        Model::Processes | Model::Hybrid => web::processes::run(model, config, env, control).await,
    }
}
