//! The run settings form. Every field validates inline; Run is disabled while a setting is bad.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::config::MAX_SWITCH_MS;
use crate::config::Nesting;
use crate::config::{
    AsyncMode, Edit, MAX_CHUNKSIZE, MAX_REPEATS, MAX_TASKS, MAX_WORKERS, PayloadMode, RunConfig,
    StartMethod, python_default_workers,
};
use crate::core::choice::Choice;
use crate::models::{Model, NOT_ISOLATED_EXPLANATION};
use crate::present::url_state::{encode_steps, parse_size};
use crate::report::Environment;
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
    /// Not shown (an embed running a preset): the preset panel has its own Run.
    #[prop_or_default]
    pub hidden: bool,
}

/// The form.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    // Text the user typed that does not parse yet: shown with a message, settings unchanged.
    let n_text = use_state(|| None::<String>);
    let tasks_text = use_state(|| None::<String>);
    let workers_text = use_state(|| None::<String>);
    let switch_text = use_state(|| None::<String>);
    let chunk_text = use_state(|| None::<String>);
    let repeats_text = use_state(|| None::<String>);
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
    let on_switch = text_field(&switch_text, |t| t.parse().ok().map(Edit::SwitchMs));
    let on_chunk = text_field(&chunk_text, |t| t.parse().ok().map(Edit::Chunksize));
    let on_repeats = text_field(&repeats_text, |t| t.parse().ok().map(Edit::Repeats));
    let flag = |edit: fn(bool) -> Edit| {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            on_change.emit(edit(
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            ));
        })
    };
    let on_change = &props.on_change;
    let isolated = props.env.cross_origin_isolated;
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
    let switch_error = (*switch_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a whole number of ms"));
    let chunk_error = (*chunk_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a whole number of tasks"));
    let repeats_error = (*repeats_text)
        .as_ref()
        .map(|t| format!("`{t}` is not a whole number of runs"));
    let auto_workers = config.workers_for(props.env.hardware_concurrency);
    let can_run = !props.running
        && problem.is_none()
        && n_error.is_none()
        && tasks_error.is_none()
        && workers_error.is_none()
        && switch_error.is_none()
        && chunk_error.is_none()
        && repeats_error.is_none();

    html! {
        <form class="controls" data-testid="controls" onsubmit={on_submit} aria-label="Run settings" hidden={props.hidden}>
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
                    { choice_select("async-mode", on_change.clone(), config.async_mode, Edit::AsyncMode, &|_: AsyncMode| true) }
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
                <fieldset class="measure">
                    <legend>{ "Measurement" }</legend>
                    <label>
                        { "Repeats per model" }
                        <input data-testid="repeats" type="text" inputmode="numeric"
                            value={(*repeats_text).clone().unwrap_or_else(|| config.repeats.to_string())}
                            oninput={on_repeats} aria-describedby="repeats-help" aria-invalid={repeats_error.is_some().to_string()} />
                        <small id="repeats-help">{ format!("1–{MAX_REPEATS}; the comparison chart shows their spread") }</small>
                    </label>
                    <label class="check">
                        <input data-testid="warmup" type="checkbox" checked={config.warmup} onchange={flag(Edit::Warmup)} />
                        { "Warm-up run first (not measured)" }
                    </label>
                    <label class="check" title="The tasks are requests: the event loop (this page's thread, Tornado's IOLoop) hands each handler to the model's executor, and answers GET / itself, sent during the load">
                        <input data-testid="server" type="checkbox" checked={config.server} onchange={flag(Edit::Server)} />
                        { "Server mode: answer GET / on the event loop during the load" }
                    </label>
                    <label class="check">
                        <input data-testid="sweep" type="checkbox" checked={config.sweep} onchange={flag(Edit::Sweep)} />
                        { format!("Scaling sweep: pooled models at 1…{auto_workers} workers") }
                    </label>
                </fieldset>
                <fieldset class="semantics">
                    <legend>{ "Python semantics" }</legend>
                    <label>
                        { "GIL switch interval (ms)" }
                        <input data-testid="switch" type="text" inputmode="numeric"
                            value={(*switch_text).clone().unwrap_or_else(|| config.switch_ms.to_string())}
                            oninput={on_switch} aria-describedby="switch-help" aria-invalid={switch_error.is_some().to_string()} />
                        <small id="switch-help">{ format!("Thread pool + GIL: the holder lets go after this long if another thread waits; 1–{MAX_SWITCH_MS}, CPython's default 5 (sys.getswitchinterval())") }</small>
                    </label>
                    <label>
                        { "Thread pool: recursive submit" }
                        { choice_select("nested", on_change.clone(), config.nested, Edit::Nested, &|_: Nesting| true) }
                    </label>
                    <label>
                        { "Isolated workers: start method" }
                        { choice_select("start", on_change.clone(), config.start, Edit::Start, &|_: StartMethod| true) }
                    </label>
                    <label>
                        { "Isolated workers: data payloads" }
                        { choice_select("payload", on_change.clone(), config.payload, Edit::Payload, &|m: PayloadMode| m != PayloadMode::Shared || isolated) }
                        if !isolated {
                            <small>{ "Shared memory needs a cross-origin isolated page." }</small>
                        }
                    </label>
                    <label>
                        { "Isolated workers: chunksize" }
                        <input data-testid="chunksize" type="text" inputmode="numeric"
                            value={(*chunk_text).clone().unwrap_or_else(|| config.chunksize.to_string())}
                            oninput={on_chunk} aria-describedby="chunk-help" aria-invalid={chunk_error.is_some().to_string()} />
                        <small id="chunk-help">{ format!("Tasks per message, like map(fn, items, chunksize=k); 1–{MAX_CHUNKSIZE}") }</small>
                    </label>
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
            if let Some(message) = n_error.or(tasks_error).or(workers_error).or(switch_error).or(chunk_error).or(repeats_error).or(problem) {
                <p class="error" role="alert" data-testid="input-error">{ message }</p>
            }
            <button type="submit" data-testid="run" disabled={!can_run}>
                { if props.running { "Running…" } else { "Run" } }
            </button>
        </form>
    }
}

/// A `<select>` over a [`Choice`]; choices `usable` rejects are shown disabled.
fn choice_select<T: Choice>(
    testid: &'static str,
    on_change: Callback<Edit>,
    current: T,
    edit: fn(T) -> Edit,
    usable: &dyn Fn(T) -> bool,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Some(choice) = T::from_id(&select.value()) {
            on_change.emit(edit(choice));
        }
    });
    html! {
        <select data-testid={testid} {onchange}>
            { for T::ALL.iter().map(|&c| html! {
                <option value={c.id()} selected={c == current} disabled={!usable(c)}>{ c.label() }</option>
            }) }
        </select>
    }
}
