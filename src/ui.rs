//! The Yew page: controls, capability panel, results, and the run loop that calls the models.

mod controls;
mod presets;
mod results;
mod share;
mod ticker;
mod views;

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
use crate::presets::{Preset, PresetReport, PresetStep};
use crate::report::{Environment, ModelResult, Results, ScalingPoint, Status};
use crate::url_state::UrlState;
use crate::web::{self, location};

/// Where the page is in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing ran yet.
    Idle,
    /// This model is running (and which run of it, when there are several).
    Running(Model, String),
    /// The last run finished.
    Done,
}

/// A document the page's state and its views share: a clone counts a reference, and two are
/// equal when they are the same document.
///
/// A run's results hold thousands of tasks. The state is cloned at every action (progress comes
/// a few times a second) and each view's props are compared at every render, so holding the
/// results by value copied them, and the session's history with them, at every step: after ten
/// runs of 1024 tiny tasks × 4 models, a progress render alone was a long task (50–57 ms).
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    /// Shares `value`.
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> yew::html::ImplicitClone for Shared<T> {}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::borrow::Borrow<T> for Shared<T> {
    fn borrow(&self) -> &T {
        &self.0
    }
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
    results: Option<Shared<Results>>,
    /// `results` as the page's `#results-json` shows it, once a run is done: written once per
    /// run, not at every render (1.3 MB after 1024 tasks × 4 models).
    results_json: Option<AttrValue>,
    /// The session's finished runs, newest last, for the decision table.
    history: Shared<Vec<Shared<Results>>>,
    /// A preset's current step: (index, count, label).
    step: Option<(usize, usize, String)>,
    /// Runs finished or loaded so far: an embed posts the results to its host at each.
    finished: u32,
    /// `auto`, `light` or `dark`.
    theme: String,
}

/// Most runs the decision table remembers.
const HISTORY: usize = 50;

impl Shared<Vec<Shared<Results>>> {
    /// The history with `runs` added, the oldest forgotten beyond [`HISTORY`].
    fn remembering(&self, runs: impl IntoIterator<Item = Shared<Results>>) -> Self {
        let mut history: Vec<_> = self.iter().cloned().chain(runs).collect();
        let extra = history.len().saturating_sub(HISTORY);
        history.drain(..extra);
        Shared::new(history)
    }
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The controls changed a setting.
    Edit(Edit),
    /// A preset was picked (`None`: back to the controls).
    Preset(Option<&'static Preset>),
    /// A run started.
    Start,
    /// The run's document as it stands (after each model, or a preset's step).
    Results(Shared<Results>),
    /// This model started (and which run of it, e.g. " (run 2 of 3)").
    Running(Model, String),
    /// A preset moved to its step `.0` of `.1`, labelled `.2`.
    PresetStep(usize, usize, String),
    /// The running model has finished this many tasks.
    Progress(u32),
    /// The whole run finished (`.0`: because it was cancelled); `.1` goes to the history; `.2` is
    /// the final document's JSON, if a step ran.
    Done(bool, Vec<Shared<Results>>, Option<String>),
    /// A results file was loaded: show it as if it had just run.
    Imported(Box<Results>),
    /// The theme toggle was pressed.
    NextTheme,
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
            Action::Preset(preset) => {
                next.url.preset = preset.map(|p| p.name.to_string());
                location::write(&next.url);
            }
            Action::Start => {
                next.cancelled = false;
                next.step = None;
            }
            Action::Results(results) => {
                next.env.count_per_ms = results.environment.count_per_ms;
                next.results = Some(results);
            }
            Action::Running(model, detail) => {
                next.phase = Phase::Running(model, detail);
                next.progress = 0;
            }
            Action::PresetStep(at, of, label) => next.step = Some((at, of, label)),
            Action::Progress(done) => next.progress = done,
            Action::Done(cancelled, finished, json) => {
                next.phase = Phase::Done;
                next.cancelled = cancelled;
                next.step = None;
                next.history = next.history.remembering(finished);
                if let Some(json) = json {
                    next.results_json = Some(json.into());
                }
                next.finished += 1;
            }
            Action::Imported(results) => {
                next.phase = Phase::Done;
                next.cancelled = false;
                let results = Shared::new(*results);
                next.history = next.history.remembering([results.clone()]);
                next.results_json = Some(results.to_json_compact().into());
                next.results = Some(results);
                next.finished += 1;
            }
            Action::NextTheme => {
                let at = location::THEMES.iter().position(|t| *t == next.theme);
                let theme = location::THEMES[at.map_or(0, |i| (i + 1) % location::THEMES.len())];
                location::set_theme(theme);
                next.theme = theme.to_string();
            }
        }
        next.into()
    }
}

