//! The Yew page: controls, capability panel, results, and the run loop that calls the models.

mod controls;
mod results;
mod ticker;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::config::{Edit, RunConfig};
use crate::control::{RunControl, Watchdog};
use crate::metrics::Clock;
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::report::{Environment, ModelResult, Results, Status};
use crate::url_state::UrlState;
use crate::web::{self, location};

/// Where the page is in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing ran yet.
    Idle,
    /// This model is running.
    Running(Model),
    /// The last run finished.
    Done,
}

/// The page's state.
#[derive(Debug, Clone, PartialEq)]
pub struct PageState {
    url: UrlState,
    notices: Vec<String>,
    env: Environment,
    phase: Phase,
    /// Tasks finished by the running model.
    progress: u32,
    /// The last run was cancelled.
    cancelled: bool,
    results: Option<Results>,
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The controls changed a setting.
    Edit(Edit),
    /// A run started with this (empty) document.
    Start(Results),
    /// This model started.
    Running(Model),
    /// The running model has finished this many tasks.
    Progress(u32),
    /// A model finished.
    Finished(ModelResult),
    /// The whole run finished (`true`: because it was cancelled).
    Done(bool),
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(edit) => {
                next.url.config.apply(edit);
                location::write(&next.url);
            }
            Action::Start(results) => {
                next.env.count_per_ms = results.environment.count_per_ms;
                next.results = Some(results);
                next.cancelled = false;
            }
            Action::Running(model) => {
                next.phase = Phase::Running(model);
                next.progress = 0;
            }
            Action::Progress(done) => next.progress = done,
            Action::Finished(result) => {
                if let Some(results) = next.results.as_mut() {
                    results.push(result);
                }
            }
            Action::Done(cancelled) => {
                next.phase = Phase::Done;
                next.cancelled = cancelled;
            }
        }
        next.into()
    }
}

/// How often the page shows the running model's progress.
const PROGRESS_POLL_MS: i32 = 100;

