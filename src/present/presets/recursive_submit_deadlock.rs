//! `recursive-submit-deadlock` (seed 000): The recursive-submit deadlock.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step};
use crate::config::{Nesting, RunConfig};
use crate::models::Model;
use crate::report::{Status, Verdict};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "recursive-submit-deadlock",
    title: "The recursive-submit deadlock",
    seed: "000",
    claim: "A task that submits to its own executor and waits for the result deadlocks once every worker is such a task; a separate executor for the sub-tasks avoids it.",
    look_for: "The first run is stopped as deadlocked, with the explanation; in the second the parents block (blocked bars) while the sub-pool computes.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let base = RunConfig {
        workload: WorkloadKind::Cpu,
        n: size.pick(35, 5),
        tasks: 2,
        workers: Some(2),
        ..config(&[Model::Pool])
    };
    vec![
        step(
            "sub-tasks in the same pool of 2",
            RunConfig {
                nested: Nesting::SamePool,
                ..base.clone()
            },
        ),
        step(
            "sub-tasks in a separate pool",
            RunConfig {
                nested: Nesting::SeparatePool,
                ..base
            },
        ),
    ]
}

fn judge(runs: &Runs) -> Verdict {
    let stuck = runs
        .first()
        .and_then(|r| r.models.first())
        .map(|r| r.status);
    let done = runs.get(1, Model::Pool);
    Verdict {
        agrees: Some(stuck == Some(Status::Deadlocked) && done.is_some()),
        text: format!(
            "Same pool: {}. Separate pool: {}.",
            match stuck {
                Some(Status::Deadlocked) => "deadlocked, detected and stopped",
                Some(Status::Unavailable) => "unavailable (needs a cross-origin isolated page)",
                _ => "did not deadlock",
            },
            done.map_or("did not complete".to_string(), |r| format!(
                "completed in {:.0} ms",
                r.wall_ms
            )),
        ),
    }
}