/// How often the page shows the running model's progress.
const PROGRESS_POLL_MS: i32 = 100;

/// What to run: the controls' settings, or a preset.
#[derive(Debug, Clone)]
enum Plan {
    Config(RunConfig),
    Preset(&'static Preset, bool),
}

/// Runs a plan from start to end: the run state, progress and the watchdog, every step's
/// models, the verdict of a preset, and the final document.
async fn run_plan(
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
                crate::presets::Verdict {
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

/// The `cp_embed_results` message for a host page, as JSON text. Written out, not built as a
/// `serde_json::Value`: a second serialiser for the whole results document would cost the page
/// kilobytes of wasm.
fn results_message(results: &Results) -> String {
    let results = serde_json::to_string(results).unwrap_or_else(|_| "null".into());
    format!(r#"{{"type":"cp_embed_results","results":{results}}}"#)
}

/// Posts `message` (JSON text, sent as a plain object) to a window, restricted to `origin`.
fn post_to(target: &js_sys::Object, origin: &str, message: &str) {
    let Ok(value) = js_sys::JSON::parse(message) else {
        return;
    };
    let post = js_sys::Reflect::get(target, &"postMessage".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    // An opaque origin ("null": a sandboxed or data: page) cannot be named as a target.
    let origin = if origin == "null" { "*" } else { origin };
    if let Some(post) = post {
        let _ = post.call2(target, &value, &origin.into());
    }
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
            results_json: None,
            history: Shared::default(),
            step: None,
            finished: 0,
            theme: {
                let theme = location::theme();
                location::set_theme(&theme);
                theme
            },
        }
    });
    // The running model's control: Cancel sets its flag. Not in the reducer state, since the
    // running tasks hold it too.
    let control = use_mut_ref(|| Arc::new(RunControl::default()));

    let start = {
        let (state, control) = (state.clone(), control.clone());
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            if matches!(state.phase, Phase::Running(..))
                || (state.url.preset.is_none() && state.url.config.validate().is_err())
            {
                return;
            }
            let fresh = Arc::new(RunControl::default());
            *control.borrow_mut() = fresh.clone();
            let plan = match state.url.preset.as_deref().and_then(crate::presets::find) {
                Some(preset) => Plan::Preset(preset, state.url.quick),
                None => Plan::Config(state.url.config.clone()),
            };
            spawn_local(run_plan(
                plan,
                state.env.clone(),
                state.notices.clone(),
                fresh,
                dispatcher.clone(),
            ));
        })
    };
    let cancel = {
        let control = control.clone();
        Callback::from(move |()| {
            control
                .borrow()
                .cancel_at(web::clock::PerformanceClock.now_ms())
        })
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

    // The host-page API (`host`): a page that frames this one may pick a preset, run it and
    // receive the results. The listener reads the latest results through this cell.
    let latest = use_mut_ref(|| None::<Shared<Results>>);
    *latest.borrow_mut() = state.results.clone().filter(|_| state.phase == Phase::Done);
    let host = use_mut_ref(|| None::<(js_sys::Object, String)>);
    {
        let (start, dispatcher, latest, host) = (
            start.clone(),
            state.dispatcher(),
            latest.clone(),
            host.clone(),
        );
        let allowed = state.url.origins.clone();
        use_effect_with((), move |()| {
            let window = web_sys::window();
            let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    let origin = e.origin();
                    let Some(source) = e.source() else {
                        return;
                    };
                    // Our own workers' messages never arrive here; other frames' do. Ignore
                    // what is not from an allowed origin without answering.
                    if !crate::host::origin_allowed(&origin, &allowed) {
                        return;
                    }
                    let text = js_sys::JSON::stringify(&e.data())
                        .ok()
                        .and_then(|t| t.as_string())
                        .unwrap_or_default();
                    let reply = |message: &str| post_to(&source, &origin, message);
                    match crate::host::parse(&text) {
                        Ok(message) => {
                            *host.borrow_mut() = Some((source.clone(), origin.clone()));
                            match message {
                                crate::host::HostMessage::SelectPreset { preset } => dispatcher
                                    .dispatch(Action::Preset(crate::presets::find(&preset))),
                                // After the preset's selection has rendered.
                                crate::host::HostMessage::Run {} => {
                                    let start = start.clone();
                                    spawn_local(async move {
                                        web::clock::yield_now().await;
                                        start.emit(());
                                    });
                                }
                                crate::host::HostMessage::GetResults {} => {
                                    if let Some(results) = latest.borrow().as_ref() {
                                        reply(&results_message(results));
                                    }
                                }
                            }
                        }
                        // Commands from other libraries use other shapes: answer only ours.
                        Err(err) if text.contains("\"cp_host_") => reply(
                            &serde_json::json!({
                                "type": "cp_embed_error", "message": err.to_string()
                            })
                            .to_string(),
                        ),
                        Err(_) => {}
                    }
                },
            );
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
                // Tell a framing page that commands may come now.
                if let Ok(Some(parent)) = w.parent()
                    && !js_sys::Object::is(&parent, w)
                {
                    post_to(&parent, "*", r#"{"type":"cp_embed_ready"}"#);
                }
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "message",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    // After each run, the host that drove us gets the results.
    {
        let (host, latest) = (host.clone(), latest.clone());
        use_effect_with(state.finished, move |_| {
            if let (Some((source, origin)), Some(results)) =
                (host.borrow().as_ref(), latest.borrow().as_ref())
            {
                post_to(source, origin, &results_message(results));
            }
        });
    }

    let on_change = {
        let dispatcher = state.dispatcher();
        Callback::from(move |edit| dispatcher.dispatch(Action::Edit(edit)))
    };
    let env = &state.env;
    let running = match state.phase {
        Phase::Running(model, _) => Some(model),
        _ => None,
    };
    // The running step's batch (a preset's steps have their own sizes).
    let tasks = state
        .results
        .as_ref()
        .filter(|_| running.is_some())
        .map_or(state.url.config.tasks, |r| r.config.tasks);
    let status = match &state.phase {
        Phase::Idle => "Ready. Pick a workload and models, then Run.".to_string(),
        Phase::Running(model, detail) => format!(
            "Running{}: {}{detail} — {} of {tasks} tasks done. Esc cancels.",
            state
                .step
                .as_ref()
                .map_or(String::new(), |(at, of, label)| format!(
                    " step {} of {of} ({label})",
                    at + 1
                )),
            model.info().label,
            state.progress
        ),
        Phase::Done if state.cancelled => match state.results.as_ref().and_then(|r| r.cancel_ms) {
            Some(ms) => {
                format!("Cancelled: the running model stopped {ms:.0} ms after the request.")
            }
            None => "Cancelled.".to_string(),
        },
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
    // `data-run` tells a run's document from the one before (`run_plan` waits for it).
    let results_json = match (&state.phase, &state.results_json) {
        (Phase::Done, Some(json)) => html! {
            <script type="application/json" id="results-json" data-run={state.finished.to_string()}>{ json.clone() }</script>
        },
        _ => html! {},
    };

    let embed = state.url.embed;
    // The same experiment in the full page (for embeds), and in a tab of its own (for an
    // embed that is not cross-origin isolated: the pools need it).
    let full_link = location::link(&UrlState {
        embed: false,
        autorun: false,
        ..state.url.clone()
    });
    html! {
        <main class={classes!("page", embed.then_some("embed"))}>
            if embed {
                <p class="embed-bar">
                    <strong>{ "Concurrency Playground" }</strong>
                    <a href={full_link.clone()} target="_blank" rel="noopener" data-testid="open-full">{ "Open in full playground ↗" }</a>
                </p>
            }
            <header hidden={embed}>
                <h1>{ "Concurrency Playground" }</h1>
                <button type="button" class="secondary theme" data-testid="theme"
                    aria-label={format!("Colour theme: {} (press to change)", state.theme)}
                    onclick={{ let d = state.dispatcher(); Callback::from(move |_: MouseEvent| d.dispatch(Action::NextTheme)) }}>
                    { format!("Theme: {}", state.theme) }
                </button>
                <p class="tagline">
                    { "One workload, four concurrency models — the main thread, an async scheduler, a thread pool (with a simulated GIL or free-threaded) and isolated workers — measured side by side in your browser." }
                </p>
            </header>
            <section class="capabilities" data-testid="capabilities" aria-label="Browser capabilities" hidden={embed}>
                <span data-testid="cap-isolated">
                    { "crossOriginIsolated: " }<strong>{ if env.cross_origin_isolated { "yes" } else { "no" } }</strong>
                </span>
                <span data-testid="cap-cores">
                    { "hardwareConcurrency: " }<strong>{ env.hardware_concurrency }</strong>
                </span>
                <span data-testid="cap-speed">
                    { "count loop: " }
                    <strong>{ env.count_per_ms.map_or("measured at each run".to_string(), |r| format!("{:.0} M iterations/s", r as f64 / 1e3)) }</strong>
                    { env.count_per_ms.map(|r| crate::workloads::timed::work_here(r, &state.url.config)).unwrap_or_default() }
                </span>
                <span data-testid="cap-timer">
                    { "timer resolution: " }
                    <strong>{ env.timer_resolution_ms.map_or("unknown".to_string(), |r| format!("{:.3} ms", r)) }</strong>
                </span>
                <ticker::Ticker running={running.is_some()} />
            </section>
            if !env.cross_origin_isolated {
                <p class="warning" role="status" data-testid="pool-unavailable">
                    { NOT_ISOLATED_EXPLANATION }
                    { " " }
                    <a href={full_link.clone()} target="_blank" rel="noopener" data-testid="open-isolated">
                        { "Open this experiment in a new tab" }
                    </a>
                    { " (a tab of its own is isolated when the server sends the headers, even if this frame is not)." }
                </p>
            }
            if !state.notices.is_empty() {
                <ul class="notices" role="alert" data-testid="notices">
                    { for state.notices.iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            }
            <presets::PresetPanel
                picked={state.url.preset.as_deref().and_then(crate::presets::find)}
                running={running.is_some()}
                results={state.results.clone()}
                on_pick={{ let d = state.dispatcher(); Callback::from(move |p| d.dispatch(Action::Preset(p))) }}
                on_run={start.clone()}
            />
            <controls::Controls
                hidden={embed && state.url.preset.is_some()}
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
            if !embed {
                <share::Share results={state.results.clone().filter(|_| running.is_none())}
                    on_import={{ let d = state.dispatcher(); Callback::from(move |r| d.dispatch(Action::Imported(Box::new(r)))) }} />
            }
            if let Some(results) = &state.results {
                <results::ResultsTable results={results.clone()} {running} />
                if running.is_none() {
                    // Drawn a task apart each (`views::Later`); the timeline draws its bars a
                    // turn after itself, so the views after it take turn 3.
                    if !embed {
                        <views::Later turn={0}>
                            <views::Comparison results={results.clone()} />
                        </views::Later>
                    }
                    <views::Later turn={1}>
                        <views::Timeline results={results.clone()} />
                    </views::Later>
                    if !embed {
                        <views::Later turn={3}>
                            <views::Scaling results={results.clone()} />
                            <views::Latency results={results.clone()} />
                            <views::PythonMapping results={results.clone()} />
                        </views::Later>
                    }
                }
            }
            if !embed {
                <views::Decision history={state.history.clone()} />
            }
            { results_json }
        </main>
    }
}
