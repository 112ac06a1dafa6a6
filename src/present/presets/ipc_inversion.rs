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
    claim: "Sending a big payload to a process costs far more than the small computation on it: one thread wins, by 3× or more; moving or sharing the buffer instead of pickling it cuts the loss. With CPU-heavy work and small payloads, processes win.",
    look_for: "Timeline: serialize / transfer / deserialize legs longer than the run bars with copy, shorter with transfer and shared memory.",
    plan,
    judge,
};

/// The same experiment in CPython on this machine kind (2 cores, 3.11.7): four 16 MiB payloads,
/// `sum(p[::64])` each.
const CPYTHON: &str = "In CPython (2 cores, 3.11) four 16 MiB payloads summarised this way take 12 ms on one thread and 170 ms through ProcessPoolExecutor(2): 15× slower, since pickling runs at about 1.4 GB/s and every task pays a pipe round trip both ways.";

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    // 16 MiB per task at either size: with 4 MiB the fixed costs of a message (the worker's
    // memory growing, the wake-ups) hid what transferring saves (copy 70 ms, transfer 69 ms);
    // with 16 MiB the copies show (132 against 84 ms), and the run still takes well under a
    // second.
    let kib = 16 * 1024;
    let data = RunConfig {
        workload: WorkloadKind::Data,
        n: kib,
        tasks: 4,
        workers: Some(cores),
        // Each model once unmeasured first: on a fresh page the one thread's kernel ran 4×
        // slower (39 → 162 ms) before the engine's optimising tier; the lesson is the copies,
        // not the compiler.
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
    // The copies must dwarf the work; the other ways must cut the loss; and the CPU-heavy
    // counterpart must still win in processes.
    let loses = copy >= 3.0 * one;
    let cut = transfer.is_none_or(|t| t < copy) && shared.is_none_or(|s| s < copy);
    let cpu_wins = match cpu {
        (Some(b), Some(p)) => Some(p < b),
        _ => None,
    };
    Verdict {
        agrees: cpu_wins.map(|wins| loses && cut && wins),
        text: format!(
            "Big payloads, little work: one thread {one:.0} ms; processes with pickled copies {copy:.0} ms ({:.1}× slower{}){}{}.{cpu_text} {CPYTHON}",
            copy / one,
            if loses {
                ""
            } else {
                ", less than the 3× the lesson needs"
            },
            transfer.map_or(String::new(), |t| format!(", transferred {t:.0} ms")),
            shared.map_or(", shared memory unavailable here".to_string(), |s| format!(
                ", shared memory {s:.0} ms"
            )),
        ),
    }
}
