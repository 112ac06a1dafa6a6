//! Running a plan — the controls' settings or a preset — from start to end: every step's
//! models, progress, the watchdog, a preset's verdict and the final document.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::state::{Action, PageState, Shared};
use crate::config::{RunConfig, plan};
use crate::core::control::{RunControl, Watchdog};
use crate::core::metrics::Clock;
use crate::present::presets::{Preset, PresetStep};
use crate::report::series::Tally;
use crate::report::{Environment, PresetReport, Results, Status};
use crate::web::dom::{self, RunState};
use crate::web::{self, Batch};

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
    dom::set_run_state(RunState::Running);
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
    let before = dom::results_run();
    dispatch.dispatch(Action::Done(cancelled, history, json));
    // Flag completion only once the final document is in the DOM and every view is drawn
    // (some draw a turn after the rest of the page): automation reads them as soon as the flag
    // is up. Yew renders in a microtask, so a few turns are normally enough.
    for _ in 0..100 {
        web::clock::yield_now().await;
        if !shown || (dom::results_run() != before && !dom::drawing()) {
            break;
        }
    }
    dom::set_run_state(match (cancelled, failed) {
        (true, _) => RunState::Cancelled,
        (false, true) => RunState::Error,
        (false, false) => RunState::Done,
    });
}

/// Runs every model of `config` in turn, as `config::plan` lays out (each series' warm-up and
/// repeats, each worker count of a sweep), into `doc`, showing the document after each model.
/// Returns whether anything failed.
async fn run_models(
    config: &RunConfig,
    env: &Environment,
    control: &Arc<RunControl>,
    dispatch: &UseReducerDispatcher<PageState>,
    doc: &mut Results,
) -> bool {
    let mut failed = false;
    'models: for model_series in plan::plan(config, env.hardware_concurrency) {
        // A sweep's series all go to the scaling chart; the table shows the last.
        let mut shown = None;
        for series in model_series {
            let mut tally = Tally::default();
            for run in &series.runs {
                if control.is_cancelled() {
                    break 'models;
                }
                control.reset_progress();
                dispatch.dispatch(Action::Running(series.model, run.detail.clone()));
                // Let the page show which model is running before it starts — painted, not just
                // rendered: a frame painted while the model starts would take the CPU from it
                // (two starting workers each took ~40% longer to start while it painted), and
                // the blocking model freezes the page from its first task on.
                web::clock::next_paint().await;
                let batch = Batch {
                    model: series.model,
                    config: &series.config,
                    env,
                    control,
                };
                let result = web::run(&batch).await;
                control.clear_deadlock();
                if let Some(ms) = control.since_cancel(web::clock::PerformanceClock.now_ms()) {
                    doc.cancel_ms.get_or_insert(ms);
                }
                if !tally.add(run.warmup, result) {
                    break;
                }
            }
            if let Some((result, point)) = tally.finish(series.config.repeats, series.sweep_point) {
                doc.scaling.extend(point);
                shown = Some(result);
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
