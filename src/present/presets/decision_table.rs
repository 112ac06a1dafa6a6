//! `decision-table` (seed 000, 001): Fill the decision table.

use super::preset::{Preset, PresetStep, Runs, Sizing};
use crate::report::Verdict;

pub(super) const PRESET: Preset = Preset {
    name: "decision-table",
    title: "Fill the decision table",
    seed: "000, 001",
    claim: "I/O-bound → threads or asyncio; CPU-bound → processes (or free-threaded threads); big data → beware the IPC cost.",
    look_for: "The decision table: each workload class's fastest model here next to the articles' advice.",
    plan,
    judge,
};

/// The small versions of the three presets whose results fill the table, one after another.
fn plan(size: Sizing) -> Vec<PresetStep> {
    [
        super::threads_vs_processes::PRESET,
        super::ipc_inversion::PRESET,
        super::chunksize_sweep::PRESET,
    ]
    .into_iter()
    .flat_map(|p| {
        p.steps(size.cores, true)
            .into_iter()
            .map(move |s| PresetStep {
                label: format!("{}: {}", p.name, s.label),
                config: s.config,
            })
    })
    .collect()
}

/// The table is the verdict: it decides nothing alone.
fn judge(_: &Runs) -> Verdict {
    Verdict {
        agrees: None,
        text:
            "See the decision table: each class's fastest model here beside the articles' advice."
                .to_string(),
    }
}
