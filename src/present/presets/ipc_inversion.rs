//! `ipc-inversion` (seed 000): The IPC inversion: big payload, small compute.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step, undecided};
use crate::config::{PayloadMode, RunConfig};
use crate::models::Model;
use crate::report::Verdict;
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "ipc-inversion",
    title: "The IPC inversion: big payload, small compute",
    seed: "000",
    claim: "Sending a big payload to a process costs more than the small computation on it: one thread wins; moving or sharing the buffer instead of pickling it cuts the cost. With CPU-heavy work and small payloads, processes win.",
    look_for: "Timeline: serialize / transfer / deserialize legs longer than the run bars with copy, shorter with transfer and shared memory.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    let kib = size.pick(16 * 1024, 4 * 1024);
    let data = RunConfig {
        workload: WorkloadKind::Data,
        n: kib,
        tasks: 4,
        workers: Some(cores),
        // Each model once unmeasured first: on a fresh page the one thread's transform
        // ran 4× slower (39 → 162 ms) before the engine's optimising tier, enough to
        // flip the verdict; the lesson is the copies, not the compiler.
        warmup: true,
        ..config(&[Model::Processes])
    };
    vec![
        step(
            "one thread, and processes with pickled copies",
            RunConfig {
                models: vec![Model::Blocking, Model::Processes],
                ..data.clone()
            },
        ),
        step(
            "processes, buffers transferred",
            RunConfig {
                payload: PayloadMode::Transfer,
                ..data.clone()
            },
        ),
        step(
            "processes, shared memory",
            RunConfig {
                payload: PayloadMode::Shared,
                ..data
            },
        ),
        step(
            "the other way round: CPU-heavy, tiny payloads",
            RunConfig {
                workload: WorkloadKind::Cpu,
                n: size.pick(350, 100),
                tasks: 4,
                workers: Some(cores),
                ..config(&[Model::Blocking, Model::Processes])
            },
        ),
    ]
}

fn judge(runs: &Runs) -> Verdict {
    let (Some(one), Some(copy)) = (
        runs.wall(0, Model::Blocking),
        runs.wall(0, Model::Processes),
    ) else {
        return undecided("The one-thread and copy runs must verify.");
    };
    let transfer = runs.wall(1, Model::Processes);
    let shared = runs.wall(2, Model::Processes);
    let cpu = (
        runs.wall(3, Model::Blocking),
        runs.wall(3, Model::Processes),
    );
    let cpu_text = match cpu {
        (Some(b), Some(p)) => format!(
            " With CPU-heavy tasks and tiny payloads, processes took {p:.0} ms against one thread's {b:.0} ms ({:.2}×).",
            b / p
        ),
        _ => String::new(),
    };
    Verdict {
        agrees: Some(copy > one),
        text: format!(
            "Big payloads, little work: one thread {one:.0} ms; processes with pickled copies {copy:.0} ms ({:.1}× slower){}{}.{cpu_text}",
            copy / one,
            transfer.map_or(String::new(), |t| format!(", transferred {t:.0} ms")),
            shared.map_or(", shared memory unavailable here".to_string(), |s| format!(
                ", shared memory {s:.0} ms"
            )),
        ),
    }
}
