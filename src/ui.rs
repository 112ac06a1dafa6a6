//! The Yew page: controls, capability panel, results, and the run loop that calls the models.

mod controls;
mod results;
mod ticker;

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::config::RunConfig;
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
    results: Option<Results>,
}

/// What can happen to the page.
#[derive(Debug)]
pub enum Action {
    /// The controls changed the settings.
    Configure(RunConfig),
    /// A run started with this (empty) document.
    Start(Results),
    /// This model started.
    Running(Model),
    /// A model finished.
    Finished(ModelResult),
    /// The whole run finished.
    Done,
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Configure(config) => {
                next.url.config = config;
                location::write(&next.url);
            }
            Action::Start(results) => next.results = Some(results),
            Action::Running(model) => next.phase = Phase::Running(model),
            Action::Finished(result) => {
                if let Some(results) = next.results.as_mut() {
                    results.models.push(result);
                }
            }
            Action::Done => next.phase = Phase::Done,
        }
        next.into()
    }
}

/// Runs every selected model in turn, reporting to the page as each finishes.
async fn run_all(
    config: RunConfig,
    env: Environment,
    notices: Vec<String>,
    dispatch: UseReducerDispatcher<PageState>,
) {
    location::set_run_state("running");
    dispatch.dispatch(Action::Start(Results::new(
        env.clone(),
        config.clone(),
        notices,
    )));
    let mut failed = false;
    for &model in &config.models {
        dispatch.dispatch(Action::Running(model));
        // Let the page show which model is running before it starts.
        web::clock::yield_now().await;
        let result = match model {
            Model::Blocking => web::blocking::run(&config).await,
            Model::Async => web::event_loop::run(&config).await,
            Model::Pool => web::thread_pool::run(&config, &env).await,
            Model::Processes => web::processes::run(&config, &env).await,
        };
        failed |=
            result.status == Status::Error || (result.status == Status::Ok && !result.answer_ok);
        dispatch.dispatch(Action::Finished(result));
    }
    dispatch.dispatch(Action::Done);
    // The results element renders with the `Done` state; flag completion after it is in the DOM.
    web::clock::yield_now().await;
    location::set_run_state(if failed { "error" } else { "done" });
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
            results: None,
        }
    });

    let start = {
        let state = state.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            if matches!(state.phase, Phase::Running(_)) || state.url.config.validate().is_err() {
                return;
            }
            spawn_local(run_all(
                state.url.config.clone(),
                state.env.clone(),
                state.notices.clone(),
                dispatcher.clone(),
            ));
        })
    };

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
        Callback::from(move |config| dispatcher.dispatch(Action::Configure(config)))
    };
    let env = &state.env;
    let running = match state.phase {
        Phase::Running(model) => Some(model),
        _ => None,
    };
    let status = match (state.phase, &state.results) {
        (Phase::Idle, _) => "Ready. Pick a workload and models, then Run.".to_string(),
        (Phase::Running(model), _) => format!("Running: {}…", model.info().label),
        (Phase::Done, _) => "Done.".to_string(),
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
                    { "One workload, four concurrency models — the main thread, an async scheduler, a thread pool and isolated workers — measured side by side in your browser." }
                </p>
            </header>
            <section class="capabilities" data-testid="capabilities" aria-label="Browser capabilities">
                <span data-testid="cap-isolated">
                    { "crossOriginIsolated: " }<strong>{ if env.cross_origin_isolated { "yes" } else { "no" } }</strong>
                </span>
                <span data-testid="cap-cores">
                    { "hardwareConcurrency: " }<strong>{ env.hardware_concurrency }</strong>
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
            <p class="status" role="status" aria-live="polite" data-testid="run-status">{ status }</p>
            if let Some(results) = &state.results {
                <results::ResultsTable results={results.clone()} {running} />
            }
            { results_json }
        </main>
    }
}
