//! `asyncio-gather` (seed 001): asyncio.gather: waits overlap, a blocking call stalls everyone.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, spec, step, undecided};
use crate::config::{AsyncMode, RunConfig};
use crate::models::Model;
use crate::report::Verdict;
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "asyncio-gather",
    title: "asyncio.gather: waits overlap, a blocking call stalls everyone",
    seed: "001",
    claim: "Tasks waiting 2, 3 and 1 units finish in about 3 units together (the longest), against 6 one after another; a blocking call inside one task stalls all the others.",
    look_for: "Timeline: the three waits side by side on the event loop; in the second run the blocking step (a run bar) holds the loop and the 1-unit task cannot finish before it ends.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let unit = size.pick(1000, 300);
    let waits = |a: u64, b: u64, c: u64| {
        Some(vec![
            vec![spec(WorkloadKind::Io, a * unit)],
            vec![spec(WorkloadKind::Io, b * unit)],
            vec![spec(WorkloadKind::Io, c * unit)],
        ])
    };
    vec![
        step(
            format!("A, B, C wait 2, 3, 1 units (1 unit = {unit} ms)"),
            RunConfig {
                steps: waits(2, 3, 1),
                tasks: 3,
                ..config(&[Model::Blocking, Model::Async])
            },
        ),
        step(
            "B makes a blocking call (3 units of CPU without await)",
            RunConfig {
                steps: Some(vec![
                    vec![spec(WorkloadKind::Io, 2 * unit)],
                    vec![spec(WorkloadKind::Cpu, 3 * unit)],
                    vec![spec(WorkloadKind::Io, unit)],
                ]),
                tasks: 3,
                async_mode: AsyncMode::Naive,
                ..config(&[Model::Async])
            },
        ),
    ]
}

fn judge(runs: &Runs) -> Verdict {
    let (Some(seq), Some(gathered), Some(stalled)) = (
        runs.get(0, Model::Blocking),
        runs.get(0, Model::Async),
        runs.get(1, Model::Async),
    ) else {
        return undecided("The blocking and async runs must verify.");
    };
    let longest = runs[0].config.task_steps(1)[0].n as f64;
    let within = (gathered.wall_ms - longest).abs() <= 0.1 * longest;
    let short = stalled
        .tasks
        .iter()
        .find(|t| t.task == 2)
        .map_or(0.0, |t| t.latency_ms());
    let blocking_ms = runs[1].config.task_steps(1)[0].n as f64;
    let stalls = short >= 0.9 * blocking_ms;
    Verdict {
        agrees: Some(within && stalls && seq.wall_ms > 1.8 * gathered.wall_ms),
        text: format!(
            "gather took {:.0} ms for waits of up to {longest:.0} ms ({}), one after another {:.0} ms. With a blocking call in B, the {:.0} ms task C finished only after {short:.0} ms: {}.",
            gathered.wall_ms,
            if within {
                "within 10% of the longest, as the article says"
            } else {
                "more than 10% off the longest"
            },
            seq.wall_ms,
            runs[1].config.task_steps(2)[0].n,
            if stalls {
                "the blocking call stalled it"
            } else {
                "it was not stalled — unexpected"
            },
        ),
    }
}
