//! The whole page: the App component, its effects (URL, theme, host-page commands) and its
//! layout.

use std::sync::Arc;

use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::host_api::{post_to, results_message};
use super::run::{Plan, run_plan};
use super::state::{Action, PageState, Phase, Shared};
use super::{controls, presets, results, share, ticker, views};
use crate::core::choice::Choice;
use crate::core::control::RunControl;
use crate::core::metrics::Clock;
use crate::models::NOT_ISOLATED_EXPLANATION;
use crate::present::url_state::UrlState;
use crate::report::{Results, Status};
use crate::web::dom::{self, RunState};
use crate::web::{self, location};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let (url, notices) = location::read();
        PageState::new(url, notices, web::probe(), dom::remembered_theme())
    });
    // The reducer only computes the next state; what it means outside the page happens here.
    // The address bar is always a link to the current experiment (replaced, not pushed: no
    // history entry per edit), and the theme is applied and remembered.
    use_effect_with(state.url.clone(), location::write);
    use_effect_with(state.theme, |&theme| dom::apply_theme(theme));
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
            let plan = match state
                .url
                .preset
                .as_deref()
                .and_then(crate::present::presets::find)
            {
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
            // Taken off when the App unmounts: dropping the guard removes the listener.
            let listener = web_sys::window().and_then(|w| w.document()).map(|d| {
                EventListener::new(&d, "keydown", move |e| {
                    if e.dyn_ref::<web_sys::KeyboardEvent>()
                        .is_some_and(|e| e.key() == "Escape")
                    {
                        cancel.emit(());
                    }
                })
            });
            move || drop(listener)
        });
    }

    // `autorun=1`: start once, after the first render.
    {
        let start = start.clone();
        let autorun = state.url.autorun;
        use_effect_with((), move |()| {
            dom::set_run_state(RunState::Idle);
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
            let on_message = move |e: &Event| {
                let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
                    return;
                };
                let origin = e.origin();
                let Some(source) = e.source() else {
                    return;
                };
                // Our own workers' messages never arrive here; other frames' do. Ignore
                // what is not from an allowed origin without answering.
                if !crate::present::host::origin_allowed(&origin, &allowed) {
                    return;
                }
                let text = js_sys::JSON::stringify(&e.data())
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                let reply = |message: &str| post_to(&source, &origin, message);
                match crate::present::host::parse(&text) {
                    Ok(message) => {
                        *host.borrow_mut() = Some((source.clone(), origin.clone()));
                        match message {
                            crate::present::host::HostMessage::SelectPreset { preset } => {
                                dispatcher.dispatch(Action::Preset(crate::present::presets::find(
                                    &preset,
                                )))
                            }
                            // After the preset's selection has rendered.
                            crate::present::host::HostMessage::Run {} => {
                                let start = start.clone();
                                spawn_local(async move {
                                    web::clock::yield_now().await;
                                    start.emit(());
                                });
                            }
                            crate::present::host::HostMessage::GetResults {} => {
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
            };
            let listener = window.as_ref().map(|w| {
                let listener = EventListener::new(w, "message", on_message);
                // Tell a framing page that commands may come now.
                if let Ok(Some(parent)) = w.parent()
                    && !js_sys::Object::is(&parent, w)
                {
                    post_to(&parent, "*", r#"{"type":"cp_embed_ready"}"#);
                }
                listener
            });
            move || drop(listener)
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
            <script type="application/json" id="results-json" data-run={state.finished.to_string()}>{ AttrValue::from(json.clone()) }</script>
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
                    aria-label={format!("Colour theme: {} (press to change)", state.theme.id())}
                    onclick={{ let d = state.dispatcher(); Callback::from(move |_: MouseEvent| d.dispatch(Action::NextTheme)) }}>
                    { format!("Theme: {}", state.theme.id()) }
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
                    { env.count_per_ms.map(|r| state.url.config.work_here(r)).unwrap_or_default() }
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
                picked={state.url.preset.as_deref().and_then(crate::present::presets::find)}
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
