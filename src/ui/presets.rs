//! The preset picker: the seed articles' experiments, what they claim, what to look at, and —
//! after a run — whether this machine agreed.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::present::presets::{self, Preset};
use crate::report::Results;

/// Props of [`PresetPanel`].
#[derive(Debug, Properties, PartialEq)]
pub struct PresetProps {
    /// The preset picked, if any.
    pub picked: Option<&'static Preset>,
    /// A run is in progress.
    pub running: bool,
    /// The last run's results: their preset report, if the last run was a preset, is shown.
    pub results: Option<super::state::Shared<Results>>,
    /// A preset was picked (`None`: back to the controls).
    pub on_pick: Callback<Option<&'static Preset>>,
    /// Run was pressed.
    pub on_run: Callback<()>,
}

/// The panel.
#[function_component(PresetPanel)]
pub fn preset_panel(props: &PresetProps) -> Html {
    let on_change = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_pick.emit(presets::find(&select.value()));
        })
    };
    let report = props
        .results
        .as_ref()
        .and_then(|r| r.preset.as_ref())
        .filter(|r| props.picked.is_some_and(|p| p.name == r.name));
    html! {
        <section class="presets" data-testid="presets" aria-labelledby="presets-title">
            <h2 id="presets-title">{ "Experiments from the articles" }</h2>
            <label>
                { "Preset " }
                <select data-testid="preset" onchange={on_change} disabled={props.running}>
                    <option value="" selected={props.picked.is_none()}>{ "— none: run the settings below —" }</option>
                    { for presets::PRESETS.iter().map(|p| html! {
                        <option value={p.name} selected={props.picked.is_some_and(|q| q.name == p.name)}>
                            { format!("{} — {}", p.name, p.title) }
                        </option>
                    }) }
                </select>
            </label>
            if let Some(preset) = props.picked {
                <div class="preset" data-testid="preset-info" data-preset={preset.name}>
                    <p><strong>{ "The article says " }</strong>{ format!("(seed {}): ", preset.seed) }{ preset.claim }</p>
                    <p><strong>{ "Look at: " }</strong>{ preset.look_for }</p>
                    <button type="button" data-testid="run-preset" disabled={props.running}
                        onclick={props.on_run.reform(|_| ())}>
                        { if props.running { "Running…" } else { "Run this experiment" } }
                    </button>
                    if let Some(report) = report {
                        <p class={classes!("verdict", match report.verdict.agrees {
                                Some(true) => "agree", Some(false) => "disagree", None => "" })}
                            data-testid="preset-verdict"
                            data-agrees={report.verdict.agrees.map_or("unknown".to_string(), |a| a.to_string())}>
                            <strong>{ match report.verdict.agrees {
                                Some(true) => "Your measurement agrees with the article. ",
                                Some(false) => "Your measurement disagrees with the article. ",
                                None => "Undecided. ",
                            } }</strong>
                            { &report.verdict.text }
                        </p>
                        <details>
                            <summary>{ format!("The {} runs", report.steps.len()) }</summary>
                            <div class="table-scroll">
                                <table class="data-table" data-testid="preset-steps">
                                    <thead><tr><th scope="col">{ "Run" }</th><th scope="col">{ "Model" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Wall" }</th></tr></thead>
                                    <tbody>
                                        { for report.steps.iter().flat_map(|(label, doc)| doc.models.iter().map(move |r| html! {
                                            <tr>
                                                <td>{ label }</td>
                                                <td>{ r.model.info().label }</td>
                                                <td>{ format!("{:?}", r.status).to_lowercase() }</td>
                                                <td class="num">{ format!("{:.0} ms", r.typical_wall_ms()) }</td>
                                            </tr>
                                        })) }
                                    </tbody>
                                </table>
                            </div>
                        </details>
                    }
                </div>
            }
        </section>
    }
}