/// Runs every selected model in turn, reporting to the page as each finishes.
async fn run_all(
    config: RunConfig,
    mut env: Environment,
    notices: Vec<String>,
    control: Arc<RunControl>,
    dispatch: UseReducerDispatcher<PageState>,
) {
    location::set_run_state("running");
    env.count_per_ms = web::count_per_ms();
    dispatch.dispatch(Action::Start(Results::new(
        env.clone(),
        config.clone(),
        notices,
    )));
    // The models run `cpu:n ms` steps as count loops sized by this browser's measured speed.
    let config = config.resolved(env.count_per_ms);
    // Progress is counted in atomics by whoever runs the tasks (pool threads included) and
    // shown from here, on the UI thread, a few times a second. The same loop is the watchdog:
    // a model whose slices, waits and worker ticks all stop for `stall_s` is stopped.
    let finished = Rc::new(Cell::new(false));
    {
        let (finished, control, dispatch) = (finished.clone(), control.clone(), dispatch.clone());
        let stall_ms = f64::from(config.stall_s) * 1e3;
        spawn_local(async move {
            let clock = web::clock::PerformanceClock;
            let mut watchdog = Watchdog::new(stall_ms, control.ticks(), clock.now_ms());
            while !finished.get() {
                dispatch.dispatch(Action::Progress(control.done()));
                web::clock::sleep_ms(PROGRESS_POLL_MS).await;
                if watchdog.stalled(control.ticks(), clock.now_ms()) && !control.is_cancelled() {
                    control.stop_stalled();
                }
            }
        });
    }
    let mut failed = false;
    for &model in &config.models {
        if control.is_cancelled() {
            break;
        }
        control.reset_progress();
        dispatch.dispatch(Action::Running(model));
        // Let the page show which model is running before it starts.
        web::clock::yield_now().await;
        let result = match model {
            Model::Blocking => web::blocking::run(&config, &control).await,
            Model::Async => web::event_loop::run(&config, &control).await,
            Model::PoolGil | Model::Pool => {
                web::thread_pool::run(model, &config, &env, &control).await
            }
            Model::Processes => web::processes::run(&config, &env, &control).await,
        };
        failed |=
            result.status == Status::Error || (result.status == Status::Ok && !result.answer_ok);
        control.clear_deadlock();
        dispatch.dispatch(Action::Finished(result));
    }
    finished.set(true);
    let cancelled = control.is_cancelled() && !control.is_stalled();
    failed |= control.is_stalled();
    dispatch.dispatch(Action::Done(cancelled));
    // The results element renders with the `Done` state; flag completion after it is in the DOM.
    web::clock::yield_now().await;
    location::set_run_state(match (cancelled, failed) {
        (true, _) => "cancelled",
        (false, true) => "error",
        (false, false) => "done",
    });
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let (url, notices) = location::read();
        location::write(&url);
        PageState {
            url,
            notices,
            env: web::probe(),
            phase: Phase::Idle,
            progress: 0,
            cancelled: false,
            results: None,
        }
    });
    // The running model's control: Cancel sets its flag. Not in the reducer state, since the
    // running tasks hold it too.
    let control = use_mut_ref(|| Arc::new(RunControl::default()));

    let start = {
        let (state, control) = (state.clone(), control.clone());
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            if matches!(state.phase, Phase::Running(_)) || state.url.config.validate().is_err() {
                return;
            }
            let fresh = Arc::new(RunControl::default());
            *control.borrow_mut() = fresh.clone();
            spawn_local(run_all(
                state.url.config.clone(),
                state.env.clone(),
                state.notices.clone(),
                fresh,
                dispatcher.clone(),
            ));
        })
    };
    let cancel = {
        let control = control.clone();
        Callback::from(move |()| control.borrow().cancel())
    };
    // Escape cancels, from anywhere on the page.
    {
        let cancel = cancel.clone();
        use_effect_with((), move |()| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| {
                    if e.key() == "Escape" {
                        cancel.emit(());
                    }
                },
            );
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &document {
                let _ = d
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &document {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // `autorun=1`: start once, after the first render.
    {
        let start = start.clone();
        let autorun = state.url.autorun;
        use_effect_with((), move |()| {
            location::set_run_state("idle");
            if autorun {
                start.emit(());
            }
        });
    }

    let on_change = {
        let dispatcher = state.dispatcher();
        Callback::from(move |edit| dispatcher.dispatch(Action::Edit(edit)))
    };
    let env = &state.env;
    let running = match state.phase {
        Phase::Running(model) => Some(model),
        _ => None,
    };
    let tasks = state.url.config.tasks;
    let status = match state.phase {
        Phase::Idle => "Ready. Pick a workload and models, then Run.".to_string(),
        Phase::Running(model) => format!(
            "Running: {} — {} of {tasks} tasks done. Esc cancels.",
            model.info().label,
            state.progress
        ),
        Phase::Done if state.cancelled => "Cancelled.".to_string(),
        Phase::Done => {
            let failed = state
                .results
                .as_ref()
                .and_then(|results| results.models.iter().find(|r| r.status == Status::Error));
            match failed {
                Some(r) => format!(
                    "Done, with an error in {}: {}",
                    r.model.info().label,
                    r.message.as_deref().unwrap_or("see the table")
                ),
                None => "Done.".to_string(),
            }
        }
    };
    let results_json = match (state.phase, &state.results) {
        (Phase::Done, Some(results)) => html! {
            <script type="application/json" id="results-json">{ results.to_json() }</script>
        },
        _ => html! {},
    };

    html! {
        <main class="page">
            <header>
                <h1>{ "Concurrency Playground" }</h1>
                <p class="tagline">
                    { "One workload, four concurrency models — the main thread, an async scheduler, a thread pool (with a simulated GIL or free-threaded) and isolated workers — measured side by side in your browser." }
                </p>
            </header>
            <section class="capabilities" data-testid="capabilities" aria-label="Browser capabilities">
                <span data-testid="cap-isolated">
                    { "crossOriginIsolated: " }<strong>{ if env.cross_origin_isolated { "yes" } else { "no" } }</strong>
                </span>
                <span data-testid="cap-cores">
                    { "hardwareConcurrency: " }<strong>{ env.hardware_concurrency }</strong>
                </span>
                <span data-testid="cap-speed">
                    { "count loop: " }
                    <strong>{ env.count_per_ms.map_or("measured at each run".to_string(), |r| format!("{:.0} M iterations/s", r as f64 / 1e3)) }</strong>
                </span>
                <span data-testid="cap-timer">
                    { "timer resolution: " }
                    <strong>{ env.timer_resolution_ms.map_or("unknown".to_string(), |r| format!("{:.3} ms", r)) }</strong>
                </span>
                <ticker::Ticker />
            </section>
            if !env.cross_origin_isolated {
                <p class="warning" role="status" data-testid="pool-unavailable">{ NOT_ISOLATED_EXPLANATION }</p>
            }
            if !state.notices.is_empty() {
                <ul class="notices" role="alert" data-testid="notices">
                    { for state.notices.iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            }
            <controls::Controls
                config={state.url.config.clone()}
                env={env.clone()}
                running={running.is_some()}
                {on_change}
                on_run={start}
            />
            <div class="run-line">
                <p class="status" role="status" aria-live="polite" data-testid="run-status">{ status }</p>
                if running.is_some() {
                    <progress data-testid="progress" max={tasks.to_string()} value={state.progress.to_string()}
                        aria-label="Tasks finished by the running model" />
                    <button type="button" class="secondary" data-testid="cancel" onclick={cancel.reform(|_| ())}>
                        { "Cancel" }
                    </button>
                }
            </div>
            if let Some(results) = &state.results {
                <results::ResultsTable results={results.clone()} {running} />
            }
            { results_json }
        </main>
    }
}
