//! The run settings form. Every field validates inline; Run is disabled while a setting is bad.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::config::{
    AsyncMode, Choice, Edit, MAX_TASKS, MAX_WORKERS, RunConfig, python_default_workers,
};
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::report::Environment;
use crate::url_state::{encode_steps, parse_size};
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
    pub on_change: Callback<Edit>,
    /// Run was pressed.
    pub on_run: Callback<()>,
}

/// The form.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    // Text the user typed that does not parse yet: shown with a message, settings unchanged.
    let n_text = use_state(|| None::<String>);
    let tasks_text = use_state(|| None::<String>);
    let workers_text = use_state(|| None::<String>);
    let config = &props.config;
    let problem = config.validate().err().map(|e| e.to_string());

    // A text field that edits one setting when its text parses, and otherwise keeps the text
    // (to show it with a message) without touching the settings.
    let text_field = |pending: &UseStateHandle<Option<String>>, parse: fn(&str) -> Option<Edit>| {
        let (on_change, pending) = (props.on_change.clone(), pending.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            match parse(text.trim()) {
                Some(edit) => {
                    pending.set(None);
                    on_change.emit(edit);
                }
                None => pending.set(Some(text)),
            }
        })
    };
    let on_n = text_field(&n_text, |t| parse_size(t).map(Edit::N));
    let on_tasks = text_field(&tasks_text, |t| t.parse().ok().map(Edit::Tasks));
    let on_workers = text_field(&workers_text, |t| match t {
        "" | "auto" => Some(Edit::Workers(None)),
        t => t.parse().ok().map(|w| Edit::Workers(Some(w))),
    });
    let on_workload = {
        let (on_change, n_text) = (props.on_change.clone(), n_text.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(kind) = WorkloadKind::from_id(&select.value()) {
                n_text.set(None);
                on_change.emit(Edit::Workload(kind));
            }
        })
    };
    let on_async_mode = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(mode) = AsyncMode::from_id(&select.value()) {
                on_change.emit(Edit::AsyncMode(mode));
            }
        })
    };
    let on_clear_steps = {
        let on_change = props.on_change.clone();
        Callback::from(move |_: MouseEvent| on_change.emit(Edit::ClearSteps))
    };
    let toggle = |model: Model| {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            on_change.emit(Edit::Model(model, on));
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
    let tasks_error = (*tasks_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a whole number of tasks"));
    let workers_error = (*workers_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a number (or leave empty for auto)"));
    let auto_workers = config.workers_for(props.env.hardware_concurrency);
    let can_run = !props.running
        && problem.is_none()
        && n_error.is_none()
        && tasks_error.is_none()
        && workers_error.is_none();

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
                    <input data-testid="tasks" type="text" inputmode="numeric" value={(*tasks_text).clone().unwrap_or_else(|| config.tasks.to_string())}
                        oninput={on_tasks} aria-invalid={tasks_error.is_some().to_string()} aria-describedby="tasks-help" />
                    <small id="tasks-help">{ format!("1–{MAX_TASKS}, like concurrent requests") }</small>
                </label>
                <label>
                    { "Workers (pool threads / isolated workers)" }
                    <input data-testid="workers" type="text" inputmode="numeric" placeholder={format!("auto ({auto_workers})")}
                        value={(*workers_text).clone().unwrap_or_else(|| config.workers.map(|w| w.to_string()).unwrap_or_default())}
                        oninput={on_workers} aria-describedby="workers-help" />
                    <small id="workers-help">{ format!(
                        "1–{MAX_WORKERS}; empty = one per core. Python's ThreadPoolExecutor default here: min(32, cores + 4) = {}",
                        python_default_workers(props.env.hardware_concurrency)
                    ) }</small>
                </label>
                <label>
                    { "Async scheduler: CPU work" }
                    <select data-testid="async-mode" onchange={on_async_mode}>
                        <option value="cooperative" selected={config.async_mode == AsyncMode::Cooperative}>
                            { "cooperative (await every slice)" }
                        </option>
                        <option value="naive" selected={config.async_mode == AsyncMode::Naive}>
                            { "naive (no await: blocks the loop)" }
                        </option>
                    </select>
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
                                    checked={config.models.contains(&model)} onchange={toggle(model)}
                                    disabled={unavailable} aria-describedby={unavailable.then_some("pool-unavailable-reason")} />
                                { info.label }
                                <small>{ format!(" — {}", info.python) }</small>
                                if unavailable {
                                    <small class="unavailable-note" id="pool-unavailable-reason">{ " (unavailable: this page is not cross-origin isolated)" }</small>
                                }
                            </label>
                        }
                    }) }
                </fieldset>
            </fieldset>
            if let Some(groups) = &config.steps {
                <p class="profile" data-testid="steps">
                    { "Tasks run the step profile from the URL — " }
                    <code>{ encode_steps(groups) }</code>
                    { " — so the workload and size fields are not used. " }
                    <button type="button" class="secondary" data-testid="clear-steps" onclick={on_clear_steps}>
                        { "Use the fields instead" }
                    </button>
                </p>
            }
            if let Some(message) = n_error.or(tasks_error).or(workers_error).or(problem) {
                <p class="error" role="alert" data-testid="input-error">{ message }</p>
            }
            <button type="submit" data-testid="run" disabled={!can_run}>
                { if props.running { "Running…" } else { "Run" } }
            </button>
        </form>
    }
}
