//! The run settings form. Every field validates inline; Run is disabled while a setting is bad.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::config::{MAX_TASKS, MAX_WORKERS, RunConfig};
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::report::Environment;
use crate::url_state::parse_size;
use crate::workloads::WorkloadKind;

/// Props of [`Controls`].
#[derive(Debug, Properties, PartialEq)]
pub struct ControlsProps {
    /// Current settings.
    pub config: RunConfig,
    /// Browser capabilities (the pool needs isolation).
    pub env: Environment,
    /// A run is in progress: the form is locked.
    pub running: bool,
    /// New settings.
    pub on_change: Callback<RunConfig>,
    /// Run was pressed.
    pub on_run: Callback<()>,
}

/// The form.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    // Text the user typed that does not parse yet: shown with a message, config unchanged.
    let n_text = use_state(|| None::<String>);
    let workers_text = use_state(|| None::<String>);
    let config = &props.config;
    let problem = config.validate().err().map(|e| e.to_string());

    let on_workload = {
        let (config, on_change, n_text) = (config.clone(), props.on_change.clone(), n_text.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(kind) = WorkloadKind::from_id(&select.value()) {
                n_text.set(None);
                on_change.emit(RunConfig {
                    workload: kind,
                    n: kind.default_size(),
                    ..config.clone()
                });
            }
        })
    };
    let on_n = {
        let (config, on_change, n_text) = (config.clone(), props.on_change.clone(), n_text.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            match parse_size(&text) {
                Some(n) => {
                    n_text.set(None);
                    on_change.emit(RunConfig {
                        n,
                        ..config.clone()
                    });
                }
                None => n_text.set(Some(text)),
            }
        })
    };
    let on_tasks = {
        let (config, on_change) = (config.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(tasks) = input.value().parse::<u32>() {
                on_change.emit(RunConfig {
                    tasks,
                    ..config.clone()
                });
            }
        })
    };
    let on_workers = {
        let (config, on_change, workers_text) = (
            config.clone(),
            props.on_change.clone(),
            workers_text.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            let workers = match text.trim() {
                "" | "auto" => Some(None),
                t => t.parse::<u32>().ok().map(Some),
            };
            match workers {
                Some(workers) => {
                    workers_text.set(None);
                    on_change.emit(RunConfig {
                        workers,
                        ..config.clone()
                    });
                }
                None => workers_text.set(Some(text)),
            }
        })
    };
    let toggle = |model: Model| {
        let (config, on_change) = (config.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut models: Vec<Model> = config
                .models
                .iter()
                .copied()
                .filter(|&m| m != model)
                .collect();
            if on {
                models.push(model);
                models.sort();
            }
            on_change.emit(RunConfig {
                models,
                ..config.clone()
            });
        })
    };
    let on_submit = {
        let on_run = props.on_run.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(());
        })
    };

    let n_error = (*n_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a size (try 100000000 or 1e8)"));
    let workers_error = (*workers_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a number (or leave empty for auto)"));
    let auto_workers = config.workers_for(props.env.hardware_concurrency);
    let can_run =
        !props.running && problem.is_none() && n_error.is_none() && workers_error.is_none();

    html! {
        <form class="controls" data-testid="controls" onsubmit={on_submit} aria-label="Run settings">
            <fieldset disabled={props.running}>
                <label>
                    { "Workload" }
                    <select data-testid="workload" onchange={on_workload}>
                        { for WorkloadKind::ALL.iter().map(|&k| html! {
                            <option value={k.id()} selected={k == config.workload}>{ k.label() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    { "Size n per task" }
                    <input data-testid="size" type="text" inputmode="numeric" value={(*n_text).clone().unwrap_or_else(|| config.n.to_string())}
                        oninput={on_n} aria-invalid={n_error.is_some().to_string()} />
                </label>
                <label>
                    { "Tasks" }
                    <input data-testid="tasks" type="number" min="1" max={MAX_TASKS.to_string()} value={config.tasks.to_string()} oninput={on_tasks} />
                </label>
                <label>
                    { "Workers (pool threads / isolated workers)" }
                    <input data-testid="workers" type="text" inputmode="numeric" placeholder={format!("auto ({auto_workers})")}
                        value={(*workers_text).clone().unwrap_or_else(|| config.workers.map(|w| w.to_string()).unwrap_or_default())}
                        oninput={on_workers} aria-describedby="workers-help" />
                    <small id="workers-help">{ format!("1–{MAX_WORKERS}; empty = one per core") }</small>
                </label>
                <fieldset class="models">
                    <legend>{ "Models" }</legend>
                    { for Model::ALL.iter().map(|&model| {
                        let info = model.info();
                        let unavailable = info.needs_cross_origin_isolation && !props.env.cross_origin_isolated;
                        html! {
                            <label class={classes!(unavailable.then_some("unavailable"))}
                                title={if unavailable { NOT_ISOLATED_EXPLANATION } else { info.python }}>
                                <input type="checkbox" data-testid={format!("model-{}", info.id)}
                                    checked={config.models.contains(&model)} onchange={toggle(model)} />
                                { info.label }
                                <small>{ format!(" — {}", info.python) }</small>
                                if unavailable { <small class="unavailable-note">{ " (unavailable: not cross-origin isolated)" }</small> }
                            </label>
                        }
                    }) }
                </fieldset>
            </fieldset>
            if let Some(message) = n_error.or(workers_error).or(problem) {
                <p class="error" role="alert" data-testid="input-error">{ message }</p>
            }
            <button type="submit" data-testid="run" disabled={!can_run}>
                { if props.running { "Running…" } else { "Run" } }
            </button>
        </form>
    }
}
