//! The results table: one row per model, with the answer and its verification.

use yew::prelude::*;

use crate::core::choice::Choice;
use crate::models::Model;
use crate::report::{ModelResult, Results, Status};

/// Props of [`ResultsTable`].
#[derive(Debug, Properties, PartialEq)]
pub struct ResultsProps {
    /// The run so far.
    pub results: super::state::Shared<Results>,
    /// The model running now, if any.
    pub running: Option<Model>,
}

fn notes(r: &ModelResult) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(message) = &r.message {
        notes.push(message.clone());
    }
    if let Some(switches) = r.task_switches {
        notes.push(format!("{switches} switches between tasks on one thread"));
    }
    if !r.startup_ms.is_empty() {
        let list: Vec<String> = r.startup_ms.iter().map(|ms| format!("{ms:.0}")).collect();
        let what = if r.model.is_pool() {
            "thread"
        } else {
            "worker"
        };
        notes.push(format!("{what} start-up {} ms", list.join(" / ")));
    }
    if let Some(gil) = &r.gil {
        let waited: f64 = r
            .tasks
            .iter()
            .map(|t| crate::core::trace::time_in(&t.segments, crate::core::trace::State::WaitGil))
            .sum();
        notes.push(format!(
            "GIL: {} turns, {} forced switches every {} ms, {waited:.0} ms spent waiting for it",
            gil.holds.len(),
            gil.forced_switches,
            gil.switch_interval_ms
        ));
    }
    if let Some(ipc) = &r.ipc {
        let mut note = format!(
            "{} messages (chunksize {}), {:.1} KiB out / {:.1} KiB back",
            ipc.messages,
            ipc.chunksize,
            ipc.bytes_out as f64 / 1024.0,
            ipc.bytes_in as f64 / 1024.0
        );
        if ipc.payload_bytes > 0 {
            note.push_str(&format!(
                "; payloads {:.1} MiB by {}",
                ipc.payload_bytes as f64 / (1 << 20) as f64,
                ipc.payload_mode.label()
            ));
        }
        if ipc.source_detached == Some(true) {
            note.push_str(" — the page's buffers were detached: moved, not copied");
        }
        notes.push(note);
    }
    if let Some(probe) = &r.isolation {
        notes.push(if probe.isolated() {
            "isolated: a value written in worker 0 was not seen by the other workers or the page"
                .to_string()
        } else {
            "NOT isolated: another worker or the page saw worker 0's write".to_string()
        });
    }
    notes
}

fn caption(results: &Results) -> String {
    let c = &results.config;
    match &c.steps {
        Some(groups) => format!(
            "{} task(s), steps {}",
            c.tasks,
            crate::present::url_state::encode_steps(groups)
        ),
        None => format!("{} × {} task(s) of n = {}", c.workload.id(), c.tasks, c.n),
    }
}

/// The table.
#[function_component(ResultsTable)]
pub fn results_table(props: &ResultsProps) -> Html {
    let rows = props.results.models.iter().map(|r| {
        let id = r.model.info().id;
        let (answer, verified) = match r.status {
            Status::Ok => (
                match (r.answer, r.expected) {
                    (Some(a), _) => a.to_string(),
                    // A step profile gives each task its own answer: see the per-task rows.
                    (None, None) => "per task".to_string(),
                    (None, Some(_)) => "tasks disagree".to_string(),
                },
                if r.answer_ok { "✓ verified" } else { "✗ wrong" },
            ),
            Status::Unavailable => ("—".to_string(), "unavailable"),
            Status::Error => ("—".to_string(), "error"),
            Status::Cancelled => ("—".to_string(), "cancelled"),
            Status::Deadlocked => ("—".to_string(), "deadlocked (detected)"),
        };
        let ran = r.status == Status::Ok;
        html! {
            <tr data-testid={format!("result-{id}")} data-status={format!("{:?}", r.status).to_lowercase()}>
                <th scope="row">{ r.model.info().label }</th>
                <td data-testid={format!("wall-{id}")} class="num">{ if ran { format!("{:.1} ms", r.wall_ms) } else { "—".into() } }</td>
                <td data-testid={format!("speedup-{id}")} class="num">
                    { r.summary.speedup_vs_blocking.map_or(String::new(), |x| format!("{x:.2}×")) }
                </td>
                <td data-testid={format!("latency-{id}")} class="num">
                    { r.summary.latency_ms.map_or(String::new(), |d| format!("{:.0} / {:.0} / {:.0} ms", d.median, d.p95, d.max)) }
                </td>
                <td data-testid={format!("answer-{id}")} class="num">{ answer }</td>
                <td data-testid={format!("verified-{id}")} class={classes!("verified", (!r.answer_ok).then_some("bad"))}>{ verified }</td>
                <td data-testid={format!("threads-{id}")}>{ if ran { r.threads_used.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") } else { String::new() } }</td>
                <td data-testid={format!("freeze-{id}")} class="num">
                    { if ran { format!("{:.0} ms ({} beats)", r.heartbeat.longest_gap_ms, r.heartbeat.beats) } else { String::new() } }
                </td>
                <td class="notes">{ for notes(r).into_iter().map(|n| html! { <div>{ n }</div> }) }</td>
            </tr>
        }
    });
    let pending = props.running.map(|model| html! {
        <tr class="pending"><th scope="row">{ model.info().label }</th><td colspan="8">{ "running…" }</td></tr>
    });
    // Server mode: each model's run as siege printed it (seed 002).
    let sieges = props.results.models.iter().filter_map(|r| {
        let id = r.model.info().id;
        let text = crate::present::siege::report(r, siege_path(r.model))?;
        Some(html! {
            <figure class="siege" data-testid={format!("siege-{id}")}>
                <figcaption>{ format!("$ siege {} -c {} -r 1 (and GET / during the load) — {}", siege_path(r.model), r.tasks.len(), r.model.info().label) }</figcaption>
                <pre>{ text }</pre>
            </figure>
        })
    });
    html! {
        <>
        <table class="results" data-testid="results">
            <caption>{ caption(&props.results) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Model" }</th>
                    <th scope="col">{ "Wall time" }</th>
                    <th scope="col" title="Blocking wall time ÷ this model's">{ "Speedup" }</th>
                    <th scope="col" title="Per task, submit to result: median / p95 / max">{ "Latency p50 / p95 / max" }</th>
                    <th scope="col">{ "Answer" }</th>
                    <th scope="col">{ "Checked" }</th>
                    <th scope="col">{ "Ran on" }</th>
                    <th scope="col" title="Longest interval in which the page could not run a timer">{ "Longest UI freeze" }</th>
                    <th scope="col">{ "Notes" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows }
                { for pending }
            </tbody>
        </table>
        { for sieges }
        </>
    }
}

/// The seed's handler path for a model's server.
fn siege_path(model: Model) -> &'static str {
    match model {
        Model::Blocking => "/blocking/",
        Model::Async => "/async/",
        Model::PoolGil | Model::Pool | Model::Hybrid => "/threading/",
        Model::Processes => "/processing/",
    }
}
