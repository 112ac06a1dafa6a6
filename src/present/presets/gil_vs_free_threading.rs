//! `gil-vs-free-threading` (seed 000 §5): The GIL vs free-threading: CPU-bound scaling.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step, undecided};
use crate::config::RunConfig;
use crate::models::Model;
use crate::report::{ModelResult, Verdict, starved};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "gil-vs-free-threading",
    title: "The GIL vs free-threading: CPU-bound scaling",
    seed: "000 §5",
    claim: "With the GIL, CPU-bound Python threads do not scale (sometimes they slow down); free-threaded Python 3.13t scales with the cores.",
    look_for: "Scaling: the GIL's flat line at 1× against the free-threaded line rising towards the cores.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    vec![step(
        format!("1 to {} threads", cores.max(4)),
        RunConfig {
            // Many GIL switch intervals per task on any machine.
            workload: WorkloadKind::Cpu,
            n: size.pick(175, 50),
            tasks: cores.max(4) * 2,
            workers: Some(cores.max(4)),
            sweep: true,
            // Each worker count starts a new pool: warm it, or the first runs on fresh
            // threads (still in the baseline compiler) make the baseline look slow.
            warmup: true,
            // The median of three per point: one noisy run would bend the curve.
            repeats: 3,
            ..config(&[Model::PoolGil, Model::Pool])
        },
    )]
}

fn judge(runs: &Runs) -> Verdict {
    let Some(run) = runs.first() else {
        return undecided("The sweep must run.");
    };
    let speedup = |m: Model| {
        let points: Vec<_> = run.scaling.iter().filter(|p| p.model == m).collect();
        let one = points.iter().find(|p| p.workers == 1)?.wall_ms;
        let most = points.iter().max_by_key(|p| p.workers)?;
        Some((most.workers, one / most.wall_ms))
    };
    let (Some((n, gil)), Some((_, free))) = (speedup(Model::PoolGil), speedup(Model::Pool)) else {
        return undecided("Both pools must run (they need a cross-origin isolated page).");
    };
    let cores = run.environment.hardware_concurrency;
    // Free threads scale with the cores the machine gives them, which may be fewer
    // than it has: with a page throttled by DevTools (whose stopped main thread
    // spins: 87% of a core when idle, against 15%), two cores gave four free threads
    // 1.39–1.52×; beside a program that keeps a core busy, 1.0×. So the verdict asks
    // what the free threads' own clocks say they got — the share of their computing
    // time they were on a core, times the threads — decides only where that was more
    // than one core's worth, and then asks that they used most of it.
    let got = runs
        .get(0, Model::Pool)
        .and_then(ModelResult::cores_offered);
    if let Some(got) = starved(got, cores) {
        return undecided(&format!(
            "At {n} threads the free threads got only {got:.1} cores' worth of CPU here (something else is using the others): free-threading cannot show its scaling, and the GIL's {gil:.2}× beside its {free:.2}× decides nothing. Try again on an idle machine."
        ));
    }
    let offered = got.map_or(f64::from(cores), |o| o.min(f64::from(cores)));
    Verdict {
        agrees: Some(gil < 1.15 && (cores < 2 || (free > 1.1 && free >= 0.75 * offered))),
        text: format!(
            "At {n} threads: with the GIL {gil:.2}× the one-thread speed, free-threaded {free:.2}×{}.",
            if cores < 2 {
                " (one core here: nothing can scale)".to_string()
            } else {
                format!(" on {cores} cores (the free threads got {offered:.1} cores' worth)")
            }
        ),
    }
}
