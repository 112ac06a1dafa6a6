//! `chunksize-sweep` (seed 000): chunksize: many tiny tasks.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step, undecided};
use crate::config::{RunConfig, StartMethod};
use crate::models::Model;
use crate::report::{Status, Verdict};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "chunksize-sweep",
    title: "chunksize: many tiny tasks",
    seed: "000",
    claim: "One message per tiny task is mostly overhead; batching k tasks per message (chunksize) divides it by about k — until chunks are so big that one worker gets all the work.",
    look_for: "Messages and wall time per chunksize; at 256 one worker does everything (tail imbalance).",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    [1, 4, 16, 64, 256]
        .into_iter()
        .map(|k| {
            step(
                format!("chunksize {k}"),
                RunConfig {
                    // Fixed and tiny on purpose (≈ 0.3–5 µs anywhere): the messages are
                    // what is measured, and any kernel time only dilutes them.
                    workload: WorkloadKind::Count,
                    n: 1_000,
                    tasks: 256,
                    workers: Some(cores),
                    chunksize: k,
                    // Warm workers: the sweep measures messages, not start-up.
                    start: StartMethod::Warm,
                    warmup: k == 1,
                    ..config(&[Model::Processes])
                },
            )
        })
        .collect()
}

fn judge(runs: &Runs) -> Verdict {
    let per_task: Vec<(u32, f64, u32, usize)> = runs
        .iter()
        .filter_map(|r| {
            let p = r
                .models
                .iter()
                .find(|m| m.model == Model::Processes && m.status == Status::Ok)?;
            let ipc = p.ipc.as_ref()?;
            Some((
                ipc.chunksize,
                p.typical_wall_ms() * 1e3 / f64::from(r.config.tasks),
                ipc.messages,
                p.threads_used.len(),
            ))
        })
        .collect();
    let (Some(first), Some(last)) = (per_task.first(), per_task.last()) else {
        return undecided("The worker runs must complete.");
    };
    let list = per_task
        .iter()
        .map(|(k, us, m, _)| format!("k={k}: {us:.0} µs/task, {m} messages"))
        .collect::<Vec<_>>()
        .join("; ");
    Verdict {
        agrees: Some(last.1 * 5.0 <= first.1),
        text: format!(
            "{list}. From chunksize {} to {} the cost per task fell {:.1}×; at {} {} worker(s) did all the work.",
            first.0,
            last.0,
            first.1 / last.1.max(1e-9),
            last.0,
            last.3
        ),
    }
}
